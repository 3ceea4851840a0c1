//! Helpers shared by the Raft test suites: drive a cluster by hand through the
//! simulator's manual mode (fire a timer, deliver or drop chosen messages) and
//! read the servers' state.

#![allow(dead_code)]

pub mod chaos;

use concord_core::raft::{
    ClientReply, Command, Entry, Msg, Op, Outcome, RaftConfig, RaftNode, Role, Rule, Term, Timer,
};
use concord_core::sim::{Action, Envelope, Input, NodeId, Sim, SimConfig, StepReport};

pub fn cluster(n: usize, config: RaftConfig) -> Sim<RaftNode> {
    let sim_config = SimConfig {
        seed: 1,
        nodes: n,
        net: Default::default(),
    };
    Sim::new(sim_config, &config).unwrap()
}

/// Apply an intervention now (manual mode: the clock does not move).
pub fn act(sim: &mut Sim<RaftNode>, action: Action<RaftNode>) -> StepReport<RaftNode> {
    let at = sim.now();
    sim.apply(Input::Act { at, action }).unwrap()
}

pub fn timeout(sim: &mut Sim<RaftNode>, node: u16) -> StepReport<RaftNode> {
    act(sim, Action::Fire(NodeId(node), Timer::Election))
}

pub fn heartbeat(sim: &mut Sim<RaftNode>, node: u16) -> StepReport<RaftNode> {
    act(sim, Action::Fire(NodeId(node), Timer::Heartbeat))
}

pub fn crash(sim: &mut Sim<RaftNode>, node: u16) {
    act(sim, Action::Crash(NodeId(node)));
}

pub fn restart(sim: &mut Sim<RaftNode>, node: u16) -> StepReport<RaftNode> {
    act(sim, Action::Restart(NodeId(node)))
}

pub fn partition(sim: &mut Sim<RaftNode>, groups: &[&[u16]]) {
    let groups = groups
        .iter()
        .map(|g| g.iter().map(|&i| NodeId(i)).collect())
        .collect();
    act(sim, Action::Partition(groups));
}

pub fn heal(sim: &mut Sim<RaftNode>) {
    act(sim, Action::Heal);
}

/// Client `client` asks server `node` to run `op` as its request number `seq`.
pub fn request(
    sim: &mut Sim<RaftNode>,
    node: u16,
    client: u32,
    seq: u64,
    op: &str,
) -> StepReport<RaftNode> {
    let op: Op = op.parse().unwrap();
    act(
        sim,
        Action::Command(NodeId(node), Command::Client { client, seq, op }),
    )
}

pub fn in_flight(sim: &Sim<RaftNode>, pred: impl Fn(&Envelope<Msg>) -> bool) -> Vec<Envelope<Msg>> {
    sim.in_flight().filter(|e| pred(e)).cloned().collect()
}

/// Deliver, now and in id order, every message in flight that matches `pred`
/// (across a partition, "delivering" drops it). Returns the rules that fired.
pub fn deliver(sim: &mut Sim<RaftNode>, pred: impl Fn(&Envelope<Msg>) -> bool) -> Vec<Rule> {
    let mut rules = Vec::new();
    for env in in_flight(sim, pred) {
        rules.extend(act(sim, Action::Deliver(env.id)).rules);
    }
    rules
}

/// Remove every message in flight that matches `pred`.
pub fn drop_msgs(sim: &mut Sim<RaftNode>, pred: impl Fn(&Envelope<Msg>) -> bool) {
    for env in in_flight(sim, pred) {
        act(sim, Action::Drop(env.id));
    }
}

pub fn drop_all(sim: &mut Sim<RaftNode>) {
    drop_msgs(sim, |_| true);
}

/// Deliver messages, including the ones they cause, until none is in flight.
pub fn stabilize(sim: &mut Sim<RaftNode>) -> Vec<Rule> {
    let mut rules = Vec::new();
    for _ in 0..1_000 {
        if sim.in_flight().next().is_none() {
            return rules;
        }
        rules.extend(deliver(sim, |_| true));
    }
    panic!("messages still in flight after 1000 rounds");
}

/// Make `node` time out and win an election among the servers it can reach.
pub fn elect(sim: &mut Sim<RaftNode>, node: u16) -> Vec<Rule> {
    timeout(sim, node);
    deliver(sim, |e| is_vote_request(e) && e.from == NodeId(node));
    let rules = deliver(sim, |e| is_vote_reply(e) && e.to == NodeId(node));
    assert_eq!(
        role(sim, node),
        Role::Leader,
        "S{} did not win: {rules:?}",
        node + 1
    );
    rules
}

/// A leader's heartbeat round, delivered until quiet: followers learn the commit index.
pub fn settle(sim: &mut Sim<RaftNode>, leader: u16) -> Vec<Rule> {
    heartbeat(sim, leader);
    stabilize(sim)
}

pub fn is_vote_request(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::RequestVote { .. })
}

pub fn is_vote_reply(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::RequestVoteReply { .. })
}

pub fn is_append(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::AppendEntries { .. })
}

pub fn to(node: u16) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| e.to == NodeId(node)
}

pub fn node(sim: &Sim<RaftNode>, node: u16) -> &RaftNode {
    &sim.nodes()[node as usize].state
}

pub fn role(sim: &Sim<RaftNode>, n: u16) -> Role {
    node(sim, n).role()
}

pub fn term(sim: &Sim<RaftNode>, n: u16) -> Term {
    node(sim, n).term()
}

/// The terms of a server's log entries, index 1 first: Figure 7's way of drawing a log.
pub fn terms(sim: &Sim<RaftNode>, n: u16) -> Vec<Term> {
    node(sim, n)
        .persistent
        .log
        .stored()
        .iter()
        .map(|e| e.term)
        .collect()
}

pub fn log(sim: &Sim<RaftNode>, n: u16) -> &[Entry] {
    node(sim, n).persistent.log.stored()
}

pub fn commit(sim: &Sim<RaftNode>, n: u16) -> u64 {
    node(sim, n).volatile.commit_index
}

pub fn value(sim: &Sim<RaftNode>, n: u16, key: &str) -> Option<i64> {
    node(sim, n).volatile.state_machine.data.get(key).copied()
}

/// Every answer client `client` got for request `seq`, from any server.
pub fn replies(sim: &Sim<RaftNode>, client: u32, seq: u64) -> Vec<ClientReply> {
    sim.nodes()
        .iter()
        .flat_map(|s| &s.state.replies)
        .filter(|r| (r.client, r.seq) == (client, seq))
        .cloned()
        .collect()
}

/// The answers that report the request done, as `(index, value)`.
pub fn done(sim: &Sim<RaftNode>, client: u32, seq: u64) -> Vec<(u64, Option<i64>)> {
    replies(sim, client, seq)
        .into_iter()
        .filter_map(|r| match r.outcome {
            Outcome::Done { index, value } => Some((index, value)),
            Outcome::NotLeader { .. } | Outcome::Refused { .. } => None,
        })
        .collect()
}

pub fn violations(sim: &Sim<RaftNode>) -> Vec<String> {
    sim.violations()
        .iter()
        .map(|v| format!("{} at step {}: {}", v.invariant, v.step, v.detail))
        .collect()
}

pub fn assert_no_violations(sim: &Sim<RaftNode>) {
    assert!(
        sim.violations().is_empty(),
        "violations: {:#?}",
        violations(sim)
    );
}

pub fn count(rules: &[Rule], pred: impl Fn(&Rule) -> bool) -> usize {
    rules.iter().filter(|r| pred(r)).count()
}

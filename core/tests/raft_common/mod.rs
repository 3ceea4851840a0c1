//! Helpers shared by the Raft test suites: drive a cluster by hand through the
//! simulator's manual mode (the shared [`driver`], and Raft's own moves: time out, elect,
//! settle), the situations most tests start from and the settings with one switch changed, and
//! read the servers' state.

#![allow(dead_code, unused_imports)]

#[path = "../driver/mod.rs"]
pub mod driver;

pub use driver::{act, deliver, drop_msgs, in_flight, stabilize};

use concord_core::raft::{
    Change, ClientReply, Command, Entry, Msg, Op, Outcome, RaftConfig, RaftNode, Role, Rule, Term,
    Timer,
};
use concord_core::sim::{Action, Envelope, NodeId, Sim, StepReport};

/// A cluster of `n` servers, seed 1.
pub fn cluster(n: usize, config: RaftConfig) -> Sim<RaftNode> {
    driver::cluster(n, 1, &config)
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

pub fn drop_all(sim: &mut Sim<RaftNode>) {
    drop_msgs(sim, |_| true);
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

/// `n` servers, S1 elected and its first round of AppendEntries (with the no-op of §8, unless
/// switched off) delivered until quiet.
pub fn led(n: usize, config: RaftConfig) -> Sim<RaftNode> {
    let mut sim = cluster(n, config);
    elect(&mut sim, 0);
    stabilize(&mut sim);
    sim
}

/// [`led`], then client 1's first request, `set x 1`, committed and applied everywhere (a
/// heartbeat round tells the followers).
pub fn with_x_set(n: usize, config: RaftConfig) -> Sim<RaftNode> {
    let mut sim = led(n, config);
    request(&mut sim, 0, 1, 1, "set x 1");
    stabilize(&mut sim);
    settle(&mut sim, 0);
    sim
}

/// The default settings without the leader's no-op (§8), as in the paper's figures.
pub fn no_noop() -> RaftConfig {
    RaftConfig {
        noop_on_election: false,
        ..RaftConfig::default()
    }
}

/// The default settings with CheckQuorum (thesis §6.2) on.
pub fn check_quorum() -> RaftConfig {
    RaftConfig {
        check_quorum: true,
        ..RaftConfig::default()
    }
}

/// The default settings with PreVote (thesis §9.6) on.
pub fn pre_vote() -> RaftConfig {
    RaftConfig {
        pre_vote: true,
        ..RaftConfig::default()
    }
}

/// Client 9 asks server `node` for the membership change `what` as its request `seq`.
pub fn change(sim: &mut Sim<RaftNode>, node: u16, seq: u64, what: Change) -> StepReport<RaftNode> {
    let cmd = Command::Change {
        client: 9,
        seq,
        change: what,
    };
    act(sim, Action::Command(NodeId(node), cmd))
}

/// A leader's heartbeat round, delivered until quiet: followers learn the commit index.
pub fn settle(sim: &mut Sim<RaftNode>, leader: u16) -> Vec<Rule> {
    heartbeat(sim, leader);
    stabilize(sim)
}

pub fn is_vote_request(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::RequestVote(_))
}

/// The RequestVote from candidate `from` to server `to`.
pub fn vote_request(from: u16, to: u16) -> impl Fn(&Envelope<Msg>) -> bool {
    move |e| is_vote_request(e) && (e.from, e.to) == (NodeId(from), NodeId(to))
}

pub fn is_vote_reply(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::RequestVoteReply(_))
}

pub fn is_append(e: &Envelope<Msg>) -> bool {
    matches!(e.msg, Msg::AppendEntries(_))
}

/// How many entries each AppendEntries in flight carries, in id order.
pub fn entries_carried(sim: &Sim<RaftNode>) -> Vec<usize> {
    in_flight(sim, is_append)
        .iter()
        .map(|e| match &e.msg {
            Msg::AppendEntries(append) => append.entries.len(),
            _ => unreachable!(),
        })
        .collect()
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

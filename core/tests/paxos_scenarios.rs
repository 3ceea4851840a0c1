//! The classic single-decree Paxos situations, scripted: one proposer; a second proposer that
//! must adopt the first one's value; dueling proposers that livelock; an acceptor crash that
//! leaves a majority; lost Accept messages; a proposer crashing mid-round. And, with each
//! "break it" switch, a delivery order that gets two different values chosen.
//!
//! Each test keeps a copy of the invariant checker's memory ([`Audit`]) beside the engine, by
//! running the same check after every step, so it can ask what is chosen.

use concord_core::paxos::{
    AGREEMENT, Audit, Breaks, Command, LEARN_ONLY_CHOSEN, Msg, PaxosConfig, PaxosNode, ProposalNum,
    Rule, Stage, Timer, invariants,
};
use concord_core::sim::{
    Action, Envelope, NetConfig, NodeId, Sim, StepReport, Time, Violation, ms,
};

mod paxos_common;
use paxos_common::*;

/// A simulation, the checker's memory, and every rule fired so far.
struct Lab {
    sim: Sim<PaxosNode>,
    audit: Audit,
    rules: Vec<(u64, Rule)>,
}

impl Lab {
    fn new(config: PaxosConfig, seed: u64) -> Self {
        Lab {
            sim: driver::cluster(config.nodes(), seed, &config),
            audit: Audit::default(),
            rules: Vec::new(),
        }
    }

    /// Proposers wait for commands.
    fn quiet(config: PaxosConfig) -> Self {
        Lab::new(
            PaxosConfig {
                propose_at_start: false,
                ..config
            },
            1,
        )
    }

    /// Proposers wait for commands; the "break it" switches of `breaks` are on.
    fn broken(breaks: Breaks) -> Self {
        Lab::quiet(PaxosConfig {
            breaks,
            ..PaxosConfig::default()
        })
    }

    fn record(&mut self, report: StepReport<PaxosNode>) -> StepReport<PaxosNode> {
        let found = invariants::check(&mut self.audit, self.sim.nodes());
        assert_eq!(
            found.len(),
            report.violations.len(),
            "shadow checker agrees"
        );
        let step = report.step;
        self.rules
            .extend(report.rules.iter().cloned().map(|r| (step, r)));
        report
    }

    fn act(&mut self, action: Action<PaxosNode>) -> StepReport<PaxosNode> {
        let report = driver::act(&mut self.sim, action);
        self.record(report)
    }

    fn run_until(&mut self, until: Time) {
        while self.sim.next_event_time().is_some_and(|t| t <= until) {
            let report = self.sim.step().unwrap();
            self.record(report);
        }
    }

    fn run_for(&mut self, duration: Time) {
        self.run_until(self.sim.now() + duration);
    }

    fn propose(&mut self, node: NodeId, value: &str) -> StepReport<PaxosNode> {
        self.act(Action::Command(node, Command::Propose(value.into())))
    }

    fn fire(&mut self, node: NodeId, timer: Timer) -> StepReport<PaxosNode> {
        self.act(Action::Fire(node, timer))
    }

    fn in_flight(&self, pred: impl Fn(&Envelope<Msg>) -> bool) -> Vec<Envelope<Msg>> {
        driver::in_flight(&self.sim, pred)
    }

    /// Deliver, now and in id order, every message in flight that matches `pred`.
    fn deliver(&mut self, pred: impl Fn(&Envelope<Msg>) -> bool) -> Vec<Rule> {
        let mut rules = Vec::new();
        for env in self.in_flight(pred) {
            rules.extend(self.act(Action::Deliver(env.id)).rules);
        }
        rules
    }

    fn drop(&mut self, pred: impl Fn(&Envelope<Msg>) -> bool) {
        for env in self.in_flight(pred) {
            self.act(Action::Drop(env.id));
        }
    }

    /// `proposer`'s Prepare reaches `acceptors`, and their answers come back.
    fn phase_one(&mut self, proposer: NodeId, acceptors: &[NodeId]) -> Vec<Rule> {
        self.phase(proposer, acceptors, |m| matches!(m, Msg::Prepare { .. }))
    }

    /// `proposer`'s Accept reaches `acceptors`; their answers to it come back.
    fn phase_two(&mut self, proposer: NodeId, acceptors: &[NodeId]) -> Vec<Rule> {
        self.phase(proposer, acceptors, |m| matches!(m, Msg::Accept { .. }))
    }

    /// `proposer`'s requests of the phase (`is_request`) reach `acceptors`, one after the other;
    /// then their answers come back.
    fn phase(
        &mut self,
        proposer: NodeId,
        acceptors: &[NodeId],
        is_request: impl Fn(&Msg) -> bool,
    ) -> Vec<Rule> {
        let mut rules = Vec::new();
        for &a in acceptors {
            rules.extend(self.deliver(|e| (e.from, e.to) == (proposer, a) && is_request(&e.msg)));
        }
        for &a in acceptors {
            rules.extend(self.deliver(|e| (e.from, e.to) == (a, proposer)));
        }
        rules
    }

    fn node(&self, id: NodeId) -> &PaxosNode {
        &self.sim.nodes()[id.index()].state
    }

    fn learned(&self, id: NodeId) -> Option<&str> {
        self.node(id).learned().map(|p| p.value.as_str())
    }

    fn chosen(&self) -> Option<&str> {
        self.audit.chosen_value().map(String::as_str)
    }

    fn violations(&self, invariant: &str) -> Vec<&Violation> {
        self.sim
            .violations()
            .iter()
            .filter(|v| v.invariant == invariant)
            .collect()
    }

    /// The step at which the first rule matching `pred` fired.
    fn step_of(&self, pred: impl Fn(&Rule) -> bool) -> Option<u64> {
        self.rules.iter().find(|(_, r)| pred(r)).map(|&(s, _)| s)
    }
}

/// One proposer: Prepare, promises, Accept, acceptances — the value is chosen, the proposer
/// knows it, the learner learns it. The simulation knows it is chosen first: as soon as the
/// second acceptor accepts, before any Accepted message has arrived.
#[test]
fn a_single_proposer_gets_its_value_chosen() {
    let mut lab = Lab::new(PaxosConfig::separate(1, 3, 1), 7);
    lab.run_for(ms(1_000));
    assert!(lab.sim.violations().is_empty());
    assert_eq!(lab.chosen(), Some("A"));
    assert_eq!(lab.node(S1).stage(), Stage::Done);
    assert_eq!(lab.learned(NodeId(4)), Some("A"));
    assert_eq!(lab.node(S1).volatile.proposer.retries, 0);
    let chosen_at = lab.audit.first_chosen().unwrap().step;
    let learned_at = lab.step_of(|r| matches!(r, Rule::Learn { .. })).unwrap();
    let proposer_knew_at = lab.step_of(|r| matches!(r, Rule::Chosen { .. })).unwrap();
    assert!(chosen_at < learned_at && chosen_at < proposer_knew_at);
    // Once chosen and known, nothing is left to do.
    assert_eq!(lab.sim.next_event_time(), None);
}

/// §2.2, P2c: S1 gets A chosen; S2 then proposes B, but its phase 1 reaches an acceptor that
/// accepted A, so it must adopt A. The chosen value never changes.
#[test]
fn a_second_proposer_must_adopt_the_first_value() {
    let mut lab = Lab::quiet(PaxosConfig::default());
    lab.propose(S1, "A");
    lab.run_for(ms(500));
    assert_eq!(lab.chosen(), Some("A"));
    let rules = {
        lab.propose(S2, "B");
        let before = lab.rules.len();
        lab.run_for(ms(500));
        lab.rules[before..].to_vec()
    };
    assert!(rules.iter().any(|(_, r)| *r
        == Rule::AdoptValue {
            n: n(1, S2),
            value: "A".into(),
            accepted_in: n(1, S1),
            own: "B".into()
        }));
    assert_eq!(lab.node(S2).stage(), Stage::Done);
    assert_eq!(
        lab.node(S2).volatile.proposer.proposed.as_deref(),
        Some("A")
    );
    // Chosen twice — under 1.1 and under 1.2 — but always A.
    let numbers: Vec<ProposalNum> = lab.audit.chosen.iter().map(|c| c.n).collect();
    assert_eq!(numbers, vec![n(1, S1), n(1, S2)]);
    assert_eq!(lab.audit.chosen_values(), vec!["A"]);
    assert_eq!(lab.learned(S6), Some("A"));
    assert!(lab.sim.violations().is_empty());
}

/// S1 proposes A; its Prepare(1.1) reaches S3, S4 and S5, whose promises come back.
fn s1_promised_by_s3_s4_s5() -> Lab {
    let mut lab = Lab::quiet(PaxosConfig::default());
    lab.propose(S1, "A");
    lab.phase_one(S1, &[S3, S4, S5]);
    lab
}

/// A proposer may crash mid-round. S1's Accept(1.1, A) reaches two acceptors — A is chosen —
/// and S1 crashes before hearing back; the learner hears nothing. Only the simulation knows A
/// is chosen. S2, proposing B, learns of A in phase 1 and completes it.
#[test]
fn a_proposer_crashing_after_its_value_was_chosen_is_completed_by_another() {
    let mut lab = s1_promised_by_s3_s4_s5();
    lab.deliver(|e| e.from == S1 && (e.to == S3 || e.to == S4));
    lab.act(Action::Crash(S1));
    lab.drop(|e| matches!(e.msg, Msg::Accepted { .. }));
    assert_eq!(lab.chosen(), Some("A"), "chosen, though nobody knows yet");
    assert_eq!(lab.learned(S6), None);

    lab.propose(S2, "B");
    lab.run_for(ms(500));
    assert_eq!(lab.learned(S6), Some("A"));
    assert_eq!(
        lab.node(S2).volatile.proposer.proposed.as_deref(),
        Some("A")
    );
    assert!(lab.sim.violations().is_empty());
}

/// §2.4: two proposers can keep pre-empting each other. Each time one has its promises, the
/// other's Prepare (with a higher number) reaches the acceptors before its Accept does; the
/// Accept is refused, it retries with a still higher number, and the same happens to the other.
/// Scripted here for six rounds; nothing is chosen. Then the network is left to itself.
#[test]
fn dueling_proposers_livelock_for_several_rounds() {
    let config = PaxosConfig {
        randomized_backoff: false,
        ..PaxosConfig::default()
    };
    let mut lab = Lab::quiet(config);
    let all = [S3, S4, S5];
    lab.propose(S1, "A");
    lab.phase_one(S1, &all); // S1's Accept(1.1) is on its way …
    lab.propose(S2, "B"); // … and S2's Prepare(1.2) too.
    let (mut ahead, mut behind) = (S1, S2);
    for _ in 0..6 {
        // `behind` completes phase 1 first: its Prepare overtakes `ahead`'s Accept.
        let rules = lab.phase_one(behind, &all);
        assert!(rules.iter().any(|r| matches!(r, Rule::SendAccept { .. })));
        // `ahead`'s Accept arrives too late: refused by all three.
        let rules = lab.phase_two(ahead, &all);
        assert_eq!(
            rules
                .iter()
                .filter(|r| matches!(r, Rule::NackAccept { .. }))
                .count(),
            3
        );
        assert!(rules.iter().any(|r| matches!(r, Rule::Abandon { .. })));
        // It backs off for the fixed delay and retries with a higher number.
        let rules = lab.fire(ahead, Timer::Retry).rules;
        assert!(matches!(rules[0], Rule::Retry { .. }));
        (ahead, behind) = (behind, ahead);
    }
    assert_eq!(lab.chosen(), None, "six rounds, nothing chosen");
    assert!(lab.node(S1).volatile.proposer.retries >= 3);
    assert!(lab.node(S2).volatile.proposer.retries >= 3);
    assert!(lab.node(S1).persistent.round >= 6 && lab.node(S2).persistent.round >= 6);
    // Left alone, the varying latency lets one of them through.
    lab.run_for(ms(2_000));
    assert!(lab.chosen().is_some());
    assert_eq!(lab.audit.chosen_values().len(), 1);
    assert!(lab.sim.violations().is_empty());
}

/// §2.4: "a reliable algorithm for electing a proposer must use either randomness or real
/// time". Three proposers start together; with randomized back-off they retry far less than
/// with a fixed short delay before a value is chosen. (Deterministic: 200 fixed seeds.)
#[test]
fn randomized_backoff_ends_duels_sooner_than_a_fixed_delay() {
    let retries = |randomized: bool| -> (u32, u32) {
        let mut total = 0;
        let mut worst = 0;
        for seed in 0..200 {
            let config = PaxosConfig {
                randomized_backoff: randomized,
                ..PaxosConfig::separate(3, 3, 1)
            };
            let mut sim: Sim<PaxosNode> = driver::cluster(config.nodes(), seed, &config);
            sim.run_until(ms(3_000));
            assert!(
                sim.nodes()[6].state.learned().is_some(),
                "seed={seed} randomized={randomized}: nothing learned"
            );
            let r: u32 = (0..3)
                .map(|i| sim.nodes()[i].state.volatile.proposer.retries)
                .sum();
            total += r;
            worst = worst.max(r);
        }
        (total, worst)
    };
    let (fixed, fixed_worst) = retries(false);
    let (random, random_worst) = retries(true);
    assert!(
        fixed > 2 * random,
        "retries: fixed {fixed}, randomized {random}"
    );
    assert!(
        fixed_worst >= 10 && random_worst < fixed_worst,
        "worst: fixed {fixed_worst}, randomized {random_worst}"
    );
}

/// Two of five acceptors crash, one of them mid-round: three is still a majority, so the value
/// is chosen and learned. With a third down there is no majority and no progress until one
/// comes back.
#[test]
fn an_acceptor_crash_that_leaves_a_majority() {
    // S1 proposes; S2–S6 accept; S7 learns.
    let learner = NodeId(6);
    let mut lab = Lab::quiet(PaxosConfig::separate(1, 5, 1));
    lab.act(Action::Crash(S2));
    lab.propose(S1, "A");
    lab.phase_one(S1, &[S3, S4, S5]);
    lab.act(Action::Crash(S3)); // after promising, before accepting
    lab.run_for(ms(500));
    assert_eq!(lab.chosen(), Some("A"));
    assert_eq!(lab.learned(learner), Some("A"));
    assert_eq!(lab.audit.accepted_by(n(1, S1)).unwrap().acceptors.len(), 3);

    let mut lab = Lab::quiet(PaxosConfig::separate(1, 5, 1));
    for a in [S2, S3, S4] {
        lab.act(Action::Crash(a));
    }
    lab.propose(S1, "A");
    lab.run_for(ms(1_000));
    assert_eq!(
        lab.chosen(),
        None,
        "two of five acceptors are not a majority"
    );
    assert!(lab.node(S1).volatile.proposer.retries > 0);
    lab.act(Action::Restart(S4));
    lab.run_for(ms(1_000));
    assert_eq!(lab.learned(learner), Some("A"));
    assert!(lab.sim.violations().is_empty());
}

/// Accept messages lost in phase 2: only S3 accepts A. S1 times out, backs off and retries with
/// a higher number; phase 1 now reports A accepted under 1.1, so S1 proposes A again — the
/// value it had — and this time it is chosen.
#[test]
fn message_loss_in_phase_two_is_recovered_by_the_timeout() {
    let mut lab = s1_promised_by_s3_s4_s5();
    lab.drop(|e| matches!(e.msg, Msg::Accept { .. }) && e.to != S3);
    lab.phase_two(S1, &[S3]);
    assert_eq!(lab.node(S1).stage(), Stage::Accepting);
    let rules = lab.fire(S1, Timer::Timeout).rules;
    assert_eq!(
        rules[0],
        Rule::Timeout {
            n: n(1, S1),
            stage: Stage::Accepting
        }
    );
    lab.fire(S1, Timer::Retry);
    let rules = lab.phase_one(S1, &[S3, S4]);
    assert!(rules.contains(&Rule::AdoptValue {
        n: n(2, S1),
        value: "A".into(),
        accepted_in: n(1, S1),
        own: "A".into()
    }));
    lab.run_for(ms(500));
    assert_eq!(lab.chosen(), Some("A"));
    assert_eq!(lab.learned(S6), Some("A"));
    assert!(lab.sim.violations().is_empty());
}

/// A lossy network (30% of messages lost) slows Paxos down but does not stop it.
#[test]
fn a_lossy_network_still_chooses_one_value() {
    for seed in 0..20 {
        let mut lab = Lab::new(PaxosConfig::separate(2, 5, 2), seed);
        let net = NetConfig {
            loss: 0.3,
            ..NetConfig::default()
        };
        lab.act(Action::SetNetwork(net));
        lab.run_for(ms(5_000));
        assert!(lab.sim.violations().is_empty(), "seed={seed}");
        assert!(lab.chosen().is_some(), "seed={seed}: nothing chosen");
        assert_eq!(lab.audit.chosen_values().len(), 1, "seed={seed}");
    }
}

// ── Break it ──────────────────────────────────────────────────────────────

/// `ignore_accepted`: S1 gets A chosen by all three acceptors. S2's phase 1 hears "accepted A
/// under 1.1" from two of them — and proposes B anyway. The acceptors accept B under the higher
/// number, and B is chosen too: two values chosen.
#[test]
fn ignoring_accepted_values_gets_two_values_chosen() {
    let mut lab = Lab::broken(Breaks {
        ignore_accepted: true,
        ..Breaks::default()
    });
    let all = [S3, S4, S5];
    lab.propose(S1, "A");
    lab.phase_one(S1, &all);
    lab.phase_two(S1, &all);
    assert_eq!(lab.chosen(), Some("A"));
    lab.deliver(|e| e.to == S6);
    assert_eq!(lab.learned(S6), Some("A"));

    lab.propose(S2, "B");
    let rules = lab.phase_one(S2, &[S3, S4]);
    assert!(rules.iter().any(|r| matches!(
        r,
        Rule::IgnoreAccepted { value, ignored, .. } if value == "B" && ignored.value == "A"
    )));
    assert!(lab.violations(AGREEMENT).is_empty(), "not yet");
    lab.phase_two(S2, &all);
    assert_eq!(lab.audit.chosen_values(), vec!["A", "B"]);
    let v = lab.violations(AGREEMENT);
    assert_eq!(v.len(), 1, "{:?}", lab.sim.violations());
    assert!(v[0].nodes.contains(&S1) && v[0].nodes.contains(&S2));
    assert!(v[0].detail.contains("\"A\"") && v[0].detail.contains("\"B\""));
    // S2 believes B is chosen, the learner still believes A.
    assert_eq!(
        lab.node(S2).volatile.proposer.proposed.as_deref(),
        Some("B")
    );
    assert_eq!(lab.learned(S6), Some("A"));
}

/// `accept_below_promise`: S1 and S2 both complete phase 1 (S4 promises both, 1.2 last) before
/// anything is accepted, so both keep their own values. S4 accepts S1's A under 1.1 despite
/// its promise to 1.2 — A is chosen by S3 and S4 — and then S2's B under 1.2 — chosen by S4
/// and S5.
#[test]
fn accepting_below_the_promise_gets_two_values_chosen() {
    let mut lab = Lab::broken(Breaks {
        accept_below_promise: true,
        ..Breaks::default()
    });
    lab.propose(S1, "A");
    lab.phase_one(S1, &[S3, S4]);
    lab.propose(S2, "B");
    lab.phase_one(S2, &[S4, S5]);
    let rules = lab.phase_two(S1, &[S3, S4]);
    assert!(rules.contains(&Rule::AcceptBelowPromise {
        proposer: S1,
        n: n(1, S1),
        value: "A".into(),
        min_proposal: n(1, S2)
    }));
    assert_eq!(lab.chosen(), Some("A"));
    lab.phase_two(S2, &[S4, S5]);
    assert_eq!(lab.audit.chosen_values(), vec!["A", "B"]);
    assert_eq!(lab.violations(AGREEMENT).len(), 1);
}

/// `small_quorum`: with three acceptors a "quorum" of one. S1 hears one promise and one
/// acceptance and believes A is chosen, and so does the learner (it is not: one of three). S2 hears one promise from an
/// acceptor that knows nothing of A and proposes B. Two disjoint "quorums", two values.
#[test]
fn quorums_below_a_majority_get_two_values_chosen() {
    let mut lab = Lab::broken(Breaks {
        small_quorum: true,
        ..Breaks::default()
    });
    lab.propose(S1, "A");
    lab.phase_one(S1, &[S3]);
    lab.phase_two(S1, &[S3]);
    assert_eq!(lab.node(S1).stage(), Stage::Done);
    assert_eq!(lab.chosen(), None);
    assert_eq!(lab.violations(LEARN_ONLY_CHOSEN).len(), 1, "S1 as proposer");
    lab.deliver(|e| e.from == S3 && e.to == S6);
    assert_eq!(lab.learned(S6), Some("A"));
    let v = lab.violations(LEARN_ONLY_CHOSEN);
    assert_eq!(v.len(), 2, "and S6 as learner");
    assert_eq!(v[1].nodes, vec![S6]);
    // A reaches S4 too: now A really is chosen (S3, S4).
    lab.deliver(|e| e.from == S1 && e.to == S4 && matches!(e.msg, Msg::Accept { .. }));
    assert_eq!(lab.chosen(), Some("A"));

    lab.propose(S2, "B");
    let rules = lab.phase_one(S2, &[S5]);
    assert!(rules.contains(&Rule::OwnValue {
        n: n(1, S2),
        value: "B".into()
    }));
    lab.phase_two(S2, &[S4, S5]);
    assert_eq!(lab.audit.chosen_values(), vec!["A", "B"]);
    assert_eq!(lab.violations(AGREEMENT).len(), 1);
}

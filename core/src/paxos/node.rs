//! [`PaxosNode`]: one node, playing any of the three roles. Each handler is one
//! line of seed 001's two-phase table (or of learning, §2.3, and retrying, §2.4),
//! cites the section it implements and explains the rule it fired.
//!
//! [`Sim::new`](crate::sim::Sim::new) builds and starts every node here, and every step
//! enters through this dispatch: what can panic is denied.

use serde::{Deserialize, Serialize};

use super::config::{PaxosConfig, Roles, default_value};
use super::invariants::{self, Audit};
use super::message::{Msg, Phase};
use super::rule::Rule;
use super::state::{Persistent, Proposal, ProposalNum, Stage, Tally, Value, Volatile};
use crate::sim::{
    ConfigProblem, Context, Disk, NodeId, NodeSlot, Protocol, Time, Violation, Write, WriteDelay,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Timer {
    /// Proposer: the current phase took too long; abandon the number and retry.
    Timeout,
    /// Proposer: the back-off is over; start phase 1 (again) with a higher number. With
    /// `propose_at_start` it also spaces out the proposers' first Prepare.
    Retry,
    /// The write to stable storage under way completes, when writes take time.
    Persist,
}

/// What a user can ask a node to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Propose this value now (a proposer abandons any attempt in progress and starts
    /// phase 1 with a new number).
    Propose(Value),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaxosNode {
    pub id: NodeId,
    /// Number of nodes in the simulation.
    pub cluster: usize,
    pub roles: Roles,
    pub config: PaxosConfig,
    /// Acceptances a proposer or learner waits for (fixed by the layout; see [`Self::quorum`]).
    quorum: usize,
    pub persistent: Persistent,
    pub volatile: Volatile,
    /// Stable storage when writes take time (`persist_delay_max` > 0): what is on disk, the
    /// write under way and the messages waiting for it. `None`: writes are instantaneous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<Disk<Persistent, Msg>>,
}

type Cx<'a> = Context<'a, PaxosNode>;

impl PaxosNode {
    /// The write to stable storage under way, if any (always `None` when writes take no time).
    pub fn writing(&self) -> Option<&Write<Persistent, Msg>> {
        self.disk.as_ref()?.write()
    }

    /// The persistent state a crash now would leave; what the invariants count as accepted.
    /// The same as `persistent` when writes take no time.
    pub fn durable(&self) -> &Persistent {
        self.disk.as_ref().map_or(&self.persistent, |d| d.durable())
    }

    fn write_delay(&self) -> WriteDelay {
        WriteDelay {
            min: self.config.persist_delay_min,
            max: self.config.persist_delay_max,
        }
    }

    /// The end of every step: what it sent waits while the state it may depend on is not
    /// durable (a promise, an acceptance, a Prepare with a new round), and a change no write
    /// covers starts one.
    fn sync_disk(&mut self, cx: &mut Cx) {
        let delay = self.write_delay();
        let Some(disk) = &mut self.disk else {
            return;
        };
        if let Some(started) = disk.sync(&self.persistent, delay, Timer::Persist, cx) {
            cx.explain(Rule::WriteStarted {
                state: self.persistent.clone(),
                held: started.held,
                done_at: started.done_at,
            });
        }
    }

    /// `Timer::Persist`: the write completed; what waited for it leaves.
    fn write_done(&mut self, cx: &mut Cx) {
        let delay = self.write_delay();
        let Some(disk) = &mut self.disk else {
            return;
        };
        let Some(done) = disk.complete(&self.persistent, delay, Timer::Persist, cx) else {
            return;
        };
        cx.explain(Rule::Persisted {
            state: disk.durable().clone(),
            released: done.released,
        });
        if let Some(next) = done.next {
            cx.explain(Rule::WriteStarted {
                state: self.persistent.clone(),
                held: next.held,
                done_at: next.done_at,
            });
        }
    }

    pub fn stage(&self) -> Stage {
        self.volatile.proposer.stage
    }

    /// Proposer: the number of its current (or last) attempt.
    pub fn proposal_number(&self) -> Option<ProposalNum> {
        self.volatile.proposer.n
    }

    /// Learner: the value it has learned, with the number it was chosen under.
    pub fn learned(&self) -> Option<&Proposal> {
        self.volatile.learner.learned.as_ref()
    }

    /// Proposer: the proposal it knows a quorum accepted, once it is [`Stage::Done`].
    pub fn proposer_chosen(&self) -> Option<Proposal> {
        let p = &self.volatile.proposer;
        match (p.stage, p.n, &p.proposed) {
            (Stage::Done, Some(n), Some(value)) => Some(Proposal {
                n,
                value: value.clone(),
            }),
            _ => None,
        }
    }

    /// Acceptances a proposer or learner waits for (a majority of the acceptors, §2.2).
    pub fn quorum(&self) -> usize {
        self.quorum
    }

    pub fn acceptors(&self) -> Vec<NodeId> {
        self.config.acceptors(self.cluster)
    }

    // ── Proposer ───────────────────────────────────────────────────────

    /// §2.5: a proposer picks a number "larger than any it has already used", from its own
    /// disjoint set (round, proposer id). The round is persistent, so a restarted proposer
    /// never reuses a number.
    fn next_number(&mut self) -> ProposalNum {
        self.persistent.round = self.persistent.round.saturating_add(1);
        ProposalNum::new(self.persistent.round, self.id)
    }

    /// The wait before a retry: random when back-off is randomized (§2.4), else fixed.
    /// Never zero, so a run always moves forward in time.
    fn retry_delay(&self, cx: &mut Cx) -> (Time, bool) {
        let c = &self.config;
        let delay = if c.randomized_backoff {
            cx.rng().between(c.backoff_min, c.backoff_max)
        } else {
            c.retry_delay
        };
        (delay.max(1), c.randomized_backoff)
    }

    /// Table, phase 1: "generate a proposal number n; broadcast Prepare(n) to all acceptors".
    fn send_prepare(&mut self, n: ProposalNum, cx: &mut Cx) {
        let p = &mut self.volatile.proposer;
        p.stage = Stage::Preparing;
        p.n = Some(n);
        p.promises.clear();
        p.highest_accepted = None;
        p.proposed = None;
        p.accepted.clear();
        cx.explain(Rule::SendPrepare { n });
        for a in self.acceptors() {
            cx.send(a, Msg::Prepare { n });
        }
        cx.cancel_timer(Timer::Retry);
        cx.set_timer(Timer::Timeout, self.config.phase_timeout.max(1));
    }

    fn on_promise(
        &mut self,
        from: NodeId,
        n: ProposalNum,
        accepted: Option<Proposal>,
        cx: &mut Cx,
    ) {
        let quorum = self.quorum();
        let p = &mut self.volatile.proposer;
        if p.stage != Stage::Preparing || p.n != Some(n) {
            cx.explain(Rule::IgnoreStale { from, n });
            return;
        }
        p.promises.insert(from);
        if let Some(acc) = accepted
            && p.highest_accepted.as_ref().is_none_or(|h| acc.n > h.n)
        {
            p.highest_accepted = Some(acc);
        }
        cx.explain(Rule::CountPromise {
            from,
            n,
            promises: p.promises.len(),
            needed: quorum,
        });
        if p.promises.len() >= quorum {
            self.send_accept(n, cx);
        }
    }

    /// Table, phase 1 → 2: "with replies from a majority: if some acceptedValue is not empty,
    /// replace its own value with the acceptedValue of the highest acceptedProposal", then
    /// "broadcast Accept(n, value) to all acceptors" (§2.2, P2c).
    fn send_accept(&mut self, n: ProposalNum, cx: &mut Cx) {
        let ignore = self.config.breaks.ignore_accepted;
        let p = &mut self.volatile.proposer;
        let Some(own) = p.value.clone() else {
            // Nothing to propose (cannot happen: a round only starts with a value).
            p.stage = Stage::Idle;
            cx.cancel_timer(Timer::Timeout);
            return;
        };
        let value = match p.highest_accepted.clone() {
            Some(h) if !ignore => {
                cx.explain(Rule::AdoptValue {
                    n,
                    value: h.value.clone(),
                    accepted_in: h.n,
                    own,
                });
                h.value
            }
            Some(ignored) => {
                cx.explain(Rule::IgnoreAccepted {
                    n,
                    value: own.clone(),
                    ignored,
                });
                own
            }
            None => {
                cx.explain(Rule::OwnValue {
                    n,
                    value: own.clone(),
                });
                own
            }
        };
        p.stage = Stage::Accepting;
        p.proposed = Some(value.clone());
        cx.explain(Rule::SendAccept {
            n,
            value: value.clone(),
        });
        for a in self.acceptors() {
            cx.send(
                a,
                Msg::Accept {
                    n,
                    value: value.clone(),
                },
            );
        }
        cx.set_timer(Timer::Timeout, self.config.phase_timeout.max(1));
    }

    /// Table, phase 2: "with replies from a majority, … otherwise the value is chosen".
    fn on_accepted_as_proposer(&mut self, from: NodeId, n: ProposalNum, cx: &mut Cx) {
        let quorum = self.quorum();
        let p = &mut self.volatile.proposer;
        p.accepted.insert(from);
        cx.explain(Rule::CountAccepted {
            from,
            n,
            accepted: p.accepted.len(),
            needed: quorum,
        });
        if p.accepted.len() >= quorum {
            p.stage = Stage::Done;
            cx.cancel_timer(Timer::Timeout);
            cx.explain(Rule::Chosen {
                n,
                value: p.proposed.clone().unwrap_or_default(),
                acceptors: p.accepted.len(),
            });
        }
    }

    /// Table, phase 2: "on a rejection (result > n), start again from step 1" — after a
    /// back-off. §2.2: a proposer told of a higher number "should then abandon its proposal".
    fn on_nack(
        &mut self,
        from: NodeId,
        n: ProposalNum,
        min_proposal: ProposalNum,
        phase: Phase,
        cx: &mut Cx,
    ) {
        // Whatever happens, the next number must be above the one that beat us.
        self.persistent.round = self.persistent.round.max(min_proposal.round);
        let p = &self.volatile.proposer;
        let live = matches!(
            (p.stage, phase),
            (Stage::Preparing, Phase::Prepare) | (Stage::Accepting, Phase::Accept)
        );
        // A Nack naming our own number is a duplicate Prepare answered twice, not a rejection.
        if !live || p.n != Some(n) || min_proposal <= n {
            cx.explain(Rule::IgnoreStale { from, n });
            return;
        }
        cx.explain(Rule::Abandon {
            from,
            n,
            min_proposal,
            phase,
        });
        self.back_off(n, cx);
    }

    /// §2.4: wait before retrying, so that dueling proposers stop pre-empting each other.
    fn back_off(&mut self, n: ProposalNum, cx: &mut Cx) {
        self.volatile.proposer.stage = Stage::Waiting;
        cx.cancel_timer(Timer::Timeout);
        let (delay, randomized) = self.retry_delay(cx);
        cx.explain(Rule::Backoff {
            n,
            delay,
            randomized,
        });
        cx.set_timer(Timer::Retry, delay);
    }

    fn on_retry_timer(&mut self, cx: &mut Cx) {
        let p = &self.volatile.proposer;
        if p.stage != Stage::Waiting || p.value.is_none() {
            return;
        }
        let previous = p.n;
        let n = self.next_number();
        if let Some(previous) = previous {
            let p = &mut self.volatile.proposer;
            p.retries = p.retries.saturating_add(1);
            cx.explain(Rule::Retry {
                previous,
                n,
                retries: p.retries,
            });
        }
        self.send_prepare(n, cx);
    }

    fn on_timeout_timer(&mut self, cx: &mut Cx) {
        let p = &self.volatile.proposer;
        if let (Stage::Preparing | Stage::Accepting, Some(n)) = (p.stage, p.n) {
            cx.explain(Rule::Timeout { n, stage: p.stage });
            self.back_off(n, cx);
        }
    }

    // ── Acceptor ───────────────────────────────────────────────────────

    /// Table, phase 1: "if n > minProposal then minProposal = n; reply (acceptedProposal,
    /// acceptedValue)" (§2.2, P1a). Otherwise refuse, naming minProposal.
    fn on_prepare(&mut self, from: NodeId, n: ProposalNum, cx: &mut Cx) {
        let s = &mut self.persistent;
        match s.min_proposal {
            Some(min) if n <= min => {
                cx.explain(Rule::NackPrepare {
                    proposer: from,
                    n,
                    min_proposal: min,
                });
                cx.send(
                    from,
                    Msg::Nack {
                        n,
                        min_proposal: min,
                        phase: Phase::Prepare,
                    },
                );
            }
            previous => {
                s.min_proposal = Some(n);
                cx.explain(Rule::GivePromise {
                    proposer: from,
                    n,
                    previous,
                    accepted: s.accepted.clone(),
                });
                cx.send(
                    from,
                    Msg::Promise {
                        n,
                        accepted: s.accepted.clone(),
                    },
                );
            }
        }
    }

    /// Table, phase 2: "if n >= minProposal then acceptedProposal = minProposal = n,
    /// acceptedValue = value; reply (minProposal)" (§2.2, P1a). The reply goes to the proposer
    /// and to every learner (§2.3). Otherwise refuse, naming minProposal ("result > n").
    fn on_accept(&mut self, from: NodeId, n: ProposalNum, value: Value, cx: &mut Cx) {
        let broken = self.config.breaks.accept_below_promise;
        let s = &mut self.persistent;
        match s.min_proposal {
            Some(min) if n < min && !broken => {
                cx.explain(Rule::NackAccept {
                    proposer: from,
                    n,
                    min_proposal: min,
                });
                cx.send(
                    from,
                    Msg::Nack {
                        n,
                        min_proposal: min,
                        phase: Phase::Accept,
                    },
                );
                return;
            }
            Some(min) if n < min => {
                // Broken: accept anyway, and keep the higher promise.
                cx.explain(Rule::AcceptBelowPromise {
                    proposer: from,
                    n,
                    value: value.clone(),
                    min_proposal: min,
                });
            }
            _ => {
                s.min_proposal = Some(n);
                cx.explain(Rule::AcceptProposal {
                    proposer: from,
                    n,
                    value: value.clone(),
                });
            }
        }
        s.accepted = Some(Proposal {
            n,
            value: value.clone(),
        });
        let mut to = self.config.learners(self.cluster);
        if let Err(i) = to.binary_search(&from) {
            to.insert(i, from);
        }
        for node in to {
            cx.send(
                node,
                Msg::Accepted {
                    n,
                    value: value.clone(),
                },
            );
        }
    }

    // ── Learner ────────────────────────────────────────────────────────

    /// §2.3: "a learner … must find out that a proposal has been accepted by a majority of
    /// acceptors"; each acceptor tells every learner whenever it accepts.
    fn on_accepted_as_learner(&mut self, from: NodeId, n: ProposalNum, value: Value, cx: &mut Cx) {
        let quorum = self.quorum();
        let l = &mut self.volatile.learner;
        let tally = l.tallies.entry(n).or_insert_with(|| Tally {
            value: value.clone(),
            acceptors: Default::default(),
        });
        if tally.value != value {
            // Two values under one number cannot come from a correct proposer; count neither.
            return;
        }
        tally.acceptors.insert(from);
        let count = tally.acceptors.len();
        cx.explain(Rule::HearAccepted {
            from,
            n,
            count,
            needed: quorum,
        });
        if count >= quorum && l.learned.is_none() {
            cx.explain(Rule::Learn {
                n,
                value: value.clone(),
            });
            l.learned = Some(Proposal { n, value });
        }
    }
}

impl Protocol for PaxosNode {
    type Config = PaxosConfig;
    type Msg = Msg;
    type Timer = Timer;
    type Command = Command;
    type Rule = Rule;
    type Audit = Audit;

    fn config_problem(config: &PaxosConfig, cluster: usize) -> Option<ConfigProblem> {
        config.problem_in(cluster)
    }

    fn new(id: NodeId, cluster: usize, config: &PaxosConfig) -> Self {
        let persistent = Persistent::default();
        PaxosNode {
            id,
            cluster,
            roles: config.roles_of(id),
            config: config.clone(),
            quorum: config.quorum(cluster),
            disk: (config.persist_delay_max > 0).then(|| Disk::new(&persistent)),
            persistent,
            volatile: Volatile::default(),
        }
    }

    /// With `propose_at_start`, each proposer takes a value of its own and waits one retry
    /// delay before its first Prepare.
    fn on_start(&mut self, cx: &mut Cx) {
        if !self.roles.is_proposer() || !self.config.propose_at_start {
            return;
        }
        let index = self
            .config
            .with_role(Roles::PROPOSER, self.cluster)
            .position(|p| p == self.id)
            .unwrap_or(0);
        let p = &mut self.volatile.proposer;
        p.value = Some(default_value(index));
        p.stage = Stage::Waiting;
        let (delay, _) = self.retry_delay(cx);
        cx.set_timer(Timer::Retry, delay);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx) {
        self.handle_message(from, msg, cx);
        self.sync_disk(cx);
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx) {
        match timer {
            Timer::Retry => self.on_retry_timer(cx),
            Timer::Timeout => self.on_timeout_timer(cx),
            Timer::Persist => self.write_done(cx),
        }
        self.sync_disk(cx);
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.handle_command(cmd, cx);
        self.sync_disk(cx);
    }

    /// §2.5: acceptors keep minProposal, acceptedProposal and acceptedValue on stable storage,
    /// a proposer its highest round (as on disk: a write under way is lost); the proposal in
    /// progress and what learners heard are gone.
    fn on_restart(&mut self, cx: &mut Cx) {
        if let Some(disk) = &mut self.disk {
            let durable = disk.crash();
            if durable != self.persistent {
                cx.explain(Rule::WriteLost {
                    kept: durable.clone(),
                    lost: self.persistent.clone(),
                });
                self.persistent = durable;
            }
        }
        self.volatile = Volatile::default();
        let s = &self.persistent;
        cx.explain(Rule::Restart {
            min_proposal: s.min_proposal,
            accepted: s.accepted.clone(),
            round: s.round,
        });
    }

    fn check(audit: &mut Audit, nodes: &[NodeSlot<Self>]) -> Vec<Violation> {
        invariants::check(audit, nodes)
    }
}

/// Dispatch: each input to the line of the table it falls under. The [`Protocol`] methods
/// above wrap these with the write to stable storage.
impl PaxosNode {
    fn handle_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx) {
        let roles = self.roles;
        match msg {
            Msg::Prepare { n } if roles.is_acceptor() => self.on_prepare(from, n, cx),
            Msg::Accept { n, value } if roles.is_acceptor() => self.on_accept(from, n, value, cx),
            Msg::Promise { n, accepted } if roles.is_proposer() => {
                self.on_promise(from, n, accepted, cx)
            }
            Msg::Nack {
                n,
                min_proposal,
                phase,
            } if roles.is_proposer() => self.on_nack(from, n, min_proposal, phase, cx),
            Msg::Accepted { n, value } => {
                if roles.is_learner() {
                    self.on_accepted_as_learner(from, n, value, cx);
                }
                if roles.is_proposer() {
                    let p = &self.volatile.proposer;
                    if p.stage == Stage::Accepting && p.n == Some(n) {
                        self.on_accepted_as_proposer(from, n, cx);
                    } else if !roles.is_learner() {
                        cx.explain(Rule::IgnoreStale { from, n });
                    }
                }
            }
            // A message for a role this node does not hold (only possible with odd layouts).
            _ => {}
        }
    }

    fn handle_command(&mut self, cmd: Command, cx: &mut Cx) {
        match cmd {
            Command::Propose(value) => {
                if !self.roles.is_proposer() {
                    cx.explain(Rule::NotAProposer);
                    return;
                }
                cx.explain(Rule::Propose {
                    value: value.clone(),
                });
                let p = &mut self.volatile.proposer;
                p.value = Some(value);
                p.retries = 0;
                let n = self.next_number();
                self.send_prepare(n, cx);
            }
        }
    }
}

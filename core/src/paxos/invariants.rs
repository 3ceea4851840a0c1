//! Paxos's safety requirements (§2.1), checked after every step, and the global
//! view of what is chosen.
//!
//! "Chosen" is a fact about the acceptors, not about anyone's knowledge: a value
//! is chosen once a majority of the acceptors have accepted the same proposal
//! number carrying it (§2.2), even before any learner or proposer hears of it.
//! The [`Audit`] watches every acceptor's `acceptedProposal` after every step
//! (a step changes at most one node, so no acceptance goes unseen) and records,
//! per proposal number, which acceptors accepted it. It always counts a true
//! majority, whatever quorum the nodes use, so a `small_quorum` break is judged
//! against the real definition.
//!
//! The requirements checked:
//! - [`AGREEMENT`]: "only a single value is chosen".
//! - [`LEARN_ONLY_CHOSEN`]: "a process never learns that a value has been chosen unless it
//!   actually has been" — for learners, and for proposers that saw their value accepted.
//! - [`ONE_VALUE_PER_NUMBER`]: proposal numbers are unique, so one number carries one value.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::config::majority;
use super::node::PaxosNode;
use super::state::{Proposal, ProposalNum, Stage, Tally, Value};
use crate::sim::{NodeId, NodeSlot, Violation};

pub const AGREEMENT: &str = "paxos-agreement";
pub const LEARN_ONLY_CHOSEN: &str = "paxos-learn-only-chosen";
pub const ONE_VALUE_PER_NUMBER: &str = "paxos-one-value-per-number";

/// A proposal a majority of acceptors accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chosen {
    pub n: ProposalNum,
    pub value: Value,
    /// The step after which the majority was first seen (the checker runs once per step, so
    /// this is the engine's step number).
    pub step: u64,
}

/// Who claimed to know a chosen value, and how.
#[derive(Copy, Clone, Debug)]
enum Knower {
    /// A learner that learned it (§2.3).
    Learner,
    /// A proposer whose Accept a quorum answered (seed's table: "the value is chosen").
    Proposer,
}

/// What the checker last saw of one node.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
struct Seen {
    accepted: Option<Proposal>,
    learned: Option<Proposal>,
    done: Option<Proposal>,
}

/// Whether `seen` already records (`n`, `value`).
fn same(seen: &Option<Proposal>, n: ProposalNum, value: &Value) -> bool {
    match seen {
        Some(p) => p.n == n && p.value == *value,
        None => false,
    }
}

/// What the checker remembers across steps.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Audit {
    /// How many checks have run (the step number of the latest one).
    pub steps: u64,
    /// Number of acceptors in the cluster.
    pub acceptors: usize,
    /// Per proposal number: its value and every acceptor ever seen to have accepted it.
    pub accepted: BTreeMap<ProposalNum, Tally>,
    /// Proposals accepted by a majority, in the order they reached it. With a correct
    /// protocol every entry carries the same value.
    pub chosen: Vec<Chosen>,
    /// Per node: the acceptance last recorded, and what it was last seen to claim chosen as
    /// learner and as proposer, so each is looked at once.
    seen: Vec<Seen>,
    /// Numbers already reported as carrying two values.
    conflicts: BTreeSet<ProposalNum>,
}

impl Audit {
    /// The chosen value, if any: the value of the first proposal a majority accepted.
    pub fn chosen_value(&self) -> Option<&Value> {
        self.chosen.first().map(|c| &c.value)
    }

    /// The first proposal a majority accepted.
    pub fn first_chosen(&self) -> Option<&Chosen> {
        self.chosen.first()
    }

    /// Whether `value` is chosen (under any number).
    pub fn is_chosen(&self, value: &str) -> bool {
        self.chosen.iter().any(|c| c.value == value)
    }

    /// Acceptances needed for a value to be chosen: a majority of the acceptors.
    pub fn majority(&self) -> usize {
        majority(self.acceptors)
    }

    /// The acceptors that have accepted proposal `n` (ever), with its value.
    pub fn accepted_by(&self, n: ProposalNum) -> Option<&Tally> {
        self.accepted.get(&n)
    }

    /// The different values chosen so far, in order (more than one is a violation).
    pub fn chosen_values(&self) -> Vec<&Value> {
        let mut values: Vec<&Value> = Vec::new();
        for c in &self.chosen {
            if !values.contains(&&c.value) {
                values.push(&c.value);
            }
        }
        values
    }

    /// Record every acceptance visible in the acceptors' state; report a number that carries
    /// two values and a second value chosen.
    fn observe_acceptances(&mut self, nodes: &[NodeSlot<PaxosNode>], found: &mut Vec<Violation>) {
        let majority = self.majority();
        for (slot, seen) in nodes.iter().zip(&mut self.seen) {
            let node = &slot.state;
            // What is on disk: an acceptance a crash could still undo was never announced.
            let Some(acc) = &node.durable().accepted else {
                continue;
            };
            if same(&seen.accepted, acc.n, &acc.value) {
                continue;
            }
            seen.accepted = Some(acc.clone());
            let tally = self.accepted.entry(acc.n).or_insert_with(|| Tally {
                value: acc.value.clone(),
                acceptors: BTreeSet::new(),
            });
            if tally.value != acc.value {
                if self.conflicts.insert(acc.n) {
                    found.push(Violation::new(
                        ONE_VALUE_PER_NUMBER,
                        vec![acc.n.proposer, node.id],
                        format!(
                            "proposal {} carries two values: {:?} and {:?} (accepted by {})",
                            acc.n, tally.value, acc.value, node.id
                        ),
                    ));
                }
                continue;
            }
            if !tally.acceptors.insert(node.id) || tally.acceptors.len() != majority {
                continue;
            }
            // Proposal `acc.n` has just reached a majority: its value is chosen.
            let chosen = Chosen {
                n: acc.n,
                value: acc.value.clone(),
                step: self.steps,
            };
            if let Some(first) = self.chosen.first()
                && !self.chosen.iter().any(|c| c.value == chosen.value)
            {
                // Agreement: "only a single value is chosen" (§2.1). Reported once per extra
                // value, naming both proposers and the acceptors that accepted both.
                let mut blame = vec![first.n.proposer];
                let accepted_by = |n: ProposalNum| self.accepted.get(&n).map(|t| &t.acceptors);
                if let (Some(a), Some(b)) = (accepted_by(first.n), accepted_by(chosen.n)) {
                    blame.extend(a.intersection(b));
                }
                blame.push(chosen.n.proposer);
                let mut unique = Vec::new();
                for id in blame {
                    if !unique.contains(&id) {
                        unique.push(id);
                    }
                }
                found.push(Violation::new(
                    AGREEMENT,
                    unique,
                    format!(
                        "two values chosen: {:?} under {} and {:?} under {}",
                        first.value, first.n, chosen.value, chosen.n
                    ),
                ));
            }
            self.chosen.push(chosen);
        }
    }

    /// Check each new claim of a learner or proposer that a value is chosen.
    fn check_claims(&mut self, nodes: &[NodeSlot<PaxosNode>], found: &mut Vec<Violation>) {
        let mut seen = std::mem::take(&mut self.seen);
        for (slot, seen) in nodes.iter().zip(&mut seen) {
            let node = &slot.state;
            if node.roles.is_learner() {
                let learned = node.learned().map(|l| (l.n, &l.value));
                self.check_claim(node.id, Knower::Learner, learned, &mut seen.learned, found);
            }
            if node.roles.is_proposer() {
                let p = &node.volatile.proposer;
                let done = match (p.stage, p.n, &p.proposed) {
                    (Stage::Done, Some(n), Some(value)) => Some((n, value)),
                    _ => None,
                };
                self.check_claim(node.id, Knower::Proposer, done, &mut seen.done, found);
            }
        }
        self.seen = seen;
    }

    fn check_claim(
        &self,
        id: NodeId,
        knower: Knower,
        claim: Option<(ProposalNum, &Value)>,
        last: &mut Option<Proposal>,
        found: &mut Vec<Violation>,
    ) {
        let Some((n, value)) = claim else {
            *last = None;
            return;
        };
        if same(last, n, value) {
            return;
        }
        *last = Some(Proposal {
            n,
            value: value.clone(),
        });
        if !self.is_chosen(value) {
            found.push(self.unchosen(id, knower, n, value));
        }
    }

    /// The violation of a node that claims `value` (under `n`) is chosen when it is not.
    fn unchosen(&self, id: NodeId, knower: Knower, n: ProposalNum, value: &Value) -> Violation {
        let how = match knower {
            Knower::Learner => "learned",
            Knower::Proposer => "(as proposer) saw chosen",
        };
        let count = self.accepted.get(&n).map_or(0, |t| t.acceptors.len());
        let chosen = self
            .chosen_value()
            .map_or("nothing".to_owned(), |v| format!("{v:?}"));
        Violation::new(
            LEARN_ONLY_CHOSEN,
            vec![id],
            format!(
                "{id} {how} {value:?} under {n}, but only {count} of {} acceptors accepted it \
                 (a majority is {}); chosen: {chosen}",
                self.acceptors,
                self.majority(),
            ),
        )
    }
}

pub fn check(audit: &mut Audit, nodes: &[NodeSlot<PaxosNode>]) -> Vec<Violation> {
    audit.steps += 1;
    if audit.seen.len() != nodes.len() {
        audit.seen.resize(nodes.len(), Seen::default());
        audit.acceptors = nodes.iter().filter(|s| s.state.roles.is_acceptor()).count();
    }
    let mut found = Vec::new();
    audit.observe_acceptances(nodes, &mut found);
    audit.check_claims(nodes, &mut found);
    found
}

//! A node's state, split into what survives a crash and what does not.
//!
//! The acceptor's three variables are named as in seed 001's table: `minProposal`,
//! `acceptedProposal`, `acceptedValue`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sim::NodeId;

/// What is proposed and chosen: a short string (`"A"`, `"tea"` …).
pub type Value = String;

/// A proposal number `n`: unique per proposer and totally ordered, round first, then the
/// proposer's id (§2.5: "different proposers choose their numbers from disjoint sets").
/// Shown as `round.proposer`, e.g. `2.1` is S1's second round.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct ProposalNum {
    pub round: u64,
    pub proposer: NodeId,
}

impl ProposalNum {
    pub fn new(round: u64, proposer: NodeId) -> Self {
        ProposalNum { round, proposer }
    }
}

impl fmt::Display for ProposalNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.proposer.0 as u32 + 1)
    }
}

/// A proposal: a number and a value (§2.2).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Proposal {
    pub n: ProposalNum,
    pub value: Value,
}

/// What survives a crash. §2.2: an acceptor "must remember this information even if it fails
/// and then restarts"; §2.5: a proposer remembers "the highest-numbered proposal it has tried to
/// issue".
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Persistent {
    /// Acceptor: the highest number it has promised (`minProposal`); `None` before any Prepare.
    pub min_proposal: Option<ProposalNum>,
    /// Acceptor: the highest-numbered proposal it has accepted (`acceptedProposal`,
    /// `acceptedValue`).
    pub accepted: Option<Proposal>,
    /// Proposer: the highest round it has used or heard of; its next number is above it.
    pub round: u64,
}

impl Persistent {
    /// `acceptedProposal` of the seed's table.
    pub fn accepted_proposal(&self) -> Option<ProposalNum> {
        self.accepted.as_ref().map(|p| p.n)
    }

    /// `acceptedValue` of the seed's table.
    pub fn accepted_value(&self) -> Option<&Value> {
        self.accepted.as_ref().map(|p| &p.value)
    }
}

/// Where a proposer is in its two phases.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Nothing to propose (or not a proposer).
    #[default]
    Idle,
    /// Waiting for the retry timer before (re)starting phase 1.
    Waiting,
    /// Phase 1: Prepare(n) sent, counting promises.
    Preparing,
    /// Phase 2: Accept(n, v) sent, counting acceptances.
    Accepting,
    /// A quorum accepted its proposal: the value is chosen, as far as it knows.
    Done,
}

/// A proposer's volatile state: a crash abandons the proposal in progress.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct ProposerState {
    pub stage: Stage,
    /// The value the user asked it to propose.
    pub value: Option<Value>,
    /// The number of the current (or last) attempt.
    pub n: Option<ProposalNum>,
    /// Phase 1: acceptors that promised `n`.
    pub promises: BTreeSet<NodeId>,
    /// Phase 1: the highest-numbered proposal reported accepted in those promises.
    pub highest_accepted: Option<Proposal>,
    /// Phase 2: the value sent with Accept(n, value).
    pub proposed: Option<Value>,
    /// Phase 2: acceptors that accepted `n`.
    pub accepted: BTreeSet<NodeId>,
    /// How many times it has retried with a higher number for the current value.
    pub retries: u32,
}

/// What a learner has heard about one proposal number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub value: Value,
    pub acceptors: BTreeSet<NodeId>,
}

/// A learner's volatile state (§2.3).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct LearnerState {
    /// Accepted messages heard, per proposal number.
    pub tallies: BTreeMap<ProposalNum, Tally>,
    /// The value it learned, with the number a quorum accepted it under.
    pub learned: Option<Proposal>,
}

/// Volatile state: lost on a crash.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Volatile {
    pub proposer: ProposerState,
    pub learner: LearnerState,
}

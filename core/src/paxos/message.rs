//! The messages of the two phases (§2.2) and of learning (§2.3).

use serde::{Deserialize, Serialize};

use super::state::{Proposal, ProposalNum, Value};

/// Which request a [`Msg::Nack`] refuses.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Prepare,
    Accept,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// Phase 1, proposer → acceptors: "promise me you will accept nothing numbered below `n`".
    Prepare { n: ProposalNum },
    /// Phase 1, acceptor → proposer: the promise, with the acceptor's `acceptedProposal` and
    /// `acceptedValue`, if it has accepted anything.
    Promise {
        n: ProposalNum,
        accepted: Option<Proposal>,
    },
    /// Phase 2, proposer → acceptors: "accept value `value` under number `n`".
    Accept { n: ProposalNum, value: Value },
    /// Phase 2, acceptor → the proposer of `n` and every learner: "I accepted (`n`, `value`)"
    /// (§2.3: acceptors respond to all learners whenever they accept a proposal).
    Accepted { n: ProposalNum, value: Value },
    /// Either phase, acceptor → proposer: refused, because the acceptor has promised
    /// `min_proposal` > `n` (phase 1: ≥ `n`). §2.2 suggests it as an optimization, so the
    /// proposer abandons `n` at once instead of waiting for its timeout.
    Nack {
        n: ProposalNum,
        min_proposal: ProposalNum,
        phase: Phase,
    },
}

impl Msg {
    /// The proposal number the message is about.
    pub fn n(&self) -> ProposalNum {
        match self {
            Msg::Prepare { n }
            | Msg::Promise { n, .. }
            | Msg::Accept { n, .. }
            | Msg::Accepted { n, .. }
            | Msg::Nack { n, .. } => *n,
        }
    }
}

//! The rules a step can fire: one per line of seed 001's two-phase table, plus
//! learning, retrying and restarting. The web turns each into a caption, in
//! English or Chinese, with the section of Lamport's "Paxos Made Simple" (2001)
//! it comes from.

use serde::{Deserialize, Serialize};

use super::message::Phase;
use super::state::{Persistent, Proposal, ProposalNum, Stage, Value};
use crate::sim::{NodeId, Time};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule")]
pub enum Rule {
    // ── Proposer, phase 1 ──────────────────────────────────────────────
    /// The user asked this proposer to propose `value`; any attempt in progress is abandoned.
    Propose { value: Value },
    /// The user asked a node that is not a proposer to propose: nothing happens.
    NotAProposer,
    /// Table, phase 1: pick a new number `n` and broadcast Prepare(n) to the acceptors.
    SendPrepare { n: ProposalNum },
    /// A promise for `n` arrived; `promises` of `needed` so far.
    CountPromise {
        from: NodeId,
        n: ProposalNum,
        promises: usize,
        needed: usize,
    },
    /// Table, phase 1: a quorum promised and some acceptor had accepted a value: take the value
    /// of the highest `acceptedProposal` (`accepted_in`), replacing its own (`own`).
    AdoptValue {
        n: ProposalNum,
        value: Value,
        accepted_in: ProposalNum,
        own: Value,
    },
    /// A quorum promised and none had accepted anything: propose its own value.
    OwnValue { n: ProposalNum, value: Value },
    /// Broken (`ignore_accepted`): a quorum promised, some acceptor had accepted `ignored`,
    /// and the proposer sends its own value anyway.
    IgnoreAccepted {
        n: ProposalNum,
        value: Value,
        ignored: Proposal,
    },
    // ── Proposer, phase 2 ──────────────────────────────────────────────
    /// Table, phase 2: broadcast Accept(n, value) to the acceptors.
    SendAccept { n: ProposalNum, value: Value },
    /// An acceptance of `n` arrived; `accepted` of `needed` so far.
    CountAccepted {
        from: NodeId,
        n: ProposalNum,
        accepted: usize,
        needed: usize,
    },
    /// Table, phase 2: a quorum accepted (`n`, `value`) and none refused: the value is chosen.
    Chosen {
        n: ProposalNum,
        value: Value,
        acceptors: usize,
    },
    // ── Proposer, retrying ─────────────────────────────────────────────
    /// Table, phase 2 ("result > n"): an acceptor refused `n` because it promised
    /// `min_proposal`; the proposer abandons `n` and will start over with a higher number.
    Abandon {
        from: NodeId,
        n: ProposalNum,
        min_proposal: ProposalNum,
        phase: Phase,
    },
    /// No quorum answered within the phase timeout (messages lost, acceptors down): abandon `n`.
    Timeout { n: ProposalNum, stage: Stage },
    /// Wait `delay` before starting over: drawn at random when `randomized`, else fixed.
    Backoff {
        n: ProposalNum,
        delay: Time,
        randomized: bool,
    },
    /// The wait is over: start phase 1 again with `n` > `previous` (a SendPrepare follows).
    Retry {
        previous: ProposalNum,
        n: ProposalNum,
        retries: u32,
    },
    /// A reply about an old number, or for a phase the proposer has left: nothing to do.
    IgnoreStale { from: NodeId, n: ProposalNum },
    // ── Acceptor ───────────────────────────────────────────────────────
    /// Table, phase 1: n > minProposal, so minProposal = n (was `previous`); answer with
    /// (acceptedProposal, acceptedValue).
    GivePromise {
        proposer: NodeId,
        n: ProposalNum,
        previous: Option<ProposalNum>,
        accepted: Option<Proposal>,
    },
    /// n ≤ minProposal: refuse the Prepare, telling the proposer the number it promised.
    NackPrepare {
        proposer: NodeId,
        n: ProposalNum,
        min_proposal: ProposalNum,
    },
    /// Table, phase 2: n ≥ minProposal, so acceptedProposal = minProposal = n,
    /// acceptedValue = value; tell the proposer and the learners.
    AcceptProposal {
        proposer: NodeId,
        n: ProposalNum,
        value: Value,
    },
    /// n < minProposal: refuse the Accept, with minProposal ("result > n").
    NackAccept {
        proposer: NodeId,
        n: ProposalNum,
        min_proposal: ProposalNum,
    },
    /// Broken (`accept_below_promise`): n < minProposal, and the acceptor accepts anyway.
    AcceptBelowPromise {
        proposer: NodeId,
        n: ProposalNum,
        value: Value,
        min_proposal: ProposalNum,
    },
    // ── Learner ────────────────────────────────────────────────────────
    /// An Accepted(n, value) arrived; `count` acceptors of `needed` have accepted `n` so far.
    HearAccepted {
        from: NodeId,
        n: ProposalNum,
        count: usize,
        needed: usize,
    },
    /// A quorum of acceptors accepted (`n`, `value`): learn that `value` is chosen.
    Learn { n: ProposalNum, value: Value },
    // ── Any node ───────────────────────────────────────────────────────
    /// Back after a crash with only the persistent state: an acceptor keeps minProposal,
    /// acceptedProposal and acceptedValue; a proposer keeps its highest round and has
    /// abandoned the proposal it was making.
    Restart {
        min_proposal: Option<ProposalNum>,
        accepted: Option<Proposal>,
        round: u64,
    },
    /// The persistent state changed (a promise, an acceptance, a new round): the node starts
    /// writing it, done at `done_at`; the `held` messages of this step wait for the write.
    WriteStarted {
        state: Persistent,
        held: usize,
        done_at: Time,
    },
    /// The write completed: `state` is on disk, and the `released` messages that waited leave.
    Persisted { state: Persistent, released: usize },
    /// Back from a crash during a write: the node has what was on disk (`kept`); what it had
    /// only in memory (`lost`) is gone, with the messages that waited for it.
    WriteLost { kept: Persistent, lost: Persistent },
}

impl Rule {
    /// Where in "Paxos Made Simple" the rule is stated.
    pub fn section(&self) -> &'static str {
        match self {
            // §2.1: the three roles; §2.2 lets a proposer make several proposals.
            Rule::NotAProposer => "§2.1",
            Rule::Propose { .. }
            | Rule::SendPrepare { .. }
            | Rule::CountPromise { .. }
            | Rule::AdoptValue { .. }
            | Rule::OwnValue { .. }
            | Rule::IgnoreAccepted { .. }
            | Rule::SendAccept { .. }
            | Rule::CountAccepted { .. }
            | Rule::Chosen { .. }
            | Rule::GivePromise { .. }
            | Rule::NackPrepare { .. }
            | Rule::AcceptProposal { .. }
            | Rule::NackAccept { .. }
            | Rule::AcceptBelowPromise { .. }
            | Rule::IgnoreStale { .. } => "§2.2",
            // §2.2 closes with the optimization: a refused proposer "should then abandon
            // its proposal".
            Rule::Abandon { .. } => "§2.2",
            Rule::HearAccepted { .. } | Rule::Learn { .. } => "§2.3",
            Rule::Timeout { .. } | Rule::Backoff { .. } | Rule::Retry { .. } => "§2.4",
            Rule::Restart { .. } => "§2.5",
            // §2.2: an acceptor "must remember this information even if it fails and then
            // restarts"; §2.5: so must a proposer its highest-numbered proposal.
            Rule::WriteStarted { .. } | Rule::Persisted { .. } | Rule::WriteLost { .. } => "§2.2",
        }
    }

    /// True for the rules that only fire when a "break it" switch is on.
    pub fn is_broken(&self) -> bool {
        matches!(
            self,
            Rule::IgnoreAccepted { .. } | Rule::AcceptBelowPromise { .. }
        )
    }
}

//! The rules of the paper a step can fire. The web turns each into a caption,
//! in English or Chinese, with the section it comes from.

use serde::{Deserialize, Serialize};

use super::state::{Role, Term};
use crate::sim::NodeId;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule")]
pub enum Rule {
    /// No word from a leader within the election timeout: become candidate, vote for self,
    /// ask everyone else for votes.
    StartElection {
        term: Term,
        forced: bool,
    },
    /// An RPC carried a newer term: adopt it and become (or stay) follower.
    AdoptTerm {
        was: Role,
        term: Term,
    },
    GrantVote {
        candidate: NodeId,
        term: Term,
    },
    DenyVote {
        candidate: NodeId,
        term: Term,
        reason: DenyReason,
    },
    /// A candidate counts a reply to its RequestVote.
    CountVote {
        from: NodeId,
        granted: bool,
        votes: usize,
        needed: usize,
    },
    /// Votes from a majority: become leader.
    BecomeLeader {
        term: Term,
        votes: usize,
    },
    /// A leader sends AppendEntries (heartbeats when there is nothing new) to every follower.
    SendHeartbeats {
        term: Term,
    },
    /// AppendEntries from the leader of the current term: follow it and reset the election timer.
    FollowLeader {
        leader: NodeId,
        term: Term,
        was: Role,
    },
    /// AppendEntries from a leader of an older term is refused.
    RejectStaleLeader {
        leader: NodeId,
        term: Term,
    },
    /// The log has no entry at prevLogIndex whose term is prevLogTerm.
    RejectLogMismatch {
        prev_log_index: u64,
        prev_log_term: Term,
    },
    /// A reply from an older term, or to a role this node no longer holds, changes nothing.
    IgnoreStale {
        from: NodeId,
        term: Term,
    },
    /// Back after a crash with only the persistent state.
    Restart {
        term: Term,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DenyReason {
    /// The candidate's term is older than ours (§5.1).
    StaleTerm,
    /// We already voted for someone else in this term (§5.2).
    AlreadyVoted(NodeId),
    /// The candidate's log is less up-to-date than ours (§5.4.1).
    LogBehind,
}

impl Rule {
    /// Where in the Raft paper the rule is stated.
    pub fn section(&self) -> &'static str {
        match self {
            Rule::StartElection { .. } | Rule::CountVote { .. } | Rule::BecomeLeader { .. } => {
                "§5.2"
            }
            Rule::SendHeartbeats { .. } | Rule::FollowLeader { .. } => "§5.2",
            Rule::AdoptTerm { .. } | Rule::RejectStaleLeader { .. } | Rule::IgnoreStale { .. } => {
                "§5.1"
            }
            Rule::GrantVote { .. } => "§5.2",
            Rule::DenyVote { reason, .. } => match reason {
                DenyReason::StaleTerm => "§5.1",
                DenyReason::AlreadyVoted(_) => "§5.2",
                DenyReason::LogBehind => "§5.4.1",
            },
            Rule::RejectLogMismatch { .. } => "§5.3",
            Rule::Restart { .. } => "§5.1",
        }
    }
}

//! The RPCs of Figure 2 and the log entries they carry.

use serde::{Deserialize, Serialize};

use super::state::Term;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub term: Term,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// Invoked by candidates to gather votes (§5.2).
    RequestVote {
        term: Term,
        last_log_index: u64,
        last_log_term: Term,
    },
    RequestVoteReply {
        term: Term,
        granted: bool,
    },
    /// Invoked by the leader to replicate log entries (§5.3); also used as heartbeat (§5.2).
    AppendEntries {
        term: Term,
        prev_log_index: u64,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: u64,
    },
    AppendEntriesReply {
        term: Term,
        success: bool,
        /// On success, the index of the last entry known to match the leader's log.
        match_index: u64,
    },
}

impl Msg {
    pub fn term(&self) -> Term {
        match self {
            Msg::RequestVote { term, .. }
            | Msg::RequestVoteReply { term, .. }
            | Msg::AppendEntries { term, .. }
            | Msg::AppendEntriesReply { term, .. } => *term,
        }
    }
}

//! A server's state, split as in Figure 2: what survives a crash and what does not.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::message::Entry;
use crate::sim::NodeId;

pub type Term = u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Follower,
    Candidate,
    Leader,
}

/// Persistent state on all servers, "updated on stable storage before responding to RPCs" (Figure 2).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Persistent {
    /// Latest term this server has seen (starts at 0, increases monotonically).
    pub current_term: Term,
    /// Candidate that received this server's vote in the current term.
    pub voted_for: Option<NodeId>,
    /// Log entries; entry `i` (1-based, as in the paper) is `log[i - 1]`.
    pub log: Vec<Entry>,
}

impl Persistent {
    pub fn last_log_index(&self) -> u64 {
        self.log.len() as u64
    }

    pub fn last_log_term(&self) -> Term {
        self.log.last().map_or(0, |e| e.term)
    }

    /// Term of the entry at `index` (1-based); 0 for index 0, `None` past the end.
    pub fn term_at(&self, index: u64) -> Option<Term> {
        match index {
            0 => Some(0),
            i => self.log.get(i as usize - 1).map(|e| e.term),
        }
    }
}

/// Volatile state: lost on a crash.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Volatile {
    pub role: Role,
    /// The leader this server last heard from in its current term.
    pub leader: Option<NodeId>,
    /// Votes received as candidate in the current term (including its own).
    pub votes: BTreeSet<NodeId>,
    /// Index of highest log entry known to be committed.
    pub commit_index: u64,
}

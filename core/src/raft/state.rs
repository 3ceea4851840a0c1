//! A server's state, split as in Figure 2: what survives a crash and what does not.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::kv::{ClientId, StateMachine};
use super::leadership::Leadership;
use super::log::Log;
use super::message::Entry;
use super::progress::PeerProgress;
use super::read::Reads;
use super::snapshot::Snapshot;
use crate::sim::{NodeId, Time};

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
    /// Log entries, 1-based as in the paper, after the prefix a snapshot replaced (§7).
    pub log: Log,
    /// The snapshot that replaced the log's compacted prefix, if one did (§7).
    pub snapshot: Option<Snapshot>,
}

/// Shorthands for the log's questions the rules ask most.
impl Persistent {
    pub fn last_log_index(&self) -> u64 {
        self.log.last_index()
    }

    pub fn last_log_term(&self) -> Term {
        self.log.last_term()
    }

    /// Term of the entry at `index` (1-based); 0 for index 0, `None` past the end and before
    /// the last compacted entry.
    pub fn term_at(&self, index: u64) -> Option<Term> {
        self.log.term_at(index)
    }

    /// The entry at `index` (1-based), if it is stored.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        self.log.entry(index)
    }

    /// Stored entries `from..=to` (1-based, clamped to the log).
    pub fn entries(&self, from: u64, to: u64) -> &[Entry] {
        self.log.slice(from, to)
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
    /// Index of highest log entry applied to the state machine.
    pub last_applied: u64,
    /// The key-value store, with the entries `1..=last_applied` applied to it.
    pub state_machine: StateMachine,
    /// Leaders only (Figure 2, "Volatile state on leaders", reinitialized after election).
    pub leader_state: Option<LeaderState>,
    /// With PreVote: the term this server asked pre-votes for, and who granted them (§9.6).
    pub pre_votes: Option<(Term, BTreeSet<NodeId>)>,
    /// When this server last heard from a leader of its term (thesis §4.2.3, §9.6).
    pub heard_leader_at: Option<Time>,
}

/// What a leader keeps about its followers and its waiting clients.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct LeaderState {
    /// Replication progress of every other server.
    pub peers: BTreeMap<NodeId, PeerProgress>,
    /// Client requests in the log that this leader answers once they are applied, by index.
    pub waiting: BTreeMap<u64, Waiting>,
    /// Heartbeat rounds and the reads waiting for them (thesis §6.4).
    pub reads: Reads,
    /// CheckQuorum and leadership transfer (thesis §6.2, §3.10).
    pub leadership: Leadership,
}

/// A client request a leader will answer once its entry is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub client: ClientId,
    pub seq: u64,
    pub requested_at: Time,
}

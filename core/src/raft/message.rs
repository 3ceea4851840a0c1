//! The RPCs of Figure 2, the log entries they carry, and the client requests a
//! follower forwards to its leader.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::kv::{ClientId, Op};
use super::membership::Configuration;
use super::read::ReadMode;
use super::snapshot::Snapshot;
use super::state::Term;
use crate::sim::Time;

/// One entry of a server's log: the term in which a leader created it and what it asks of the
/// state machine (Figure 2: "each entry contains command for state machine, and term when entry
/// was received by leader").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub term: Term,
    pub kind: EntryKind,
}

/// What an entry asks of the state machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum EntryKind {
    /// Changes nothing. A new leader appends one at the start of its term so that entries of
    /// earlier terms get committed through it (§8; thesis §6.4).
    Noop,
    /// A client's command, with the client's id and sequence number so that a retried request
    /// is applied only once (thesis §6.3).
    Command { client: ClientId, seq: u64, op: Op },
    /// A cluster configuration (thesis §4.1): servers use the latest one in their log.
    Config(Configuration),
}

impl Entry {
    pub fn noop(term: Term) -> Self {
        Entry {
            term,
            kind: EntryKind::Noop,
        }
    }

    pub fn command(term: Term, client: ClientId, seq: u64, op: Op) -> Self {
        Entry {
            term,
            kind: EntryKind::Command { client, seq, op },
        }
    }

    /// The client request this entry carries, if any.
    pub fn request(&self) -> Option<(ClientId, u64)> {
        match self.kind {
            EntryKind::Noop | EntryKind::Config(_) => None,
            EntryKind::Command { client, seq, .. } => Some((client, seq)),
        }
    }
}

/// `no-op`, the command as typed (`set x 3`), or the configuration (`voters {S1,S2}`).
impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryKind::Noop => f.write_str("no-op"),
            EntryKind::Command { op, .. } => op.fmt(f),
            EntryKind::Config(c) => c.fmt(f),
        }
    }
}

/// What servers send each other: the RPCs of Figure 2 and Figure 13, the thesis's PreVote and
/// TimeoutNow, and client requests passed on to the leader. Each kind is a struct of its own, so
/// a handler takes the message it handles; on the wire (JSON) a message is its struct's fields
/// with the kind's name as `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Msg {
    RequestVote(RequestVote),
    RequestVoteReply(RequestVoteReply),
    AppendEntries(AppendEntries),
    AppendEntriesReply(AppendEntriesReply),
    InstallSnapshot(InstallSnapshot),
    InstallSnapshotReply(InstallSnapshotReply),
    ClientRequest(ClientRequest),
    ClientRead(ClientRead),
    PreVote(PreVote),
    PreVoteReply(PreVoteReply),
    TimeoutNow(TimeoutNow),
}

/// Invoked by candidates to gather votes (§5.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestVote {
    pub term: Term,
    pub last_log_index: u64,
    pub last_log_term: Term,
    /// Sent because the leader handed leadership over (TimeoutNow, thesis §3.10): voters
    /// answer it even while they hear from that leader (thesis §4.2.3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transfer: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestVoteReply {
    pub term: Term,
    pub granted: bool,
}

/// Invoked by the leader to replicate log entries (§5.3); also used as heartbeat (§5.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppendEntries {
    pub term: Term,
    pub prev_log_index: u64,
    pub prev_log_term: Term,
    pub entries: Vec<Entry>,
    pub leader_commit: u64,
    /// The leader's heartbeat round when it sent this (0 until it serves reads): the reply
    /// echoes it, so the leader knows a majority still followed it after a read began
    /// (thesis §6.4).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub round: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppendEntriesReply {
    pub term: Term,
    pub success: bool,
    /// On success, the index of the last entry known to match the leader's log
    /// (prevLogIndex + the number of entries carried).
    pub match_index: u64,
    /// On a log mismatch, what the follower refused and (with the conflict hint) where its
    /// log diverges. `None` on success and when the leader's term was stale.
    pub rejection: Option<Rejection>,
    /// The round of the AppendEntries this answers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub round: u64,
}

/// Invoked by the leader to send a follower its snapshot, when the entries that follower
/// needs next were compacted (§7, Figure 13). Figure 13's `offset` and `done` split a large
/// snapshot into chunks; here a snapshot always travels in one chunk (offset 0, done).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstallSnapshot {
    pub term: Term,
    pub snapshot: Snapshot,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstallSnapshotReply {
    pub term: Term,
    /// The lastIncludedIndex of the snapshot answered (not in Figure 13, which replies with
    /// the term only): the follower's log now matches the leader's up to there.
    pub last_included_index: u64,
}

/// A client request, as given to a server (`hops` 0) or as a server that is not leader passes
/// it on to the leader it knows (thesis §6.2). Not an RPC of Figure 2: its term is the
/// sender's, for display only, and nobody adopts it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRequest {
    pub term: Term,
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    /// When the request first reached the cluster, so the reply's latency counts from there.
    pub requested_at: Time,
    /// How many servers have passed it on so far (a loop guard).
    pub hops: u16,
}

/// A read, as given to a server or passed on to the leader (thesis §6.4), like
/// [`ClientRequest`]; its term is for display only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRead {
    pub term: Term,
    pub client: ClientId,
    pub seq: u64,
    pub key: String,
    pub mode: ReadMode,
    pub requested_at: Time,
    pub hops: u16,
}

/// Would you vote for me in `term`? (thesis §9.6). Nobody adopts this term: it is the term
/// the sender would start, not one it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreVote {
    pub term: Term,
    pub last_log_index: u64,
    pub last_log_term: Term,
}

/// `term` is the voter's own current term.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreVoteReply {
    pub term: Term,
    pub granted: bool,
}

/// The leader hands leadership over: start an election now (thesis §3.10).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeoutNow {
    pub term: Term,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Why a follower refused AppendEntries (§5.3), for the leader to back up `nextIndex`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The prevLogIndex the follower refused; lets the leader ignore stale refusals.
    pub prev_log_index: u64,
    /// With the conflict hint on: the term of the follower's entry at prevLogIndex, or `None`
    /// when its log is shorter than that.
    pub conflict_term: Option<Term>,
    /// With the conflict hint on: the first index the follower stores for `conflict_term`, or
    /// its last log index + 1 when its log is too short. `None` when the hint is off.
    pub conflict_index: Option<u64>,
}

impl Msg {
    pub fn term(&self) -> Term {
        match self {
            Msg::RequestVote(m) => m.term,
            Msg::RequestVoteReply(m) => m.term,
            Msg::AppendEntries(m) => m.term,
            Msg::AppendEntriesReply(m) => m.term,
            Msg::InstallSnapshot(m) => m.term,
            Msg::InstallSnapshotReply(m) => m.term,
            Msg::ClientRequest(m) => m.term,
            Msg::ClientRead(m) => m.term,
            Msg::PreVote(m) => m.term,
            Msg::PreVoteReply(m) => m.term,
            Msg::TimeoutNow(m) => m.term,
        }
    }

    /// Whether a receiver adopts this message's term (§5.1). Forwarded client requests carry
    /// the sender's term for display only; a PreVote carries a term nobody holds yet.
    pub fn carries_term(&self) -> bool {
        !matches!(
            self,
            Msg::ClientRequest(_) | Msg::ClientRead(_) | Msg::PreVote(_)
        )
    }
}

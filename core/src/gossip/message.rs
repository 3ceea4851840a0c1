//! What travels on the wire, and how many bytes it would take.
//!
//! Data exchange (Demers et al. §1.3, the seed notes' push / pull / push-pull):
//!
//! | mode      | messages | flow                                                        |
//! |-----------|----------|-------------------------------------------------------------|
//! | push      | 1        | `Push` (entries)                                            |
//! | pull      | 2        | `Digest` → `Answer` (what the peer has newer)               |
//! | push-pull | 3        | `Digest` → `Answer` (+ keys the peer wants) → `Push`        |
//!
//! Rumor push with feedback adds a `PushAck` saying which rumors the peer already knew.
//! Failure detection (SWIM §3.1): `Ping` → `Ack`, or `PingReq` → relay `Ping` → `Ack` →
//! relayed `Ack`. Every message carries piggybacked membership changes (SWIM §4.1).

use serde::{Deserialize, Serialize};

use super::membership::Status;
use super::store::{Digest, Entry, Key, Version};
use crate::sim::NodeId;

/// A membership change as it is gossiped: `node` is `status` at `incarnation` (SWIM §4.2).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberUpdate {
    pub node: NodeId,
    pub status: Status,
    pub incarnation: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// Entries for the receiver to merge: a push, or the third message of a push-pull.
    /// `ack`: the receiver answers with a [`Msg::PushAck`] (rumor push with feedback).
    Push {
        entries: Vec<Entry>,
        ack: bool,
        gossip: Vec<MemberUpdate>,
    },
    /// Feedback on a rumor push: the `(key, version)`s pushed that the receiver already
    /// knew (Demers et al. §1.4, feedback).
    PushAck {
        known: Vec<(Key, Version)>,
        gossip: Vec<MemberUpdate>,
    },
    /// First message of a pull or push-pull: the initiator's `(key, version)` digest.
    /// `full`: answer with everything newer (anti-entropy), not only hot rumors.
    Digest {
        digest: Digest,
        full: bool,
        push_pull: bool,
        gossip: Vec<MemberUpdate>,
    },
    /// The answer to a digest: entries newer than the digest; in push-pull also `want`, the
    /// keys where the initiator is newer.
    Answer {
        entries: Vec<Entry>,
        want: Option<Vec<Key>>,
        full: bool,
        gossip: Vec<MemberUpdate>,
    },
    /// A node joins (or rejoins, or reconnects to a member believed dead) through the
    /// receiver: its digest and its membership list, for a full two-way sync.
    Join {
        digest: Digest,
        members: Vec<MemberUpdate>,
        gossip: Vec<MemberUpdate>,
    },
    /// The answer to a join: what the joiner lacks, what it has newer, and the membership list.
    Welcome {
        entries: Vec<Entry>,
        want: Vec<Key>,
        members: Vec<MemberUpdate>,
        gossip: Vec<MemberUpdate>,
    },
    /// SWIM probe. `origin`: the member this ping is relayed for (a ping-req), if any.
    Ping {
        seq: u32,
        origin: Option<NodeId>,
        gossip: Vec<MemberUpdate>,
    },
    /// Ask the receiver to probe `target` on the sender's behalf (SWIM §3.1).
    PingReq {
        target: NodeId,
        seq: u32,
        gossip: Vec<MemberUpdate>,
    },
    /// `target` is alive: the answer to a ping, or a relay's forward of it to `origin`.
    Ack {
        seq: u32,
        target: NodeId,
        origin: Option<NodeId>,
        gossip: Vec<MemberUpdate>,
    },
}

/// Message kinds, for counters and legends.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MsgKind {
    Push,
    PushAck,
    Digest,
    Answer,
    Join,
    Welcome,
    Ping,
    PingReq,
    Ack,
}

impl MsgKind {
    pub const COUNT: usize = 9;
    pub const ALL: [MsgKind; MsgKind::COUNT] = [
        MsgKind::Push,
        MsgKind::PushAck,
        MsgKind::Digest,
        MsgKind::Answer,
        MsgKind::Join,
        MsgKind::Welcome,
        MsgKind::Ping,
        MsgKind::PingReq,
        MsgKind::Ack,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether this kind belongs to the data exchange (as opposed to failure detection).
    pub fn is_data(self) -> bool {
        !matches!(self, MsgKind::Ping | MsgKind::PingReq | MsgKind::Ack)
    }
}

/// Estimated wire sizes, in bytes: IP + UDP headers and a message tag.
pub const HEADER_BYTES: u64 = 32;
/// Key (8), value (8), version counter (8) and writer (2).
pub const ENTRY_BYTES: u64 = 26;
/// Key (8) and version (10).
pub const DIGEST_ITEM_BYTES: u64 = 18;
pub const KEY_BYTES: u64 = 8;
/// Node (2), status (1), incarnation (8).
pub const MEMBER_BYTES: u64 = 11;
/// Sequence number (4) and one or two node ids.
pub const PROBE_BYTES: u64 = 8;

impl Msg {
    pub fn kind(&self) -> MsgKind {
        match self {
            Msg::Push { .. } => MsgKind::Push,
            Msg::PushAck { .. } => MsgKind::PushAck,
            Msg::Digest { .. } => MsgKind::Digest,
            Msg::Answer { .. } => MsgKind::Answer,
            Msg::Join { .. } => MsgKind::Join,
            Msg::Welcome { .. } => MsgKind::Welcome,
            Msg::Ping { .. } => MsgKind::Ping,
            Msg::PingReq { .. } => MsgKind::PingReq,
            Msg::Ack { .. } => MsgKind::Ack,
        }
    }

    /// The membership changes riding on this message.
    pub fn gossip(&self) -> &[MemberUpdate] {
        match self {
            Msg::Push { gossip, .. }
            | Msg::PushAck { gossip, .. }
            | Msg::Digest { gossip, .. }
            | Msg::Answer { gossip, .. }
            | Msg::Join { gossip, .. }
            | Msg::Welcome { gossip, .. }
            | Msg::Ping { gossip, .. }
            | Msg::PingReq { gossip, .. }
            | Msg::Ack { gossip, .. } => gossip,
        }
    }

    pub(crate) fn gossip_mut(&mut self) -> &mut Vec<MemberUpdate> {
        match self {
            Msg::Push { gossip, .. }
            | Msg::PushAck { gossip, .. }
            | Msg::Digest { gossip, .. }
            | Msg::Answer { gossip, .. }
            | Msg::Join { gossip, .. }
            | Msg::Welcome { gossip, .. }
            | Msg::Ping { gossip, .. }
            | Msg::PingReq { gossip, .. }
            | Msg::Ack { gossip, .. } => gossip,
        }
    }

    /// Entries (key, value, version) carried.
    pub fn entries(&self) -> &[Entry] {
        match self {
            Msg::Push { entries, .. }
            | Msg::Answer { entries, .. }
            | Msg::Welcome { entries, .. } => entries,
            _ => &[],
        }
    }

    /// Estimated size on the wire, in bytes.
    pub fn bytes(&self) -> u64 {
        let n = |len: usize| len as u64;
        let body = match self {
            Msg::Push { entries, .. } => n(entries.len()) * ENTRY_BYTES,
            Msg::PushAck { known, .. } => n(known.len()) * DIGEST_ITEM_BYTES,
            Msg::Digest { digest, .. } => n(digest.len()) * DIGEST_ITEM_BYTES,
            Msg::Answer { entries, want, .. } => {
                n(entries.len()) * ENTRY_BYTES + n(want.as_ref().map_or(0, Vec::len)) * KEY_BYTES
            }
            Msg::Join {
                digest, members, ..
            } => n(digest.len()) * DIGEST_ITEM_BYTES + n(members.len()) * MEMBER_BYTES,
            Msg::Welcome {
                entries,
                want,
                members,
                ..
            } => {
                n(entries.len()) * ENTRY_BYTES
                    + n(want.len()) * KEY_BYTES
                    + n(members.len()) * MEMBER_BYTES
            }
            Msg::Ping { .. } | Msg::PingReq { .. } | Msg::Ack { .. } => PROBE_BYTES,
        };
        HEADER_BYTES + body + n(self.gossip().len()) * MEMBER_BYTES
    }
}

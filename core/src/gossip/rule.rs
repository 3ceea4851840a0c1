//! The rules a gossip step can fire. The web turns each into a caption, in English or
//! Chinese, with the source it comes from ([`Rule::source`]).
//!
//! Sources: Demers, Greene, Hauser, Irish, Larson, Shenker, Sturgis, Swinehart, Terry,
//! "Epidemic Algorithms for Replicated Database Maintenance", PODC 1987 (§1.1 notation
//! and timestamps, §1.3 anti-entropy and push/pull, §1.4 complex epidemics / rumor
//! mongering, §1.5 backing them up with anti-entropy); Das, Gupta, Motivala, "SWIM",
//! DSN 2002 (§3.1 failure detector, §4.1 infection-style dissemination, §4.2 suspicion);
//! the seed notes (peer selection rules, health checks as in Consul and Serf).

use serde::{Deserialize, Serialize};

use super::config::{Mode, Stop};
use super::membership::Status;
use super::store::{Key, Value, Version};
use crate::sim::NodeId;

/// Why an infective node stopped spreading a rumor.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LossReason {
    /// The counter reached k.
    Counter,
    /// The 1/k coin came up.
    Coin,
    /// The peer selection rules leave nobody to send it to.
    Exhausted,
}

impl From<Stop> for LossReason {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Counter => LossReason::Counter,
            Stop::Coin => LossReason::Coin,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule")]
pub enum Rule {
    /// A user wrote `key`: a new version, newer than any this node held.
    LocalUpdate {
        key: Key,
        value: Value,
        version: Version,
    },
    /// A round starts: the node contacts these peers with `mode`.
    Round {
        round: u64,
        peers: Vec<NodeId>,
        mode: Mode,
    },
    /// Rumor model: one extra anti-entropy push-pull with a random peer.
    BackupAntiEntropy { peer: NodeId },
    /// A received entry was newer than this node's: the newer version wins.
    Learn {
        key: Key,
        version: Version,
        from: NodeId,
    },
    /// A received entry was not newer: a redundant receipt.
    AlreadyKnown {
        key: Key,
        version: Version,
        have: Version,
        from: NodeId,
    },
    /// A digest arrived: answer with what this node has newer (and, in push-pull, ask for
    /// what the peer has newer).
    AnswerDigest {
        to: NodeId,
        entries: usize,
        want: Option<usize>,
    },
    /// Push-pull's third message: send the peer the entries it asked for.
    SendBack { to: NodeId, entries: usize },
    /// Rumor mongering: susceptible → infective for this update.
    Infective { key: Key, version: Version },
    /// Feedback: the peer already knew this rumor (an unnecessary contact, counted).
    Unnecessary { key: Key, peer: NodeId, count: u32 },
    /// Rumor mongering: infective → removed.
    LoseInterest {
        key: Key,
        version: Version,
        reason: LossReason,
        count: u32,
    },
    /// A node outside the cluster joins through `via` (full two-way sync).
    Join { via: NodeId },
    /// Answer a join: add the joiner, send it what it lacks and the membership list.
    Welcome { joiner: NodeId },
    /// Try to reach a member believed dead with a full sync (Serf's reconnect).
    Reconnect { member: NodeId },
    /// A membership change heard by gossip (or in a join's list) was news: apply it and
    /// pass it on.
    MemberChange {
        member: NodeId,
        status: Status,
        incarnation: u64,
        from: NodeId,
        /// The member was unknown here: it joined.
        joined: bool,
    },
    /// SWIM: ping a random member.
    Probe { target: NodeId, seq: u32 },
    /// SWIM: the probed member answered (directly or through a relay).
    ProbeAcked { target: NodeId, indirect: bool },
    /// SWIM: no ack in time; ask these members to probe the target.
    IndirectProbe { target: NodeId, relays: Vec<NodeId> },
    /// SWIM: ping a target on behalf of `origin`.
    RelayProbe { target: NodeId, origin: NodeId },
    /// SWIM: the probe failed; the target becomes suspect.
    Suspect { member: NodeId, incarnation: u64 },
    /// SWIM: declared dead (after the suspicion timeout, or at once without suspicion).
    ConfirmDead {
        member: NodeId,
        incarnation: u64,
        suspected: bool,
    },
    /// SWIM: this node heard it is suspect (or dead) and refutes with a higher incarnation.
    Refute { status: Status, incarnation: u64 },
    /// The node's health check now gives this outcome (the agent notices at its next check).
    CheckOutcome { passing: bool },
    /// The agent's health check changed outcome: publish it as an update of `Health(node)`.
    HealthChanged { passing: bool, version: Version },
    /// A message reached a node that is not (yet) a member: ignored.
    NotMember { from: NodeId },
    /// Back after a crash: the store stayed, rumors and the membership view are gone; a new
    /// incarnation, then a full sync to catch up.
    Restart { incarnation: u64 },
}

impl Rule {
    /// Where the rule comes from.
    pub fn source(&self) -> &'static str {
        match self {
            Rule::LocalUpdate { .. } | Rule::Learn { .. } | Rule::AlreadyKnown { .. } => {
                "Demers et al. 1987, §1.1"
            }
            Rule::Round { .. } | Rule::AnswerDigest { .. } | Rule::SendBack { .. } => {
                "Demers et al. 1987, §1.3; seed notes"
            }
            Rule::BackupAntiEntropy { .. } => "Demers et al. 1987, §1.5",
            Rule::Infective { .. } | Rule::Unnecessary { .. } => "Demers et al. 1987, §1.4",
            Rule::LoseInterest { reason, .. } => match reason {
                LossReason::Exhausted => "seed notes (not yet sent to)",
                _ => "Demers et al. 1987, §1.4",
            },
            Rule::Join { .. } | Rule::Welcome { .. } | Rule::Reconnect { .. } => {
                "Serf (join, reconnect); seed notes"
            }
            Rule::MemberChange { .. } => "SWIM 2002, §4.1",
            Rule::Probe { .. }
            | Rule::ProbeAcked { .. }
            | Rule::IndirectProbe { .. }
            | Rule::RelayProbe { .. } => "SWIM 2002, §3.1",
            Rule::Suspect { .. } | Rule::Refute { .. } => "SWIM 2002, §4.2",
            Rule::ConfirmDead { suspected, .. } => {
                if *suspected {
                    "SWIM 2002, §4.2"
                } else {
                    "SWIM 2002, §3.1"
                }
            }
            Rule::CheckOutcome { .. } | Rule::HealthChanged { .. } => {
                "Consul health checks; seed notes"
            }
            Rule::NotMember { .. } => "Serf (membership)",
            Rule::Restart { .. } => "SWIM 2002, §4.2 (incarnation); Serf (rejoin)",
        }
    }
}

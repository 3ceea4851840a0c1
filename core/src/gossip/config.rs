//! Gossip's options: exchange mode, epidemic model, peer selection, timing,
//! failure detection and health checks. Every field is plain data (`Copy`), so
//! each node carries its own copy cheaply and a permalink can hold all of it.
//!
//! Settings come from outside (a link, a run file, a page's options): nothing here may panic on
//! them, and `problem` says what is wrong with them for [`crate::sim::Sim::new`] to refuse.

use serde::{Deserialize, Serialize};

use crate::sim::{ConfigProblem, Time, ms};

/// How two nodes exchange data in one contact (the seed notes' three modes; Demers et al. §1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// A sends `(key, value, version)` entries to B; B keeps what is newer. One message.
    Push,
    /// A sends its digest `(key, version)`; B answers with what it has newer. Two messages.
    Pull,
    /// Pull, then A sends back what it has newer than B. Three messages.
    PushPull,
}

impl Mode {
    /// Messages per exchange, as the seed notes count them (1, 2, 3).
    pub fn messages_per_exchange(self) -> usize {
        match self {
            Mode::Push => 1,
            Mode::Pull => 2,
            Mode::PushPull => 3,
        }
    }
}

/// When an infective node stops spreading a rumor (Demers et al. §1.4, "Counter vs. coin").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// Lose interest after `k` counted contacts.
    Counter,
    /// Lose interest with probability `1/k` at each counted contact.
    Coin,
}

/// The epidemic model (Demers et al. §1.3 and §1.4; the seed notes' SI and SIR).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "model")]
pub enum Model {
    /// SI: every round, every node exchanges its whole store (or a digest of it) with its
    /// peers, forever. Converges completely; messages never stop.
    AntiEntropy,
    /// SIR: only hot rumors travel; a node stops spreading a rumor (becomes removed) by the
    /// `stop` rule with parameter `k`. With `feedback`, only unnecessary contacts (the peer
    /// already knew) count; without it (blind), every contact counts.
    Rumor { stop: Stop, k: u32, feedback: bool },
}

impl Model {
    pub fn is_rumor(self) -> bool {
        matches!(self, Model::Rumor { .. })
    }
}

/// The seed notes' peer selection rules. Both off is uniform random selection.
///
/// The two rules are about a *rumor* ("not yet sent this rumor to", "never back to the node
/// it came from"), so they shape whom a node pushes hot rumors to; anti-entropy, which
/// exchanges whole stores, and the pull half of an exchange pick peers uniformly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PeerSelection {
    /// Choose only peers this rumor has not been sent to yet (每次散播消息都选择尚未发送过的节点).
    #[serde(default)]
    pub avoid_repeats: bool,
    /// Never send a rumor back to the node it came from (收到消息的节点不再往发送节点散播).
    #[serde(default)]
    pub avoid_sender: bool,
}

impl PeerSelection {
    pub const UNIFORM: PeerSelection = PeerSelection {
        avoid_repeats: false,
        avoid_sender: false,
    };
    /// Both rules of the seed notes.
    pub const SEED_NOTES: PeerSelection = PeerSelection {
        avoid_repeats: true,
        avoid_sender: true,
    };
}

/// SWIM failure detection (Das, Gupta, Motivala 2002) as Serf/Consul run it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimConfig {
    /// The protocol period T' (§3.1): each member probes one random member per period.
    pub probe_interval: Time,
    /// How long to wait for a direct ack before asking others to probe (§3.1).
    pub probe_timeout: Time,
    /// How many members are asked to probe indirectly (§3.1's k).
    pub indirect_probes: u32,
    /// §4.2's suspicion mechanism; off is §3's basic SWIM (a failed probe means dead).
    pub suspicion: bool,
    /// How long a member stays suspect before it is confirmed dead (§4.2).
    pub suspect_timeout: Time,
    /// Each membership change is piggybacked `retransmit_mult × ⌈log2(n + 1)⌉` times by
    /// every member that learns it (§4.1's λ log n, with λ = `retransmit_mult`).
    pub retransmit_mult: u32,
    /// At most this many membership changes ride on one message.
    pub max_piggyback: u32,
    /// Every this many probes, try to resync with a member believed dead, as Serf's
    /// reconnect does, so a healed partition merges again (0: never).
    pub reconnect_every: u32,
}

impl Default for SwimConfig {
    fn default() -> Self {
        SwimConfig {
            probe_interval: ms(1_000),
            probe_timeout: ms(300),
            indirect_probes: 3,
            suspicion: true,
            suspect_timeout: ms(5_000),
            retransmit_mult: 3,
            max_piggyback: 6,
            reconnect_every: 10,
        }
    }
}

/// "Break it" switches: each turns off one rule on purpose; the invariant checker must
/// then find a violation (each has a test proving it does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Breaks {
    /// Apply every received entry, even an older version ("last arrival wins" instead of
    /// "newer version wins"): versions can go backwards.
    #[serde(default)]
    pub accept_stale: bool,
    /// Keep the store in memory only: a crash wipes it. A restarted node then holds older
    /// versions than before (or none), and its next write of a key reuses a version it
    /// already gave another value.
    #[serde(default)]
    pub volatile_store: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GossipConfig {
    /// Length of a round (seed notes: 1 s). Rounds are aligned on a shared grid: round `r`
    /// covers `[r·period, (r+1)·period)`.
    pub period: Time,
    /// Each node starts each round at a random offset in `0..=jitter` after the round's
    /// start. 0 gives lockstep rounds (the synchronous model of the theory).
    pub jitter: Time,
    /// Peers contacted per round (seed notes: 3); clamped to `1..=n-1`.
    pub fanout: u32,
    pub mode: Mode,
    pub model: Model,
    pub selection: PeerSelection,
    /// Rumor model only: every this many rounds, also run one anti-entropy push-pull with
    /// one random peer, so rumors that died out still reach everyone
    /// (Demers et al. §1.5, "Backing up complex epidemics with anti-entropy"). 0: off.
    #[serde(default)]
    pub backup_every: u32,
    /// Judge a rumor push's feedback against the receiver's state at the start of the round,
    /// as Demers et al.'s synchronous simulations do: a push of a rumor the receiver learned
    /// earlier in the same round still counts as necessary. Off: judged on arrival (what the
    /// continuous analysis `s = e^{−(k+1)(1−s)}` models). With it, push / feedback / counter
    /// at k = 1 reproduces the first row of Demers et al.'s Table 1.
    #[serde(default)]
    pub lockstep_feedback: bool,
    /// Nodes `0..initial_members` are members at start; the others wait outside until told
    /// to `Join`. `None`: every node is a member.
    #[serde(default)]
    pub initial_members: Option<u16>,
    /// Failure detection; `None`: off (nobody is ever suspected).
    #[serde(default)]
    pub swim: Option<SwimConfig>,
    /// Each node runs its health check this often and gossips a change of its outcome as an
    /// update of key `Health(node)`, as Consul's agents do. `None`: no health checks.
    #[serde(default)]
    pub health_interval: Option<Time>,
    #[serde(default)]
    pub breaks: Breaks,
}

/// The shortest period (and probe interval) a node will use, whatever the configuration says.
pub const MIN_PERIOD: Time = ms(1);

impl Default for GossipConfig {
    /// Anti-entropy push-pull, fan-out 3, one round per second with up to 100 ms of jitter.
    fn default() -> Self {
        GossipConfig {
            period: ms(1_000),
            jitter: ms(100),
            fanout: 3,
            mode: Mode::PushPull,
            model: Model::AntiEntropy,
            selection: PeerSelection::UNIFORM,
            backup_every: 0,
            lockstep_feedback: false,
            initial_members: None,
            swim: None,
            health_interval: None,
            breaks: Breaks::default(),
        }
    }
}

impl GossipConfig {
    /// The seed notes' setting: period 1 s, fan-out 3, push, only to nodes not yet sent to,
    /// never back to the sender; rumors stop after 2 unnecessary contacts.
    pub fn seed_notes() -> Self {
        GossipConfig {
            mode: Mode::Push,
            model: Model::Rumor {
                stop: Stop::Counter,
                k: 2,
                feedback: true,
            },
            selection: PeerSelection::SEED_NOTES,
            ..GossipConfig::default()
        }
    }

    /// Anti-entropy (SI) with the given mode and fan-out, lockstep rounds.
    pub fn anti_entropy(mode: Mode, fanout: u32) -> Self {
        GossipConfig {
            mode,
            fanout,
            jitter: 0,
            ..GossipConfig::default()
        }
    }

    /// Rumor mongering (SIR) with the given mode and stop rule, fan-out 1, lockstep rounds,
    /// uniform selection: the setting of Demers et al.'s Tables 1 and 2.
    pub fn rumor(mode: Mode, stop: Stop, k: u32, feedback: bool) -> Self {
        GossipConfig {
            mode,
            fanout: 1,
            jitter: 0,
            model: Model::Rumor { stop, k, feedback },
            ..GossipConfig::default()
        }
    }

    /// The period a node actually uses (at least [`MIN_PERIOD`]).
    pub fn period(&self) -> Time {
        self.period.max(MIN_PERIOD)
    }

    /// The jitter a node actually uses (less than the period).
    pub fn jitter(&self) -> Time {
        self.jitter.min(self.period() - 1)
    }

    /// The round that virtual time `t` falls in.
    pub fn round_at(&self, t: Time) -> u64 {
        t / self.period()
    }

    /// Fan-out actually used in a cluster of `n` nodes: `1..=n-1` (0 when alone).
    pub fn fanout_for(&self, n: usize) -> usize {
        (self.fanout.max(1) as usize).min(n.saturating_sub(1))
    }

    /// Whether node `index` is a member from the start.
    pub fn member_at_start(&self, index: usize) -> bool {
        self.initial_members.is_none_or(|m| index < m as usize)
    }

    /// Why these settings cannot be used as given, if they cannot: [`crate::sim::Sim::new`]
    /// refuses them with this reason. A node built from them directly would not panic either:
    /// it clamps (period ≥ 1 ms, fan-out ≥ 1, k ≥ 1 …).
    pub fn problem(&self) -> Option<ConfigProblem> {
        if self.period < MIN_PERIOD {
            return Some(ConfigProblem::Period {
                period: self.period,
            });
        }
        if self.jitter >= self.period {
            return Some(ConfigProblem::Jitter {
                jitter: self.jitter,
                period: self.period,
            });
        }
        if self.fanout == 0 {
            return Some(ConfigProblem::FanoutZero);
        }
        if let Model::Rumor { k: 0, .. } = self.model {
            return Some(ConfigProblem::RumorStopZero);
        }
        if let Some(s) = &self.swim {
            if s.probe_interval < MIN_PERIOD {
                return Some(ConfigProblem::ProbeInterval {
                    interval: s.probe_interval,
                });
            }
            if s.probe_timeout == 0 || s.probe_timeout >= s.probe_interval {
                return Some(ConfigProblem::ProbeTimeout {
                    timeout: s.probe_timeout,
                    interval: s.probe_interval,
                });
            }
        }
        if let Some(interval) = self.health_interval.filter(|&t| t < MIN_PERIOD) {
            return Some(ConfigProblem::HealthInterval { interval });
        }
        None
    }
}

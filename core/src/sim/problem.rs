//! Why a configuration cannot be used: what is wrong, with the values involved, as data.
//!
//! [`Sim::new`](super::Sim::new) refuses a cluster, a network or a protocol's settings with one
//! of these ([`SimError::BadConfig`](super::SimError::BadConfig)), as do an intervention that
//! changes the network and a tape too long to replay. `Display` says it in English for the
//! command line; the web crate says each one in every language it has.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::engine::MAX_NODES;
use super::tape::MAX_TAPE_STEPS;
use super::time::Time;

/// A problem with a configuration, one variant per rule it breaks. Times are in µs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigProblem {
    // The cluster and the run (`Sim::new`, `Action::Partition`, `History::replay`).
    /// A cluster of no nodes, or of more than [`MAX_NODES`].
    ClusterSize { nodes: usize },
    /// A partition into more groups than a node's group number can count.
    PartitionGroups { groups: usize },
    /// A tape of more steps than [`MAX_TAPE_STEPS`].
    TapeTooLong { steps: u64 },

    // The network (`NetConfig::problem`).
    /// A latency range whose minimum is above its maximum.
    LatencyRange { min: Time, max: Time },
    /// A loss rate that is no probability (outside 0..=1).
    Loss { loss: f64 },
    /// A duplication rate that is no probability (outside 0..=1).
    Duplicate { duplicate: f64 },

    // Raft (`RaftConfig::problem`).
    /// An election timeout range that is empty or starts at zero.
    ElectionTimeout { min: Time, max: Time },
    /// A heartbeat interval of zero.
    HeartbeatZero,
    /// A persistence delay range whose minimum is above its maximum.
    PersistDelay { min: Time, max: Time },
    /// A batch that holds no entry.
    BatchZero,

    // Gossip (`GossipConfig::problem`).
    /// A round period under 1 ms.
    Period { period: Time },
    /// A jitter not shorter than the round period.
    Jitter { jitter: Time, period: Time },
    /// A fan-out of zero.
    FanoutZero,
    /// A rumor stop parameter `k` of zero.
    RumorStopZero,
    /// A SWIM probe interval under 1 ms.
    ProbeInterval { interval: Time },
    /// A SWIM probe timeout of zero, or not shorter than the probe interval.
    ProbeTimeout { timeout: Time, interval: Time },
    /// A health check interval under 1 ms.
    HealthInterval { interval: Time },

    // Paxos (`PaxosConfig::problem` and `problem_in`).
    /// No node of the layout is an acceptor.
    NoAcceptor,
    /// No node of the layout is a proposer.
    NoProposer,
    /// A layout of more nodes than ids can number.
    TooManyRoles { nodes: usize },
    /// A phase timeout of zero.
    PhaseTimeoutZero,
    /// A back-off range whose minimum is above its maximum.
    BackOff { min: Time, max: Time },
    /// None of the run's `cluster` nodes is an acceptor (roles past the cluster do not count).
    NoAcceptorAmong { cluster: usize },
    /// None of the run's `cluster` nodes is a proposer.
    NoProposerAmong { cluster: usize },
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::ClusterSize { nodes } => {
                write!(f, "cluster size must be 1..={MAX_NODES}, not {nodes}")
            }
            ConfigProblem::PartitionGroups { groups } => write!(
                f,
                "a partition has fewer than {} groups, not {groups}",
                u16::MAX
            ),
            ConfigProblem::TapeTooLong { steps } => write!(
                f,
                "a run of {steps} steps is longer than the {MAX_TAPE_STEPS} a link may replay"
            ),
            ConfigProblem::LatencyRange { min, max } => {
                write!(f, "latency min ({min} µs) is above max ({max} µs)")
            }
            ConfigProblem::Loss { loss } => {
                write!(
                    f,
                    "the loss rate is a probability between 0 and 1, not {loss}"
                )
            }
            ConfigProblem::Duplicate { duplicate } => write!(
                f,
                "the duplication rate is a probability between 0 and 1, not {duplicate}"
            ),
            ConfigProblem::ElectionTimeout { min, max } => write!(
                f,
                "the election timeout range must be non-empty and above zero, not {min}..={max} µs"
            ),
            ConfigProblem::HeartbeatZero => {
                f.write_str("the heartbeat interval must be above zero")
            }
            ConfigProblem::PersistDelay { min, max } => write!(
                f,
                "the persistence delay's minimum ({min} µs) must not exceed its maximum ({max} µs)"
            ),
            ConfigProblem::BatchZero => f.write_str("a batch must hold at least one entry"),
            ConfigProblem::Period { period } => {
                write!(f, "the round period must be at least 1 ms, not {period} µs")
            }
            ConfigProblem::Jitter { jitter, period } => write!(
                f,
                "the jitter ({jitter} µs) must be shorter than the round period ({period} µs)"
            ),
            ConfigProblem::FanoutZero => f.write_str("the fan-out must be at least 1"),
            ConfigProblem::RumorStopZero => {
                f.write_str("the rumor stop parameter k must be at least 1")
            }
            ConfigProblem::ProbeInterval { interval } => write!(
                f,
                "the probe interval must be at least 1 ms, not {interval} µs"
            ),
            ConfigProblem::ProbeTimeout { timeout, interval } => write!(
                f,
                "the probe timeout ({timeout} µs) must lie between 0 and the probe interval ({interval} µs)"
            ),
            ConfigProblem::HealthInterval { interval } => write!(
                f,
                "the health check interval must be at least 1 ms, not {interval} µs"
            ),
            ConfigProblem::NoAcceptor => f.write_str("there must be at least one acceptor"),
            ConfigProblem::NoProposer => f.write_str("there must be at least one proposer"),
            ConfigProblem::TooManyRoles { nodes } => write!(
                f,
                "a layout of {nodes} nodes is more than the {} ids can number",
                u16::MAX
            ),
            ConfigProblem::PhaseTimeoutZero => f.write_str("the phase timeout must be above zero"),
            ConfigProblem::BackOff { min, max } => write!(
                f,
                "the back-off range must not be empty, not {min}..={max} µs"
            ),
            ConfigProblem::NoAcceptorAmong { cluster } => {
                write!(f, "none of the {cluster} nodes is an acceptor")
            }
            ConfigProblem::NoProposerAmong { cluster } => {
                write!(f, "none of the {cluster} nodes is a proposer")
            }
        }
    }
}

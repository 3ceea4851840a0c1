//! The network model: latency, loss, duplication, cut links and partitions.
//!
//! Loss and latency are drawn when a message is sent, from the network's own
//! random stream; cuts and partitions are checked when it arrives, so a
//! partition made while messages are in flight drops them on arrival.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::problem::ConfigProblem;
use super::protocol::NodeId;
use super::rng::SimRng;
use super::time::{Time, ms};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    /// One-way latency is drawn uniformly from `latency_min..=latency_max`.
    pub latency_min: Time,
    pub latency_max: Time,
    /// Probability that a message is lost.
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
}

impl NetConfig {
    /// Why these settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<ConfigProblem> {
        if self.latency_min > self.latency_max {
            Some(ConfigProblem::LatencyRange {
                min: self.latency_min,
                max: self.latency_max,
            })
        } else if !(0.0..=1.0).contains(&self.loss) {
            Some(ConfigProblem::Loss { loss: self.loss })
        } else if !(0.0..=1.0).contains(&self.duplicate) {
            Some(ConfigProblem::Duplicate {
                duplicate: self.duplicate,
            })
        } else {
            None
        }
    }
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency_min: ms(10),
            latency_max: ms(20),
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}

/// What the network decided for one send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transit {
    pub latency: Time,
    pub lost: bool,
    /// The latency of a second copy, if the message is duplicated.
    pub duplicate: Option<Time>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub config: NetConfig,
    /// Directed links that carry nothing: `(from, to)`.
    cuts: BTreeSet<(NodeId, NodeId)>,
    /// Partition group of each node; nodes in different groups cannot talk.
    groups: Vec<u16>,
    rng: SimRng,
}

impl Network {
    pub fn new(config: NetConfig, nodes: usize, seed: u64) -> Self {
        Network {
            config,
            cuts: BTreeSet::new(),
            groups: vec![0; nodes],
            rng: SimRng::new(seed, 0),
        }
    }

    /// Decide latency, loss and duplication of one send.
    pub fn transit(&mut self) -> Transit {
        let c = &self.config;
        let (lo, hi, loss, dup) = (c.latency_min, c.latency_max, c.loss, c.duplicate);
        let latency = self.rng.between(lo, hi);
        let lost = self.rng.chance(loss);
        let duplicate = self.rng.chance(dup).then(|| self.rng.between(lo, hi));
        Transit {
            latency,
            lost,
            duplicate,
        }
    }

    /// Whether a message from `from` can reach `to` right now (never, if either is not a node
    /// of this network).
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        let side = |id: NodeId| self.groups.get(id.index());
        !self.cuts.contains(&(from, to)) && side(from).is_some_and(|g| Some(g) == side(to))
    }

    /// Cut the link `from → to` (one way).
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cuts.insert((from, to));
    }

    /// Restore the link `from → to`.
    pub fn uncut(&mut self, from: NodeId, to: NodeId) {
        self.cuts.remove(&(from, to));
    }

    pub fn cuts(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cuts.iter().copied()
    }

    /// Split the cluster: each listed group becomes its own side; nodes not listed
    /// share one more side.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        self.groups.iter_mut().for_each(|g| *g = 0);
        for (i, group) in groups.iter().enumerate() {
            for id in group {
                if let Some(g) = self.groups.get_mut(id.index()) {
                    // The engine refuses a partition of `u16::MAX` groups or more.
                    *g = u16::try_from(i + 1).unwrap_or(u16::MAX);
                }
            }
        }
    }

    /// The partition group of each node (all equal when there is no partition).
    pub fn groups(&self) -> &[u16] {
        &self.groups
    }

    /// Remove every cut and partition.
    pub fn heal(&mut self) {
        self.cuts.clear();
        self.groups.iter_mut().for_each(|g| *g = 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_one_way() {
        let mut net = Network::new(NetConfig::default(), 3, 1);
        net.cut(NodeId(0), NodeId(1));
        assert!(!net.connected(NodeId(0), NodeId(1)));
        assert!(net.connected(NodeId(1), NodeId(0)));
        net.heal();
        assert!(net.connected(NodeId(0), NodeId(1)));
    }

    #[test]
    fn a_node_the_network_does_not_have_is_connected_to_nothing() {
        let net = Network::new(NetConfig::default(), 2, 1);
        assert!(!net.connected(NodeId(0), NodeId(2)));
        assert!(!net.connected(NodeId(2), NodeId(0)));
        assert!(!net.connected(NodeId(7), NodeId(9)));
    }

    #[test]
    fn partition_separates_groups_and_unlisted_nodes() {
        let mut net = Network::new(NetConfig::default(), 5, 1);
        net.partition(&[vec![NodeId(0), NodeId(1)], vec![NodeId(2)]]);
        assert!(net.connected(NodeId(0), NodeId(1)));
        assert!(!net.connected(NodeId(1), NodeId(2)));
        assert!(!net.connected(NodeId(2), NodeId(3)));
        assert!(net.connected(NodeId(3), NodeId(4)));
    }

    #[test]
    fn latency_within_bounds_and_loss_rate_close_to_config() {
        let config = NetConfig {
            latency_min: 5,
            latency_max: 9,
            loss: 0.25,
            duplicate: 0.0,
        };
        let mut net = Network::new(config, 2, 3);
        let trials = 20_000;
        let mut lost = 0;
        for _ in 0..trials {
            let t = net.transit();
            assert!((5..=9).contains(&t.latency));
            assert!(t.duplicate.is_none());
            lost += t.lost as usize;
        }
        let rate = lost as f64 / trials as f64;
        // Binomial standard deviation is ~0.003 here; 0.02 is more than six of them.
        assert!((rate - 0.25).abs() < 0.02, "loss rate {rate}");
    }
}

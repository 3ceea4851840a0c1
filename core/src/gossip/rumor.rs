//! Rumor mongering's per-node state (Demers et al. §1.4, the SIR model).
//!
//! For one update a node is *susceptible* (does not have it), *infective* (has it and
//! spreads it: a hot rumor) or *removed* (has it and no longer spreads it). A node keeps a
//! [`Rumor`] for each key it is infective for; having the update without a rumor is being
//! removed. Rumors live in memory: a crash forgets them (the store stays).

use serde::{Deserialize, Serialize};

use super::config::{Mode, Model, PeerSelection, Stop};
use super::message::Msg;
use super::node::{Cx, GossipNode};
use super::rule::{LossReason, Rule};
use super::store::{Entry, Key, Version};
use crate::sim::NodeId;

/// A hot rumor: this node is infective for `key` at `version`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rumor {
    pub key: Key,
    pub version: Version,
    /// Contacts counted so far by the stop rule (all contacts when blind, unnecessary ones
    /// with feedback).
    pub count: u32,
    /// Peers this rumor was sent to (kept for the "not yet sent to" rule).
    pub sent_to: Vec<NodeId>,
    /// The node it came from (`None`: written here).
    pub from: Option<NodeId>,
}

impl Rumor {
    /// Whether the peer selection rules allow sending this rumor to `peer`.
    pub fn may_send_to(&self, peer: NodeId, selection: PeerSelection) -> bool {
        !(selection.avoid_sender && self.from == Some(peer)
            || selection.avoid_repeats && self.sent_to.contains(&peer))
    }
}

/// The hot rumors of one node, sorted by key.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rumors {
    hot: Vec<Rumor>,
}

impl Rumors {
    pub fn is_empty(&self) -> bool {
        self.hot.is_empty()
    }

    pub fn len(&self) -> usize {
        self.hot.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Rumor> {
        self.hot.iter()
    }

    fn find(&self, key: Key) -> Result<usize, usize> {
        self.hot.binary_search_by(|r| r.key.cmp(&key))
    }

    pub fn get(&self, key: Key) -> Option<&Rumor> {
        self.hot.get(self.find(key).ok()?)
    }

    pub(super) fn get_mut(&mut self, key: Key) -> Option<&mut Rumor> {
        let i = self.find(key).ok()?;
        self.hot.get_mut(i)
    }

    pub fn is_hot(&self, key: Key) -> bool {
        self.find(key).is_ok()
    }

    /// Keys of every hot rumor.
    pub fn keys(&self) -> Vec<Key> {
        self.hot.iter().map(|r| r.key).collect()
    }

    /// Become infective for `key` at `version` (replacing a rumor of an older version).
    pub fn infect(&mut self, key: Key, version: Version, from: Option<NodeId>) {
        let rumor = Rumor {
            key,
            version,
            count: 0,
            sent_to: Vec::new(),
            from,
        };
        let i = self.hot.partition_point(|r| r.key < key);
        match self.hot.get_mut(i) {
            Some(old) if old.key == key => *old = rumor,
            _ => self.hot.insert(i, rumor),
        }
    }

    /// Stop spreading `key` (become removed).
    pub fn remove(&mut self, key: Key) -> Option<Rumor> {
        self.find(key).ok().map(|i| self.hot.remove(i))
    }

    /// Whether some hot rumor may be sent to `peer`.
    pub fn any_for(&self, peer: NodeId, selection: PeerSelection) -> bool {
        self.hot.iter().any(|r| r.may_send_to(peer, selection))
    }

    /// Record that the rumor for `key` was sent to `peer`.
    pub fn sent(&mut self, key: Key, peer: NodeId) {
        if let Some(r) = self.get_mut(key)
            && !r.sent_to.contains(&peer)
        {
            r.sent_to.push(peer);
        }
    }
}

/// Rumor mongering's rounds and stop rules (Demers et al. §1.4): which hot rumors go to whom,
/// and when a node loses interest in one.
impl GossipNode {
    /// Demers et al. §1.4: only hot rumors travel. In push mode a node with no hot rumor
    /// sits the round out; pull and push-pull poll every round.
    pub(super) fn rumor_round(&mut self, round: u64, cx: &mut Cx) {
        let mode = self.config.mode;
        let k = self.config.fanout_for(self.cluster);
        match mode {
            Mode::Push => {
                if self.volatile.rumors.is_empty() {
                    return;
                }
                let selection = self.config.selection;
                let rumors = &self.volatile.rumors;
                let peers = self.sample_peers(k, cx, |id| rumors.any_for(id, selection));
                if peers.is_empty() {
                    // Every peer has had every rumor (or sent it here): nobody is left.
                    for key in self.volatile.rumors.keys() {
                        self.lose_interest(key, LossReason::Exhausted, cx);
                    }
                    return;
                }
                if cx.explaining() {
                    cx.explain(Rule::Round {
                        round,
                        peers: peers.clone(),
                        mode,
                    });
                }
                let feedback = matches!(self.config.model, Model::Rumor { feedback: true, .. });
                for peer in peers {
                    let keys: Vec<Key> = self
                        .volatile
                        .rumors
                        .iter()
                        .filter(|r| r.may_send_to(peer, selection))
                        .map(|r| r.key)
                        .collect();
                    let entries = self.rumor_entries(&keys, peer);
                    let msg = Msg::Push {
                        entries,
                        ack: feedback,
                        gossip: Vec::new(),
                    };
                    self.send(peer, msg, cx);
                    if !feedback {
                        for key in keys {
                            self.contact(key, peer, true, cx);
                        }
                    }
                }
            }
            Mode::Pull | Mode::PushPull => {
                let peers = self.sample_peers(k, cx, |_| true);
                if peers.is_empty() {
                    return;
                }
                if cx.explaining() {
                    cx.explain(Rule::Round {
                        round,
                        peers: peers.clone(),
                        mode,
                    });
                }
                let digest = self.persistent.store.digest();
                for peer in peers {
                    self.send_digest(peer, digest.clone(), false, cx);
                }
            }
        }
    }

    /// The entries of these hot rumors, marked as sent to `peer`.
    pub(super) fn rumor_entries(&mut self, keys: &[Key], peer: NodeId) -> Vec<Entry> {
        let mut entries = Vec::with_capacity(keys.len());
        for &key in keys {
            if let Some(r) = self.persistent.store.get(key) {
                entries.push(r.entry);
                self.volatile.rumors.sent(key, peer);
            }
        }
        entries
    }

    /// Count one contact for the rumor `key` with `peer` (Demers et al. §1.4). With
    /// feedback only unnecessary contacts count; blind, every contact does. Counter: lose
    /// interest at the k-th; coin: with probability 1/k each time.
    pub(super) fn contact(&mut self, key: Key, peer: NodeId, necessary: bool, cx: &mut Cx) {
        let Model::Rumor { stop, k, feedback } = self.config.model else {
            return;
        };
        if feedback && necessary {
            return;
        }
        let Some(rumor) = self.volatile.rumors.get_mut(key) else {
            return;
        };
        rumor.count = rumor.count.saturating_add(1);
        let count = rumor.count;
        if feedback {
            cx.explain(Rule::Unnecessary { key, peer, count });
        }
        let k = k.max(1);
        let lose = match stop {
            Stop::Counter => count >= k,
            Stop::Coin => cx.rng().chance(1.0 / k as f64),
        };
        if lose {
            self.lose_interest(key, stop.into(), cx);
        }
    }

    pub(super) fn lose_interest(&mut self, key: Key, reason: LossReason, cx: &mut Cx) {
        if let Some(r) = self.volatile.rumors.remove(key) {
            cx.explain(Rule::LoseInterest {
                key,
                version: r.version,
                reason,
                count: r.count,
            });
        }
    }

    /// Feedback on a rumor push: each rumor the peer already knew was an unnecessary contact.
    pub(super) fn on_push_ack(&mut self, from: NodeId, known: Vec<(Key, Version)>, cx: &mut Cx) {
        for (key, version) in known {
            let current = self
                .volatile
                .rumors
                .get(key)
                .is_some_and(|r| r.version == version);
            if current {
                self.contact(key, from, false, cx);
            }
        }
    }
}

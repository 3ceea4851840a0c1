//! Rumor mongering's per-node state (Demers et al. §1.4, the SIR model).
//!
//! For one update a node is *susceptible* (does not have it), *infective* (has it and
//! spreads it: a hot rumor) or *removed* (has it and no longer spreads it). A node keeps a
//! [`Rumor`] for each key it is infective for; having the update without a rumor is being
//! removed. Rumors live in memory: a crash forgets them (the store stays).

use serde::{Deserialize, Serialize};

use super::config::PeerSelection;
use super::store::{Key, Version};
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
        self.find(key).ok().map(|i| &self.hot[i])
    }

    pub(super) fn get_mut(&mut self, key: Key) -> Option<&mut Rumor> {
        self.find(key).ok().map(|i| &mut self.hot[i])
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
        match self.find(key) {
            Ok(i) => self.hot[i] = rumor,
            Err(i) => self.hot.insert(i, rumor),
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

//! [`Timers`]: the timers a node has armed, at most one of each kind.
//!
//! A node arms a handful of timer kinds, and a 10,000-node run arms and fires one on almost
//! every step; so they live in a short vector sorted by kind rather than a search tree, the
//! first two inside the node's slot: arming and firing allocate nothing, and a snapshot of the
//! cluster copies a few bytes per node instead of a tree node.

use serde::{Deserialize, Serialize, Serializer};
use smallvec::SmallVec;

use super::engine::QueueKey;
use super::time::Time;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmedTimer {
    pub set_at: Time,
    pub fires_at: Time,
    /// Where the timer waits in the engine's queue.
    #[serde(skip)]
    pub(super) key: QueueKey,
}

/// Armed timers by kind, in kind order.
#[derive(Clone, Debug, PartialEq)]
pub struct Timers<T> {
    armed: SmallVec<[(T, ArmedTimer); 2]>,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            armed: SmallVec::new(),
        }
    }
}

impl<T: Ord + Copy> Timers<T> {
    fn find(&self, kind: &T) -> Result<usize, usize> {
        self.armed.binary_search_by(|(k, _)| k.cmp(kind))
    }

    pub fn get(&self, kind: &T) -> Option<&ArmedTimer> {
        let i = self.find(kind).ok()?;
        self.armed.get(i).map(|(_, armed)| armed)
    }

    pub fn contains_key(&self, kind: &T) -> bool {
        self.find(kind).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.armed.is_empty()
    }

    pub fn len(&self) -> usize {
        self.armed.len()
    }

    /// The armed kinds, in order.
    pub fn keys(&self) -> impl Iterator<Item = &T> {
        self.armed.iter().map(|(k, _)| k)
    }

    /// Arm `kind`, replacing any timer of that kind.
    pub(super) fn insert(&mut self, kind: T, armed: ArmedTimer) {
        match self.find(&kind) {
            #[allow(clippy::indexing_slicing, reason = "the search found `kind` at `i`")]
            Ok(i) => self.armed[i].1 = armed,
            Err(i) => self.armed.insert(i, (kind, armed)),
        }
    }

    pub(super) fn remove(&mut self, kind: &T) -> Option<ArmedTimer> {
        self.find(kind).ok().map(|i| self.armed.remove(i).1)
    }

    /// Disarm every timer, handing each over (a crash).
    pub(super) fn drain(&mut self) -> impl Iterator<Item = ArmedTimer> + '_ {
        self.armed.drain(..).map(|(_, a)| a)
    }
}

/// As a map from kind to timer, as it reads.
impl<T: Serialize> Serialize for Timers<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.armed.iter().map(|(k, a)| (k, a)))
    }
}

//! [`Queue`]: the events waiting to happen, earliest first, by `(time, sequence number)`.
//!
//! A calendar queue: events are filed in buckets of [`BUCKET`] µs of virtual time, kept in a
//! search tree by bucket. A bucket is a plain vector, appended to as events are scheduled and
//! sorted once, when it becomes the earliest; the earliest bucket is always sorted (latest
//! first), so the next event is its last element. A 10,000-node gossip round schedules a few
//! hundred events per millisecond: each costs an append, and a share of one sort, where a
//! search tree of all events paid a descent and an insertion with its moves and allocations
//! (the largest single cost of such a run before). A few-server cluster has about one event
//! per bucket and costs what the tree did.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::engine::{Pending, QueueKey};
use super::protocol::Protocol;
use super::time::Time;

/// Width of a bucket in virtual time (µs).
const BUCKET: Time = 1_000;

#[derive(Clone, Debug)]
struct Bucket<P: Protocol> {
    /// Sorted latest first when `sorted`; in scheduling order otherwise.
    events: Vec<(QueueKey, Pending<P>)>,
    sorted: bool,
}

impl<P: Protocol> Bucket<P> {
    fn sort(&mut self) {
        if !self.sorted {
            self.events.sort_unstable_by_key(|e| Reverse(e.0));
            self.sorted = true;
        }
    }

    fn position(&self, key: QueueKey) -> Option<usize> {
        if self.sorted {
            self.events.binary_search_by(|e| key.cmp(&e.0)).ok()
        } else {
            self.events.iter().position(|e| e.0 == key)
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Queue<P: Protocol> {
    /// Non-empty buckets by `time / BUCKET`; the first one is sorted.
    buckets: BTreeMap<Time, Bucket<P>>,
    len: usize,
    /// The vector of the last bucket emptied, kept for the next new one: a bucket of a busy
    /// millisecond grows to hundreds of events, and growing a fresh vector each time costs
    /// reallocations.
    spare: Vec<(QueueKey, Pending<P>)>,
}

impl<P: Protocol> Default for Queue<P> {
    fn default() -> Self {
        Queue {
            buckets: BTreeMap::new(),
            len: 0,
            spare: Vec::new(),
        }
    }
}

impl<P: Protocol> Queue<P> {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Schedule `event` at `key` (keys are unique: the sequence number).
    pub(super) fn insert(&mut self, key: QueueKey, event: Pending<P>) {
        let first = self.buckets.keys().next().copied();
        let spare = &mut self.spare;
        let bucket = self
            .buckets
            .entry(key.0 / BUCKET)
            .or_insert_with(|| Bucket {
                events: std::mem::take(spare),
                sorted: true,
            });
        if bucket.sorted && (bucket.events.is_empty() || first == Some(key.0 / BUCKET)) {
            // Keep the earliest bucket sorted (and a new one, which may be the earliest now).
            let at = bucket.events.partition_point(|e| e.0 > key);
            bucket.events.insert(at, (key, event));
        } else {
            bucket.events.push((key, event));
            bucket.sorted = false;
        }
        self.len += 1;
    }

    /// Take the earliest event out.
    pub(super) fn pop_first(&mut self) -> Option<(QueueKey, Pending<P>)> {
        let mut first = self.buckets.first_entry()?;
        let bucket = first.get_mut();
        #[allow(
            clippy::expect_used,
            reason = "a bucket is removed as its last event leaves"
        )]
        let event = bucket.events.pop().expect("buckets are never empty");
        if bucket.events.is_empty() {
            self.spare = first.remove().events;
            self.sort_first();
        }
        self.len -= 1;
        Some(event)
    }

    /// Take out the event scheduled at `key`, if it is there.
    pub(super) fn remove(&mut self, key: &QueueKey) -> Option<Pending<P>> {
        let Entry::Occupied(mut entry) = self.buckets.entry(key.0 / BUCKET) else {
            return None;
        };
        let bucket = entry.get_mut();
        let at = bucket.position(*key)?;
        let (_, event) = if bucket.sorted {
            bucket.events.remove(at)
        } else {
            bucket.events.swap_remove(at)
        };
        if bucket.events.is_empty() {
            self.spare = entry.remove().events;
            self.sort_first();
        }
        self.len -= 1;
        Some(event)
    }

    /// The time of the earliest event.
    pub(super) fn first_time(&self) -> Option<Time> {
        let bucket = self.buckets.values().next()?;
        bucket.events.last().map(|e| e.0.0)
    }

    /// Every event, earliest first. Sorts the buckets not yet sorted (a copy): for views, not
    /// for every step.
    pub(super) fn iter(&self) -> impl Iterator<Item = (QueueKey, &Pending<P>)> {
        self.buckets.values().flat_map(|bucket| {
            let mut events: Vec<(QueueKey, &Pending<P>)> =
                bucket.events.iter().map(|(k, e)| (*k, e)).collect();
            if bucket.sorted {
                events.reverse();
            } else {
                events.sort_unstable_by_key(|e| e.0);
            }
            events
        })
    }

    fn sort_first(&mut self) {
        if let Some(mut first) = self.buckets.first_entry() {
            first.get_mut().sort();
        }
    }
}

/// Equal when the same events are scheduled at the same keys, however they are filed.
impl<P: Protocol> PartialEq for Queue<P> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gossip::{GossipNode, Timer};
    use crate::sim::{MsgId, NodeId, SimRng};

    /// Random schedules, takes and cancellations, against a search tree of every event: the
    /// same events come out in the same order, and the first time always agrees.
    #[test]
    fn agrees_with_a_search_tree_of_every_event() {
        for seed in 0..20 {
            let mut rng = SimRng::new(seed, 0);
            let mut queue = Queue::<GossipNode>::default();
            let mut model = BTreeMap::new();
            let (mut now, mut seq) = (0, 0);
            for _ in 0..5_000 {
                match rng.below(10) {
                    0..=4 => {
                        seq += 1;
                        // Mostly a few buckets ahead; sometimes the current one, or far.
                        let ahead = match rng.below(4) {
                            0 => rng.below(BUCKET),
                            1 => rng.below(1_000 * BUCKET),
                            _ => rng.below(20 * BUCKET),
                        };
                        let key = (now + ahead, seq);
                        let event = if rng.below(2) == 0 {
                            Pending::Deliver(MsgId(seq))
                        } else {
                            Pending::Timer(NodeId(seq as u16), Timer::Round)
                        };
                        queue.insert(key, event.clone());
                        model.insert(key, event);
                    }
                    5..=7 => {
                        let taken = queue.pop_first();
                        assert_eq!(taken, model.pop_first());
                        if let Some((key, _)) = taken {
                            now = key.0;
                        }
                    }
                    _ => {
                        let Some(&key) =
                            model.keys().nth(rng.below(model.len() as u64 + 1) as usize)
                        else {
                            assert_eq!(queue.remove(&(now, u64::MAX)), None);
                            continue;
                        };
                        assert_eq!(queue.remove(&key), model.remove(&key));
                    }
                }
                assert_eq!(queue.len(), model.len());
                assert_eq!(queue.first_time(), model.keys().next().map(|k| k.0));
            }
            let all: Vec<_> = queue.iter().map(|(k, e)| (k, e.clone())).collect();
            let expected: Vec<_> = model.into_iter().collect();
            assert_eq!(all, expected, "seed {seed}");
        }
    }
}

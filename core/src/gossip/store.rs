//! The versioned key-value store every node holds: `key -> (value, version)`.
//!
//! An update at any node creates a new version of its key; when two versions of a key
//! meet, the newer wins (Demers et al. §1.1: each entry carries a timestamp and the
//! later one is kept). Versions count per key; two writers that start from the same
//! version produce equal counters, which the writer's id orders, so the order is total
//! and every node picks the same winner.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::sim::{NodeId, Time};

/// A key. `Data` keys are written by users; `Health(n)` is node `n`'s published health
/// check outcome (see [`HEALTH_PASSING`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Key {
    Data(u32),
    Health(NodeId),
}

pub type Value = u64;

/// Value of a `Health` key while the check passes; [`HEALTH_FAILING`] when it fails.
pub const HEALTH_PASSING: Value = 1;
pub const HEALTH_FAILING: Value = 0;

/// A version: higher `counter` is newer; equal counters are ordered by the writer.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Version {
    pub counter: u64,
    pub node: NodeId,
}

/// One `(key, value, version)` as it travels on the wire.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub key: Key,
    pub value: Value,
    pub version: Version,
    /// When this version was written. Simulation metadata for the delay metrics
    /// (Demers' t_ave, t_last); not counted in the byte estimate.
    pub born: Time,
}

/// An entry as a node holds it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub entry: Entry,
    /// When this node got this version (its own write, or the message that brought it).
    pub learned_at: Time,
}

/// What merging one received entry did.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Merge {
    /// The entry was newer (or the key new): it replaced `old`.
    Newer { old: Option<Version> },
    /// The node already held this very version.
    Same,
    /// The node held a newer version; nothing changed.
    Older { have: Version },
}

impl Merge {
    pub fn is_news(self) -> bool {
        matches!(self, Merge::Newer { .. })
    }
}

/// A write that replaced a version by an older one (or lost it). Only the break switches
/// make one; the store remembers the first, and the invariant checker reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regression {
    pub key: Key,
    pub from: Version,
    /// `None`: the entry was lost altogether.
    pub to: Option<Version>,
    pub at: Time,
}

/// The store: records sorted by key (a short sorted vector: cheap to clone and to
/// serialize, and iterated in key order). The first record lives inside the node itself: most
/// runs spread one update, and then a node's store costs no allocation of its own and no
/// separate cache miss, in a step or in a snapshot of 10,000 nodes.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Store {
    records: SmallVec<[Record; 1]>,
    /// The first time a version went backwards here, if ever.
    regression: Option<Regression>,
}

/// A digest: `(key, version)` of every entry, sorted by key. One pair travels inside the
/// message: a digest of a one-key store (the common case) allocates nothing when sent, freed or
/// cloned into a snapshot.
pub type Digest = SmallVec<[(Key, Version); 1]>;

impl Store {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record, in key order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    fn find(&self, key: Key) -> Result<usize, usize> {
        self.records.binary_search_by(|r| r.entry.key.cmp(&key))
    }

    pub fn get(&self, key: Key) -> Option<&Record> {
        self.records.get(self.find(key).ok()?)
    }

    pub fn version(&self, key: Key) -> Option<Version> {
        self.get(key).map(|r| r.entry.version)
    }

    pub fn value(&self, key: Key) -> Option<Value> {
        self.get(key).map(|r| r.entry.value)
    }

    pub fn regression(&self) -> Option<&Regression> {
        self.regression.as_ref()
    }

    /// `(key, version)` of every entry.
    pub fn digest(&self) -> Digest {
        self.records
            .iter()
            .map(|r| (r.entry.key, r.entry.version))
            .collect()
    }

    /// Every entry, for a full push.
    pub fn entries(&self) -> Vec<Entry> {
        self.records.iter().map(|r| r.entry).collect()
    }

    /// A local update at node `me`: a new version of `key`, newer than any this node holds.
    pub fn write(&mut self, key: Key, value: Value, me: NodeId, now: Time) -> Entry {
        let counter = self.version(key).map_or(0, |v| v.counter).saturating_add(1);
        let entry = Entry {
            key,
            value,
            version: Version { counter, node: me },
            born: now,
        };
        self.put(entry, now);
        entry
    }

    /// Keep `entry` if it is newer than what this node holds (the newer version wins).
    pub fn merge(&mut self, entry: Entry, now: Time) -> Merge {
        let merge = match self.version(entry.key) {
            None => Merge::Newer { old: None },
            Some(have) if entry.version > have => Merge::Newer { old: Some(have) },
            Some(have) if entry.version == have => Merge::Same,
            Some(have) => Merge::Older { have },
        };
        if merge.is_news() {
            self.put(entry, now);
        }
        merge
    }

    /// Write `entry` whatever its version (the `accept_stale` break switch). Returns what a
    /// proper merge would have said; records a regression when the version goes back.
    pub fn overwrite(&mut self, entry: Entry, now: Time) -> Merge {
        let merge = self.merge(entry, now);
        if let Merge::Older { have } = merge {
            if self.regression.is_none() {
                self.regression = Some(Regression {
                    key: entry.key,
                    from: have,
                    to: Some(entry.version),
                    at: now,
                });
            }
            self.put(entry, now);
        }
        merge
    }

    /// Lose every entry (the `volatile_store` break switch); noted as a regression.
    pub fn wipe(&mut self, now: Time) {
        if let (None, Some(first)) = (self.regression, self.records.first()) {
            self.regression = Some(Regression {
                key: first.entry.key,
                from: first.entry.version,
                to: None,
                at: now,
            });
        }
        self.records.clear();
    }

    fn put(&mut self, entry: Entry, now: Time) {
        let record = Record {
            entry,
            learned_at: now,
        };
        let i = self.records.partition_point(|r| r.entry.key < entry.key);
        match self.records.get_mut(i) {
            Some(old) if old.entry.key == entry.key => *old = record,
            _ => self.records.insert(i, record),
        }
    }

    /// Entries of this store that are newer than the digest's (or missing from it), for
    /// the keys `wanted` admits. One merge walk over two sorted lists.
    pub fn newer_than(
        &self,
        digest: &[(Key, Version)],
        wanted: impl Fn(Key) -> bool,
    ) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut d = digest.iter().peekable();
        for r in &self.records {
            let key = r.entry.key;
            while d.next_if(|(k, _)| *k < key).is_some() {}
            let theirs = d.next_if(|(k, _)| *k == key).map(|&(_, v)| v);
            if theirs.is_none_or(|v| v < r.entry.version) && wanted(key) {
                out.push(r.entry);
            }
        }
        out
    }

    /// Keys whose digest version is newer than this store's (or that this store lacks).
    pub fn behind(&self, digest: &[(Key, Version)]) -> Vec<Key> {
        digest
            .iter()
            .filter(|&&(k, v)| self.version(k).is_none_or(|mine| mine < v))
            .map(|&(k, _)| k)
            .collect()
    }
}

/// The version of `key` in a sorted digest.
pub fn digest_version(digest: &[(Key, Version)], key: Key) -> Option<Version> {
    digest
        .binary_search_by(|(k, _)| k.cmp(&key))
        .ok()
        .and_then(|i| digest.get(i))
        .map(|&(_, version)| version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(counter: u64, node: u16) -> Version {
        Version {
            counter,
            node: NodeId(node),
        }
    }

    fn e(key: u32, value: Value, version: Version) -> Entry {
        Entry {
            key: Key::Data(key),
            value,
            version,
            born: 0,
        }
    }

    #[test]
    fn newer_version_wins_and_ties_break_by_writer() {
        let mut s = Store::default();
        assert_eq!(s.merge(e(1, 10, v(1, 0)), 5), Merge::Newer { old: None });
        assert_eq!(s.merge(e(1, 11, v(1, 0)), 6), Merge::Same);
        assert_eq!(
            s.merge(e(1, 12, v(1, 3)), 7),
            Merge::Newer { old: Some(v(1, 0)) }
        );
        assert_eq!(
            s.merge(e(1, 13, v(1, 2)), 8),
            Merge::Older { have: v(1, 3) }
        );
        assert_eq!(s.value(Key::Data(1)), Some(12));
        assert_eq!(s.get(Key::Data(1)).unwrap().learned_at, 7);
    }

    #[test]
    fn local_write_makes_a_newer_version() {
        let mut s = Store::default();
        s.merge(e(4, 1, v(7, 9)), 0);
        let w = s.write(Key::Data(4), 2, NodeId(1), 3);
        assert_eq!(w.version, v(8, 1));
        assert!(w.version > v(7, 9));
    }

    #[test]
    fn digest_walks_find_newer_and_behind() {
        let mut a = Store::default();
        a.merge(e(1, 0, v(2, 0)), 0);
        a.merge(e(2, 0, v(1, 0)), 0);
        a.merge(e(4, 0, v(1, 0)), 0);
        let digest = vec![
            (Key::Data(1), v(1, 0)),
            (Key::Data(2), v(3, 0)),
            (Key::Data(3), v(1, 0)),
        ];
        let newer: Vec<Key> = a
            .newer_than(&digest, |_| true)
            .iter()
            .map(|e| e.key)
            .collect();
        assert_eq!(newer, vec![Key::Data(1), Key::Data(4)]);
        assert_eq!(a.behind(&digest), vec![Key::Data(2), Key::Data(3)]);
        assert_eq!(digest_version(&digest, Key::Data(3)), Some(v(1, 0)));
        assert_eq!(digest_version(&digest, Key::Data(9)), None);
    }

    #[test]
    fn overwrite_records_the_first_regression() {
        let mut s = Store::default();
        s.merge(e(1, 0, v(5, 0)), 0);
        s.overwrite(e(1, 0, v(3, 0)), 9);
        assert_eq!(s.version(Key::Data(1)), Some(v(3, 0)));
        let r = s.regression().unwrap();
        assert_eq!((r.from, r.to, r.at), (v(5, 0), Some(v(3, 0)), 9));
    }
}

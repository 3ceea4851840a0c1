//! A server's log, after log compaction (§7): the entries a snapshot replaced are gone,
//! and the log remembers only the index and term of the last of them, so that
//! AppendEntries' consistency check still works for the first entry after it (§7:
//! "the snapshot also includes … the index of the last entry in the log that the
//! snapshot replaces (the last entry the state machine had applied), and the term of this
//! entry … to support the AppendEntries consistency check for the first log entry
//! following the snapshot").
//!
//! Indexes are 1-based as in the paper. All the arithmetic between log indexes and
//! positions in the stored vector happens here, nowhere else.

use serde::{Deserialize, Serialize};

use super::message::Entry;
use super::state::Term;

/// About how many bytes a stored entry takes, its key counted as a short string.
pub const ENTRY_BYTES: usize = std::mem::size_of::<Entry>() + 16;

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Log {
    /// Index of the last entry a snapshot replaced (0 without a snapshot): entry `i` is
    /// `entries[i - start_index - 1]`.
    start_index: u64,
    /// Term of that entry (0 without a snapshot).
    start_term: Term,
    /// The entries after `start_index`, in order.
    entries: Vec<Entry>,
}

impl Log {
    /// A log that holds `entries` from index 1 on.
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        Log {
            entries,
            ..Log::default()
        }
    }

    /// Index of the last entry compacted away (0 when none was).
    pub fn start_index(&self) -> u64 {
        self.start_index
    }

    /// Term of the last entry compacted away (0 when none was).
    pub fn start_term(&self) -> Term {
        self.start_term
    }

    /// Index of the first entry still stored (`last_index() + 1` when none is).
    pub fn first_index(&self) -> u64 {
        self.start_index + 1
    }

    pub fn last_index(&self) -> u64 {
        self.start_index + self.entries.len() as u64
    }

    /// About how many bytes its entries own (an entry's key counted as a short string).
    pub fn heap_size(&self) -> usize {
        self.entries.len() * ENTRY_BYTES
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.start_term, |e| e.term)
    }

    /// Term of the entry at `index`: known for the stored entries and for the last compacted
    /// one (0 at index 0); `None` before that (compacted) and past the end.
    pub fn term_at(&self, index: u64) -> Option<Term> {
        if index == self.start_index {
            Some(self.start_term)
        } else {
            self.entry(index).map(|e| e.term)
        }
    }

    /// The entry at `index`, if it is still stored.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        let k = index.checked_sub(self.first_index())?;
        self.entries.get(usize::try_from(k).ok()?)
    }

    /// Stored entries `from..=to`, clamped to what is stored.
    pub fn slice(&self, from: u64, to: u64) -> &[Entry] {
        let lo = self.position(from.max(self.first_index()));
        let hi = self.position(to.saturating_add(1));
        // Both positions are clamped to what is stored, so the range always is.
        self.entries.get(lo..hi.max(lo)).unwrap_or_default()
    }

    /// The stored entries, `first_index()` first.
    pub fn stored(&self) -> &[Entry] {
        &self.entries
    }

    /// Stored entries with their indexes.
    pub fn indexed(&self) -> impl DoubleEndedIterator<Item = (u64, &Entry)> {
        let first = self.first_index();
        (self.entries.iter().enumerate()).map(move |(k, e)| (first + k as u64, e))
    }

    /// Append one entry; returns its index.
    pub fn push(&mut self, entry: Entry) -> u64 {
        self.entries.push(entry);
        self.last_index()
    }

    /// Delete the entry at `index` and all that follow it (§5.3). Compacted entries stay
    /// compacted: `index` at or before `start_index` deletes every stored entry.
    pub fn truncate_from(&mut self, index: u64) {
        let k = self.position(index);
        self.entries.truncate(k);
    }

    /// Put `entry` at `index` in place of the stored one there (only the `no_truncate` switch
    /// does this).
    pub fn overwrite(&mut self, index: u64, entry: Entry) {
        let k = self.position(index);
        if let Some(slot) = self.entries.get_mut(k) {
            *slot = entry;
        }
    }

    /// Drop the entries up to `index` (of term `term`), which a snapshot now covers; entries
    /// after it stay (§7). Entries up to `index` that are not stored are simply forgotten, so
    /// this also serves a follower installing a snapshot that reaches past its log.
    pub fn compact(&mut self, index: u64, term: Term) {
        if index <= self.start_index {
            return;
        }
        let k = self.position(index + 1);
        self.entries.drain(..k);
        self.start_index = index;
        self.start_term = term;
    }

    /// Position in `entries` of `index`, clamped to `0..=entries.len()`.
    fn position(&self, index: u64) -> usize {
        let k = index.saturating_sub(self.first_index());
        usize::try_from(k).map_or(self.entries.len(), |k| k.min(self.entries.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(terms: &[Term]) -> Log {
        Log::from_entries(terms.iter().map(|&t| Entry::noop(t)).collect())
    }

    fn terms(log: &Log) -> Vec<Term> {
        log.stored().iter().map(|e| e.term).collect()
    }

    #[test]
    fn indexes_are_one_based_with_index_zero_of_term_zero() {
        let l = log(&[1, 1, 2]);
        assert_eq!((l.first_index(), l.last_index(), l.last_term()), (1, 3, 2));
        assert_eq!(l.term_at(0), Some(0));
        assert_eq!(l.term_at(3), Some(2));
        assert_eq!(l.term_at(4), None);
        assert_eq!(l.slice(2, 9).len(), 2);
        assert_eq!(l.slice(0, 1).len(), 1);
        assert!(l.slice(3, 2).is_empty());
    }

    #[test]
    fn compaction_keeps_the_index_and_term_of_the_last_compacted_entry() {
        let mut l = log(&[1, 1, 2, 3]);
        l.compact(2, 1);
        assert_eq!((l.start_index(), l.start_term()), (2, 1));
        assert_eq!((l.first_index(), l.last_index(), l.last_term()), (3, 4, 3));
        assert_eq!(l.term_at(2), Some(1));
        assert_eq!(l.term_at(1), None);
        assert!(l.entry(2).is_none());
        assert_eq!(l.entry(3).map(|e| e.term), Some(2));
        assert_eq!(terms(&l), [2, 3]);
        assert_eq!(l.slice(1, 3).len(), 1);
        assert_eq!(l.indexed().map(|(i, _)| i).collect::<Vec<_>>(), [3, 4]);
        // Compacting to an older point changes nothing.
        l.compact(1, 1);
        assert_eq!(l.first_index(), 3);
        // Compacting everything: the log is empty but still knows where it ends.
        l.compact(4, 3);
        assert!(l.stored().is_empty());
        assert_eq!((l.last_index(), l.last_term()), (4, 3));
        // A snapshot reaching past the log.
        l.compact(9, 5);
        assert_eq!((l.first_index(), l.last_index(), l.last_term()), (10, 9, 5));
    }

    #[test]
    fn truncation_and_appends_after_compaction() {
        let mut l = log(&[1, 1, 2, 3]);
        l.compact(2, 1);
        l.truncate_from(4);
        assert_eq!(terms(&l), [2]);
        assert_eq!(l.push(Entry::noop(4)), 4);
        l.overwrite(3, Entry::noop(5));
        assert_eq!(terms(&l), [5, 4]);
        l.truncate_from(1);
        assert!(l.stored().is_empty());
        assert_eq!(l.last_index(), 2);
    }
}

//! A leader's view of one follower's log, after etcd-io/raft's `tracker/progress.go`: the
//! paper's nextIndex and matchIndex (Figure 2, "Volatile state on leaders"), and how entries
//! are sent — one probe at a time until the logs are known to match, then as they come.
//!
//! Anyone may read the fields; only these methods change them, each following one rule.

use serde::{Deserialize, Serialize};

/// How a leader sends entries to one follower, as etcd's raft models it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Progress {
    /// Where the follower's log matches is not known yet: one AppendEntries at a time, backing
    /// up `next_index` on each refusal (§5.3), until one succeeds.
    #[default]
    Probe,
    /// The logs match up to `match_index`: new entries are sent at once, several batches in
    /// flight, `next_index` advancing as they are sent. A refusal goes back to probing.
    Replicate,
}

/// A leader's view of one follower's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerProgress {
    /// Index of the next log entry to send to that server (initialized to leader last log
    /// index + 1).
    pub next_index: u64,
    /// Index of highest log entry known to be replicated on that server (initialized to 0,
    /// increases monotonically).
    pub match_index: u64,
    pub progress: Progress,
    /// Probe only: an AppendEntries is out and unanswered. The next one waits for its reply or
    /// for the next heartbeat.
    pub paused: bool,
}

impl PeerProgress {
    /// Figure 2, "Volatile state on leaders (reinitialized after election)": nextIndex starts
    /// where the leader expects the follower's log to end (its own last index + 1, or the entry
    /// that added a new member), matchIndex at 0. Where the logs match is not known: probe.
    pub fn new(next_index: u64) -> Self {
        PeerProgress {
            next_index,
            match_index: 0,
            progress: Progress::Probe,
            paused: false,
        }
    }

    /// Probing and an AppendEntries is out: send nothing more until it is answered or the next
    /// heartbeat (§5.3's one-at-a-time back-up, etcd's `IsPaused`).
    pub fn is_paused(&self) -> bool {
        self.progress == Progress::Probe && self.paused
    }

    /// A heartbeat is due: a probe may go out again, in case the last one was lost (§5.2).
    pub fn resume(&mut self) {
        self.paused = false;
    }

    /// An AppendEntries starting at `next` and ending at `last` (below `next` when empty) went
    /// out (Figure 2, Leaders: "send AppendEntries RPC with log entries starting at
    /// nextIndex"). A probe waits for its answer; while replicating `next_index` moves past what
    /// was sent, optimistically.
    pub fn sent_entries(&mut self, next: u64, last: u64) {
        match self.progress {
            Progress::Probe => self.paused = true,
            Progress::Replicate => self.next_index = last.max(next - 1) + 1,
        }
    }

    /// The snapshot went out instead of entries the leader no longer stores (§7): like a probe,
    /// one at a time, until it is answered.
    pub fn sent_snapshot(&mut self) {
        self.progress = Progress::Probe;
        self.paused = true;
    }

    /// Figure 2, Leaders: "If successful: update nextIndex and matchIndex for follower (§5.3)."
    /// A success older than what is known changes nothing. Returns whether matchIndex advanced.
    pub fn maybe_update(&mut self, index: u64) -> bool {
        let advanced = index > self.match_index;
        self.match_index = self.match_index.max(index);
        self.next_index = self.next_index.max(index + 1);
        advanced
    }

    /// §5.3: once an AppendEntries succeeds, the logs match up to `match_index`: send what
    /// follows as it comes.
    pub fn become_replicate(&mut self) {
        self.progress = Progress::Replicate;
        self.paused = false;
        self.next_index = self.match_index + 1;
    }

    /// §5.3: a refusal while replicating means the follower's log is not what the leader
    /// assumed: find where it matches again, from the entry after the last known match.
    pub fn become_probe(&mut self) {
        self.progress = Progress::Probe;
        self.next_index = self.match_index + 1;
        self.paused = false;
    }

    /// Figure 2, Leaders: "If AppendEntries fails because of log inconsistency: decrement
    /// nextIndex and retry (§5.3)". `rejected` is the prevLogIndex the follower refused;
    /// `hint`, where the conflict hint says the logs may match (§5.3's optimization). While
    /// replicating, a refusal at or below `match_index` is stale and any other starts a probe;
    /// while probing, only the answer to the probe out counts, and `next_index` moves strictly
    /// back (so probing ends) but never to or below what is known to match. Returns whether
    /// the refusal changed anything.
    pub fn maybe_decr_to(&mut self, rejected: u64, hint: Option<u64>) -> bool {
        match self.progress {
            Progress::Replicate if rejected <= self.match_index => false,
            Progress::Replicate => {
                self.become_probe();
                true
            }
            Progress::Probe if rejected + 1 != self.next_index => false,
            Progress::Probe => {
                let next = hint.unwrap_or(rejected);
                self.next_index = next.min(rejected).max(self.match_index + 1).max(1);
                self.paused = false;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replicating(match_index: u64, next_index: u64) -> PeerProgress {
        PeerProgress {
            next_index,
            match_index,
            progress: Progress::Replicate,
            paused: false,
        }
    }

    #[test]
    fn a_probe_pauses_until_answered_or_the_next_heartbeat() {
        let mut pr = PeerProgress::new(5);
        assert!(!pr.is_paused());
        pr.sent_entries(5, 5);
        assert!(pr.is_paused());
        assert_eq!(pr.next_index, 5, "a probe does not move nextIndex");
        pr.resume();
        assert!(!pr.is_paused());
    }

    #[test]
    fn replicating_moves_next_index_past_what_was_sent() {
        let mut pr = replicating(4, 5);
        pr.sent_entries(5, 8);
        assert_eq!(pr.next_index, 9);
        // An empty AppendEntries (a heartbeat) moves nothing.
        pr.sent_entries(9, 8);
        assert_eq!(pr.next_index, 9);
        assert!(!pr.is_paused(), "replication never pauses");
    }

    #[test]
    fn maybe_update_ignores_old_successes() {
        let mut pr = replicating(4, 9);
        assert!(pr.maybe_update(6));
        assert_eq!((pr.match_index, pr.next_index), (6, 9));
        assert!(!pr.maybe_update(5), "older than what is known");
        assert_eq!((pr.match_index, pr.next_index), (6, 9));
        assert!(pr.maybe_update(10));
        assert_eq!((pr.match_index, pr.next_index), (10, 11));
    }

    #[test]
    fn maybe_decr_to_backs_up_a_probe_and_ignores_stale_refusals() {
        let mut pr = PeerProgress::new(8);
        pr.sent_entries(8, 8);
        assert!(
            !pr.maybe_decr_to(3, None),
            "not the answer to the probe out"
        );
        assert!(pr.maybe_decr_to(7, None));
        assert_eq!(pr.next_index, 7);
        assert!(!pr.is_paused(), "the next probe may go");
        // A hint skips back, but never to or below the known match.
        pr.match_index = 2;
        assert!(pr.maybe_decr_to(6, Some(1)));
        assert_eq!(pr.next_index, 3);
        // A hint past the refused index still moves back by one.
        assert!(pr.maybe_decr_to(2, Some(9)));
        assert_eq!(pr.next_index, 3, "never below match + 1");
    }

    #[test]
    fn a_refusal_while_replicating_starts_a_probe_unless_stale() {
        let mut pr = replicating(4, 9);
        assert!(!pr.maybe_decr_to(4, None), "at or below matchIndex: stale");
        assert_eq!(pr.progress, Progress::Replicate);
        assert!(pr.maybe_decr_to(7, None));
        assert_eq!(pr.progress, Progress::Probe);
        assert_eq!(pr.next_index, 5);
    }

    #[test]
    fn a_success_while_probing_starts_replicating_after_the_match() {
        let mut pr = PeerProgress::new(8);
        pr.sent_entries(8, 8);
        pr.maybe_update(6);
        pr.become_replicate();
        assert_eq!(
            (pr.progress, pr.match_index, pr.next_index),
            (Progress::Replicate, 6, 7)
        );
        pr.sent_snapshot();
        assert!(pr.is_paused());
    }
}

//! Log compaction by snapshots (§7; thesis chapter 5): a server replaces the entries it has
//! applied by a snapshot of its state machine, and a leader whose follower needs entries it
//! has compacted sends that follower its snapshot (InstallSnapshot, Figure 13).

use serde::{Deserialize, Serialize};

use super::kv::StateMachine;
use super::membership::Configuration;
use super::message::{InstallSnapshot, InstallSnapshotReply, Msg};
use super::node::{Cx, RaftNode, Timer};
use super::rule::Rule;
use super::state::Term;
use crate::sim::NodeId;

/// A server's snapshot (§7, Figure 12): the state machine after the entries up to
/// `last_included_index` were applied, and what is needed to go on from there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// "the index of the last entry in the log that the snapshot replaces (the last entry the
    /// state machine had applied)" (§7).
    pub last_included_index: u64,
    /// "the term of this entry" (§7).
    pub last_included_term: Term,
    /// The key-value store with its client sessions: a retried request is still recognised
    /// after the entry that ran it was compacted away (thesis §6.3, §5.1).
    pub state_machine: StateMachine,
    /// The latest configuration as of `last_included_index` (§7: "the snapshot also includes the
    /// latest configuration as of the last included index"; thesis §5.1): once its entry is
    /// compacted away, the snapshot is where a server finds it again.
    pub configuration: Configuration,
    /// The index of the entry that held `configuration`; 0 for the initial configuration.
    pub configuration_index: u64,
}

impl Snapshot {
    /// Roughly how many bytes the snapshot takes on disk and on the wire: its two numbers, each
    /// key with its value, each client session and each server of the configuration.
    pub fn size(&self) -> u64 {
        let sm = &self.state_machine;
        let data: u64 = sm.data.keys().map(|k| k.len() as u64 + 8).sum();
        // Client id, sequence number, index and an optional value.
        let sessions = sm.sessions.len() as u64 * (4 + 8 + 8 + 9);
        24 + data + sessions + 2 * self.configuration.members().count() as u64
    }
}

impl RaftNode {
    /// §7: "Each server takes snapshots independently, covering just the committed entries in
    /// its log." Once the entries applied since the last snapshot reach the threshold, the
    /// server takes a snapshot as its own next step, as a real server would in the background.
    pub(super) fn schedule_snapshot(&self, cx: &mut Cx) {
        let threshold = self.config.snapshot_threshold;
        let since = self
            .volatile
            .last_applied
            .saturating_sub(self.persistent.log.start_index());
        if threshold > 0 && since >= threshold {
            cx.set_timer(Timer::Snapshot, 0);
        }
    }

    /// Write the state machine as a snapshot and drop the log entries it covers (§7, Figure 12).
    /// The `snapshot_uncommitted` switch snapshots the whole log instead, applying the
    /// entries not yet committed to the snapshot's state.
    pub(super) fn take_snapshot(&mut self, cx: &mut Cx) {
        let applied = self.volatile.last_applied;
        let (index, state_machine) = if self.config.breaks.snapshot_uncommitted {
            let mut sm = self.volatile.state_machine.clone();
            for (i, entry) in self.persistent.log.indexed() {
                if i > applied {
                    sm.apply(i, entry);
                }
            }
            (self.persistent.last_log_index(), sm)
        } else {
            (applied, self.volatile.state_machine.clone())
        };
        let log = &mut self.persistent.log;
        if index <= log.start_index() {
            return;
        }
        let Some(term) = log.term_at(index) else {
            return;
        };
        let compacted = index - log.start_index();
        let (configuration_index, configuration) = self.configuration_as_of(index);
        self.persistent.log.compact(index, term);
        let snapshot = Snapshot {
            last_included_index: index,
            last_included_term: term,
            state_machine,
            configuration,
            configuration_index,
        };
        cx.explain(Rule::TakeSnapshot {
            index,
            term,
            compacted,
            size: snapshot.size(),
        });
        if index > applied {
            // The switch's server now holds the state of entries it never saw committed.
            self.volatile.state_machine = snapshot.state_machine.clone();
            self.volatile.last_applied = index;
        }
        self.persistent.snapshot = Some(snapshot);
    }

    /// After a restart the state machine is the snapshot's (§7: the snapshot is persistent);
    /// the committed entries after it are applied again as the server learns the commit index.
    pub(super) fn restore_snapshot(&mut self, cx: &mut Cx) {
        let Some(s) = &self.persistent.snapshot else {
            return;
        };
        let v = &mut self.volatile;
        v.state_machine = s.state_machine.clone();
        v.last_applied = s.last_included_index;
        v.commit_index = s.last_included_index;
        cx.explain(Rule::RestoreSnapshot {
            index: s.last_included_index,
            term: s.last_included_term,
        });
    }

    /// The leader's side (§7): "the leader must occasionally send snapshots to followers that lag
    /// behind", when the entry a follower needs next was compacted. Like a probe, one is out at
    /// a time, sent again at each heartbeat in case it was lost. Figure 13 splits a snapshot into
    /// chunks (`offset`, `done`); here it travels whole, as one chunk. Returns whether it sent.
    pub(super) fn send_snapshot(&mut self, peer: NodeId, cx: &mut Cx) -> bool {
        let term = self.term();
        let Some(snapshot) = self.persistent.snapshot.clone() else {
            return false;
        };
        let Some(pr) = self.progress_mut(peer) else {
            return false;
        };
        pr.sent_snapshot();
        cx.explain(Rule::SendSnapshot {
            to: peer,
            index: snapshot.last_included_index,
            term: snapshot.last_included_term,
            size: snapshot.size(),
        });
        cx.send(
            peer,
            Msg::InstallSnapshot(InstallSnapshot { term, snapshot }),
        );
        true
    }

    /// InstallSnapshot receiver (Figure 13).
    pub(super) fn on_install_snapshot(
        &mut self,
        leader: NodeId,
        install: InstallSnapshot,
        cx: &mut Cx,
    ) {
        let InstallSnapshot { term, snapshot } = install;
        let index = snapshot.last_included_index;
        if term < self.term() {
            // Figure 13, 1: "Reply immediately if term < currentTerm."
            cx.explain(Rule::RejectStaleLeader { leader, term });
            self.reply_snapshot(leader, index, cx);
            return;
        }
        self.follow_leader(leader, term, cx);
        let commit = self.volatile.commit_index;
        if index <= commit {
            // Everything it covers is committed here already (a late or repeated message):
            // installing it would only move the state machine back.
            cx.explain(Rule::IgnoreSnapshot {
                index,
                commit_index: commit,
            });
            self.reply_snapshot(leader, index, cx);
            return;
        }
        let log = &mut self.persistent.log;
        // Figure 13, 6: "If existing log entry has same index and term as snapshot's last
        // included entry, retain log entries following it and reply." 7: "Discard the entire
        // log."
        let kept = if log.term_at(index) == Some(snapshot.last_included_term) {
            log.last_index() - index
        } else {
            log.truncate_from(log.first_index());
            0
        };
        log.compact(index, snapshot.last_included_term);
        // Figure 13, 8: "Reset state machine using snapshot contents (and load snapshot's
        // cluster configuration)."
        let v = &mut self.volatile;
        v.state_machine = snapshot.state_machine.clone();
        v.last_applied = index;
        v.commit_index = index;
        cx.explain(Rule::InstallSnapshot {
            leader,
            index,
            term: snapshot.last_included_term,
            kept,
        });
        // Figure 13, 5: "Save snapshot file, discard any existing or partial snapshot with a
        // smaller index."
        self.persistent.snapshot = Some(snapshot);
        // Figure 13, 8 (cont.): the configuration is the latest in what the server now holds,
        // the snapshot's when no configuration entry was kept after it (thesis §5.1).
        self.log_changed(0, cx);
        self.reply_snapshot(leader, index, cx);
    }

    fn reply_snapshot(&self, leader: NodeId, last_included_index: u64, cx: &mut Cx) {
        let reply = InstallSnapshotReply {
            term: self.term(),
            last_included_index,
        };
        cx.send(leader, Msg::InstallSnapshotReply(reply));
    }

    /// The leader's side of the reply: the follower's log now matches up to the snapshot's last
    /// index, so replication goes on from the entry after it.
    pub(super) fn on_install_snapshot_reply(
        &mut self,
        from: NodeId,
        reply: InstallSnapshotReply,
        cx: &mut Cx,
    ) {
        let InstallSnapshotReply {
            term,
            last_included_index,
        } = reply;
        let current = self.term();
        if term != current || self.progress_mut(from).is_none() {
            cx.explain(Rule::IgnoreStale { from, term });
            return;
        }
        self.on_append_success(from, last_included_index, cx);
    }
}

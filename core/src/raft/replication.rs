//! Log replication (§5.3) and commitment (§5.3, §5.4.2): the leader's side
//! (nextIndex, matchIndex, probe and replicate progress, the commit rule) and the
//! follower's (the AppendEntries receiver of Figure 2).

use super::leadership::Leadership;
use super::message::{AppendEntries, AppendEntriesReply, Entry, Msg, Rejection};
use super::node::{Cx, RaftNode, Timer};
use super::progress::{PeerProgress, Progress};
use super::rule::Rule;
use super::state::{LeaderState, Role, Term};
use crate::sim::NodeId;

impl RaftNode {
    /// Figure 2, "Volatile state on leaders (reinitialized after election)": nextIndex is the
    /// leader's last log index + 1, matchIndex is 0, for every other server. Every follower
    /// starts in probe: where its log matches is not known yet. Then the no-op of the new term
    /// (§8), and the first round of heartbeats (§5.2: "Upon election: send initial empty
    /// AppendEntries RPCs (heartbeat) to each server").
    pub(super) fn start_term_as_leader(&mut self, cx: &mut Cx) {
        let next_index = self.persistent.last_log_index() + 1;
        // Thesis §4.1: every other member of the configuration in use, voter or learner.
        let peers = self
            .membership
            .config
            .members()
            .filter(|&id| id != self.id)
            .map(|id| (id, PeerProgress::new(next_index)))
            .collect();
        self.volatile.leader_state = Some(LeaderState {
            peers,
            leadership: Leadership::new(cx.now()),
            ..LeaderState::default()
        });
        if self.config.noop_on_election {
            let term = self.term();
            let index = self.append(Entry::noop(term));
            cx.explain(Rule::AppendNoop { index, term });
        }
        self.send_heartbeats(cx);
        // A cluster of one commits on its own.
        self.maybe_commit(cx);
    }

    /// Append an entry to the leader's own log; returns its index.
    pub(super) fn append(&mut self, entry: Entry) -> u64 {
        self.persistent.log.push(entry)
    }

    /// One round of AppendEntries to every follower (§5.2: heartbeats "during idle periods to
    /// prevent election timeouts"). A follower being probed gets its one message again (the
    /// last may be lost); one being replicated gets the entries not sent yet, or an empty
    /// AppendEntries that checks its log still matches and carries the commit index.
    pub(super) fn send_heartbeats(&mut self, cx: &mut Cx) {
        let term = self.term();
        cx.explain(Rule::SendHeartbeats { term });
        self.next_round(cx.now());
        for peer in self.peer_ids() {
            if let Some(pr) = self.progress_mut(peer) {
                pr.resume();
            }
            self.send_append(peer, true, cx);
        }
        cx.set_timer(Timer::Heartbeat, self.config.heartbeat_interval);
    }

    /// After new entries were appended: send them to every follower that can take them now
    /// (§5.3: "issues AppendEntries RPCs in parallel to each of the other servers").
    pub(super) fn replicate(&mut self, cx: &mut Cx) {
        for peer in self.peer_ids() {
            self.send_more(peer, cx);
        }
    }

    fn peer_ids(&self) -> Vec<NodeId> {
        self.volatile
            .leader_state
            .as_ref()
            .map(|ls| ls.peers.keys().copied().collect())
            .unwrap_or_default()
    }

    pub(super) fn progress_mut(&mut self, peer: NodeId) -> Option<&mut PeerProgress> {
        self.volatile.leader_state.as_mut()?.peers.get_mut(&peer)
    }

    /// Send `peer` what it can take: while replicating, every entry not sent yet (in batches);
    /// while probing, one AppendEntries unless one is already out.
    fn send_more(&mut self, peer: NodeId, cx: &mut Cx) {
        while self.send_append(peer, false, cx) {
            let Some(pr) = self.progress_mut(peer) else {
                return;
            };
            if pr.progress == Progress::Probe || pr.next_index > self.persistent.last_log_index() {
                return;
            }
        }
    }

    /// Figure 2, Leaders: "If last log index ≥ nextIndex for a follower: send AppendEntries RPC
    /// with log entries starting at nextIndex", at most `max_batch` of them. With `empty_ok`
    /// it sends even when there is nothing new (a heartbeat). Returns whether it sent.
    pub(super) fn send_append(&mut self, peer: NodeId, empty_ok: bool, cx: &mut Cx) -> bool {
        let term = self.term();
        let commit = self.volatile.commit_index;
        let last = self.persistent.last_log_index();
        let batch = self.config.max_batch.max(1);
        let start = self.persistent.log.start_index();
        let round = self.current_round();
        let Some(pr) = self.progress_mut(peer) else {
            return false;
        };
        if pr.is_paused() {
            return false;
        }
        let next = pr.next_index.clamp(1, last + 1);
        if next <= start {
            // The entry before `next` was compacted: only the snapshot can bring it (§7).
            return self.send_snapshot(peer, cx);
        }
        let upto = last.min(next + batch - 1);
        if upto < next && !empty_ok {
            return false;
        }
        pr.sent_entries(next, upto);
        let prev_log_index = next - 1;
        let entries = self.persistent.entries(next, upto).to_vec();
        if !entries.is_empty() {
            cx.explain(Rule::SendEntries {
                to: peer,
                first: next,
                last: upto,
            });
        }
        let append = AppendEntries {
            term,
            prev_log_index,
            prev_log_term: self.persistent.term_at(prev_log_index).unwrap_or(0),
            entries,
            leader_commit: commit,
            round,
        };
        cx.send(peer, Msg::AppendEntries(append));
        true
    }

    /// AppendEntries receiver (Figure 2, §5.1–§5.3).
    pub(super) fn on_append_entries(&mut self, leader: NodeId, append: AppendEntries, cx: &mut Cx) {
        let AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            round,
        } = append;
        if term < self.term() {
            // §5.1: "Reply false if term < currentTerm."
            cx.explain(Rule::RejectStaleLeader { leader, term });
            self.reply_append(leader, false, 0, None, round, cx);
            return;
        }
        self.follow_leader(leader, term, cx);
        let (prev_log_index, prev_log_term, entries) =
            self.skip_compacted(prev_log_index, prev_log_term, entries);
        // §5.3: "Reply false if log doesn't contain an entry at prevLogIndex whose term
        // matches prevLogTerm."
        if self.persistent.term_at(prev_log_index) != Some(prev_log_term) {
            cx.explain(Rule::RejectLogMismatch {
                prev_log_index,
                prev_log_term,
            });
            let rejection = self.rejection(prev_log_index);
            self.reply_append(leader, false, 0, Some(rejection), round, cx);
            return;
        }
        let last_new = prev_log_index + entries.len() as u64;
        let carried = !entries.is_empty();
        self.merge_entries(leader, prev_log_index, entries, cx);
        if carried {
            self.log_changed(prev_log_index + 1, cx);
        }
        // "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new
        // entry)": entries past the last one this message vouched for may still be stale.
        let commit = leader_commit.min(last_new);
        if commit > self.volatile.commit_index {
            self.volatile.commit_index = commit;
            cx.explain(Rule::LearnCommit {
                commit_index: commit,
            });
            self.apply_committed(cx);
        }
        self.reply_append(leader, true, last_new, None, round, cx);
    }

    /// §5.2: "If AppendEntries RPC received from new leader: convert to follower" (and so for
    /// InstallSnapshot, Figure 13).
    pub(super) fn follow_leader(&mut self, leader: NodeId, term: Term, cx: &mut Cx) {
        let was = self.volatile.role;
        self.volatile.role = Role::Follower;
        self.volatile.leader = Some(leader);
        self.volatile.leader_state = None;
        if was == Role::Leader {
            // Only when a switch lets two leaders share a term.
            cx.cancel_timer(Timer::Heartbeat);
        }
        cx.explain(Rule::FollowLeader { leader, term, was });
        self.volatile.heard_leader_at = Some(cx.now());
        self.reset_election_timer(cx);
    }

    /// Entries at or before this server's snapshot are committed, so they match the leader's
    /// (§7): an AppendEntries that starts before the snapshot is checked from the snapshot's
    /// last entry on, with the entries it covers dropped.
    fn skip_compacted(
        &self,
        prev_log_index: u64,
        prev_log_term: Term,
        mut entries: Vec<Entry>,
    ) -> (u64, Term, Vec<Entry>) {
        let log = &self.persistent.log;
        let start = log.start_index();
        if prev_log_index >= start {
            return (prev_log_index, prev_log_term, entries);
        }
        let covered = (start - prev_log_index).min(entries.len() as u64);
        entries.drain(..covered as usize);
        (start, log.start_term(), entries)
    }

    /// §5.3: "If an existing entry conflicts with a new one (same index but different terms),
    /// delete the existing entry and all that follow it. Append any new entries not already in
    /// the log." Entries already there with the same term are kept: a late or duplicated
    /// AppendEntries never removes anything the leader sent since.
    fn merge_entries(&mut self, leader: NodeId, prev: u64, entries: Vec<Entry>, cx: &mut Cx) {
        let mut appended: Option<u64> = None;
        for (index, entry) in (prev + 1..).zip(entries) {
            let log = &mut self.persistent.log;
            match log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(old_term) if self.config.breaks.no_truncate => {
                    let kept = log.last_index() - index;
                    cx.explain(Rule::OverwriteKeepSuffix {
                        index,
                        old_term,
                        new_term: entry.term,
                        kept,
                    });
                    log.overwrite(index, entry);
                }
                Some(old_term) => {
                    let removed = log.last_index() - index + 1;
                    cx.explain(Rule::TruncateLog {
                        index,
                        old_term,
                        new_term: entry.term,
                        removed,
                    });
                    log.truncate_from(index);
                    log.push(entry);
                    appended.get_or_insert(index);
                }
                None => {
                    log.push(entry);
                    appended.get_or_insert(index);
                }
            }
        }
        if let Some(first) = appended {
            cx.explain(Rule::AppendLog {
                leader,
                first,
                last: self.persistent.last_log_index(),
            });
        }
    }

    /// What a follower tells the leader when its log does not match at `prev_log_index`. With
    /// the conflict hint (§5.3): the term of its entry there and the first index of that term
    /// in its log, or, when its log is shorter, its last index + 1.
    fn rejection(&self, prev_log_index: u64) -> Rejection {
        let mut rejection = Rejection {
            prev_log_index,
            conflict_term: None,
            conflict_index: None,
        };
        if self.config.conflict_hint {
            let p = &self.persistent;
            match p.term_at(prev_log_index) {
                None => rejection.conflict_index = Some(p.last_log_index() + 1),
                Some(t) => {
                    let mut first = prev_log_index;
                    while first > 1 && p.term_at(first - 1) == Some(t) {
                        first -= 1;
                    }
                    rejection.conflict_term = Some(t);
                    rejection.conflict_index = Some(first);
                }
            }
        }
        rejection
    }

    fn reply_append(
        &self,
        leader: NodeId,
        success: bool,
        match_index: u64,
        rejection: Option<Rejection>,
        round: u64,
        cx: &mut Cx,
    ) {
        let reply = AppendEntriesReply {
            term: self.term(),
            success,
            match_index,
            rejection,
            round,
        };
        cx.send(leader, Msg::AppendEntriesReply(reply));
    }

    /// The leader's side of an AppendEntries reply (Figure 2, Leaders; etcd's progress).
    pub(super) fn on_append_entries_reply(
        &mut self,
        from: NodeId,
        reply: AppendEntriesReply,
        cx: &mut Cx,
    ) {
        let AppendEntriesReply {
            term,
            success,
            match_index,
            rejection,
            round,
        } = reply;
        let current = self.term();
        if term != current || self.progress_mut(from).is_none() {
            cx.explain(Rule::IgnoreStale { from, term });
            return;
        }
        if success {
            self.on_append_success(from, match_index, cx);
        } else if let Some(rejection) = rejection {
            self.on_append_rejected(from, rejection, cx);
        } else {
            // A refusal for a stale term, from a term this leader has since caught up with.
            cx.explain(Rule::IgnoreStale { from, term });
        }
        // Any answer of this term shows `from` still follows this leader.
        self.follower_answered(from, round, cx);
    }

    /// "If successful: update nextIndex and matchIndex for follower (§5.3)"; a probe that
    /// succeeds (or confirms the known match again) turns into replication.
    pub(super) fn on_append_success(&mut self, from: NodeId, index: u64, cx: &mut Cx) {
        let Some(pr) = self.progress_mut(from) else {
            return;
        };
        let advanced = pr.maybe_update(index);
        let (match_index, next_index) = (pr.match_index, pr.next_index);
        let replicate = pr.progress == Progress::Probe && (advanced || index == match_index);
        if replicate {
            pr.become_replicate();
        }
        if advanced {
            cx.explain(Rule::AckEntries {
                follower: from,
                match_index,
                next_index,
            });
        }
        if replicate {
            cx.explain(Rule::StartReplicate {
                follower: from,
                match_index,
            });
        }
        if advanced {
            self.maybe_commit(cx);
            self.catch_up(cx);
        }
        self.send_more(from, cx);
    }

    /// "If AppendEntries fails because of log inconsistency: decrement nextIndex and retry
    /// (§5.3)", or with the conflict hint skip the follower's whole conflicting term.
    fn on_append_rejected(&mut self, from: NodeId, rejection: Rejection, cx: &mut Cx) {
        let refused = rejection.prev_log_index;
        let hint = rejection.conflict_index.map(|index| {
            // The leader's last entry of the conflicting term, if it has that term: the logs
            // may agree up to there.
            rejection
                .conflict_term
                .and_then(|t| {
                    (1..=refused.min(self.persistent.last_log_index()))
                        .rev()
                        .find(|&i| self.persistent.term_at(i) == Some(t))
                })
                .map_or(index, |i| i + 1)
        });
        let term = self.term();
        let Some(pr) = self.progress_mut(from) else {
            return;
        };
        let was = pr.progress;
        if !pr.maybe_decr_to(refused, hint) {
            // The answer to an earlier probe, or older than what is known to match: stale.
            cx.explain(Rule::IgnoreStale { from, term });
            return;
        }
        let next_index = pr.next_index;
        cx.explain(match was {
            Progress::Replicate => Rule::StartProbe {
                follower: from,
                next_index,
            },
            Progress::Probe => Rule::BackUp {
                follower: from,
                next_index,
                hint: hint.is_some(),
            },
        });
        self.send_append(from, true, cx);
    }

    /// Figure 2, Leaders: "If there exists an N such that N > commitIndex, a majority of
    /// matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N (§5.3, §5.4)."
    /// §5.4.2: "Raft never commits log entries from previous terms by counting replicas."
    pub(super) fn maybe_commit(&mut self, cx: &mut Cx) {
        let Some(ls) = &self.volatile.leader_state else {
            return;
        };
        // Thesis §4.1: a majority of the voters of the configuration in use; a leader removed
        // from it does not count itself (§4.2.2), learners never count (§4.2.1).
        let config = &self.membership.config;
        let mut matched: Vec<u64> = ls
            .peers
            .iter()
            .filter(|(id, _)| config.is_voter(**id))
            .map(|(_, p)| p.match_index)
            .collect();
        if config.is_voter(self.id) {
            matched.push(self.own_match());
        }
        matched.sort_unstable_by(|a, b| b.cmp(a));
        // The highest index stored by a majority.
        let Some(&n) = matched.get(self.majority() - 1) else {
            return;
        };
        if n <= self.volatile.commit_index {
            return;
        }
        let term = self.term();
        let entry_term = self.persistent.term_at(n).unwrap_or(0);
        if entry_term == term || self.config.breaks.commit_previous_terms {
            self.volatile.commit_index = n;
            cx.explain(Rule::AdvanceCommit {
                index: n,
                entry_term,
                term,
                replicas: matched.iter().filter(|&&m| m >= n).count(),
            });
            self.apply_committed(cx);
        } else {
            cx.explain(Rule::WaitForCurrentTerm {
                index: n,
                entry_term,
                term,
            });
        }
    }
}

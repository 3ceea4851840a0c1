//! Writing persistent state to stable storage (Figure 2: "Persistent state on all servers
//! (Updated on stable storage before responding to RPCs)").
//!
//! With `persist_delay_max` 0 (the default) a write takes no time, as the paper's rules
//! assume: nothing here runs. Otherwise a server keeps a [`Disk`]: it changes its persistent
//! state in memory and acts on it at once (counting its own vote, updating its log), but
//! whatever it sends after the change waits until the write of that state completes — a vote,
//! a candidate's RequestVote (its own vote and new term first), an acknowledgement of new
//! entries, any reply carrying a newer term. A crash before then loses the change with the
//! messages that waited for it, and the server comes back with what is on disk. A leader
//! counts its own log towards a majority only as far as it is durable (thesis §10.2.1: a
//! leader may write its log in parallel with sending it, but counts itself once written).

use super::message::Msg;
use super::node::{Cx, RaftNode, Timer};
use super::rule::{Rule, Stored};
use super::state::Persistent;
use crate::sim::{Disk, WriteDelay};

impl Stored {
    pub fn of(p: &Persistent) -> Self {
        Stored {
            term: p.current_term,
            voted_for: p.voted_for,
            last_log_index: p.last_log_index(),
        }
    }
}

impl RaftNode {
    /// Stable storage when writes take time; `None` when they are instantaneous.
    pub(super) fn new_disk(&self) -> Option<Disk<Persistent, Msg>> {
        (self.config.persist_delay_max > 0).then(|| Disk::new(&self.persistent))
    }

    fn write_delay(&self) -> WriteDelay {
        WriteDelay {
            min: self.config.persist_delay_min,
            max: self.config.persist_delay_max,
        }
    }

    /// The end of every step: the messages it sent wait while the state they may depend on is
    /// not durable, and a change no write covers starts one.
    pub(super) fn sync_disk(&mut self, cx: &mut Cx) {
        let delay = self.write_delay();
        let Some(disk) = &mut self.disk else {
            return;
        };
        if let Some(started) = disk.sync(&self.persistent, delay, Timer::Persist, cx) {
            cx.explain(Rule::WriteStarted {
                state: Stored::of(&self.persistent),
                held: started.held,
                done_at: started.done_at,
            });
        }
    }

    /// `Timer::Persist`: the write completed. What waited for it leaves; a leader may now count
    /// its own log further (§5.3 with thesis §10.2.1).
    pub(super) fn write_done(&mut self, cx: &mut Cx) {
        let delay = self.write_delay();
        let Some(disk) = &mut self.disk else {
            return;
        };
        let Some(done) = disk.complete(&self.persistent, delay, Timer::Persist, cx) else {
            return;
        };
        cx.explain(Rule::Persisted {
            state: Stored::of(disk.durable()),
            released: done.released,
        });
        if let Some(next) = done.next {
            cx.explain(Rule::WriteStarted {
                state: Stored::of(&self.persistent),
                held: next.held,
                done_at: next.done_at,
            });
        }
        if self.is_leader() {
            self.maybe_commit(cx);
        }
    }

    /// Back from a crash: the state is what is on disk; a write under way is lost, and with it
    /// every change it or a later write would have made durable.
    pub(super) fn reload_from_disk(&mut self, cx: &mut Cx) {
        let Some(disk) = &mut self.disk else {
            return;
        };
        let durable = disk.crash();
        if durable != self.persistent {
            cx.explain(Rule::WriteLost {
                kept: Stored::of(&durable),
                lost: Stored::of(&self.persistent),
            });
            self.persistent = durable;
        }
    }

    /// How much of its own log a leader may count towards a majority (Figure 2's commit rule):
    /// all of it when writes are instantaneous; else what is durable, once a write of this term
    /// completed (until then its log since the election may not be on disk). Within a term a
    /// leader only appends, so its durable log is a prefix of its log.
    pub(super) fn own_match(&self) -> u64 {
        let last = self.persistent.last_log_index();
        match &self.disk {
            None => last,
            Some(disk) if disk.durable().current_term == self.term() => {
                disk.durable().last_log_index().min(last)
            }
            Some(_) => 0,
        }
    }
}

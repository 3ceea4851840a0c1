//! Stable storage that takes time to write, for protocols whose servers must persist state
//! before they answer (Raft's Figure 2: "updated on stable storage before responding to RPCs";
//! Paxos Made Simple §2.2: an acceptor "must remember this information even if it fails").
//!
//! A node keeps its persistent state in memory and acts on it at once; [`Disk`] holds what is
//! on disk. At the end of each step the node calls [`Disk::sync`]: if its persistent state
//! differs from what is on disk or being written, the messages of the step are held and a write
//! of the whole persistent state starts, completing after a delay drawn from the node's own
//! stream (the node arms its write timer for it). Messages sent while a write is under way
//! depend on what it writes, or on something newer: they wait for it, or for the write after
//! it. One write is under way at a time; changes made meanwhile go into the next one (a group
//! commit). When the timer fires, [`Disk::complete`] makes the image durable, and what waited
//! leaves at the end of that step. A crash loses the write under way and everything held: [`Disk::crash`] returns the
//! state the node comes back with.

use serde::Serialize;

use super::protocol::{Context, NodeId, Protocol};
use super::time::Time;

/// What is on disk, the write under way, and the messages waiting for writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disk<S, M> {
    /// What a crash leaves: the image of the last completed write.
    durable: S,
    /// The write under way.
    write: Option<Write<S, M>>,
    /// Messages sent after the state changed again during the write under way: they wait for
    /// the write after it.
    queued: Vec<(NodeId, M)>,
    /// Messages a completed write let go, sent at the end of its step by [`Disk::sync`].
    released: Vec<(NodeId, M)>,
}

/// A write under way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Write<S, M> {
    /// The persistent state as it was when the write started.
    pub image: S,
    /// The messages that leave once it completes.
    pub held: Vec<(NodeId, M)>,
    pub started_at: Time,
    pub done_at: Time,
}

/// How long one write takes: drawn uniformly from `min..=max` (µs) for each write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteDelay {
    pub min: Time,
    pub max: Time,
}

/// A write that started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Started {
    /// How many messages wait for it.
    pub held: usize,
    pub done_at: Time,
}

/// What [`Disk::complete`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completed {
    /// How many held messages it sent.
    pub released: usize,
    /// The next write (of changes made during this one), if one started.
    pub next: Option<Started>,
}

impl<S: Clone + PartialEq, M> Disk<S, M> {
    /// A disk holding `state`, nothing being written.
    pub fn new(state: &S) -> Self {
        Disk {
            durable: state.clone(),
            write: None,
            queued: Vec::new(),
            released: Vec::new(),
        }
    }

    /// What a crash now would leave.
    pub fn durable(&self) -> &S {
        &self.durable
    }

    /// The write under way, if any.
    pub fn write(&self) -> Option<&Write<S, M>> {
        self.write.as_ref()
    }

    /// The end of a step that left the node's persistent state as `state`. Holds the step's
    /// messages while anything they may depend on is not durable, starts a write when `state`
    /// has changes that no write covers and none is under way, and sends what a write that
    /// completed in this step let go. Returns the write it started, if it started one.
    pub fn sync<P: Protocol<Msg = M>>(
        &mut self,
        state: &S,
        delay: WriteDelay,
        timer: P::Timer,
        cx: &mut Context<P>,
    ) -> Option<Started> {
        let started = match &mut self.write {
            None if *state == self.durable => None,
            None => {
                let held = cx.take_sends();
                Some(self.start(state, held, delay, timer, cx))
            }
            Some(write) if *state == write.image => {
                write.held.extend(cx.take_sends());
                None
            }
            Some(_) => {
                self.queued.extend(cx.take_sends());
                None
            }
        };
        for (to, msg) in self.released.drain(..) {
            cx.send(to, msg);
        }
        started
    }

    /// The write timer fired: the image is durable, the messages that waited for it may leave
    /// (at the end of the step, [`Disk::sync`]), and changes made meanwhile start the next write
    /// (or, if there are none, the messages queued behind it may leave too). `None` if no write
    /// was under way.
    pub fn complete<P: Protocol<Msg = M>>(
        &mut self,
        state: &S,
        delay: WriteDelay,
        timer: P::Timer,
        cx: &mut Context<P>,
    ) -> Option<Completed> {
        let write = self.write.take()?;
        self.durable = write.image;
        let released = write.held.len();
        self.released.extend(write.held);
        let queued = std::mem::take(&mut self.queued);
        let next = if *state == self.durable {
            self.released.extend(queued);
            None
        } else {
            Some(self.start(state, queued, delay, timer, cx))
        };
        Some(Completed { released, next })
    }

    /// The node crashed: the write under way never completes and what waited is never sent.
    /// Returns the state the node comes back with.
    pub fn crash(&mut self) -> S {
        self.write = None;
        self.queued.clear();
        self.released.clear();
        self.durable.clone()
    }

    fn start<P: Protocol<Msg = M>>(
        &mut self,
        state: &S,
        held: Vec<(NodeId, M)>,
        delay: WriteDelay,
        timer: P::Timer,
        cx: &mut Context<P>,
    ) -> Started {
        let after = cx.rng().between(delay.min, delay.max);
        cx.set_timer(timer, after);
        let started = Started {
            held: held.len(),
            done_at: cx.now().saturating_add(after),
        };
        self.write = Some(Write {
            image: state.clone(),
            held,
            started_at: cx.now(),
            done_at: started.done_at,
        });
        started
    }
}

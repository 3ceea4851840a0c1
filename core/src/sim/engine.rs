//! [`Sim`]: the nodes, the event queue, the network and the messages in flight.
//!
//! The queue (`queue.rs`, a calendar queue) is ordered by `(time, sequence number)`, so ties
//! are broken by the order in which events were scheduled and every run is deterministic. A
//! timer that is re-armed or cancelled is removed from the queue at once, so nothing stale
//! ever fires and the pending list shows exactly what can happen next.

use std::collections::VecDeque;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::input::{Action, Input};
use super::network::{NetConfig, Network};
use super::problem::ConfigProblem;
use super::protocol::{Context, Effects, NodeId, Protocol, TimerOp, Violation};
use super::queue::Queue;
use super::report::{DropReason, Event, StepReport};
use super::rng::SimRng;
use super::time::Time;
use super::timers::{ArmedTimer, Timers};

/// Identifies a message in flight for its whole life (the view keys its dot by it).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct MsgId(pub u64);

/// Queue position: time first, then the order of scheduling.
pub(super) type QueueKey = (Time, u64);

/// A message on the wire: all the view needs to draw a dot travelling along a link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope<M> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: M,
    pub sent_at: Time,
    pub deliver_at: Time,
    /// Decided at send time: the network will lose it on arrival.
    pub lost: bool,
    #[serde(skip)]
    key: QueueKey,
}

/// A node and what the engine keeps for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct NodeSlot<P: Protocol> {
    pub state: P,
    pub up: bool,
    rng: SimRng,
    timers: Timers<P::Timer>,
}

impl<P: Protocol> NodeSlot<P> {
    /// Armed timers of this node, by kind.
    pub fn timers(&self) -> &Timers<P::Timer> {
        &self.timers
    }
}

/// An event waiting in the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Pending<P: Protocol> {
    Deliver(MsgId),
    Timer(NodeId, P::Timer),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    pub seed: u64,
    pub nodes: usize,
    pub net: NetConfig,
}

/// Misuse of the engine or bad outside input. Protocol rejections are messages,
/// invariant failures are [`Violation`]s; neither is an error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SimError {
    /// Nothing is pending: the run is quiescent.
    Idle,
    NoSuchNode(NodeId),
    NoSuchMessage(MsgId),
    NoSuchTimer(NodeId),
    NodeDown(NodeId),
    NodeUp(NodeId),
    /// An intervention before the current time or after the next pending event.
    OutOfOrder {
        at: Time,
        now: Time,
        next: Time,
    },
    /// A history has no branch of this number.
    NoSuchBranch(usize),
    BadConfig(ConfigProblem),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Idle => write!(f, "nothing is pending"),
            SimError::NoSuchNode(n) => write!(f, "no node {n}"),
            SimError::NoSuchMessage(m) => write!(f, "no message #{} in flight", m.0),
            SimError::NoSuchTimer(n) => write!(f, "{n} has no such timer armed"),
            SimError::NodeDown(n) => write!(f, "{n} is down"),
            SimError::NodeUp(n) => write!(f, "{n} is already up"),
            SimError::OutOfOrder { at, now, next } => write!(
                f,
                "an action at {at} µs must lie between now ({now} µs) and the next event ({next} µs)"
            ),
            SimError::NoSuchBranch(index) => write!(f, "no branch {index}"),
            SimError::BadConfig(why) => write!(f, "bad configuration: {why}"),
        }
    }
}

impl std::error::Error for SimError {}

/// The largest cluster the engine accepts (node ids are `u16`; the views draw far fewer).
pub const MAX_NODES: usize = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Sim<P: Protocol> {
    config: SimConfig,
    now: Time,
    steps: u64,
    seq: u64,
    next_msg: u64,
    nodes: Vec<NodeSlot<P>>,
    queue: Queue<P>,
    in_flight: InFlight<P::Msg>,
    network: Network,
    audit: P::Audit,
    violations: Vec<Violation>,
    scratch: Scratch<P>,
}

/// The buffers a handler writes its effects into, kept from one step to the next so a step
/// allocates none. Empty between steps: a clone starts with fresh ones, and any two are equal.
struct Scratch<P: Protocol>(Effects<P>);

impl<P: Protocol> Default for Scratch<P> {
    fn default() -> Self {
        Scratch(Effects::default())
    }
}

impl<P: Protocol> Clone for Scratch<P> {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl<P: Protocol> PartialEq for Scratch<P> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<P: Protocol> fmt::Debug for Scratch<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scratch")
    }
}

impl<P: Protocol> Sim<P> {
    /// A new run: every node is created and started at time 0.
    pub fn new(config: SimConfig, protocol: &P::Config) -> Result<Self, SimError> {
        if config.nodes == 0 || config.nodes > MAX_NODES {
            return Err(SimError::BadConfig(ConfigProblem::ClusterSize {
                nodes: config.nodes,
            }));
        }
        if let Some(why) = config.net.problem() {
            return Err(SimError::BadConfig(why));
        }
        if let Some(why) = P::config_problem(protocol, config.nodes) {
            return Err(SimError::BadConfig(why));
        }
        let n = config.nodes;
        let nodes = NodeId::all(n)
            .map(|id| NodeSlot {
                state: P::new(id, n, protocol),
                up: true,
                rng: SimRng::new(config.seed, 1 + id.0 as u64),
                timers: Timers::default(),
            })
            .collect();
        let mut sim = Sim {
            network: Network::new(config.net.clone(), n, config.seed),
            config,
            now: 0,
            steps: 0,
            seq: 0,
            next_msg: 0,
            nodes,
            queue: Queue::default(),
            in_flight: InFlight::default(),
            audit: P::Audit::default(),
            violations: Vec::new(),
            scratch: Scratch::default(),
        };
        // Start-up is not a step: what it sends and arms shows in the state itself.
        let mut out = StepOutputs::quiet();
        for id in NodeId::all(n) {
            sim.run_handler(id, &mut out, |node, cx| node.on_start(cx));
        }
        Ok(sim)
    }

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Current virtual time: the time of the last step.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Number of steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn nodes(&self) -> &[NodeSlot<P>] {
        &self.nodes
    }

    pub fn node(&self, id: NodeId) -> Option<&NodeSlot<P>> {
        self.nodes.get(id.index())
    }

    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope<P::Msg>> {
        self.in_flight.values()
    }

    pub fn message(&self, id: MsgId) -> Option<&Envelope<P::Msg>> {
        self.in_flight.get(id)
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    /// What the invariant checker remembers (e.g. which values are chosen), for display.
    pub fn audit(&self) -> &P::Audit {
        &self.audit
    }

    /// Every violation found so far, in order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Everything that can happen next, earliest first, with its time. Lazy: taking the first
    /// few sorts only the earliest buckets of the queue.
    pub fn pending(&self) -> impl Iterator<Item = (Time, &Pending<P>)> {
        self.queue.iter().map(|((t, _), p)| (t, p))
    }

    /// How many events are pending. O(1).
    pub fn pending_count(&self) -> usize {
        self.queue.len()
    }

    /// About how many bytes a clone of this state copies: the nodes (with what
    /// [`Protocol::heap_size`] says they own), their timers, the queue, the messages in
    /// flight and the checker's memory ([`Protocol::audit_heap_size`]). `History` spaces its snapshots by it. O(nodes).
    pub fn size_estimate(&self) -> usize {
        use std::mem::size_of;
        let nodes: usize = self
            .nodes
            .iter()
            .map(|slot| {
                size_of::<NodeSlot<P>>()
                    + slot.state.heap_size()
                    + slot.timers.len() * size_of::<(P::Timer, ArmedTimer)>()
            })
            .sum();
        nodes
            + self.queue.len() * size_of::<(QueueKey, Pending<P>)>()
            + self.in_flight.slots.len() * size_of::<Option<Envelope<P::Msg>>>()
            + self.violations.len() * size_of::<Violation>()
            + P::audit_heap_size(&self.audit)
    }

    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.first_time()
    }

    /// Handle the earliest pending event.
    pub fn step(&mut self) -> Result<StepReport<P>, SimError> {
        self.apply(Input::Next)
    }

    /// Handle every event due at or before `until`; returns how many steps were taken.
    /// The clock stays at the last event handled.
    pub fn run_until(&mut self, until: Time) -> u64 {
        let start = self.steps;
        while self.next_event_time().is_some_and(|t| t <= until) {
            // Cannot fail: an event is pending.
            let _ = self.advance(Input::Next);
        }
        self.steps - start
    }

    /// Apply one input: the only way a simulation changes after it is created.
    pub fn apply(&mut self, input: Input<P>) -> Result<StepReport<P>, SimError> {
        let mut out = StepOutputs::recording();
        let (event, node) = self.take(input, &mut out)?;
        let violations = self.check(node);
        #[allow(
            clippy::expect_used,
            reason = "`take` describes its event whenever `out` records"
        )]
        let event = event.expect("a recording step describes its event");
        Ok(StepReport {
            step: self.steps,
            time: self.now,
            event,
            node,
            rules: out.rules,
            sent: out.sent,
            armed: out.armed,
            message: out.message,
            violations,
        })
    }

    /// Apply one input exactly as [`apply`](Self::apply) does (same state after it, invariants
    /// checked the same way) without describing the step: no report, so no copy of any message
    /// sent or delivered. For replays and fast-forwards whose steps nobody looks at one by one.
    /// Returns the invariants found broken after the step.
    pub fn advance(&mut self, input: Input<P>) -> Result<Vec<Violation>, SimError> {
        let mut out = StepOutputs::quiet();
        let (_, node) = self.take(input, &mut out)?;
        Ok(self.check(node))
    }

    /// Carry out one input and count the step; the event is described only when `out` records.
    /// Returns it and the node the step happened to.
    fn take(
        &mut self,
        input: Input<P>,
        out: &mut StepOutputs<P>,
    ) -> Result<(Option<Event<P>>, Option<NodeId>), SimError> {
        let (event, node) = match input {
            Input::Next => {
                let (key, pending) = self.queue.pop_first().ok_or(SimError::Idle)?;
                self.now = key.0;
                match pending {
                    Pending::Deliver(id) => {
                        #[allow(
                            clippy::expect_used,
                            reason = "a delivery is queued exactly while its message is in flight"
                        )]
                        let env = self.in_flight.remove(id).expect("queued message in flight");
                        let (delivered, event) = self.arrive(env, out);
                        (event, delivered)
                    }
                    Pending::Timer(id, timer) => {
                        node_slot(&mut self.nodes, id).timers.remove(&timer);
                        self.run_handler(id, out, |n, cx| n.on_timer(timer, cx));
                        (out.record.then_some(Event::TimerFired(id, timer)), Some(id))
                    }
                }
            }
            Input::Act { at, action } => {
                self.validate(at, &action)?;
                self.now = at;
                if out.record {
                    let node = self.act(action.clone(), out);
                    (Some(Event::Acted(action)), node)
                } else {
                    (None, self.act(action, out))
                }
            }
        };
        self.steps += 1;
        Ok((event, node))
    }

    /// Refuse an intervention that does not fit the current state, before anything changes.
    fn validate(&self, at: Time, action: &Action<P>) -> Result<(), SimError> {
        let next = self.next_event_time().unwrap_or(Time::MAX);
        if at < self.now || at > next {
            return Err(SimError::OutOfOrder {
                at,
                now: self.now,
                next,
            });
        }
        let node = |id: NodeId| self.node(id).ok_or(SimError::NoSuchNode(id));
        let message = |id: MsgId| {
            self.message(id)
                .map(|_| ())
                .ok_or(SimError::NoSuchMessage(id))
        };
        match action {
            Action::Command(id, _) => {
                if !node(*id)?.up {
                    return Err(SimError::NodeDown(*id));
                }
            }
            Action::Crash(id) => {
                if !node(*id)?.up {
                    return Err(SimError::NodeDown(*id));
                }
            }
            Action::Restart(id) => {
                if node(*id)?.up {
                    return Err(SimError::NodeUp(*id));
                }
            }
            Action::Deliver(m) | Action::Drop(m) | Action::Duplicate(m) | Action::Delay(m, _) => {
                message(*m)?
            }
            Action::Fire(id, timer) => {
                if !node(*id)?.timers.contains_key(timer) {
                    return Err(SimError::NoSuchTimer(*id));
                }
            }
            Action::SetNetwork(net) => {
                if let Some(why) = net.problem() {
                    return Err(SimError::BadConfig(why));
                }
            }
            Action::Cut(a, b) | Action::Uncut(a, b) => {
                node(*a)?;
                node(*b)?;
            }
            Action::Partition(groups) => {
                // Each group is numbered by a `u16` after the side of the unlisted nodes.
                if groups.len() >= usize::from(u16::MAX) {
                    return Err(SimError::BadConfig(ConfigProblem::PartitionGroups {
                        groups: groups.len(),
                    }));
                }
                for id in groups.iter().flatten() {
                    node(*id)?;
                }
            }
            Action::Heal => {}
        }
        Ok(())
    }

    /// Carry out a validated intervention; returns the node it happened to, if any.
    fn act(&mut self, action: Action<P>, out: &mut StepOutputs<P>) -> Option<NodeId> {
        match action {
            Action::Command(id, cmd) => {
                self.run_handler(id, out, |n, cx| n.on_command(cmd, cx));
                return Some(id);
            }
            Action::Crash(id) => {
                let slot = node_slot(&mut self.nodes, id);
                slot.up = false;
                for armed in slot.timers.drain() {
                    self.queue.remove(&armed.key);
                }
                return Some(id);
            }
            Action::Restart(id) => {
                node_slot(&mut self.nodes, id).up = true;
                self.run_handler(id, out, |n, cx| n.on_restart(cx));
                return Some(id);
            }
            Action::Deliver(m) => {
                #[allow(clippy::expect_used, reason = "`validate` found it in flight")]
                let env = self.in_flight.remove(m).expect("validated");
                self.queue.remove(&env.key);
                if out.record {
                    out.message = Some(env.clone());
                }
                // Arriving early is still arriving: the network's verdict stands.
                return self.arrive(env, out).0;
            }
            Action::Drop(m) => {
                #[allow(clippy::expect_used, reason = "`validate` found it in flight")]
                let env = self.in_flight.remove(m).expect("validated");
                self.queue.remove(&env.key);
                if out.record {
                    out.message = Some(env);
                }
            }
            Action::Duplicate(m) => {
                #[allow(clippy::expect_used, reason = "`validate` found it in flight")]
                let original = self.in_flight.get(m).expect("validated").clone();
                let (from, to, sent_at, deliver_at, lost) = (
                    original.from,
                    original.to,
                    original.sent_at,
                    original.deliver_at,
                    original.lost,
                );
                if out.record {
                    out.message = Some(original.clone());
                }
                self.put_in_flight(from, to, original.msg, sent_at, deliver_at, lost, out);
            }
            Action::Delay(m, by) => {
                #[allow(clippy::expect_used, reason = "`validate` found it in flight")]
                let env = self.in_flight.get_mut(m).expect("validated");
                if out.record {
                    out.message = Some(env.clone());
                }
                self.queue.remove(&env.key);
                env.deliver_at = env.deliver_at.saturating_add(by);
                self.seq += 1;
                env.key = (env.deliver_at, self.seq);
                self.queue.insert(env.key, Pending::Deliver(m));
            }
            Action::Fire(id, timer) => {
                #[allow(clippy::expect_used, reason = "`validate` found it armed")]
                let armed = node_slot(&mut self.nodes, id)
                    .timers
                    .remove(&timer)
                    .expect("validated");
                self.queue.remove(&armed.key);
                self.run_handler(id, out, |n, cx| n.on_timer(timer, cx));
                return Some(id);
            }
            Action::SetNetwork(net) => self.network.config = net,
            Action::Cut(a, b) => self.network.cut(a, b),
            Action::Uncut(a, b) => self.network.uncut(a, b),
            Action::Partition(groups) => self.network.partition(&groups),
            Action::Heal => self.network.heal(),
        }
        None
    }

    /// A message reaches the end of its flight: delivered, or dropped and why. Returns the
    /// receiver if it was delivered, and the event if `out` records.
    fn arrive(
        &mut self,
        env: Envelope<P::Msg>,
        out: &mut StepOutputs<P>,
    ) -> (Option<NodeId>, Option<Event<P>>) {
        let reason = if env.lost {
            Some(DropReason::Lost)
        } else if !self.network.connected(env.from, env.to) {
            Some(DropReason::Disconnected)
        } else if !node_slot(&mut self.nodes, env.to).up {
            Some(DropReason::ReceiverDown)
        } else {
            None
        };
        match reason {
            Some(reason) => (None, out.record.then(|| Event::Dropped(env, reason))),
            None => {
                let (from, to) = (env.from, env.to);
                // The report keeps the envelope; without one the message itself is handed over.
                let (msg, event) = if out.record {
                    (env.msg.clone(), Some(env))
                } else {
                    (env.msg, None)
                };
                self.run_handler(to, out, |n, cx| n.on_message(from, msg, cx));
                (Some(to), event.map(Event::Delivered))
            }
        }
    }

    /// Run one handler of node `id` and carry out what it asked for.
    fn run_handler(
        &mut self,
        id: NodeId,
        out: &mut StepOutputs<P>,
        handler: impl FnOnce(&mut P, &mut Context<P>),
    ) {
        let mut effects = std::mem::take(&mut self.scratch.0);
        let n = self.nodes.len();
        let slot = node_slot(&mut self.nodes, id);
        handler(
            &mut slot.state,
            &mut Context::new(self.now, id, n, &mut slot.rng, &mut effects, out.record),
        );
        for op in effects.timers.drain(..) {
            self.schedule_timer(id, op, out);
        }
        for (to, msg) in effects.sends.drain(..) {
            self.send(id, to, msg, out);
        }
        out.rules.append(&mut effects.rules);
        self.scratch.0 = effects;
    }

    fn schedule_timer(&mut self, id: NodeId, op: TimerOp<P::Timer>, out: &mut StepOutputs<P>) {
        let timers = &mut node_slot(&mut self.nodes, id).timers;
        let timer = match op {
            TimerOp::Set(t, _) | TimerOp::Cancel(t) => t,
        };
        if let Some(old) = timers.remove(&timer) {
            self.queue.remove(&old.key);
        }
        if let TimerOp::Set(timer, after) = op {
            self.seq += 1;
            // A timer always lies in the future: one re-armed with no delay from its own
            // handler would otherwise keep `run_until` at the same instant forever.
            let fires_at = self.now.saturating_add(after.max(1));
            let key = (fires_at, self.seq);
            timers.insert(
                timer,
                ArmedTimer {
                    set_at: self.now,
                    fires_at,
                    key,
                },
            );
            self.queue.insert(key, Pending::Timer(id, timer));
            if out.record {
                out.armed.push((id, timer, fires_at));
            }
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg, out: &mut StepOutputs<P>) {
        if to.index() >= self.nodes.len() {
            // A protocol bug, not a reason to panic: the message goes nowhere.
            return;
        }
        let transit = self.network.transit();
        let now = self.now;
        if let Some(latency) = transit.duplicate {
            let deliver_at = now.saturating_add(latency);
            self.put_in_flight(from, to, msg.clone(), now, deliver_at, false, out);
        }
        let deliver_at = now.saturating_add(transit.latency);
        self.put_in_flight(from, to, msg, now, deliver_at, transit.lost, out);
    }

    /// Queue a message; a recording step notes it among what it sent.
    #[allow(clippy::too_many_arguments)]
    fn put_in_flight(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        sent_at: Time,
        deliver_at: Time,
        lost: bool,
        out: &mut StepOutputs<P>,
    ) {
        self.seq += 1;
        self.next_msg += 1;
        let env = Envelope {
            id: MsgId(self.next_msg),
            from,
            to,
            msg,
            sent_at,
            deliver_at,
            lost,
            key: (deliver_at, self.seq),
        };
        self.queue.insert(env.key, Pending::Deliver(env.id));
        if out.record {
            out.sent.push(env.clone());
        }
        self.in_flight.insert(env);
    }

    /// Run the protocol's invariant checks after a step that happened to `touched`; stamp and
    /// keep what they find.
    fn check(&mut self, touched: Option<NodeId>) -> Vec<Violation> {
        let mut found = P::check_step(&mut self.audit, &self.nodes, touched, self.now);
        for v in &mut found {
            v.step = self.steps;
            v.time = self.now;
        }
        self.violations.extend(found.iter().cloned());
        found
    }
}

/// The slot of a node the engine holds an id of. Every such id names a node: an intervention's
/// are checked by `validate`, a send's by `send`, and a timer's belong to the node that armed it.
#[allow(
    clippy::indexing_slicing,
    reason = "ids are checked on their way into the engine"
)]
fn node_slot<P: Protocol>(nodes: &mut [NodeSlot<P>], id: NodeId) -> &mut NodeSlot<P> {
    &mut nodes[id.index()]
}

/// The messages in flight, by id. Ids are handed out in increasing order and a message lives
/// for one flight, so a deque from the oldest id still in flight holds them all, each at its
/// id's offset; one that arrived leaves a hole until every older one is gone. Adding, finding
/// and removing cost O(1), against a search tree's O(log n) with large values moved on every
/// insert and removal (the bulk of a 10,000-node step). The ends are always occupied, so equal
/// sets of messages have equal representations.
#[derive(Clone, Debug, PartialEq)]
struct InFlight<M> {
    /// The id of `slots[0]`.
    first: u64,
    slots: VecDeque<Option<Envelope<M>>>,
}

impl<M> Default for InFlight<M> {
    fn default() -> Self {
        InFlight {
            first: 0,
            slots: VecDeque::new(),
        }
    }
}

impl<M> InFlight<M> {
    /// Add a message whose id is higher than any added before.
    fn insert(&mut self, env: Envelope<M>) {
        if self.slots.is_empty() {
            self.first = env.id.0;
        }
        let offset = (env.id.0 - self.first) as usize;
        debug_assert!(offset >= self.slots.len(), "ids are handed out in order");
        self.slots.resize_with(offset, || None);
        self.slots.push_back(Some(env));
    }

    fn offset(&self, id: MsgId) -> Option<usize> {
        let offset = usize::try_from(id.0.checked_sub(self.first)?).ok()?;
        (offset < self.slots.len()).then_some(offset)
    }

    fn get(&self, id: MsgId) -> Option<&Envelope<M>> {
        self.slots.get(self.offset(id)?)?.as_ref()
    }

    fn get_mut(&mut self, id: MsgId) -> Option<&mut Envelope<M>> {
        let offset = self.offset(id)?;
        self.slots.get_mut(offset)?.as_mut()
    }

    fn remove(&mut self, id: MsgId) -> Option<Envelope<M>> {
        let offset = self.offset(id)?;
        let env = self.slots.get_mut(offset)?.take();
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.first += 1;
        }
        while let Some(None) = self.slots.back() {
            self.slots.pop_back();
        }
        env
    }

    /// Every message in flight, by id.
    fn values(&self) -> impl Iterator<Item = &Envelope<M>> {
        self.slots.iter().flatten()
    }
}

impl<M: Serialize> Serialize for InFlight<M> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.values())
    }
}

/// What one step produced, gathered while handlers run; only when the step is `record`ed.
struct StepOutputs<P: Protocol> {
    record: bool,
    sent: Vec<Envelope<P::Msg>>,
    armed: Vec<(NodeId, P::Timer, Time)>,
    rules: Vec<P::Rule>,
    message: Option<Envelope<P::Msg>>,
}

impl<P: Protocol> StepOutputs<P> {
    fn recording() -> Self {
        StepOutputs {
            record: true,
            sent: Vec::new(),
            armed: Vec::new(),
            rules: Vec::new(),
            message: None,
        }
    }

    fn quiet() -> Self {
        StepOutputs {
            record: false,
            ..StepOutputs::recording()
        }
    }
}

//! [`Sim`]: the nodes, the event queue, the network and the messages in flight.
//!
//! The queue is ordered by `(time, sequence number)`, so ties are broken by the
//! order in which events were scheduled and every run is deterministic. A timer
//! that is re-armed or cancelled is removed from the queue at once, so nothing
//! stale ever fires and the pending list shows exactly what can happen next.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::input::{Action, Input};
use super::network::{NetConfig, Network};
use super::protocol::{Context, Effects, NodeId, Protocol, TimerOp, Violation};
use super::report::{DropReason, Event, StepReport};
use super::rng::SimRng;
use super::time::Time;

/// Identifies a message in flight for its whole life (the view keys its dot by it).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct MsgId(pub u64);

/// Queue position: time first, then the order of scheduling.
type Key = (Time, u64);

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
    key: Key,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmedTimer {
    pub set_at: Time,
    pub fires_at: Time,
    #[serde(skip)]
    key: Key,
}

/// A node and what the engine keeps for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct NodeSlot<P: Protocol> {
    pub state: P,
    pub up: bool,
    rng: SimRng,
    timers: BTreeMap<P::Timer, ArmedTimer>,
}

impl<P: Protocol> NodeSlot<P> {
    /// Armed timers of this node, by kind.
    pub fn timers(&self) -> &BTreeMap<P::Timer, ArmedTimer> {
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    BadConfig(String),
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
            SimError::BadConfig(why) => write!(f, "bad configuration: {why}"),
        }
    }
}

impl std::error::Error for SimError {}

/// The largest cluster the engine accepts (node ids are `u16`; the views draw far fewer).
pub const MAX_NODES: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct Sim<P: Protocol> {
    config: SimConfig,
    now: Time,
    steps: u64,
    seq: u64,
    next_msg: u64,
    nodes: Vec<NodeSlot<P>>,
    queue: BTreeMap<Key, Pending<P>>,
    in_flight: BTreeMap<MsgId, Envelope<P::Msg>>,
    network: Network,
    audit: P::Audit,
    violations: Vec<Violation>,
}

impl<P: Protocol> Sim<P> {
    /// A new run: every node is created and started at time 0.
    pub fn new(config: SimConfig, protocol: &P::Config) -> Result<Self, SimError> {
        if config.nodes == 0 || config.nodes > MAX_NODES {
            return Err(SimError::BadConfig(format!(
                "cluster size must be 1..={MAX_NODES}, not {}",
                config.nodes
            )));
        }
        if let Some(why) = config.net.problem() {
            return Err(SimError::BadConfig(why));
        }
        let n = config.nodes;
        let nodes = NodeId::all(n)
            .map(|id| NodeSlot {
                state: P::new(id, n, protocol),
                up: true,
                rng: SimRng::new(config.seed, 1 + id.0 as u64),
                timers: BTreeMap::new(),
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
            queue: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            audit: P::Audit::default(),
            violations: Vec::new(),
        };
        // Start-up is not a step: what it sends and arms shows in the state itself.
        let mut out = StepOutputs::default();
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
        self.in_flight.get(&id)
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

    /// Everything that can happen next, earliest first, with its time.
    pub fn pending(&self) -> impl Iterator<Item = (Time, &Pending<P>)> {
        self.queue.iter().map(|(&(t, _), p)| (t, p))
    }

    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.keys().next().map(|&(t, _)| t)
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
            let _ = self.step();
        }
        self.steps - start
    }

    /// Apply one input: the only way a simulation changes after it is created.
    pub fn apply(&mut self, input: Input<P>) -> Result<StepReport<P>, SimError> {
        let mut out = StepOutputs::default();
        let mut node = None;
        let event = match input {
            Input::Next => {
                let (key, pending) = self.queue.pop_first().ok_or(SimError::Idle)?;
                self.now = key.0;
                match pending {
                    Pending::Deliver(id) => {
                        let env = self
                            .in_flight
                            .remove(&id)
                            .expect("queued message in flight");
                        let event = self.arrive(env, &mut out);
                        if let Event::Delivered(env) = &event {
                            node = Some(env.to);
                        }
                        event
                    }
                    Pending::Timer(id, timer) => {
                        node = Some(id);
                        self.nodes[id.index()].timers.remove(&timer);
                        self.run_handler(id, &mut out, |n, cx| n.on_timer(timer, cx));
                        Event::TimerFired(id, timer)
                    }
                }
            }
            Input::Act { at, action } => {
                self.validate(at, &action)?;
                self.now = at;
                node = self.act(action.clone(), &mut out);
                Event::Acted(action)
            }
        };
        self.steps += 1;
        let violations = self.check(node);
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
                let slot = &mut self.nodes[id.index()];
                slot.up = false;
                for (_, armed) in std::mem::take(&mut slot.timers) {
                    self.queue.remove(&armed.key);
                }
                return Some(id);
            }
            Action::Restart(id) => {
                self.nodes[id.index()].up = true;
                self.run_handler(id, out, |n, cx| n.on_restart(cx));
                return Some(id);
            }
            Action::Deliver(m) => {
                let env = self.in_flight.remove(&m).expect("validated");
                self.queue.remove(&env.key);
                out.message = Some(env.clone());
                // Arriving early is still arriving: the network's verdict stands.
                let to = env.to;
                if let Event::Delivered(_) = self.arrive(env, out) {
                    return Some(to);
                }
            }
            Action::Drop(m) => {
                let env = self.in_flight.remove(&m).expect("validated");
                self.queue.remove(&env.key);
                out.message = Some(env);
            }
            Action::Duplicate(m) => {
                let original = self.in_flight[&m].clone();
                out.message = Some(original.clone());
                let copy = self.put_in_flight(
                    original.from,
                    original.to,
                    original.msg,
                    original.sent_at,
                    original.deliver_at,
                    original.lost,
                );
                out.sent.push(copy);
            }
            Action::Delay(m, by) => {
                let env = self.in_flight.get_mut(&m).expect("validated");
                out.message = Some(env.clone());
                self.queue.remove(&env.key);
                env.deliver_at = env.deliver_at.saturating_add(by);
                self.seq += 1;
                env.key = (env.deliver_at, self.seq);
                self.queue.insert(env.key, Pending::Deliver(m));
            }
            Action::Fire(id, timer) => {
                let armed = self.nodes[id.index()]
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

    /// A message reaches the end of its flight: delivered, or dropped and why.
    fn arrive(&mut self, env: Envelope<P::Msg>, out: &mut StepOutputs<P>) -> Event<P> {
        let reason = if env.lost {
            Some(DropReason::Lost)
        } else if !self.network.connected(env.from, env.to) {
            Some(DropReason::Disconnected)
        } else if !self.nodes[env.to.index()].up {
            Some(DropReason::ReceiverDown)
        } else {
            None
        };
        match reason {
            Some(reason) => Event::Dropped(env, reason),
            None => {
                let (from, msg) = (env.from, env.msg.clone());
                self.run_handler(env.to, out, |n, cx| n.on_message(from, msg, cx));
                Event::Delivered(env)
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
        let mut effects = Effects::default();
        let n = self.nodes.len();
        let slot = &mut self.nodes[id.index()];
        handler(
            &mut slot.state,
            &mut Context::new(self.now, id, n, &mut slot.rng, &mut effects),
        );
        for op in effects.timers {
            self.schedule_timer(id, op, out);
        }
        for (to, msg) in effects.sends {
            self.send(id, to, msg, out);
        }
        out.rules.extend(effects.rules);
    }

    fn schedule_timer(&mut self, id: NodeId, op: TimerOp<P::Timer>, out: &mut StepOutputs<P>) {
        let timers = &mut self.nodes[id.index()].timers;
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
            out.armed.push((id, timer, fires_at));
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg, out: &mut StepOutputs<P>) {
        if to.index() >= self.nodes.len() {
            // A protocol bug, not a reason to panic: the message goes nowhere.
            return;
        }
        let transit = self.network.transit();
        if let Some(latency) = transit.duplicate {
            let copy =
                self.put_in_flight(from, to, msg.clone(), self.now, self.now + latency, false);
            out.sent.push(copy);
        }
        let env = self.put_in_flight(
            from,
            to,
            msg,
            self.now,
            self.now + transit.latency,
            transit.lost,
        );
        out.sent.push(env);
    }

    fn put_in_flight(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        sent_at: Time,
        deliver_at: Time,
        lost: bool,
    ) -> Envelope<P::Msg> {
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
        self.in_flight.insert(env.id, env.clone());
        env
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

/// What one step produced, gathered while handlers run.
struct StepOutputs<P: Protocol> {
    sent: Vec<Envelope<P::Msg>>,
    armed: Vec<(NodeId, P::Timer, Time)>,
    rules: Vec<P::Rule>,
    message: Option<Envelope<P::Msg>>,
}

impl<P: Protocol> Default for StepOutputs<P> {
    fn default() -> Self {
        StepOutputs {
            sent: Vec::new(),
            armed: Vec::new(),
            rules: Vec::new(),
            message: None,
        }
    }
}

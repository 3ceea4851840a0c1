//! The shape every protocol takes: a sans-I/O state machine.
//!
//! A node never performs I/O and never reads a clock. The engine hands it one
//! input at a time (a message, a timer, a user command, a restart) together
//! with a [`Context`]; the node mutates its own state and writes what it wants
//! done (sends, timers, the rules that fired) into the context.

use std::fmt::{self, Debug};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::problem::ConfigProblem;
use super::rng::SimRng;
use super::time::Time;

/// A node's index in the cluster, 0-based; shown to people 1-based (`S1`, `S2` …).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct NodeId(pub u16);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// All ids of a cluster of `n` nodes.
    pub fn all(n: usize) -> impl Iterator<Item = NodeId> {
        (0..n).map(|i| NodeId(i as u16))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0 + 1)
    }
}

/// An invariant that no longer holds, as data: which one, where, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Stable name of the invariant, e.g. `"election-safety"`.
    pub invariant: String,
    /// The step after which it was found (filled in by the engine).
    pub step: u64,
    pub time: Time,
    pub nodes: Vec<NodeId>,
    /// One sentence for people, in English; the web translates by `invariant`.
    pub detail: String,
}

impl Violation {
    pub fn new(invariant: &str, nodes: Vec<NodeId>, detail: String) -> Self {
        Violation {
            invariant: invariant.to_owned(),
            step: 0,
            time: 0,
            nodes,
            detail,
        }
    }
}

/// What a node's handler asked for, collected by the [`Context`] and carried out by the engine.
#[derive(Debug)]
pub struct Effects<P: Protocol> {
    pub sends: Vec<(NodeId, P::Msg)>,
    pub timers: Vec<TimerOp<P::Timer>>,
    pub rules: Vec<P::Rule>,
}

impl<P: Protocol> Default for Effects<P> {
    fn default() -> Self {
        Effects {
            sends: Vec::new(),
            timers: Vec::new(),
            rules: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerOp<T> {
    /// Arm `T` to fire after the given duration, replacing any armed timer of the same kind.
    Set(T, Time),
    Cancel(T),
}

/// The only window a node has on the world while it handles one input.
pub struct Context<'a, P: Protocol> {
    now: Time,
    me: NodeId,
    cluster: usize,
    rng: &'a mut SimRng,
    out: &'a mut Effects<P>,
    explaining: bool,
}

impl<'a, P: Protocol> Context<'a, P> {
    pub(crate) fn new(
        now: Time,
        me: NodeId,
        cluster: usize,
        rng: &'a mut SimRng,
        out: &'a mut Effects<P>,
        explaining: bool,
    ) -> Self {
        Context {
            now,
            me,
            cluster,
            rng,
            out,
            explaining,
        }
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn me(&self) -> NodeId {
        self.me
    }

    /// Number of nodes in the simulation.
    pub fn cluster_size(&self) -> usize {
        self.cluster
    }

    /// Every node but this one.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + use<P> {
        let me = self.me;
        NodeId::all(self.cluster).filter(move |&id| id != me)
    }

    /// This node's own generator (its state travels with the node on clone and step-back).
    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }

    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.out.sends.push((to, msg));
    }

    /// Send `msg` to every other node, in id order.
    pub fn broadcast(&mut self, msg: P::Msg) {
        for to in self.peers() {
            self.out.sends.push((to, msg.clone()));
        }
    }

    /// Take back the messages this handler has sent so far: the node sends them later (once a
    /// write to stable storage completes, [`super::disk::Disk`]).
    pub fn take_sends(&mut self) -> Vec<(NodeId, P::Msg)> {
        self.out.sends.drain(..).collect()
    }

    pub fn set_timer(&mut self, timer: P::Timer, after: Time) {
        self.out.timers.push(TimerOp::Set(timer, after));
    }

    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.out.timers.push(TimerOp::Cancel(timer));
    }

    /// Record the rule that fired, for captions and the paper reference.
    pub fn explain(&mut self, rule: P::Rule) {
        if self.explaining {
            self.out.rules.push(rule);
        }
    }

    /// Whether the rules explained are kept: not while the engine takes a step nobody reads
    /// one by one (a fast-forward, a replay), so a handler can skip building a costly rule.
    pub fn explaining(&self) -> bool {
        self.explaining
    }
}

/// A protocol node as a deterministic state machine.
///
/// Configuration lives on the node (it is cheap to clone); the evolving state
/// is split by each protocol into what survives a crash and what does not.
pub trait Protocol: Clone + Debug + PartialEq + Serialize + Sized {
    type Config: Clone + Debug + PartialEq + Serialize + DeserializeOwned;
    /// What travels on the wire.
    type Msg: Clone + Debug + PartialEq + Serialize + DeserializeOwned;
    /// Timer kinds: a node has at most one armed timer of each kind.
    type Timer: Copy + Debug + Ord + Serialize + DeserializeOwned;
    /// What a user can ask a node to do (client request, force a timeout …).
    type Command: Clone + Debug + PartialEq + Serialize + DeserializeOwned;
    /// The rules of the paper a handler can fire, for captions.
    type Rule: Clone + Debug + PartialEq + Serialize + DeserializeOwned;
    /// What the invariant checker remembers between steps (e.g. leaders seen per term).
    type Audit: Clone + Debug + PartialEq + Default + Serialize;

    /// Why `config` cannot run a cluster of `cluster` nodes, if it cannot: [`Sim::new`]
    /// refuses it with this reason, so no node is ever built from settings only assumed valid.
    ///
    /// [`Sim::new`]: super::engine::Sim::new
    fn config_problem(config: &Self::Config, cluster: usize) -> Option<ConfigProblem>;
    /// Node `id` of a cluster of `cluster`, built from a configuration `config_problem` accepts.
    fn new(id: NodeId, cluster: usize, config: &Self::Config) -> Self;
    /// Called once when the simulation starts.
    fn on_start(&mut self, cx: &mut Context<Self>);
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, cx: &mut Context<Self>);
    fn on_timer(&mut self, timer: Self::Timer, cx: &mut Context<Self>);
    fn on_command(&mut self, cmd: Self::Command, cx: &mut Context<Self>);
    /// Called when a crashed node comes back: volatile state is gone, persistent state stays.
    /// The engine has already disarmed every timer of the node.
    fn on_restart(&mut self, cx: &mut Context<Self>);
    /// About how many bytes this node owns on the heap (beyond `size_of::<Self>()`), e.g. its
    /// log or store; `History` spaces its snapshots by the state's size. 0 if negligible.
    fn heap_size(&self) -> usize {
        0
    }
    /// The same for the invariant checker's memory of the run. 0 if negligible.
    fn audit_heap_size(_audit: &Self::Audit) -> usize {
        0
    }
    /// Check the invariants over the whole cluster after a step.
    fn check(audit: &mut Self::Audit, nodes: &[super::engine::NodeSlot<Self>]) -> Vec<Violation>;
    /// Check the invariants after a step at virtual time `now` that happened to `touched` (if
    /// any). By default the whole cluster is checked; a protocol of thousands of nodes can
    /// check only what one step can change, so a run stays linear in its length (and keep
    /// other per-step accounts in its audit, e.g. Gossip's per-round curves).
    fn check_step(
        audit: &mut Self::Audit,
        nodes: &[super::engine::NodeSlot<Self>],
        _touched: Option<NodeId>,
        _now: Time,
    ) -> Vec<Violation> {
        Self::check(audit, nodes)
    }
}

//! [`GossipNode`]: one node. Handlers cite the rule they implement and explain it.
//!
//! A round (every `period`, jittered): pick `fanout` peers and exchange with each in the
//! configured mode. In anti-entropy the exchange covers the whole store; in rumor
//! mongering only hot rumors travel, and each counted contact may make the node lose
//! interest. A node with nothing to do in a round (push mode, nothing to push) does not
//! arm its round timer, so idle nodes cost nothing.
//!
//! [`Sim::new`](crate::sim::Sim::new) builds and starts every node here, and every step
//! enters through this dispatch: what can panic is denied.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::{GossipConfig, Mode, Model};
use super::invariants::{self, Audit};
use super::membership::{Broadcasts, Probe, View};
use super::message::Msg;
use super::metrics::Counters;
use super::rule::Rule;
use super::rumor::Rumors;
use super::store::{Key, Store, Value, Version};
use crate::sim::{ConfigProblem, Context, NodeId, NodeSlot, Protocol, Time, Violation};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Timer {
    /// Start the next gossip round.
    Round,
    /// SWIM: end of the protocol period; probe the next member (§3.1).
    Probe,
    /// SWIM: no direct ack yet; probe indirectly (§3.1).
    ProbeTimeout,
    /// SWIM: the earliest suspicion times out (§4.2); the deadlines of all suspected
    /// members are in `Volatile::suspicions`.
    Suspicion,
    /// Run the health check (Consul).
    Health,
}

/// What a user can ask a node to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Write `key := value` here: a new version that then spreads.
    Update { key: u32, value: Value },
    /// A node outside the cluster joins through `via` (any member; another is tried if
    /// `via` does not answer).
    Join { via: NodeId },
    /// The node's health check starts passing or failing (seen at its next check).
    SetHealth { passing: bool },
}

/// What survives a crash: the store is the replicated database on disk (Demers et al.
/// §1.1); the incarnation number must only grow (SWIM §4.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persistent {
    pub store: Store,
    /// This node is a member of the cluster (from the start, or since it joined).
    pub joined: bool,
    pub incarnation: u64,
    /// The outcome the health check gives when it next runs (set by `SetHealth`).
    pub check_passing: bool,
}

/// What a crash forgets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volatile {
    /// Hot rumors (rumor model).
    pub rumors: Rumors,
    pub view: View,
    /// Membership changes waiting to be piggybacked.
    pub broadcasts: Broadcasts,
    /// A join (or rejoin) has been answered; until then the node retries every round.
    pub welcomed: bool,
    /// Where the first join attempt goes.
    pub join_via: Option<NodeId>,
    /// The round timer is armed.
    pub round_armed: bool,
    /// The probe of the current SWIM protocol period.
    pub probe: Option<Probe>,
    /// Suspected members and when their suspicion times out (SWIM §4.2).
    pub suspicions: BTreeMap<NodeId, Time>,
    pub probe_seq: u32,
    pub probes_done: u64,
}

impl Volatile {
    fn fresh(config: &GossipConfig, cluster: usize) -> Self {
        let initial = config
            .initial_members
            .map_or(cluster, |m| (m as usize).min(cluster));
        Volatile {
            rumors: Rumors::default(),
            view: View::new(initial),
            broadcasts: Broadcasts::default(),
            welcomed: false,
            join_via: None,
            round_armed: false,
            probe: None,
            suspicions: BTreeMap::new(),
            probe_seq: 0,
            probes_done: 0,
        }
    }
}

/// A node's SIR state for one update (Demers et al. §1.4). In anti-entropy (SI) a node
/// that has the update is infective for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sir {
    Susceptible,
    Infective,
    Removed,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GossipNode {
    pub id: NodeId,
    /// Number of node ids in the simulation (members or not).
    pub cluster: usize,
    pub config: GossipConfig,
    pub persistent: Persistent,
    pub volatile: Volatile,
    /// What this node has sent and received: instrumentation, kept across crashes.
    pub meter: Counters,
}

pub(super) type Cx<'a> = Context<'a, GossipNode>;

impl GossipNode {
    pub fn store(&self) -> &Store {
        &self.persistent.store
    }

    pub fn view(&self) -> &View {
        &self.volatile.view
    }

    pub fn is_member(&self) -> bool {
        self.persistent.joined
    }

    pub fn incarnation(&self) -> u64 {
        self.persistent.incarnation
    }

    pub fn rumors(&self) -> &Rumors {
        &self.volatile.rumors
    }

    /// Whether this node is spreading `key` (infective for the version it holds).
    pub fn is_hot(&self, key: Key) -> bool {
        match self.config.model {
            Model::AntiEntropy => self.persistent.store.get(key).is_some(),
            Model::Rumor { .. } => self.volatile.rumors.is_hot(key),
        }
    }

    /// This node's SIR state for the update `(key, latest)`.
    pub fn sir(&self, key: Key, latest: Version) -> Sir {
        match self.persistent.store.version(key) {
            Some(v) if v >= latest => {
                if self.is_hot(key) {
                    Sir::Infective
                } else {
                    Sir::Removed
                }
            }
            _ => Sir::Susceptible,
        }
    }

    pub(super) fn rumor_model(&self) -> bool {
        self.config.model.is_rumor()
    }

    /// Send `msg` with membership changes piggybacked (SWIM §4.1), and count it.
    pub(super) fn send(&mut self, to: NodeId, mut msg: Msg, cx: &mut Cx) {
        if to == self.id || to.index() >= self.cluster {
            return;
        }
        if !self.volatile.broadcasts.is_empty() {
            let limit = self.retransmit_limit();
            let max = self.max_piggyback();
            *msg.gossip_mut() = self.volatile.broadcasts.take(max, limit);
        }
        self.meter.count_sent(&msg);
        cx.send(to, msg);
    }

    /// Up to `k` distinct peers, uniformly at random among the members this node believes
    /// live (alive or suspect), never itself, and only those `accept` admits.
    ///
    /// Rejection sampling over the id space costs O(k) when most ids qualify; when too
    /// many tries fail (small or sparse clusters) the rest is drawn from a scan of the
    /// eligible ids. Either way each next pick is uniform over the eligible ids not yet
    /// picked, so the result is a uniform random k-subset.
    pub(super) fn sample_peers(
        &self,
        k: usize,
        cx: &mut Cx,
        accept: impl Fn(NodeId) -> bool,
    ) -> Vec<NodeId> {
        let n = self.cluster;
        let k = k.min(n.saturating_sub(1));
        let mut out: Vec<NodeId> = Vec::with_capacity(k);
        if k == 0 {
            return out;
        }
        let view = &self.volatile.view;
        let eligible = |id: NodeId| id != self.id && view.is_live(id) && accept(id);
        let budget = 4 * k + 32;
        for _ in 0..budget {
            if out.len() == k {
                return out;
            }
            let id = NodeId(cx.rng().below(n as u64) as u16);
            if !out.contains(&id) && eligible(id) {
                out.push(id);
            }
        }
        if out.len() < k {
            let mut rest: Vec<NodeId> = NodeId::all(n)
                .filter(|&id| !out.contains(&id) && eligible(id))
                .collect();
            while out.len() < k && !rest.is_empty() {
                let i = cx.rng().below(rest.len() as u64) as usize;
                out.push(rest.swap_remove(i));
            }
        }
        out
    }

    /// Whether the round timer has anything to do.
    fn needs_round(&self) -> bool {
        if !self.persistent.joined {
            return false;
        }
        if !self.volatile.welcomed {
            return true;
        }
        match (self.config.model, self.config.mode) {
            (_, Mode::Pull | Mode::PushPull) => true,
            (Model::AntiEntropy, Mode::Push) => !self.persistent.store.is_empty(),
            (Model::Rumor { .. }, Mode::Push) => {
                !self.volatile.rumors.is_empty() || self.config.backup_every > 0
            }
        }
    }

    /// Arm the round timer for the next round, if there is something to do: rounds lie on
    /// a shared grid of `period`, each node starting at a random offset up to `jitter`.
    pub(super) fn arm_round(&mut self, cx: &mut Cx) {
        if self.volatile.round_armed || !self.needs_round() {
            return;
        }
        let period = self.config.period();
        let now = cx.now();
        let next = (now / period).saturating_add(1).saturating_mul(period);
        let jitter = cx.rng().between(0, self.config.jitter());
        cx.set_timer(Timer::Round, next.saturating_add(jitter) - now);
        self.volatile.round_armed = true;
    }

    /// Arm every periodic timer of a member.
    pub(super) fn start_timers(&mut self, cx: &mut Cx) {
        self.arm_round(cx);
        if self.config.swim.is_some() {
            let interval = self.probe_interval();
            let phase = cx.rng().between(1, interval);
            cx.set_timer(Timer::Probe, phase);
        }
        if let Some(every) = self.config.health_interval {
            let every = every.max(super::config::MIN_PERIOD);
            let phase = cx.rng().between(1, every);
            cx.set_timer(Timer::Health, phase);
        }
    }

    fn on_round(&mut self, cx: &mut Cx) {
        self.volatile.round_armed = false;
        if !self.persistent.joined {
            return;
        }
        self.meter.rounds += 1;
        let round = self.config.round_at(cx.now());
        if !self.volatile.welcomed {
            self.try_join(cx);
        }
        match self.config.model {
            Model::AntiEntropy => self.anti_entropy_round(round, cx),
            Model::Rumor { .. } => self.rumor_round(round, cx),
        }
        let every = self.config.backup_every as u64;
        if self.rumor_model()
            && every > 0
            && round.is_multiple_of(every)
            && let Some(&peer) = self.sample_peers(1, cx, |_| true).first()
        {
            cx.explain(Rule::BackupAntiEntropy { peer });
            let digest = self.persistent.store.digest();
            self.send(
                peer,
                Msg::Digest {
                    digest,
                    full: true,
                    push_pull: true,
                    gossip: Vec::new(),
                },
                cx,
            );
        }
        self.arm_round(cx);
    }

    fn update(&mut self, key: u32, value: Value, cx: &mut Cx) {
        let entry = self
            .persistent
            .store
            .write(Key::Data(key), value, self.id, cx.now());
        cx.explain(Rule::LocalUpdate {
            key: entry.key,
            value,
            version: entry.version,
        });
        self.became_infective(entry.key, entry.version, None, cx);
    }
}

impl Protocol for GossipNode {
    type Config = GossipConfig;
    type Msg = Msg;
    type Timer = Timer;
    type Command = Command;
    type Rule = Rule;
    type Audit = Audit;

    fn config_problem(config: &GossipConfig, _cluster: usize) -> Option<ConfigProblem> {
        config.problem()
    }

    fn new(id: NodeId, cluster: usize, config: &GossipConfig) -> Self {
        let joined = config.member_at_start(id.index());
        let mut volatile = Volatile::fresh(config, cluster);
        volatile.welcomed = joined;
        GossipNode {
            id,
            cluster,
            config: *config,
            persistent: Persistent {
                store: Store::default(),
                joined,
                incarnation: 0,
                check_passing: true,
            },
            volatile,
            meter: Counters::default(),
        }
    }

    fn on_start(&mut self, cx: &mut Cx) {
        if self.persistent.joined {
            self.start_timers(cx);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx) {
        if from.index() >= self.cluster || from == self.id {
            return;
        }
        if !self.persistent.joined {
            cx.explain(Rule::NotMember { from });
            return;
        }
        self.meter.count_received(&msg);
        let gossip = msg.gossip().to_vec();
        self.hear_all(gossip, from, cx);
        match msg {
            Msg::Push { entries, ack, .. } => self.on_push(from, entries, ack, cx),
            Msg::PushAck { known, .. } => self.on_push_ack(from, known, cx),
            Msg::Digest {
                digest,
                full,
                push_pull,
                ..
            } => self.on_digest(from, digest, full, push_pull, cx),
            Msg::Answer {
                entries,
                want,
                full,
                ..
            } => self.on_answer(from, entries, want, full, cx),
            Msg::Join {
                digest, members, ..
            } => self.on_join(from, digest, members, cx),
            Msg::Welcome {
                entries,
                want,
                members,
                ..
            } => self.on_welcome(from, entries, want, members, cx),
            Msg::Ping { seq, origin, .. } => self.on_ping(from, seq, origin, cx),
            Msg::PingReq { target, seq, .. } => self.on_ping_req(from, target, seq, cx),
            Msg::Ack {
                seq,
                target,
                origin,
                ..
            } => self.on_ack(seq, target, origin, cx),
        }
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx) {
        match timer {
            Timer::Round => self.on_round(cx),
            Timer::Probe => self.on_probe_timer(cx),
            Timer::ProbeTimeout => self.on_probe_timeout(cx),
            Timer::Suspicion => self.on_suspicion_timer(cx),
            Timer::Health => self.on_health(cx),
        }
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        match cmd {
            Command::Update { key, value } => self.update(key, value, cx),
            Command::Join { via } => self.join(via, cx),
            Command::SetHealth { passing } => {
                self.persistent.check_passing = passing;
                cx.explain(Rule::CheckOutcome { passing });
            }
        }
    }

    /// The store, membership and incarnation survive; rumors, the view and probes do not.
    /// A new incarnation overrides any "suspect" or "dead" said about the old one (SWIM
    /// §4.2); a full sync with a random member catches up what was missed.
    fn on_restart(&mut self, cx: &mut Cx) {
        self.volatile = Volatile::fresh(&self.config, self.cluster);
        if self.config.breaks.volatile_store {
            self.persistent.store.wipe(cx.now());
        }
        self.persistent.incarnation = self.persistent.incarnation.saturating_add(1);
        cx.explain(Rule::Restart {
            incarnation: self.persistent.incarnation,
        });
        if !self.persistent.joined {
            return;
        }
        self.announce_alive(cx.now());
        self.try_join(cx);
        self.start_timers(cx);
    }

    /// The store and the hot rumors, the parts that grow with a run.
    fn heap_size(&self) -> usize {
        self.persistent.store.len() * std::mem::size_of::<super::store::Record>()
            + self.volatile.rumors.len() * std::mem::size_of::<super::rumor::Rumor>()
    }

    /// The checker's values and per-round curves, which grow a row a round for as long as the
    /// run lasts.
    fn audit_heap_size(audit: &Audit) -> usize {
        audit.heap_size()
    }

    fn check(audit: &mut Audit, nodes: &[NodeSlot<Self>]) -> Vec<Violation> {
        invariants::check(audit, nodes)
    }

    /// Only the node a step happened to can change, so checking it alone is exact and keeps a
    /// 10,000-node run linear; the same holds for the per-round curves the audit keeps.
    fn check_step(
        audit: &mut Audit,
        nodes: &[NodeSlot<Self>],
        touched: Option<NodeId>,
        now: Time,
    ) -> Vec<Violation> {
        invariants::check_touched(audit, nodes, touched, now)
    }
}

//! [`GossipNode`]: one node. Handlers cite the rule they implement and explain it.
//!
//! A round (every `period`, jittered): pick `fanout` peers and exchange with each in the
//! configured mode. In anti-entropy the exchange covers the whole store; in rumor
//! mongering only hot rumors travel, and each counted contact may make the node lose
//! interest. A node with nothing to do in a round (push mode, nothing to push) does not
//! arm its round timer, so idle nodes cost nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::{GossipConfig, Mode, Model};
use super::invariants::{self, Audit};
use super::membership::{Broadcasts, Probe, View};
use super::message::{MemberUpdate, Msg};
use super::metrics::Counters;
use super::rule::{LossReason, Rule};
use super::rumor::Rumors;
use super::store::{
    Digest, Entry, HEALTH_FAILING, HEALTH_PASSING, Key, Merge, Store, Value, Version,
};
use crate::sim::{Context, NodeId, NodeSlot, Protocol, Time, Violation};

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

type Cx<'a> = Context<'a, GossipNode>;

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

    fn rumor_model(&self) -> bool {
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
    fn arm_round(&mut self, cx: &mut Cx) {
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
    fn start_timers(&mut self, cx: &mut Cx) {
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

    /// Demers et al. §1.3: every site regularly picks another site at random and resolves
    /// the differences between their databases, by push, pull or push-pull of the store.
    fn anti_entropy_round(&mut self, round: u64, cx: &mut Cx) {
        let mode = self.config.mode;
        if mode == Mode::Push && self.persistent.store.is_empty() {
            return;
        }
        let k = self.config.fanout_for(self.cluster);
        let peers = self.sample_peers(k, cx, |_| true);
        if peers.is_empty() {
            return;
        }
        cx.explain(Rule::Round {
            round,
            peers: peers.clone(),
            mode,
        });
        match mode {
            Mode::Push => {
                let entries = self.persistent.store.entries();
                for peer in peers {
                    let msg = Msg::Push {
                        entries: entries.clone(),
                        ack: false,
                        gossip: Vec::new(),
                    };
                    self.send(peer, msg, cx);
                }
            }
            Mode::Pull | Mode::PushPull => {
                let digest = self.persistent.store.digest();
                for peer in peers {
                    self.send_digest(peer, digest.clone(), true, cx);
                }
            }
        }
    }

    fn send_digest(&mut self, peer: NodeId, digest: Digest, full: bool, cx: &mut Cx) {
        let msg = Msg::Digest {
            digest,
            full,
            push_pull: self.config.mode == Mode::PushPull,
            gossip: Vec::new(),
        };
        self.send(peer, msg, cx);
    }

    /// Demers et al. §1.4: only hot rumors travel. In push mode a node with no hot rumor
    /// sits the round out; pull and push-pull poll every round.
    fn rumor_round(&mut self, round: u64, cx: &mut Cx) {
        let mode = self.config.mode;
        let k = self.config.fanout_for(self.cluster);
        match mode {
            Mode::Push => {
                if self.volatile.rumors.is_empty() {
                    return;
                }
                let selection = self.config.selection;
                let rumors = &self.volatile.rumors;
                let peers = self.sample_peers(k, cx, |id| rumors.any_for(id, selection));
                if peers.is_empty() {
                    // Every peer has had every rumor (or sent it here): nobody is left.
                    for key in self.volatile.rumors.keys() {
                        self.lose_interest(key, LossReason::Exhausted, cx);
                    }
                    return;
                }
                cx.explain(Rule::Round {
                    round,
                    peers: peers.clone(),
                    mode,
                });
                let feedback = matches!(self.config.model, Model::Rumor { feedback: true, .. });
                for peer in peers {
                    let keys: Vec<Key> = self
                        .volatile
                        .rumors
                        .iter()
                        .filter(|r| r.may_send_to(peer, selection))
                        .map(|r| r.key)
                        .collect();
                    let entries = self.rumor_entries(&keys, peer);
                    let msg = Msg::Push {
                        entries,
                        ack: feedback,
                        gossip: Vec::new(),
                    };
                    self.send(peer, msg, cx);
                    if !feedback {
                        for key in keys {
                            self.contact(key, peer, true, cx);
                        }
                    }
                }
            }
            Mode::Pull | Mode::PushPull => {
                let peers = self.sample_peers(k, cx, |_| true);
                if peers.is_empty() {
                    return;
                }
                cx.explain(Rule::Round {
                    round,
                    peers: peers.clone(),
                    mode,
                });
                let digest = self.persistent.store.digest();
                for peer in peers {
                    self.send_digest(peer, digest.clone(), false, cx);
                }
            }
        }
    }

    /// The entries of these hot rumors, marked as sent to `peer`.
    fn rumor_entries(&mut self, keys: &[Key], peer: NodeId) -> Vec<Entry> {
        let mut entries = Vec::with_capacity(keys.len());
        for &key in keys {
            if let Some(r) = self.persistent.store.get(key) {
                entries.push(r.entry);
                self.volatile.rumors.sent(key, peer);
            }
        }
        entries
    }

    /// Count one contact for the rumor `key` with `peer` (Demers et al. §1.4). With
    /// feedback only unnecessary contacts count; blind, every contact does. Counter: lose
    /// interest at the k-th; coin: with probability 1/k each time.
    fn contact(&mut self, key: Key, peer: NodeId, necessary: bool, cx: &mut Cx) {
        let Model::Rumor { stop, k, feedback } = self.config.model else {
            return;
        };
        if feedback && necessary {
            return;
        }
        let Some(rumor) = self.volatile.rumors.get_mut(key) else {
            return;
        };
        rumor.count = rumor.count.saturating_add(1);
        let count = rumor.count;
        if feedback {
            cx.explain(Rule::Unnecessary { key, peer, count });
        }
        let k = k.max(1);
        let lose = match stop {
            super::config::Stop::Counter => count >= k,
            super::config::Stop::Coin => cx.rng().chance(1.0 / k as f64),
        };
        if lose {
            self.lose_interest(key, stop.into(), cx);
        }
    }

    fn lose_interest(&mut self, key: Key, reason: LossReason, cx: &mut Cx) {
        if let Some(r) = self.volatile.rumors.remove(key) {
            cx.explain(Rule::LoseInterest {
                key,
                version: r.version,
                reason,
                count: r.count,
            });
        }
    }

    /// Merge one received entry; true if it was news.
    fn receive(&mut self, entry: Entry, from: NodeId, cx: &mut Cx) -> bool {
        let now = cx.now();
        let merge = if self.config.breaks.accept_stale {
            self.persistent.store.overwrite(entry, now)
        } else {
            self.persistent.store.merge(entry, now)
        };
        let news = match merge {
            Merge::Newer { .. } => true,
            Merge::Older { .. } => self.config.breaks.accept_stale,
            Merge::Same => false,
        };
        if news {
            self.meter.news += 1;
            cx.explain(Rule::Learn {
                key: entry.key,
                version: entry.version,
                from,
            });
            self.became_infective(entry.key, entry.version, Some(from), cx);
        } else {
            self.meter.redundant += 1;
            let have = match merge {
                Merge::Older { have } => have,
                _ => entry.version,
            };
            cx.explain(Rule::AlreadyKnown {
                key: entry.key,
                version: entry.version,
                have,
                from,
            });
        }
        news
    }

    /// A new version arrived or was written here: in rumor mongering it is a hot rumor.
    fn became_infective(&mut self, key: Key, version: Version, from: Option<NodeId>, cx: &mut Cx) {
        if self.rumor_model() {
            self.volatile.rumors.infect(key, version, from);
            cx.explain(Rule::Infective { key, version });
        }
        self.arm_round(cx);
    }

    fn on_push(&mut self, from: NodeId, entries: Vec<Entry>, ack: bool, cx: &mut Cx) {
        let mut known = Vec::new();
        let round_start = self.config.round_at(cx.now()) * self.config.period();
        for entry in entries {
            if self.receive(entry, from, cx) {
                continue;
            }
            // With lockstep feedback, a rumor learned earlier in this same round counts as
            // news, as if judged against the state at the round's start.
            let fresh = self.config.lockstep_feedback
                && self.persistent.store.get(entry.key).is_some_and(|r| {
                    r.entry.version == entry.version && r.learned_at >= round_start
                });
            if !fresh {
                known.push((entry.key, entry.version));
            }
        }
        if ack {
            self.send(
                from,
                Msg::PushAck {
                    known,
                    gossip: Vec::new(),
                },
                cx,
            );
        }
    }

    /// Feedback on a rumor push: each rumor the peer already knew was an unnecessary contact.
    fn on_push_ack(&mut self, from: NodeId, known: Vec<(Key, Version)>, cx: &mut Cx) {
        for (key, version) in known {
            let current = self
                .volatile
                .rumors
                .get(key)
                .is_some_and(|r| r.version == version);
            if current {
                self.contact(key, from, false, cx);
            }
        }
    }

    /// Pull (and push-pull), answering side: send what this node has newer than the digest
    /// (everything in anti-entropy, hot rumors in rumor mongering); in push-pull also name
    /// the keys where the peer is newer.
    fn on_digest(
        &mut self,
        from: NodeId,
        digest: Digest,
        full: bool,
        push_pull: bool,
        cx: &mut Cx,
    ) {
        let entries = if full {
            self.persistent.store.newer_than(&digest, |_| true)
        } else {
            let rumors = &self.volatile.rumors;
            self.persistent
                .store
                .newer_than(&digest, |k| rumors.is_hot(k))
        };
        let want = push_pull.then(|| self.persistent.store.behind(&digest));
        cx.explain(Rule::AnswerDigest {
            to: from,
            entries: entries.len(),
            want: want.as_ref().map(Vec::len),
        });
        if !full {
            // The digest tells this node which of its hot rumors the peer already had.
            for key in self.volatile.rumors.keys() {
                let necessary = entries.iter().any(|e| e.key == key);
                if necessary {
                    self.volatile.rumors.sent(key, from);
                }
                self.contact(key, from, necessary, cx);
            }
        }
        let msg = Msg::Answer {
            entries,
            want,
            full,
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
    }

    /// Pull (and push-pull), initiating side: merge the answer; in push-pull send back
    /// what the peer asked for (the third message).
    fn on_answer(
        &mut self,
        from: NodeId,
        entries: Vec<Entry>,
        want: Option<Vec<Key>>,
        full: bool,
        cx: &mut Cx,
    ) {
        let hot_before = if !full && want.is_some() {
            self.volatile.rumors.keys()
        } else {
            Vec::new()
        };
        for entry in entries {
            self.receive(entry, from, cx);
        }
        let Some(want) = want else {
            return;
        };
        let back: Vec<Entry> = if full {
            want.iter()
                .filter_map(|&k| self.persistent.store.get(k).map(|r| r.entry))
                .collect()
        } else {
            let keys: Vec<Key> = want
                .iter()
                .copied()
                .filter(|&k| self.volatile.rumors.is_hot(k))
                .collect();
            self.rumor_entries(&keys, from)
        };
        cx.explain(Rule::SendBack {
            to: from,
            entries: back.len(),
        });
        let msg = Msg::Push {
            entries: back,
            ack: false,
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
        // The push half of a rumor push-pull: `want` says which hot rumors were news.
        for key in hot_before {
            let necessary = want.contains(&key);
            self.contact(key, from, necessary, cx);
        }
    }

    /// Join (or rejoin) through `via`, or a random member this node believes live.
    fn try_join(&mut self, cx: &mut Cx) {
        let via = match self.volatile.join_via.take() {
            Some(via) if via != self.id && via.index() < self.cluster => Some(via),
            _ => self.sample_peers(1, cx, |_| true).first().copied(),
        };
        match via {
            Some(via) => {
                cx.explain(Rule::Join { via });
                self.send_join(via, cx);
            }
            // Nobody to join: this node is the cluster.
            None => self.volatile.welcomed = true,
        }
    }

    /// A full two-way sync with `to`: the store (as a digest) and the membership list.
    pub(super) fn send_join(&mut self, to: NodeId, cx: &mut Cx) {
        let msg = Msg::Join {
            digest: self.persistent.store.digest(),
            members: self.volatile.view.export(),
            gossip: Vec::new(),
        };
        self.send(to, msg, cx);
    }

    fn hear_all(&mut self, members: Vec<MemberUpdate>, from: NodeId, cx: &mut Cx) {
        for update in members {
            self.hear(update, from, cx);
        }
    }

    fn on_join(&mut self, from: NodeId, digest: Digest, members: Vec<MemberUpdate>, cx: &mut Cx) {
        self.hear_all(members, from, cx);
        cx.explain(Rule::Welcome { joiner: from });
        let entries = self.persistent.store.newer_than(&digest, |_| true);
        let want = self.persistent.store.behind(&digest);
        let msg = Msg::Welcome {
            entries,
            want,
            members: self.volatile.view.export(),
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
    }

    fn on_welcome(
        &mut self,
        from: NodeId,
        entries: Vec<Entry>,
        want: Vec<Key>,
        members: Vec<MemberUpdate>,
        cx: &mut Cx,
    ) {
        self.hear_all(members, from, cx);
        for entry in entries {
            self.receive(entry, from, cx);
        }
        self.volatile.welcomed = true;
        let back: Vec<Entry> = want
            .iter()
            .filter_map(|&k| self.persistent.store.get(k).map(|r| r.entry))
            .collect();
        cx.explain(Rule::SendBack {
            to: from,
            entries: back.len(),
        });
        let msg = Msg::Push {
            entries: back,
            ack: false,
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
    }

    /// Consul's agent runs its check; a changed outcome is published as an update of the
    /// key `Health(self)`, which then spreads like any other update.
    fn on_health(&mut self, cx: &mut Cx) {
        let Some(every) = self.config.health_interval else {
            return;
        };
        if !self.persistent.joined {
            return;
        }
        let key = Key::Health(self.id);
        let published = self
            .persistent
            .store
            .value(key)
            .is_none_or(|v| v == HEALTH_PASSING);
        let passing = self.persistent.check_passing;
        if passing != published {
            let value = if passing {
                HEALTH_PASSING
            } else {
                HEALTH_FAILING
            };
            let entry = self.persistent.store.write(key, value, self.id, cx.now());
            cx.explain(Rule::HealthChanged {
                passing,
                version: entry.version,
            });
            self.became_infective(key, entry.version, None, cx);
        }
        cx.set_timer(Timer::Health, every.max(super::config::MIN_PERIOD));
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

    fn join(&mut self, via: NodeId, cx: &mut Cx) {
        if self.persistent.joined {
            return;
        }
        self.persistent.joined = true;
        self.announce_alive(cx.now());
        self.volatile.welcomed = false;
        self.volatile.join_via = Some(via);
        self.try_join(cx);
        self.start_timers(cx);
    }
}

impl Protocol for GossipNode {
    type Config = GossipConfig;
    type Msg = Msg;
    type Timer = Timer;
    type Command = Command;
    type Rule = Rule;
    type Audit = Audit;

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

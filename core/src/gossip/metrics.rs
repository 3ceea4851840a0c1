//! What the views and the Lab measure.
//!
//! Two sources, both exact and step-back-safe:
//!
//! - [`Counters`] live in each node (`GossipNode::meter`) and count what that node sent
//!   and received. They travel with the node when the engine is cloned, so stepping back
//!   restores them; they survive crashes (they are instruments, not protocol state).
//!   Each step updates only the counters of the node that acted: O(work done).
//! - [`census`] reads the cluster state at any moment: per key, how many live members
//!   hold the latest version (the infected curve), S/I/R counts, delays, residue; plus
//!   failure-detection figures. It costs O(n · keys), so call it once per frame or once
//!   per round (a [`Series`] does the latter), never per step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::membership::Status;
use super::message::{Msg, MsgKind};
use super::node::{GossipNode, Sir};
use super::store::{Key, Version};
use crate::sim::{NodeId, NodeSlot, Time};

/// Per-node message and event counters.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counters {
    /// Messages sent, by [`MsgKind`] index.
    pub sent: [u64; MsgKind::COUNT],
    /// Estimated bytes sent ([`Msg::bytes`]).
    pub bytes_sent: u64,
    /// `(key, value, version)` entries sent (Demers' traffic counts these).
    pub entries_sent: u64,
    /// Messages received (delivered to this node while it was a member).
    pub received: u64,
    /// Entries received that were news (newer than what this node held).
    pub news: u64,
    /// Entries received that were not (redundant receipts: duplicates).
    pub redundant: u64,
    /// Gossip rounds run.
    pub rounds: u64,
    /// SWIM probes started, probes that ended without any ack, indirect probes asked for,
    /// suspicions raised by this node's own probes, members confirmed dead by this node,
    /// refutations of its own suspicion.
    pub probes: u64,
    pub probes_failed: u64,
    pub indirect_probes: u64,
    pub suspicions: u64,
    pub confirms: u64,
    pub refutations: u64,
}

impl Counters {
    pub(super) fn count_sent(&mut self, msg: &Msg) {
        if let Some(sent) = self.sent.get_mut(msg.kind().index()) {
            *sent += 1;
        }
        self.bytes_sent += msg.bytes();
        self.entries_sent += msg.entries().len() as u64;
    }

    pub(super) fn count_received(&mut self, _msg: &Msg) {
        self.received += 1;
    }

    /// Messages sent, all kinds.
    pub fn messages(&self) -> u64 {
        self.sent.iter().sum()
    }

    /// Messages sent by the data exchange (not failure detection).
    pub fn data_messages(&self) -> u64 {
        (MsgKind::ALL.iter().zip(&self.sent))
            .filter(|(k, _)| k.is_data())
            .map(|(_, n)| n)
            .sum()
    }

    pub fn sent_of(&self, kind: MsgKind) -> u64 {
        self.sent.get(kind.index()).copied().unwrap_or(0)
    }

    pub fn add(&mut self, other: &Counters) {
        for (a, b) in self.sent.iter_mut().zip(other.sent.iter()) {
            *a += b;
        }
        self.bytes_sent += other.bytes_sent;
        self.entries_sent += other.entries_sent;
        self.received += other.received;
        self.news += other.news;
        self.redundant += other.redundant;
        self.rounds += other.rounds;
        self.probes += other.probes;
        self.probes_failed += other.probes_failed;
        self.indirect_probes += other.indirect_probes;
        self.suspicions += other.suspicions;
        self.confirms += other.confirms;
        self.refutations += other.refutations;
    }
}

/// The cluster's counters, summed over every node.
pub fn totals(nodes: &[NodeSlot<GossipNode>]) -> Counters {
    let mut total = Counters::default();
    for slot in nodes {
        total.add(&slot.state.meter);
    }
    total
}

/// A node that counts: up and a member.
pub fn is_live(slot: &NodeSlot<GossipNode>) -> bool {
    slot.up && slot.state.persistent.joined
}

/// One update's spread: the infected curve's point and the SIR counts (Demers et al. §1.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyCensus {
    pub key: Key,
    /// The newest version any node holds (up or down).
    pub latest: Version,
    /// When that version was written.
    pub born: Time,
    /// Live nodes (up and members).
    pub live: usize,
    /// Live nodes holding `latest`: infective + removed.
    pub holders: usize,
    pub susceptible: usize,
    pub infective: usize,
    pub removed: usize,
    /// Mean and largest `learned_at − born` over live holders (Demers' t_ave and t_last
    /// once every live node holds it), in virtual time.
    pub delay_mean: f64,
    pub delay_max: Time,
}

impl KeyCensus {
    /// Fraction of live nodes holding the latest version.
    pub fn fraction(&self) -> f64 {
        if self.live == 0 {
            0.0
        } else {
            self.holders as f64 / self.live as f64
        }
    }

    /// Every live node holds the latest version.
    pub fn converged(&self) -> bool {
        self.holders == self.live
    }

    /// The residue (fraction of live nodes the update never reached) once nobody spreads it
    /// any more; `None` while some node is still infective.
    pub fn residue(&self) -> Option<f64> {
        (self.infective == 0).then(|| self.susceptible as f64 / self.live.max(1) as f64)
    }
}

/// Failure detection at one moment: pairs (observer, member) over live observers.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FailureCensus {
    /// A live member is believed suspect: false suspicions in progress.
    pub suspect_live: usize,
    /// A live member is believed dead: false positives.
    pub dead_live: usize,
    /// A crashed (or not joined) node is believed suspect / dead: detections.
    pub suspect_down: usize,
    pub dead_down: usize,
    /// A crashed member is still believed alive: failures not detected yet.
    pub alive_down: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Census {
    /// Nodes up, and live (up and members).
    pub up: usize,
    pub live: usize,
    /// One entry per key any node holds, in key order.
    pub keys: Vec<KeyCensus>,
    pub totals: Counters,
    pub failures: FailureCensus,
}

impl Census {
    pub fn key(&self, key: Key) -> Option<&KeyCensus> {
        self.keys.iter().find(|k| k.key == key)
    }

    /// Every key is held at its latest version by every live node.
    pub fn converged(&self) -> bool {
        self.keys.iter().all(KeyCensus::converged)
    }
}

/// Everything at once. O(n · keys + membership changes).
pub fn census(nodes: &[NodeSlot<GossipNode>]) -> Census {
    let mut latest: BTreeMap<Key, (Version, Time)> = BTreeMap::new();
    for slot in nodes {
        for r in slot.state.store().records() {
            let e = r.entry;
            let best = latest.entry(e.key).or_insert((e.version, e.born));
            if e.version > best.0 {
                *best = (e.version, e.born);
            }
        }
    }
    let keys = latest
        .iter()
        .map(|(&key, &(version, born))| tally(nodes, key, version, born))
        .collect();
    Census {
        up: nodes.iter().filter(|s| s.up).count(),
        live: nodes.iter().filter(|s| is_live(s)).count(),
        keys,
        totals: totals(nodes),
        failures: failures(nodes),
    }
}

/// One key's spread. O(n).
pub fn key_census(nodes: &[NodeSlot<GossipNode>], key: Key) -> Option<KeyCensus> {
    let mut best: Option<(Version, Time)> = None;
    for slot in nodes {
        if let Some(r) = slot.state.store().get(key)
            && best.is_none_or(|(v, _)| r.entry.version > v)
        {
            best = Some((r.entry.version, r.entry.born));
        }
    }
    best.map(|(version, born)| tally(nodes, key, version, born))
}

fn tally(nodes: &[NodeSlot<GossipNode>], key: Key, latest: Version, born: Time) -> KeyCensus {
    let mut c = KeyCensus {
        key,
        latest,
        born,
        live: 0,
        holders: 0,
        susceptible: 0,
        infective: 0,
        removed: 0,
        delay_mean: 0.0,
        delay_max: 0,
    };
    let mut delay_sum = 0.0;
    for slot in nodes.iter().filter(|s| is_live(s)) {
        c.live += 1;
        let node = &slot.state;
        match node.sir(key, latest) {
            Sir::Susceptible => c.susceptible += 1,
            Sir::Infective => c.infective += 1,
            Sir::Removed => c.removed += 1,
        }
        if let Some(r) = node.store().get(key).filter(|r| r.entry.version == latest) {
            c.holders += 1;
            let delay = r.learned_at.saturating_sub(born);
            delay_sum += delay as f64;
            c.delay_max = c.delay_max.max(delay);
        }
    }
    if c.holders > 0 {
        c.delay_mean = delay_sum / c.holders as f64;
    }
    c
}

/// False positives and detections over every live observer's view.
pub fn failures(nodes: &[NodeSlot<GossipNode>]) -> FailureCensus {
    let mut f = FailureCensus::default();
    let live_at = |id: NodeId| nodes.get(id.index()).is_some_and(is_live);
    for slot in nodes.iter().filter(|s| is_live(s)) {
        let node = &slot.state;
        for (member, m) in node.view().changes() {
            if member == node.id {
                continue;
            }
            match (m.status, live_at(member)) {
                (Status::Suspect, true) => f.suspect_live += 1,
                (Status::Dead, true) => f.dead_live += 1,
                (Status::Suspect, false) => f.suspect_down += 1,
                (Status::Dead, false) => f.dead_down += 1,
                (Status::Alive, _) => {}
            }
        }
    }
    // Crashed members still believed alive (the views store only changes, so count those
    // from the other side: each crashed member against each live observer).
    for down in nodes.iter().filter(|s| !s.up && s.state.persistent.joined) {
        let id = down.state.id;
        f.alive_down += nodes
            .iter()
            .filter(|s| is_live(s))
            .filter(|s| s.state.view().status(id) == Some(Status::Alive))
            .count();
    }
    f
}

/// How far the detection of `member`'s failure has come, over the other live members.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Detection {
    /// Live members other than `member`.
    pub observers: usize,
    /// How many believe it suspect, and dead.
    pub suspect: usize,
    pub dead: usize,
    /// The earliest time some observer came to its present non-alive belief.
    pub first_noticed: Option<Time>,
    /// The earliest and latest times observers came to believe it dead.
    pub first_dead: Option<Time>,
    pub last_dead: Option<Time>,
}

impl Detection {
    /// Every live observer believes it dead.
    pub fn complete(&self) -> bool {
        self.observers > 0 && self.dead == self.observers
    }
}

pub fn detection(nodes: &[NodeSlot<GossipNode>], member: NodeId) -> Detection {
    let mut d = Detection::default();
    for slot in nodes.iter().filter(|s| is_live(s) && s.state.id != member) {
        d.observers += 1;
        let Some(m) = slot.state.view().get(member) else {
            continue;
        };
        if m.status != Status::Alive {
            d.first_noticed = Some(d.first_noticed.map_or(m.since, |t| t.min(m.since)));
        }
        match m.status {
            Status::Suspect => d.suspect += 1,
            Status::Dead => {
                d.dead += 1;
                d.first_dead = Some(d.first_dead.map_or(m.since, |t| t.min(m.since)));
                d.last_dead = Some(d.last_dead.map_or(m.since, |t| t.max(m.since)));
            }
            Status::Alive => {}
        }
    }
    d
}

/// Every live node holds exactly the same store contents (keys, versions, values).
pub fn stores_agree(nodes: &[NodeSlot<GossipNode>]) -> bool {
    let mut live = nodes.iter().filter(|s| is_live(s));
    let Some(first) = live.next() else {
        return true;
    };
    let reference = first.state.store().entries();
    live.all(|s| s.state.store().entries() == reference)
}

/// A census per sample: the curves over time (infected fraction, S/I/R, messages, bytes).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Series {
    pub samples: Vec<(Time, Census)>,
}

impl Series {
    /// Take a census now (call it once per round, e.g. after `run_until` each round end).
    pub fn record(&mut self, now: Time, nodes: &[NodeSlot<GossipNode>]) {
        self.samples.push((now, census(nodes)));
    }

    /// The first sample time at which every live node held the latest version of `key`.
    pub fn converged_at(&self, key: Key) -> Option<Time> {
        self.samples
            .iter()
            .find(|(_, c)| c.key(key).is_some_and(KeyCensus::converged))
            .map(|&(t, _)| t)
    }

    /// `(time, fraction holding the latest version of key)` for every sample.
    pub fn infected_curve(&self, key: Key) -> Vec<(Time, f64)> {
        self.samples
            .iter()
            .map(|(t, c)| (*t, c.key(key).map_or(0.0, KeyCensus::fraction)))
            .collect()
    }
}

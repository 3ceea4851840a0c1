//! Per-round curves kept step by step: the infected fraction of each key, S/I/R, messages,
//! bytes and redundant receipts at the end of every round.
//!
//! A full [`census`](super::metrics::census) costs O(n · keys); taking one per step would
//! make a 10,000-node run quadratic. [`Rounds`] instead remembers what each node contributed
//! to the totals (its *share*: live or not, the versions it holds and whether it spreads
//! them, its counters). After a step only the node the step happened to can have changed
//! (`Protocol::check_step` names it), so its old share is taken out and its new one put in:
//! O(keys of that node). When a step falls in a later round than the last, the rounds in
//! between are closed first with the totals as they stood, so row `r` is the cluster at the
//! end of round `r` (virtual time `(r + 1) · period`), exactly what a census taken then
//! would say.
//!
//! [`Rounds`] lives in the invariant checker's [`Audit`](super::Audit), which is part of the
//! `Sim`: a `History` snapshot restores it and replay rebuilds the same rows, so the curves
//! are right after stepping back, forward, or forking the run.

use std::collections::BTreeMap;

use serde::Serialize;
use smallvec::SmallVec;

use super::metrics::is_live;
use super::node::GossipNode;
use super::store::{Key, Value, Version};
use crate::sim::{NodeId, NodeSlot, Time};

/// At most this many rows are kept (a run this long has long converged; the cap only guards
/// against a step far in the future filling memory with identical rows).
pub const MAX_ROWS: usize = 100_000;

/// One key at the end of a round (as [`KeyCensus`](super::KeyCensus) counts it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    pub key: Key,
    /// The newest version any node holds (up or down, member or not).
    pub latest: Version,
    /// When that version was written.
    pub born: Time,
    /// Live nodes holding `latest` (infective + removed).
    pub holders: u32,
    pub susceptible: u32,
    pub infective: u32,
    pub removed: u32,
}

/// The cluster at the end of one round. Counters are cumulative since the start of the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoundRow {
    /// The round (`0` covers `[0, period)`).
    pub round: u64,
    /// Nodes up, and live (up and members).
    pub up: u32,
    pub live: u32,
    /// One row per key any node holds, in key order.
    pub keys: Vec<KeyRow>,
    /// Messages sent (every kind), their estimated bytes, and entries received that were
    /// not news (redundant receipts), all nodes together.
    pub messages: u64,
    pub bytes: u64,
    pub redundant: u64,
}

impl RoundRow {
    pub fn key(&self, key: Key) -> Option<&KeyRow> {
        self.keys.iter().find(|k| k.key == key)
    }

    /// Fraction of live nodes holding the latest version of `key` (0 before it exists).
    pub fn infected(&self, key: Key) -> f64 {
        match self.key(key) {
            Some(k) if self.live > 0 => k.holders as f64 / self.live as f64,
            _ => 0.0,
        }
    }

    /// Where a chart puts this row: the end of the round, in rounds (`round + 1`).
    pub fn x(&self) -> f64 {
        (self.round + 1) as f64
    }
}

/// How many nodes hold one version of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
struct Holders {
    /// Every node, up or down, member or not (decides which version is the latest).
    all: u32,
    /// Live nodes, and live nodes spreading it (infective).
    live: u32,
    hot: u32,
    born: Time,
}

/// What one node adds to the totals.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
struct Share {
    up: bool,
    live: bool,
    /// Every record the node holds (the first inline, as in the node's store).
    held: SmallVec<[Held; 1]>,
    messages: u64,
    bytes: u64,
    redundant: u64,
}

/// One record as a share counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
struct Held {
    key: Key,
    version: Version,
    value: Value,
    born: Time,
    /// The node spreads it (infective).
    hot: bool,
}

impl Share {
    /// Whether `node` holds exactly the records (and spreads exactly the keys) this share says.
    fn holds_what(&self, node: &GossipNode) -> bool {
        let records = node.store().records();
        records.len() == self.held.len()
            && records.iter().zip(&self.held).all(|(r, h)| {
                r.entry.key == h.key
                    && r.entry.version == h.version
                    && r.entry.value == h.value
                    && node.is_hot(h.key) == h.hot
            })
    }

    fn of(slot: &NodeSlot<GossipNode>) -> Share {
        let node = &slot.state;
        let meter = &node.meter;
        Share {
            up: slot.up,
            live: is_live(slot),
            held: node
                .store()
                .records()
                .iter()
                .map(|r| {
                    let e = r.entry;
                    Held {
                        key: e.key,
                        version: e.version,
                        value: e.value,
                        born: e.born,
                        hot: node.is_hot(e.key),
                    }
                })
                .collect(),
            messages: meter.messages(),
            bytes: meter.bytes_sent,
            redundant: meter.redundant,
        }
    }
}

/// The per-round series and the running totals it is built from. Read it through
/// [`Audit::rounds`](super::Audit::rounds) and [`Audit::round_now`](super::Audit::round_now).
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Rounds {
    period: Time,
    /// Closed rounds: `rows[r]` is round `r`.
    rows: Vec<RoundRow>,
    /// The round the running totals belong to (every earlier round is closed).
    round: u64,
    /// One share per node; empty until the first step.
    shares: Vec<Share>,
    up: u32,
    live: u32,
    messages: u64,
    bytes: u64,
    redundant: u64,
    #[serde(serialize_with = "as_pairs")]
    keys: BTreeMap<Key, BTreeMap<Version, Holders>>,
    /// Steps seen (the engine's step number of the last one).
    steps: u64,
    /// Whether the spread of the data keys is complete after the last step.
    complete: bool,
    /// Every step after which it became complete, with its time.
    completions: Vec<(u64, Time)>,
}

fn as_pairs<S: serde::Serializer>(
    map: &BTreeMap<Key, BTreeMap<Version, Holders>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(map.iter().map(|(k, v)| (k, v.iter().collect::<Vec<_>>())))
}

impl Rounds {
    /// Account for a step at `now` that happened to `touched`, and note whether it completed
    /// the spread of the data keys. O(keys of that node + keys), plus one row per round closed.
    /// Returns whether the touched node's records (or whether it is up or live) changed.
    pub(super) fn observe(
        &mut self,
        nodes: &[NodeSlot<GossipNode>],
        touched: Option<NodeId>,
        now: Time,
    ) -> bool {
        if self.shares.len() != nodes.len() {
            self.start(nodes);
        }
        let changed = self.account(nodes, touched, now);
        self.steps += 1;
        // Holders and live nodes move only when a node's share does.
        if changed {
            let complete = self.all_hold_latest(|key| matches!(key, Key::Data(_)));
            if complete && !self.complete {
                self.completions.push((self.steps, now));
            }
            self.complete = complete;
        }
        changed
    }

    /// Whether the spread of the data keys is complete after the last step.
    pub fn complete(&self) -> bool {
        self.complete
    }

    /// Every step (the engine's numbering, as `StepReport::step`) after which every live node
    /// held the newest version of every data key, where the step before it did not, with its
    /// time: where the spread of an update completed (again, after a new write or a node that
    /// joined or came back behind).
    pub fn completions(&self) -> &[(u64, Time)] {
        &self.completions
    }

    /// Bring the totals and the rows up to a step at `now` that happened to `touched`; returns
    /// whether that node's share changed beyond its counters.
    fn account(
        &mut self,
        nodes: &[NodeSlot<GossipNode>],
        touched: Option<NodeId>,
        now: Time,
    ) -> bool {
        let round = now / self.period;
        while self.round < round && self.rows.len() < MAX_ROWS {
            let row = self.row();
            self.rows.push(row);
            self.round += 1;
        }
        // Past the kept rows, skip to the round at once: with a 1 µs period a jump in time
        // would otherwise count through billions of rounds one by one.
        self.round = self.round.max(round);
        let Some(slot) = touched.and_then(|id| nodes.get(id.index())) else {
            return false;
        };
        // `observe` keeps one share per node. The shares are taken out while one is replaced,
        // for the totals to change beside it.
        let mut shares = std::mem::take(&mut self.shares);
        let changed = shares
            .get_mut(slot.state.id.index())
            .is_some_and(|share| self.replace(share, slot));
        self.shares = shares;
        changed
    }

    /// Move a node's share, and the totals, to what `slot` holds now; returns whether more
    /// than its counters changed.
    fn replace(&mut self, share: &mut Share, slot: &NodeSlot<GossipNode>) -> bool {
        if share.up == slot.up && share.live == is_live(slot) && share.holds_what(&slot.state) {
            // Most steps only send and receive: move the counters, leave the keys alone.
            let meter = &slot.state.meter;
            self.messages = self.messages - share.messages + meter.messages();
            self.bytes = self.bytes - share.bytes + meter.bytes_sent;
            self.redundant = self.redundant - share.redundant + meter.redundant;
            share.messages = meter.messages();
            share.bytes = meter.bytes_sent;
            share.redundant = meter.redundant;
            return false;
        }
        let new = Share::of(slot);
        self.add(share, false);
        self.add(&new, true);
        *share = new;
        true
    }

    /// The state before the first step: every node as `GossipNode::new` and `on_start` leave
    /// it (up, a member or not, nothing held, nothing sent).
    fn start(&mut self, nodes: &[NodeSlot<GossipNode>]) {
        *self = Rounds {
            period: nodes.first().map_or(1, |s| s.state.config.period()),
            ..Rounds::default()
        };
        self.shares = nodes
            .iter()
            .map(|slot| Share {
                up: true,
                live: slot.state.config.member_at_start(slot.state.id.index()),
                ..Share::default()
            })
            .collect();
        self.up = nodes.len() as u32;
        self.live = self.shares.iter().filter(|s| s.live).count() as u32;
    }

    /// Add (`plus`) or take out a node's share.
    fn add(&mut self, share: &Share, plus: bool) {
        let sign = |total: &mut u32, yes: bool| {
            if yes {
                *total = if plus { *total + 1 } else { *total - 1 };
            }
        };
        let sum = |total: &mut u64, x: u64| *total = if plus { *total + x } else { *total - x };
        sign(&mut self.up, share.up);
        sign(&mut self.live, share.live);
        sum(&mut self.messages, share.messages);
        sum(&mut self.bytes, share.bytes);
        sum(&mut self.redundant, share.redundant);
        for held in &share.held {
            let versions = self.keys.entry(held.key).or_default();
            let h = versions.entry(held.version).or_default();
            h.born = held.born;
            sign(&mut h.all, true);
            sign(&mut h.live, share.live);
            sign(&mut h.hot, share.live && held.hot);
            if h.all == 0 {
                versions.remove(&held.version);
                if versions.is_empty() {
                    self.keys.remove(&held.key);
                }
            }
        }
    }

    /// The running totals as a row of the current round.
    fn row(&self) -> RoundRow {
        let keys = self
            .keys
            .iter()
            .filter_map(|(&key, versions)| {
                let (&latest, h) = versions.last_key_value()?;
                Some(KeyRow {
                    key,
                    latest,
                    born: h.born,
                    holders: h.live,
                    susceptible: self.live - h.live,
                    infective: h.hot,
                    removed: h.live - h.hot,
                })
            })
            .collect();
        RoundRow {
            round: self.round,
            up: self.up,
            live: self.live,
            keys,
            messages: self.messages,
            bytes: self.bytes,
            redundant: self.redundant,
        }
    }

    /// Closed rounds: `rows()[r]` is the end of round `r`, for every round before the one of
    /// the last step.
    pub fn rows(&self) -> &[RoundRow] {
        &self.rows
    }

    /// The bytes it holds on the heap, about: a row a round for as long as the run lasts, so
    /// this grows with it (every snapshot of the run copies it).
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let rows: usize = self
            .rows
            .iter()
            .map(|row| size_of::<RoundRow>() + row.keys.capacity() * size_of::<KeyRow>())
            .sum();
        let held: usize = self.shares.iter().map(|s| s.held.len()).sum();
        let versions: usize = self.keys.values().map(BTreeMap::len).sum();
        rows + self.shares.len() * size_of::<Share>()
            + held * size_of::<Held>()
            + versions * (size_of::<(Version, Holders)>() + 16)
            + self.completions.len() * size_of::<(u64, Time)>()
    }

    /// Whether every live node holds the newest version of every key `counted` admits, and there
    /// is such a key: what the current row says, without building it. O(keys), no allocation,
    /// so a fast-forward can ask after every step.
    pub fn all_hold_latest(&self, counted: impl Fn(Key) -> bool) -> bool {
        let mut any = false;
        self.keys
            .iter()
            .filter(|&(&key, _)| counted(key))
            .all(|(_, versions)| {
                any = true;
                versions
                    .last_key_value()
                    .is_some_and(|(_, h)| h.live == self.live)
            })
            && any
    }

    /// The round in progress (of the last step), as it stands now; `None` before any step.
    pub fn now(&self) -> Option<RoundRow> {
        (!self.shares.is_empty()).then(|| self.row())
    }
}

/// Chart points from rows: `(row.x(), value(row))`, one per row.
pub fn points<'a>(
    rows: impl IntoIterator<Item = &'a RoundRow>,
    value: impl Fn(&RoundRow) -> f64,
) -> Vec<(f64, f64)> {
    rows.into_iter().map(|r| (r.x(), value(r))).collect()
}

/// Chart points of a cumulative counter as per-round amounts: `(row.x(), count(row) −
/// count(previous row))`, the first row against zero.
pub fn per_round<'a>(
    rows: impl IntoIterator<Item = &'a RoundRow>,
    count: impl Fn(&RoundRow) -> u64,
) -> Vec<(f64, f64)> {
    let mut before = 0;
    rows.into_iter()
        .map(|r| {
            let c = count(r);
            let delta = c.saturating_sub(before);
            before = c;
            (r.x(), delta as f64)
        })
        .collect()
}

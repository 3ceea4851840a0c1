//! Gossip's safety properties, checked after every step.
//!
//! - [`VERSIONS_MONOTONE`]: a node's version of a key never goes backwards (the newer
//!   version wins, Demers et al. §1.1). The store notes the first write that replaced a
//!   version by an older one (or lost it); the checker reports it.
//! - [`SAME_VERSION_SAME_VALUE`]: two nodes holding the same `(key, version)` hold the
//!   same value (a version names one write).
//!
//! Cost. The engine calls `Protocol::check_step` after every step with the node the step
//! happened to; only that node can have changed, so [`check_touched`] checks it alone (its
//! values only when its records changed, which the per-round curves notice anyway): exact, at
//! the step that causes a violation, in O(its keys). The same hook keeps the per-round
//! curves ([`Audit::rounds`], see [`super::series`]). [`check`], the whole-cluster check for callers
//! that do not know the node, checks clusters of up to [`FULL_CHECK_MAX`] nodes in full and
//! larger ones one node every [`CHECK_EVERY`] calls, in rotation; both properties leave a
//! lasting mark (the store's regression note; the conflicting record), so the rotation still
//! finds every violation, at most `CHECK_EVERY · n` calls late.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};

use super::node::GossipNode;
use super::series::{RoundRow, Rounds};
use super::store::{Key, Value, Version};
use crate::sim::{NodeId, NodeSlot, Time, Violation};

pub const VERSIONS_MONOTONE: &str = "versions-monotone";
pub const SAME_VERSION_SAME_VALUE: &str = "same-version-same-value";

/// Clusters up to this size are checked in full after every step.
pub const FULL_CHECK_MAX: usize = 128;
/// Larger clusters: one node is checked every `CHECK_EVERY` steps, in rotation.
pub const CHECK_EVERY: u64 = 4;

/// What the checker remembers across steps.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Audit {
    /// Next node to check in rotation, and steps seen.
    cursor: usize,
    steps: u64,
    /// The value first seen for each `(key, version)`.
    #[serde(serialize_with = "as_pairs")]
    values: BTreeMap<(Key, Version), Value>,
    /// Violations already reported (each is reported once).
    regressions: BTreeSet<NodeId>,
    conflicts: BTreeSet<(Key, Version)>,
    /// The per-round curves, kept up to date by the same per-step hook.
    series: Rounds,
}

impl Audit {
    /// The bytes it holds on the heap, about (see
    /// [`audit_heap_size`](crate::sim::Protocol::audit_heap_size)): the values
    /// first seen and the per-round curves, which grow with the run.
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        self.values.len() * (size_of::<((Key, Version), Value)>() + 16)
            + (self.regressions.len() + self.conflicts.len()) * 32
            + self.series.heap_size()
    }

    /// The end of every round before the one in progress: `rounds()[r]` is the cluster at
    /// virtual time `(r + 1) · period` (infected fraction and S/I/R per key, live nodes,
    /// messages, bytes, redundant receipts). Chart it with [`points`](super::series::points) and
    /// [`per_round`](super::series::per_round).
    pub fn rounds(&self) -> &[RoundRow] {
        self.series.rows()
    }

    /// Whether every live node holds the newest version of every key `counted` admits, and there
    /// is such a key (the spread is complete), as of the last step. O(keys), no allocation.
    pub fn all_hold_latest(&self, counted: impl Fn(Key) -> bool) -> bool {
        self.series.all_hold_latest(counted)
    }

    /// Whether every live node holds the newest version of every data key, and there is one, as
    /// of the last step: `all_hold_latest` for the data keys, noted by the per-step hook, so
    /// asking costs nothing ("until converged" asks after every step).
    pub fn spread_complete(&self) -> bool {
        self.series.complete()
    }

    /// Every step (the engine's numbering) after which the spread of the data keys became
    /// complete, where the step before it left it incomplete, with its time.
    pub fn completions(&self) -> &[(u64, Time)] {
        self.series.completions()
    }

    /// The round in progress, as it stands after the last step (`None` before any step).
    pub fn round_now(&self) -> Option<RoundRow> {
        self.series.now()
    }
}

fn as_pairs<S: Serializer>(map: &BTreeMap<(Key, Version), Value>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(map.iter())
}

pub fn check(audit: &mut Audit, nodes: &[NodeSlot<GossipNode>]) -> Vec<Violation> {
    let mut found = Vec::new();
    let n = nodes.len();
    if n <= FULL_CHECK_MAX {
        for slot in nodes {
            check_node(audit, slot, &mut found);
        }
    } else {
        audit.steps += 1;
        if audit.steps.is_multiple_of(CHECK_EVERY) {
            let i = audit.cursor % n;
            audit.cursor = (i + 1) % n;
            if let Some(slot) = nodes.get(i) {
                check_node(audit, slot, &mut found);
            }
        }
    }
    found
}

/// The exact check after a step that happened to `touched` (the engine knows it: see
/// `StepReport::node`) at virtual time `now`: checks that node, and brings the per-round
/// curves up to `now`.
pub fn check_touched(
    audit: &mut Audit,
    nodes: &[NodeSlot<GossipNode>],
    touched: Option<NodeId>,
    now: Time,
) -> Vec<Violation> {
    let records_changed = audit.series.observe(nodes, touched, now);
    let mut found = Vec::new();
    if let Some(slot) = touched.and_then(|id| nodes.get(id.index())) {
        check_regression(audit, slot, &mut found);
        // Records the node held at its last check were checked then; only a change can
        // bring a conflicting value.
        if records_changed {
            check_values(audit, slot, &mut found);
        }
    }
    found
}

fn check_node(audit: &mut Audit, slot: &NodeSlot<GossipNode>, found: &mut Vec<Violation>) {
    check_regression(audit, slot, found);
    check_values(audit, slot, found);
}

/// [`VERSIONS_MONOTONE`]: the store notes the first write that went back.
fn check_regression(audit: &mut Audit, slot: &NodeSlot<GossipNode>, found: &mut Vec<Violation>) {
    let node = &slot.state;
    if let Some(r) = node.store().regression()
        && audit.regressions.insert(node.id)
    {
        let to = match r.to {
            Some(v) => format!("{}@{}", v.counter, v.node),
            None => "nothing".to_owned(),
        };
        found.push(Violation::new(
            VERSIONS_MONOTONE,
            vec![node.id],
            format!(
                "{}'s version of {:?} went back from {}@{} to {to} at {} µs",
                node.id, r.key, r.from.counter, r.from.node, r.at
            ),
        ));
    }
}

/// [`SAME_VERSION_SAME_VALUE`]: every record the node holds against the value first seen for
/// its `(key, version)`.
fn check_values(audit: &mut Audit, slot: &NodeSlot<GossipNode>, found: &mut Vec<Violation>) {
    let node = &slot.state;
    for record in node.store().records() {
        let e = record.entry;
        let first = *audit.values.entry((e.key, e.version)).or_insert(e.value);
        if first != e.value && audit.conflicts.insert((e.key, e.version)) {
            found.push(Violation::new(
                SAME_VERSION_SAME_VALUE,
                vec![e.version.node, node.id],
                format!(
                    "{} holds {:?} = {} at version {}@{}, which was written as {}",
                    node.id, e.key, e.value, e.version.counter, e.version.node, first
                ),
            ));
        }
    }
}

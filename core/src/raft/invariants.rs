//! Raft's safety properties (Figure 3), checked after every step.
//!
//! The checker sees only the servers' states. What it needs to remember between
//! steps lives in the [`Audit`]; every check looks only at what changed since the
//! last step, so a long run costs about as much per step as a short one:
//!
//! - each server's log as last seen, to find the first index that changed;
//! - every `(index, term)` ever seen in a log, with its command and the term of the
//!   entry before it (Log Matching, checked inductively on changed entries only);
//! - the entries known committed, with the term in which they were first seen so;
//! - the entry applied at each index, and how far each server's applied entries
//!   were checked.
//!
//! Each finding is reported once, when it appears, not again at every later step.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry as MapEntry;

use serde::Serialize;

use super::linearizability::{self, Histories};
use super::log::Log;
use super::membership;
use super::message::{Entry, EntryKind};
use super::node::RaftNode;
use super::snapshot_invariants::{self, SnapshotAudit};
use super::state::{Role, Term};
use crate::sim::{NodeId, NodeSlot, Violation};

/// "At most one leader can be elected in a given term" (§5.2).
pub const ELECTION_SAFETY: &str = "election-safety";
/// "A leader never overwrites or deletes entries in its log; it only appends new entries" (§5.3).
pub const LEADER_APPEND_ONLY: &str = "leader-append-only";
/// "If two logs contain an entry with the same index and term, then the logs are identical in
/// all entries up through the given index" (§5.3).
pub const LOG_MATCHING: &str = "log-matching";
/// "If a log entry is committed in a given term, then that entry will be present in the logs
/// of the leaders for all higher-numbered terms" (§5.4).
pub const LEADER_COMPLETENESS: &str = "leader-completeness";
/// "If a server has applied a log entry at a given index to its state machine, no other server
/// will ever apply a different log entry for the same index" (§5.4.3).
pub const STATE_MACHINE_SAFETY: &str = "state-machine-safety";

/// At most one configuration change uncommitted in a leader's log (thesis §4.1).
pub use membership::ONE_CHANGE_AT_A_TIME;

/// Every invariant the checker knows, in Figure 3's order, then the thesis's.
/// A snapshot covers "just the committed entries" (§7): never an entry no server has
/// committed, never another entry than the one committed at its index.
pub const SNAPSHOT_COMMITTED: &str = "snapshot-committed";

/// Every invariant the checker knows, in Figure 3's order, then log compaction's.
pub const ALL: [&str; 7] = [
    ELECTION_SAFETY,
    LEADER_APPEND_ONLY,
    LOG_MATCHING,
    LEADER_COMPLETENESS,
    STATE_MACHINE_SAFETY,
    ONE_CHANGE_AT_A_TIME,
    SNAPSHOT_COMMITTED,
];

impl Audit {
    /// About how many bytes it owns: its copies of the logs, the entries seen, committed and
    /// applied, and the clients' histories. `History` spaces its snapshots by it.
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let seen: usize = self.entries.values().map(BTreeMap::len).sum();
        self.servers
            .values()
            .map(|s| s.log.heap_size())
            .sum::<usize>()
            + seen * (size_of::<(Term, SeenEntry)>() + 16)
            + self.committed.len() * size_of::<CommittedEntry>()
            + self.applied.len() * (size_of::<(Entry, NodeId)>() + 16)
            + self.histories.heap_size()
    }
}

/// What the checker remembers across steps.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Audit {
    /// The first leader seen in each term.
    pub leaders: BTreeMap<Term, NodeId>,
    /// What is remembered of each server, by id (one entry from its first step on).
    pub servers: BTreeMap<NodeId, ServerSeen>,
    /// Every `(index, term)` seen in any log, by index, then term.
    pub entries: BTreeMap<u64, BTreeMap<Term, SeenEntry>>,
    /// The entries known committed: `committed[i]` is index `i + 1`.
    pub committed: Vec<CommittedEntry>,
    /// The entry applied at each index, first seen, and by whom: `applied[i]` is index `i + 1`.
    pub applied: Vec<(Entry, NodeId)>,
    /// Leaders (with their term) found holding two uncommitted configuration changes.
    pub pending_reported: Vec<(NodeId, Term)>,
    /// What the snapshot checks remember.
    pub snapshots: SnapshotAudit,
    /// The clients' histories, for the linearizability check.
    pub histories: Histories,
}

/// What the checker remembers of one server.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct ServerSeen {
    /// Its log as last seen.
    pub log: Log,
    /// The term it was leading in at the last step, if it was leading.
    pub leading: Option<Term>,
    /// While it leads: how many of `committed` were found in its log.
    pub completeness_checked: usize,
    /// Up to which index its applied entries were compared with `applied`.
    pub applied_checked: u64,
}

/// An entry as first seen at its `(index, term)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeenEntry {
    pub kind: EntryKind,
    /// Term of the entry before it (0 at index 1).
    pub prev_term: Term,
    /// The server whose log it was first seen in.
    pub node: NodeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CommittedEntry {
    /// The entry's term.
    pub term: Term,
    /// The term of the server first seen with it committed.
    pub commit_term: Term,
    pub node: NodeId,
}

pub fn check(audit: &mut Audit, nodes: &[NodeSlot<RaftNode>]) -> Vec<Violation> {
    check_nodes(audit, nodes.iter().map(|slot| &slot.state))
}

/// The same checks over bare server states (crashed servers included: their disks and
/// their last volatile state are what they are).
pub fn check_nodes<'a>(
    audit: &mut Audit,
    nodes: impl IntoIterator<Item = &'a RaftNode>,
) -> Vec<Violation> {
    let mut found = Vec::new();
    let nodes: Vec<&RaftNode> = nodes.into_iter().collect();
    for node in &nodes {
        election_safety(audit, node, &mut found);
        logs_changed(audit, node, &mut found);
    }
    for node in &nodes {
        record_commits(audit, node);
    }
    for node in &nodes {
        leader_completeness(audit, node, &mut found);
        state_machine_safety(audit, node, &mut found);
        one_change_at_a_time(audit, node, &mut found);
    }
    for node in &nodes {
        snapshot_invariants::check(audit, node, &mut found);
    }
    linearizability::check(&mut audit.histories, &audit.applied, &nodes, &mut found);
    found
}

fn election_safety(audit: &mut Audit, node: &RaftNode, found: &mut Vec<Violation>) {
    if node.role() != Role::Leader {
        return;
    }
    let first = *audit.leaders.entry(node.term()).or_insert(node.id);
    if first != node.id {
        found.push(Violation::new(
            ELECTION_SAFETY,
            vec![first, node.id],
            format!(
                "{first} and {} were both leaders in term {}",
                node.id,
                node.term()
            ),
        ));
    }
}

/// Leader Append-Only and Log Matching, over what changed in one server's log on disk since the
/// last step. On disk, not in memory: when writes take time, an entry a crash erases before its
/// write completes was never sent nor counted (Figure 2: persistent state is "updated on stable
/// storage before responding to RPCs"), so no other server, no client and no later term can
/// depend on it, and the same index and term may be taken again (a lone server leads term 1,
/// appends, crashes before writing either, and wins term 1 again). Without a delay the two logs
/// are the same.
fn logs_changed(audit: &mut Audit, node: &RaftNode, found: &mut Vec<Violation>) {
    let log = &node.durable().log;
    let server = audit.servers.entry(node.id).or_default();
    let old = &server.log;
    // First index where the logs differ, among the entries both still store: an entry
    // compacted away is not rewritten (a snapshot covers only committed entries, checked apart).
    let from = log.first_index().max(old.first_index());
    let common = old.last_index().min(log.last_index());
    let d = (from..=common)
        .find(|&k| old.entry(k) != log.entry(k))
        .unwrap_or(common.max(from - 1) + 1);
    let rewritten = d <= old.last_index();
    let leading = (node.role() == Role::Leader).then(|| node.term());
    if let Some(term) = leading
        && rewritten
        && server.leading == Some(term)
    {
        found.push(Violation::new(
            LEADER_APPEND_ONLY,
            vec![node.id],
            format!(
                "{}, leader of term {term}, changed its log from index {d}: it had {} entries, now {}",
                node.id,
                old.last_index(),
                log.last_index()
            ),
        ));
    }
    server.leading = leading;
    // Log Matching, inductively: an (index, term) always carries the same command and follows
    // an entry of the same term. Every entry from the first change on is checked, since an
    // unchanged entry may now follow a different one.
    for index in d..=log.last_index() {
        let Some(entry) = log.entry(index) else {
            break;
        };
        let prev_term = log.term_at(index - 1).unwrap_or(0);
        match audit.entries.entry(index).or_default().entry(entry.term) {
            MapEntry::Vacant(v) => {
                v.insert(SeenEntry {
                    kind: entry.kind.clone(),
                    prev_term,
                    node: node.id,
                });
            }
            MapEntry::Occupied(o) => {
                let seen = o.get();
                if seen.kind != entry.kind || seen.prev_term != prev_term {
                    let where_ = if seen.node == node.id {
                        "when first seen".to_owned()
                    } else {
                        format!("in {}'s log", seen.node)
                    };
                    let what = if seen.kind != entry.kind {
                        format!(
                            "{}'s entry at index {index} (term {}) is `{}`; {where_} it was `{}`",
                            node.id, entry.term, entry.kind, seen.kind
                        )
                    } else {
                        format!(
                            "{}'s entry at index {index} (term {}) follows an entry of term {prev_term}; {where_} it followed one of term {}, so the logs differ before it",
                            node.id, entry.term, seen.prev_term
                        )
                    };
                    let mut nodes = vec![seen.node, node.id];
                    nodes.dedup();
                    found.push(Violation::new(LOG_MATCHING, nodes, what));
                    break;
                }
            }
        }
    }
    let old = &server.log;
    if rewritten || log.last_index() != old.last_index() || log.first_index() != old.first_index() {
        server.log = log.clone();
    }
}

/// Remember the entries a server holds as committed, with the term they were first seen so.
fn record_commits(audit: &mut Audit, node: &RaftNode) {
    let known = audit.committed.len() as u64;
    for index in known + 1..=node.volatile.commit_index {
        let Some(entry) = node.persistent.entry(index) else {
            break;
        };
        audit.committed.push(CommittedEntry {
            term: entry.term,
            commit_term: node.term(),
            node: node.id,
        });
    }
}

fn leader_completeness(audit: &mut Audit, node: &RaftNode, found: &mut Vec<Violation>) {
    let server = audit.servers.entry(node.id).or_default();
    if node.role() != Role::Leader {
        server.completeness_checked = 0;
        return;
    }
    let term = node.term();
    // The leader's log is append-only while it leads (checked above), so committed entries
    // found in it once stay found.
    let from = server.completeness_checked;
    // Entries before the leader's snapshot are in it; its last one is checked against the
    // committed entry at its index (snapshot-committed).
    let start = node.persistent.log.start_index();
    for (k, c) in audit.committed.iter().enumerate().skip(from) {
        let index = k as u64 + 1;
        if c.commit_term < term && index >= start && node.persistent.term_at(index) != Some(c.term)
        {
            let has = match node.persistent.term_at(index) {
                Some(t) => format!("an entry of term {t} there"),
                None => "no entry there".into(),
            };
            found.push(Violation::new(
                LEADER_COMPLETENESS,
                vec![c.node, node.id],
                format!(
                    "the entry at index {index} (term {}) was committed in term {} ({} knew it), but {}, leader of term {term}, has {has}",
                    c.term, c.commit_term, c.node, node.id
                ),
            ));
            break;
        }
    }
    server.completeness_checked = audit.committed.len();
}

/// Thesis §4.1, see [`membership::check_one_change`]; reported once per leader and term.
fn one_change_at_a_time(audit: &mut Audit, node: &RaftNode, found: &mut Vec<Violation>) {
    let term = node.term();
    if audit.pending_reported.contains(&(node.id, term)) {
        return;
    }
    if let Some(v) = membership::check_one_change(node, audit.committed.len() as u64) {
        audit.pending_reported.push((node.id, term));
        found.push(v);
    }
}

fn state_machine_safety(audit: &mut Audit, node: &RaftNode, found: &mut Vec<Violation>) {
    let server = audit.servers.entry(node.id).or_default();
    let applied = node.volatile.last_applied;
    // After a restart a server applies its entries again from its snapshot on: check them
    // again. What the snapshot holds is checked apart (snapshot_invariants).
    let from = server
        .applied_checked
        .min(applied)
        .max(node.persistent.log.start_index());
    for index in from + 1..=applied {
        let Some(entry) = node.persistent.entry(index) else {
            break;
        };
        let k = index as usize - 1;
        match audit.applied.get(k) {
            None if audit.applied.len() == k => audit.applied.push((entry.clone(), node.id)),
            // Entries before it were never seen applied (only a snapshot of uncommitted
            // entries skips them): nothing to compare with.
            None => break,
            Some((first, by)) if first != entry => {
                found.push(Violation::new(
                    STATE_MACHINE_SAFETY,
                    vec![*by, node.id],
                    format!(
                        "{by} applied `{}` (term {}) at index {index}, but {} applied `{}` (term {})",
                        first.kind, first.term, node.id, entry.kind, entry.term
                    ),
                ));
                break;
            }
            Some(_) => {}
        }
    }
    server.applied_checked = applied;
}

#[cfg(test)]
mod tests {
    //! Each checker fires on a state built by hand that breaks its property, and stays quiet on
    //! one that does not.

    use super::*;
    use crate::raft::{Log, Op, RaftConfig};
    use crate::sim::Protocol;

    fn node(id: u16, terms: &[Term]) -> RaftNode {
        let mut n = RaftNode::new(NodeId(id), 3, &RaftConfig::default());
        n.persistent.log = Log::from_entries(
            terms
                .iter()
                .enumerate()
                .map(|(i, &t)| Entry::command(t, 1, i as u64 + 1, Op::add("x", 1)))
                .collect(),
        );
        n.persistent.current_term = terms.last().copied().unwrap_or(0);
        n
    }

    fn lead(mut n: RaftNode, term: Term) -> RaftNode {
        n.volatile.role = Role::Leader;
        n.persistent.current_term = term;
        n
    }

    fn names(v: &[Violation]) -> Vec<&str> {
        v.iter().map(|v| v.invariant.as_str()).collect()
    }

    #[test]
    fn leader_append_only_fires_when_a_leader_rewrites_its_log() {
        let mut audit = Audit::default();
        let a = lead(node(0, &[1, 1, 2]), 2);
        assert!(check_nodes(&mut audit, [&a]).is_empty());
        let mut grown = a.clone();
        grown.persistent.log.push(Entry::noop(2));
        assert!(check_nodes(&mut audit, [&grown]).is_empty());
        let mut cut = grown.clone();
        cut.persistent.log.truncate_from(3);
        assert_eq!(
            names(&check_nodes(&mut audit, [&cut])),
            [LEADER_APPEND_ONLY]
        );
        // Reported once, not at every step after.
        assert!(check_nodes(&mut audit, [&cut]).is_empty());
        // A server that stops leading may lose entries; leading again later is a fresh start.
        let mut follower = cut.clone();
        follower.volatile.role = Role::Follower;
        follower.persistent.log.truncate_from(2);
        assert!(check_nodes(&mut audit, [&follower]).is_empty());
    }

    #[test]
    fn log_matching_fires_on_same_index_and_term_with_different_prefixes() {
        let mut audit = Audit::default();
        let a = node(0, &[1, 2, 3]);
        let b = node(1, &[1, 2]);
        assert!(check_nodes(&mut audit, [&a, &b]).is_empty());
        // Same (3, 3) as `a`, but after an entry of term 1: the logs differ before it.
        let c = node(2, &[1, 1, 3]);
        let v = check_nodes(&mut audit, [&a, &b, &c]);
        assert_eq!(names(&v), [LOG_MATCHING]);
        assert_eq!(v[0].nodes, vec![NodeId(0), NodeId(2)]);
        // Same index and term, different command.
        let mut audit = Audit::default();
        let mut d = node(1, &[1]);
        d.persistent.log.overwrite(1, Entry::noop(1));
        assert_eq!(
            names(&check_nodes(&mut audit, [&node(0, &[1]), &d])),
            [LOG_MATCHING]
        );
    }

    #[test]
    fn leader_completeness_fires_when_a_later_leader_lacks_a_committed_entry() {
        let mut audit = Audit::default();
        let mut a = lead(node(0, &[1, 1]), 1);
        a.volatile.commit_index = 2;
        let b = node(1, &[1]);
        assert!(check_nodes(&mut audit, [&a, &b]).is_empty());
        a.volatile.role = Role::Follower;
        let b = lead(b, 2);
        let v = check_nodes(&mut audit, [&a, &b]);
        assert_eq!(names(&v), [LEADER_COMPLETENESS]);
        assert_eq!(v[0].nodes, vec![NodeId(0), NodeId(1)]);
        // A leader of the next term that has both entries is fine.
        let mut audit = Audit::default();
        let mut a = lead(node(0, &[1, 1]), 1);
        a.volatile.commit_index = 2;
        check_nodes(&mut audit, [&a]);
        let c = lead(node(2, &[1, 1, 2]), 2);
        a.volatile.role = Role::Follower;
        assert!(check_nodes(&mut audit, [&a, &c]).is_empty());
    }

    #[test]
    fn state_machine_safety_fires_when_two_servers_apply_different_entries_at_one_index() {
        let mut audit = Audit::default();
        let mut a = node(0, &[1, 1]);
        a.volatile.last_applied = 2;
        let mut b = node(1, &[1, 2]);
        b.volatile.last_applied = 1;
        assert!(check_nodes(&mut audit, [&a, &b]).is_empty());
        b.volatile.last_applied = 2;
        let v = check_nodes(&mut audit, [&a, &b]);
        assert_eq!(names(&v), [STATE_MACHINE_SAFETY]);
        assert_eq!(v[0].nodes, vec![NodeId(0), NodeId(1)]);
        // Applying the same entries again after a restart is fine.
        let mut again = a.clone();
        again.volatile.last_applied = 0;
        check_nodes(&mut audit, [&again]);
        again.volatile.last_applied = 2;
        assert!(check_nodes(&mut audit, [&again]).is_empty());
    }
}

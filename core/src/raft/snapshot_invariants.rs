//! What log compaction adds to the checker (§7): every snapshot covers only committed
//! entries, and its state machine is what applying those entries gives.
//!
//! Figure 3's properties themselves are checked on what the logs still store (see
//! [`super::invariants`]); these checks stand for the compacted prefixes. A snapshot whose
//! last entry is the committed one at its index covers exactly the committed prefix up to
//! there (Log Matching), so together they cover each server's whole log.

use std::collections::BTreeMap;

use serde::Serialize;

use super::invariants::{Audit, SNAPSHOT_COMMITTED, STATE_MACHINE_SAFETY};
use super::kv::StateMachine;
use super::node::RaftNode;
use super::state::Term;
use crate::sim::{NodeId, Violation};

/// What the snapshot checks remember across steps.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct SnapshotAudit {
    /// Per server: the last snapshot checked, as (lastIncludedIndex, lastIncludedTerm).
    pub checked: BTreeMap<NodeId, (u64, Term)>,
    /// The state machine after applying the committed entries up to each index a snapshot was
    /// taken at, computed from the entries seen applied (so each is computed once).
    pub states: BTreeMap<u64, StateMachine>,
}

/// Check `node`'s snapshot if it is new since the last step.
pub fn check(audit: &mut Audit, node: &RaftNode, found: &mut Vec<Violation>) {
    let Some(s) = &node.persistent.snapshot else {
        return;
    };
    let key = (s.last_included_index, s.last_included_term);
    if audit.snapshots.checked.insert(node.id, key) == Some(key) {
        return;
    }
    let (index, term) = key;
    let committed = index
        .checked_sub(1)
        .and_then(|k| audit.committed.get(usize::try_from(k).ok()?));
    if index > node.volatile.commit_index || committed.is_none() {
        found.push(Violation::new(
            SNAPSHOT_COMMITTED,
            vec![node.id],
            format!(
                "{}'s snapshot covers the entries up to index {index}, but only {} are committed",
                node.id,
                node.volatile.commit_index.min(audit.committed.len() as u64)
            ),
        ));
        return;
    }
    if let Some(c) = committed.filter(|c| c.term != term) {
        found.push(Violation::new(
            SNAPSHOT_COMMITTED,
            vec![c.node, node.id],
            format!(
                "{}'s snapshot ends with an entry of term {term} at index {index}, but the entry committed there ({} knew it) is of term {}",
                node.id, c.node, c.term
            ),
        ));
        return;
    }
    let Some(expected) = state_at(audit, index) else {
        return;
    };
    if *expected != s.state_machine {
        found.push(Violation::new(
            STATE_MACHINE_SAFETY,
            vec![node.id],
            format!(
                "{}'s snapshot at index {index} holds a state machine other than the one applying the committed entries 1..={index} gives",
                node.id
            ),
        ));
    }
}

/// The state machine after the entries seen applied up to `index`, if all of them were seen.
fn state_at(audit: &mut Audit, index: u64) -> Option<&StateMachine> {
    if (audit.applied.len() as u64) < index {
        return None;
    }
    let states = &mut audit.snapshots.states;
    if !states.contains_key(&index) {
        // From the nearest state computed before, or from the empty store.
        let (from, mut sm) = states
            .range(..index)
            .next_back()
            .map_or((0, StateMachine::default()), |(&k, sm)| (k, sm.clone()));
        // `applied[k - 1]` is index `k`, and all of them up to `index` were seen (above).
        let entries = audit
            .applied
            .iter()
            .take(index as usize)
            .skip(from as usize);
        for (k, (entry, _)) in (from + 1..).zip(entries) {
            sm.apply(k, entry);
        }
        states.insert(index, sm);
    }
    states.get(&index)
}

#[cfg(test)]
mod tests {
    //! Each check fires on a state built by hand that breaks it, and stays quiet on one that
    //! does not.

    use super::*;
    use crate::raft::invariants::check_nodes;
    use crate::raft::{Configuration, Entry, Log, Op, RaftConfig, Snapshot};
    use crate::sim::{NodeId, Protocol};

    /// A server with three commands of term 1 applied, committed up to `commit`.
    fn server(commit: u64) -> RaftNode {
        let mut n = RaftNode::new(NodeId(0), 1, &RaftConfig::default());
        let entries: Vec<Entry> = (1..=3)
            .map(|seq| Entry::command(1, 1, seq, Op::add("x", 1)))
            .collect();
        n.persistent.current_term = 1;
        n.persistent.log = Log::from_entries(entries);
        n.volatile.commit_index = commit;
        for (i, e) in n.persistent.log.clone().indexed() {
            if i <= commit {
                n.volatile.state_machine.apply(i, e);
                n.volatile.last_applied = i;
            }
        }
        n
    }

    /// `n` with a snapshot up to `index` holding `state_machine`.
    fn compact(mut n: RaftNode, index: u64, state_machine: StateMachine) -> RaftNode {
        n.persistent.log.compact(index, 1);
        n.persistent.snapshot = Some(Snapshot {
            last_included_index: index,
            last_included_term: 1,
            state_machine,
            configuration: Configuration::initial(1, 0),
            configuration_index: 0,
        });
        n
    }

    fn names(v: &[Violation]) -> Vec<&str> {
        v.iter().map(|v| v.invariant.as_str()).collect()
    }

    #[test]
    fn a_snapshot_of_applied_committed_entries_passes() {
        let mut audit = Audit::default();
        let n = server(2);
        assert!(check_nodes(&mut audit, [&n]).is_empty());
        let sm = n.volatile.state_machine.clone();
        let n = compact(n, 2, sm);
        assert!(check_nodes(&mut audit, [&n]).is_empty());
    }

    #[test]
    fn a_snapshot_past_the_commit_index_is_caught() {
        let mut audit = Audit::default();
        let n = server(2);
        check_nodes(&mut audit, [&n]);
        let sm = n.volatile.state_machine.clone();
        let n = compact(n, 3, sm);
        assert_eq!(names(&check_nodes(&mut audit, [&n])), [SNAPSHOT_COMMITTED]);
    }

    #[test]
    fn a_snapshot_whose_state_is_not_its_entries_applied_is_caught() {
        let mut audit = Audit::default();
        let n = server(2);
        check_nodes(&mut audit, [&n]);
        let n = compact(n, 2, StateMachine::default());
        assert_eq!(
            names(&check_nodes(&mut audit, [&n])),
            [STATE_MACHINE_SAFETY]
        );
    }
}

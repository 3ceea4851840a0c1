//! Raft's safety properties (Figure 3), checked after every step.

use std::collections::BTreeMap;

use serde::Serialize;

use super::node::RaftNode;
use super::state::{Role, Term};
use crate::sim::{NodeId, NodeSlot, Violation};

pub const ELECTION_SAFETY: &str = "election-safety";

/// What the checker remembers across steps.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Audit {
    /// The first leader seen in each term.
    pub leaders: BTreeMap<Term, NodeId>,
}

pub fn check(audit: &mut Audit, nodes: &[NodeSlot<RaftNode>]) -> Vec<Violation> {
    let mut found = Vec::new();
    for slot in nodes {
        let node = &slot.state;
        if node.role() != Role::Leader {
            continue;
        }
        let first = *audit.leaders.entry(node.term()).or_insert(node.id);
        if first != node.id {
            // Election Safety: "at most one leader can be elected in a given term" (§5.2, Figure 3).
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
    found
}

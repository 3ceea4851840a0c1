//! What Raft adds to tours: a forced election timeout and a client's request as actions; "a
//! leader", "this leader" and "this entry committed" as conditions; "the leader" as an answer.

use concord_core::raft::{Command, EntryKind, Op, RaftNode, Role};
use concord_core::sim::{Action, NodeId, Sim};

use super::{client, current_leader};
use crate::tour::plan::TourProtocol;
use crate::tour::script::{Act, Condition};

impl TourProtocol for RaftNode {
    const MESSAGE_KINDS: &'static [&'static str] = &[
        "request-vote",
        "vote-granted",
        "vote-denied",
        "append-entries",
        "append-reply",
        "client-request",
        "install-snapshot",
        "snapshot-reply",
    ];

    fn act(act: &Act, sim: &Sim<Self>) -> Result<Action<Self>, String> {
        match act {
            Act::Timeout(n) => Ok(Action::Command(NodeId((n - 1) as u16), Command::Timeout)),
            Act::Client { op, to } => {
                let op: Op = op.parse().map_err(|e| format!("{op:?}: {e}"))?;
                let to = match to {
                    Some(n) => NodeId((n - 1) as u16),
                    None => current_leader(sim)
                        .map(|leader| leader.id)
                        .ok_or("there is no leader to send the request to")?,
                };
                let mode = sim
                    .nodes()
                    .first()
                    .map(|n| n.state.config.read)
                    .unwrap_or_default();
                let seq = client::max_seq_seen(sim) + 1;
                Ok(Action::Command(to, client::command(seq, &op, mode)))
            }
            other => Err(format!("Raft has no action {other:?}")),
        }
    }

    fn holds(condition: &Condition, sim: &Sim<Self>) -> Result<bool, String> {
        let leader = current_leader(sim);
        match condition {
            Condition::Candidate => Ok(candidate(sim).is_some()),
            Condition::Leader => Ok(leader.is_some()),
            Condition::LeaderIs(n) => Ok(leader.is_some_and(|l| l.id.index() == n - 1)),
            // The leader commits an entry once a majority stores it (§5.3).
            Condition::Committed(index) => {
                Ok(leader.is_some_and(|l| l.volatile.commit_index >= *index))
            }
            Condition::OpCommitted(op) => Ok(leader.is_some_and(|l| {
                (1..=l.volatile.commit_index).any(|i| {
                    l.persistent.log.entry(i).is_some_and(|e| match &e.kind {
                        EntryKind::Command { op: o, .. } => o.to_string() == *op,
                        EntryKind::Noop | EntryKind::Config(_) => false,
                    })
                })
            })),
            other => Err(format!("Raft has no condition {other:?}")),
        }
    }

    fn pick(pick: &str, sim: &Sim<Self>) -> Result<Option<usize>, String> {
        match pick {
            "leader" => Ok(current_leader(sim).map(|l| l.id.index())),
            "candidate" => Ok(candidate(sim)),
            other => Err(format!(
                "Raft answers no question {other:?} (it answers \"leader\" and \"candidate\")"
            )),
        }
    }
}

/// The first up server that is a candidate.
fn candidate(sim: &Sim<RaftNode>) -> Option<usize> {
    sim.nodes()
        .iter()
        .position(|s| s.up && s.state.role() == Role::Candidate)
}

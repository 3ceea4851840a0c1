//! What Gossip adds to tours: a node writing an update as an action; "the update has reached
//! everyone it can" as a condition.

use concord_core::gossip::{Command, GossipNode};
use concord_core::sim::{Action, NodeId, Sim};

use super::converged;
use crate::tour::plan::TourProtocol;
use crate::tour::script::{Act, Condition};

impl TourProtocol for GossipNode {
    const MESSAGE_KINDS: &'static [&'static str] = &[
        "push", "push-ack", "digest", "answer", "join", "ping", "ping-req", "ack",
    ];

    fn act(act: &Act, _sim: &Sim<Self>) -> Result<Action<Self>, String> {
        match act {
            Act::Write { node, key, value } => Ok(Action::Command(
                NodeId((node - 1) as u16),
                Command::Update {
                    key: *key,
                    value: *value,
                },
            )),
            other => Err(format!("Gossip has no action {other:?}")),
        }
    }

    fn holds(condition: &Condition, sim: &Sim<Self>) -> Result<bool, String> {
        match condition {
            Condition::Converged => Ok(converged(sim)),
            other => Err(format!("Gossip has no condition {other:?}")),
        }
    }

    fn pick(pick: &str, _sim: &Sim<Self>) -> Result<Option<usize>, String> {
        Err(format!("Gossip answers no question {pick:?}"))
    }
}

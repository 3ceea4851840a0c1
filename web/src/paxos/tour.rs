//! What Paxos adds to tours: a proposer proposing a value as an action; "a value is chosen" and
//! "this value is chosen" as conditions; "the proposer whose proposal was chosen" as an answer.

use concord_core::paxos::{Command, PaxosNode};
use concord_core::sim::{Action, NodeId, Sim};

use crate::tour::plan::TourProtocol;
use crate::tour::script::{Act, Condition};

impl TourProtocol for PaxosNode {
    const MESSAGE_KINDS: &'static [&'static str] =
        &["prepare", "promise", "accept", "accepted", "nack"];

    fn act(act: &Act, sim: &Sim<Self>) -> Result<Action<Self>, String> {
        match act {
            Act::Propose { node, value } => {
                let id = NodeId((node - 1) as u16);
                let proposes = sim
                    .node(id)
                    .is_some_and(|slot| slot.state.roles.is_proposer());
                if !proposes {
                    return Err(format!("S{node} is no proposer"));
                }
                Ok(Action::Command(id, Command::Propose(value.clone())))
            }
            other => Err(format!("Paxos has no action {other:?}")),
        }
    }

    fn holds(condition: &Condition, sim: &Sim<Self>) -> Result<bool, String> {
        let audit = sim.audit();
        match condition {
            Condition::Chosen => Ok(audit.chosen_value().is_some()),
            Condition::ChosenValue(value) => Ok(audit.is_chosen(value)),
            other => Err(format!("Paxos has no condition {other:?}")),
        }
    }

    fn pick(pick: &str, sim: &Sim<Self>) -> Result<Option<usize>, String> {
        match pick {
            // The proposer whose number a majority accepted first (§2.2).
            "proposer_of_chosen" => Ok(sim.audit().first_chosen().map(|c| c.n.proposer.index())),
            other => Err(format!(
                "Paxos answers no question {other:?} (it answers \"proposer_of_chosen\")"
            )),
        }
    }
}

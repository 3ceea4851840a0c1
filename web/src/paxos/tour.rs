//! What Paxos adds to tours: a proposer proposing a value as an action; "a value is chosen",
//! "this value is chosen", "this proposer has issued a proposal (with this value)", "this
//! proposer knows its proposal is chosen", "a learner has learned a value" and "this proposer
//! has retried so often" as conditions; "the proposer whose proposal was chosen" as an answer.

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
                let id = proposer(sim, *node)?.id;
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
            // `proposed` is set when Accept(n, v) is sent and cleared when a new number's
            // Prepare is (core's `send_accept`, `send_prepare`).
            Condition::Proposed { node, value } => {
                let proposed = proposer(sim, *node)?.volatile.proposer.proposed.as_ref();
                Ok(proposed.is_some_and(|v| value.as_ref().is_none_or(|want| v == want)))
            }
            Condition::ProposerKnows(node) => Ok(proposer(sim, *node)?.proposer_chosen().is_some()),
            Condition::Learned => Ok(sim
                .nodes()
                .iter()
                .any(|slot| slot.state.roles.is_learner() && slot.state.learned().is_some())),
            Condition::Retries { node, count } => {
                Ok(proposer(sim, *node)?.volatile.proposer.retries >= *count)
            }
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

/// Node `n` (1-based, as drawn), if it is a proposer.
fn proposer(sim: &Sim<PaxosNode>, n: usize) -> Result<&PaxosNode, String> {
    sim.node(NodeId((n - 1) as u16))
        .map(|slot| &slot.state)
        .filter(|node| node.roles.is_proposer())
        .ok_or_else(|| format!("S{n} is no proposer"))
}

#[cfg(test)]
mod tests {
    use concord_core::paxos::Stage;
    use concord_core::sim::Input;

    use super::*;
    use crate::playground::ProtocolView;
    use crate::run::{Options, RunConfig};

    /// Two proposers waiting to be asked (S1, S2), three acceptors (S3–S5), a learner (S6).
    fn manual(seed: u64, backoff: &str) -> Sim<PaxosNode> {
        PaxosNode::new_sim(&RunConfig {
            seed,
            nodes: 3,
            options: Options::of([("start", "manual"), ("backoff", backoff)]),
        })
    }

    fn propose(sim: &mut Sim<PaxosNode>, node: usize, value: &str) {
        let act = Act::Propose {
            node,
            value: value.into(),
        };
        let action = PaxosNode::act(&act, sim).unwrap();
        let at = sim.now();
        sim.apply(Input::Act { at, action }).unwrap();
    }

    fn holds(sim: &Sim<PaxosNode>, condition: Condition) -> bool {
        PaxosNode::holds(&condition, sim).unwrap()
    }

    /// Steps until `condition` holds, checking `each` before every step.
    fn until(sim: &mut Sim<PaxosNode>, condition: Condition, each: impl Fn(&Sim<PaxosNode>)) {
        for _ in 0..1_000 {
            if holds(sim, condition.clone()) {
                return;
            }
            each(sim);
            sim.step().unwrap();
        }
        panic!("{condition:?} never held");
    }

    fn proposed(node: usize, value: Option<&str>) -> Condition {
        Condition::Proposed {
            node,
            value: value.map(str::to_owned),
        }
    }

    /// A proposal is issued with phase 2 (table rows 4–5); the proposer knows it is chosen only
    /// once a quorum answered (row 7), after the acceptors made it so.
    #[test]
    fn proposed_then_chosen_then_known_2_2() {
        let mut sim = manual(1, "random");
        propose(&mut sim, 1, "A");
        until(&mut sim, proposed(1, None), |sim| {
            assert_eq!(sim.nodes()[0].state.stage(), Stage::Preparing);
        });
        assert!(holds(&sim, proposed(1, Some("A"))));
        assert!(!holds(&sim, proposed(1, Some("B"))));
        until(&mut sim, Condition::ProposerKnows(1), |sim| {
            assert!(holds(sim, proposed(1, Some("A"))));
        });
        assert!(holds(&sim, Condition::Chosen));
        assert!(
            holds(&sim, proposed(1, Some("A"))),
            "still its latest number"
        );
    }

    /// Chosen is the acceptors' fact; a learner learns it later, from their Accepted messages.
    #[test]
    fn a_learner_learns_after_the_value_is_chosen_2_3() {
        let mut sim = manual(1, "random");
        propose(&mut sim, 1, "A");
        until(&mut sim, Condition::Chosen, |sim| {
            assert!(!holds(sim, Condition::Learned));
        });
        assert!(!holds(&sim, Condition::Learned));
        until(&mut sim, Condition::Learned, |_| {});
    }

    /// With a fixed back-off two proposers asked at once pre-empt each other: S1 retries three
    /// times, each with a higher number, and nothing is chosen meanwhile (§2.4).
    #[test]
    fn retries_count_a_duel_2_4() {
        let mut sim = manual(691, "fixed");
        propose(&mut sim, 1, "A");
        propose(&mut sim, 2, "B");
        let retries = |count| Condition::Retries { node: 1, count };
        until(&mut sim, retries(3), |sim| {
            assert!(!holds(sim, Condition::Chosen));
        });
        assert!(!holds(&sim, retries(4)));
        assert!(sim.nodes()[0].state.persistent.round > 3);
    }

    /// A proposer's condition about a node that does not propose is a mistake in the tour.
    #[test]
    fn only_proposers_propose() {
        let sim = manual(1, "random");
        let e = PaxosNode::holds(&Condition::ProposerKnows(3), &sim).unwrap_err();
        assert_eq!(e, "S3 is no proposer");
    }
}

//! What Gossip adds to tours: a node writing an update as an action; as conditions, "the update
//! has reached everyone it can" (and in how many rounds), "this round is over", "this share of
//! the nodes hold it", "nobody spreads it any more", and SWIM's "suspected" and "known dead".
//! All are read from what the audit keeps step by step (O(keys)), except SWIM's, which count
//! member lists (O(n)).

use concord_core::gossip::{Command, GossipNode, KeyRow, metrics};
use concord_core::sim::{Action, NodeId, Sim};

use super::{converged, focus, round_over};
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
            Condition::RoundOver(n) => Ok(round_over(sim, *n)),
            Condition::ConvergedIn([lo, hi]) => {
                Ok(rounds_to_converge(sim).is_some_and(|r| (*lo..=*hi).contains(&r)))
            }
            Condition::Holding(percent) => Ok(followed(sim).is_some_and(|(k, live)| {
                u64::from(k.holders) * 100 >= u64::from(*percent) * u64::from(live)
            })),
            Condition::SpreadStopped => Ok(followed(sim).is_some_and(|(k, _)| k.infective == 0)),
            Condition::Suspected(n) => {
                let d = metrics::detection(sim.nodes(), NodeId((n - 1) as u16));
                Ok(d.suspect + d.dead > 0)
            }
            // SWIM §4.2's confirmation, spread by §4.1's piggybacking.
            Condition::KnownDead(n) => {
                Ok(metrics::detection(sim.nodes(), NodeId((n - 1) as u16)).complete())
            }
            other => Err(format!("Gossip has no condition {other:?}")),
        }
    }

    fn pick(pick: &str, _sim: &Sim<Self>) -> Result<Option<usize>, String> {
        Err(format!("Gossip answers no question {pick:?}"))
    }
}

/// The followed update as the round in progress stands, with the live nodes then.
fn followed(sim: &Sim<GossipNode>) -> Option<(KeyRow, u32)> {
    let (key, _) = focus(sim)?;
    let row = sim.audit().round_now()?;
    let k = row.key(key)?.clone();
    Some((k, row.live))
}

/// Once the spread is complete, the rounds it took: the round of the step that completed it
/// less the round the followed update was written in.
fn rounds_to_converge(sim: &Sim<GossipNode>) -> Option<u64> {
    if !converged(sim) {
        return None;
    }
    let config = &sim.nodes().first()?.state.config;
    let &(_, done) = sim.audit().completions().last()?;
    let (k, _) = followed(sim)?;
    Some(
        config
            .round_at(done)
            .saturating_sub(config.round_at(k.born)),
    )
}

#[cfg(test)]
mod tests {
    use concord_core::gossip::{GossipNode, Status, metrics};
    use concord_core::sim::{Action, Input, NodeId, Sim};

    use super::*;
    use crate::playground::ProtocolView;
    use crate::run::{Options, RunConfig};

    fn sim(seed: u64, nodes: usize, options: &[(&'static str, &str)]) -> Sim<GossipNode> {
        GossipNode::new_sim(&RunConfig {
            seed,
            nodes,
            options: Options::of(options.iter().copied()),
        })
    }

    fn holds(condition: Condition, sim: &Sim<GossipNode>) -> bool {
        GossipNode::holds(&condition, sim).unwrap()
    }

    /// The followed update's census, taken the slow way: every node looked at.
    fn census(sim: &Sim<GossipNode>) -> concord_core::gossip::KeyCensus {
        let (key, _) = focus(sim).unwrap();
        metrics::key_census(sim.nodes(), key).unwrap()
    }

    const SI_PUSH: &[(&str, &str)] = &[("model", "si"), ("mode", "push"), ("fanout", "3")];

    /// "Holding" and "spread stopped" read the audit's running totals; they say what a census
    /// of every node says, after every step.
    #[test]
    fn holding_and_spread_stopped_agree_with_a_census() {
        for options in [SI_PUSH, &[]] {
            let mut sim = sim(5, 24, options);
            for _ in 0..600 {
                if sim.step().is_err() {
                    break;
                }
                let k = census(&sim);
                for percent in [10, 50, 90, 100] {
                    assert_eq!(
                        holds(Condition::Holding(percent), &sim),
                        k.holders * 100 >= percent as usize * k.live,
                        "{options:?}, {percent}% at step {}",
                        sim.steps()
                    );
                }
                assert_eq!(holds(Condition::SpreadStopped, &sim), k.infective == 0);
            }
        }
    }

    /// Under anti-entropy every holder spreads forever; a rumor stops.
    #[test]
    fn only_a_rumor_stops_spreading() {
        let mut si = sim(5, 24, SI_PUSH);
        let mut rumor = sim(5, 24, &[]);
        let mut stopped = false;
        for _ in 0..2_000 {
            si.step().unwrap();
            assert!(!holds(Condition::SpreadStopped, &si));
            if rumor.next_event_time().is_some() {
                rumor.step().unwrap();
            }
            stopped |= holds(Condition::SpreadStopped, &rumor);
        }
        assert!(stopped);
    }

    /// A round is over once its last event has happened: it first holds at the last step of the
    /// round, and the next step falls in a later round.
    #[test]
    fn a_round_is_over_after_its_last_event() {
        let mut sim = sim(2, 12, SI_PUSH);
        let period = sim.nodes()[0].state.config.period();
        for n in 1..=5 {
            while !holds(Condition::RoundOver(n), &sim) {
                assert!(sim.now() / period <= n);
                sim.step().unwrap();
            }
            // Under anti-entropy every round has events.
            assert_eq!(sim.now() / period, n);
            sim.step().unwrap();
            assert!(sim.now() / period > n);
        }
    }

    /// The rounds a spread took: the round the last node got the update in, less the round it
    /// was written in. Exactly one of three adjoining ranges holds once it has converged, none
    /// before.
    #[test]
    fn converged_in_counts_rounds_from_the_write() {
        let mut sim = sim(
            2,
            12,
            &[("update", "none"), SI_PUSH[0], SI_PUSH[1], SI_PUSH[2]],
        );
        let period = sim.nodes()[0].state.config.period();
        sim.run_until(2 * period + 500_000);
        let write = Action::Command(NodeId(0), Command::Update { key: 1, value: 1 });
        sim.apply(Input::Act {
            at: sim.now(),
            action: write,
        })
        .unwrap();
        let written = sim.now() / period;
        while !converged(&sim) {
            assert!(!holds(Condition::ConvergedIn([0, 1_000]), &sim));
            sim.step().unwrap();
        }
        let rounds = sim.now() / period - written;
        assert!(rounds >= 2, "{rounds}");
        let ranges = [[0, rounds - 1], [rounds, rounds], [rounds + 1, 1_000]];
        let held: Vec<bool> = ranges
            .iter()
            .map(|&r| holds(Condition::ConvergedIn(r), &sim))
            .collect();
        assert_eq!(held, [false, true, false]);
    }

    /// SWIM: a crashed member is suspected first, then known dead to every live member, each of
    /// whose lists says so; back up, it is suspected by nobody once the news has spread.
    #[test]
    fn suspected_then_known_dead_then_alive_again() {
        let mut sim = sim(2, 8, &[("swim", "on")]);
        let s3 = NodeId(2);
        sim.run_until(3_000_000);
        let at = sim.now();
        sim.apply(Input::Act {
            at,
            action: Action::Crash(s3),
        })
        .unwrap();
        let mut suspected_at = None;
        while !holds(Condition::KnownDead(3), &sim) {
            assert!(sim.now() < 60_000_000, "never known dead");
            if suspected_at.is_none() && holds(Condition::Suspected(3), &sim) {
                suspected_at = Some(sim.steps());
            }
            sim.step().unwrap();
        }
        assert!(suspected_at.is_some());
        let live = sim.nodes().iter().filter(|s| s.up && s.state.id != s3);
        for slot in live {
            assert_eq!(slot.state.view().status(s3), Some(Status::Dead));
        }
        let at = sim.now();
        sim.apply(Input::Act {
            at,
            action: Action::Restart(s3),
        })
        .unwrap();
        assert!(holds(Condition::Suspected(3), &sim));
        while holds(Condition::Suspected(3), &sim) {
            assert!(sim.now() < at + 60_000_000, "never alive again");
            sim.step().unwrap();
        }
    }
}

//! The per-round curves the audit keeps step by step (`Audit::rounds`) equal a full census
//! taken at every round's end, whatever the mode, model, losses, crashes and joins; and they
//! are the same after stepping back, forward, or forking a `History`.

mod gossip_common;

use concord_core::gossip::{
    Command, GossipConfig, GossipNode, Key, KeyRow, Mode, RoundRow, Stop, SwimConfig, metrics,
    series, theory,
};
use concord_core::sim::{Action, History, Input, NetConfig, NodeId, Sim, SimConfig, Time, ms};

fn start(n: usize, seed: u64, config: &GossipConfig, loss: f64) -> Sim<GossipNode> {
    let net = NetConfig {
        loss,
        ..NetConfig::default()
    };
    Sim::new(
        SimConfig {
            seed,
            nodes: n,
            net,
        },
        config,
    )
    .unwrap()
}

/// What the census says, in the shape of a row.
fn census_row(round: u64, sim: &Sim<GossipNode>) -> RoundRow {
    let c = metrics::census(sim.nodes());
    RoundRow {
        round,
        up: c.up as u32,
        live: c.live as u32,
        keys: c
            .keys
            .iter()
            .map(|k| KeyRow {
                key: k.key,
                latest: k.latest,
                born: k.born,
                holders: k.holders as u32,
                susceptible: k.susceptible as u32,
                infective: k.infective as u32,
                removed: k.removed as u32,
            })
            .collect(),
        messages: c.totals.messages(),
        bytes: c.totals.bytes_sent,
        redundant: c.totals.redundant,
    }
}

/// The interventions of round `r`, made at the round's very start: updates (one overwriting
/// an earlier key), a crash and a restart, a join from outside.
fn interventions(r: u64, n: u16) -> Vec<Action<GossipNode>> {
    let cmd = |node: u16, c: Command| Action::Command(NodeId(node), c);
    match r {
        1 => vec![cmd(3, Command::Update { key: 1, value: 10 })],
        3 => vec![Action::Crash(NodeId(5)), Action::Crash(NodeId(6))],
        5 => vec![cmd(7, Command::Update { key: 2, value: 20 })],
        7 => vec![Action::Restart(NodeId(5))],
        9 => vec![
            cmd(9, Command::Update { key: 1, value: 11 }),
            cmd(n - 1, Command::Join { via: NodeId(0) }),
        ],
        _ => Vec::new(),
    }
}

/// Run `rounds` rounds with the interventions, taking a census at each round's end; then
/// compare with the audit's rows.
fn rows_match_census(config: GossipConfig, n: usize, seed: u64, loss: f64, rounds: u64) {
    let mut sim = start(n, seed, &config, loss);
    let period = config.period();
    let mut expected = Vec::new();
    for r in 0..rounds {
        for action in interventions(r, n as u16) {
            let up = sim.nodes()[5].up;
            if matches!(action, Action::Restart(_)) && up {
                continue;
            }
            sim.apply(Input::Act {
                at: r * period,
                action,
            })
            .unwrap();
        }
        sim.run_until((r + 1) * period - 1);
        let row = census_row(r, &sim);
        // The allocation-free test "until converged" asks after every step says what the row says.
        let complete = !row.keys.is_empty() && row.keys.iter().all(|k| k.holders == row.live);
        assert_eq!(sim.audit().all_hold_latest(|_| true), complete, "round {r}");
        expected.push(row);
    }
    // One more step closes the last round (anti-entropy always has one; an idle rumor run
    // gets a harmless network action).
    let at = sim
        .next_event_time()
        .unwrap_or(rounds * period)
        .max(rounds * period);
    sim.apply(Input::Act {
        at,
        action: Action::Heal,
    })
    .unwrap();
    let rows = sim.audit().rounds();
    assert_eq!(rows.len() as u64, rounds, "{config:?}");
    for (r, (row, want)) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(row, want, "round {r} of {config:?}, n = {n}, loss {loss}");
    }
    // The curve reaches somewhere: the series is not trivially empty.
    assert!(rows.last().unwrap().messages > 0);
    assert!(rows.iter().any(|row| !row.keys.is_empty()));
}

#[test]
fn anti_entropy_rows_equal_the_census_push_pull_push_pull() {
    for (i, mode) in [Mode::Push, Mode::Pull, Mode::PushPull]
        .into_iter()
        .enumerate()
    {
        let config = GossipConfig {
            initial_members: Some(59),
            ..GossipConfig::anti_entropy(mode, 2)
        };
        rows_match_census(config, 60, 11 + i as u64, 0.1, 16);
    }
}

#[test]
fn jittered_rounds_and_swim_rows_equal_the_census() {
    let config = GossipConfig {
        swim: Some(SwimConfig::default()),
        initial_members: Some(79),
        ..GossipConfig::default()
    };
    rows_match_census(config, 80, 5, 0.05, 18);
}

#[test]
fn rumor_rows_equal_the_census_sir_counts_demers_1_4() {
    let configs = [
        GossipConfig::rumor(Mode::Push, Stop::Counter, 2, true),
        GossipConfig::rumor(Mode::Pull, Stop::Coin, 2, false),
        GossipConfig::rumor(Mode::PushPull, Stop::Counter, 1, true),
        GossipConfig {
            backup_every: 3,
            initial_members: Some(49),
            ..GossipConfig::seed_notes()
        },
    ];
    for (i, config) in configs.into_iter().enumerate() {
        rows_match_census(config, 50, 21 + i as u64, 0.1, 20);
    }
}

/// A recorded run: updates, crashes and restarts among plain steps.
fn record(seed: u64, steps: usize) -> History<GossipNode> {
    let config = GossipConfig::rumor(Mode::PushPull, Stop::Coin, 2, false);
    let mut history = History::new(start(40, seed, &config, 0.1));
    let mut i = 0u16;
    while history.len() < steps {
        i += 1;
        let now = history.current().now();
        let node = NodeId(i * 7 % 40);
        let action = match i % 50 {
            0 => Some(Action::Command(
                node,
                Command::Update {
                    key: 1,
                    value: i as u64,
                },
            )),
            17 if history.current().nodes()[node.index()].up => Some(Action::Crash(node)),
            33 if !history.current().nodes()[node.index()].up => Some(Action::Restart(node)),
            _ => None,
        };
        let input = action.map_or(Input::Next, |action| Input::Act { at: now, action });
        if history.apply(input).is_err() {
            history
                .apply(Input::Act {
                    at: now,
                    action: Action::Command(node, Command::Update { key: 2, value: 1 }),
                })
                .unwrap();
        }
    }
    history
}

/// The audit after replaying the first `k` inputs of `history` on a fresh run.
fn fresh_audit_at(history: &History<GossipNode>, seed: u64, k: usize) -> Vec<RoundRow> {
    let config = GossipConfig::rumor(Mode::PushPull, Stop::Coin, 2, false);
    let mut sim = start(40, seed, &config, 0.1);
    for input in history.inputs().iter().take(k) {
        sim.apply(input).unwrap();
    }
    let mut rows = sim.audit().rounds().to_vec();
    rows.extend(sim.audit().round_now());
    rows
}

fn rows_now(history: &History<GossipNode>) -> Vec<RoundRow> {
    let audit = history.current().audit();
    let mut rows = audit.rounds().to_vec();
    rows.extend(audit.round_now());
    rows
}

#[test]
fn rows_are_the_same_after_stepping_back_and_forward() {
    let seed = 8;
    let mut history = record(seed, 1500);
    let end = rows_now(&history);
    assert!(end.len() > 10, "{} rounds", end.len());
    for target in [1499, 1400, 777, 130, 64, 63, 1, 0] {
        history.seek(target);
        assert_eq!(
            rows_now(&history),
            fresh_audit_at(&history, seed, target),
            "step {target}"
        );
    }
    history.seek(1500);
    assert_eq!(rows_now(&history), end);
    for _ in 0..200 {
        history.back();
    }
    for _ in 0..200 {
        history.forward().unwrap();
    }
    assert_eq!(rows_now(&history), end);
}

#[test]
fn rows_follow_a_fork_and_a_branch_switch() {
    let seed = 9;
    let mut history = record(seed, 900);
    let end = rows_now(&history);
    history.seek(500);
    let at = history.current().now();
    history
        .apply(Input::Act {
            at,
            action: Action::Command(NodeId(1), Command::Update { key: 3, value: 3 }),
        })
        .unwrap();
    history.run_until(at + ms(5_000));
    let forked = rows_now(&history);
    assert_eq!(forked, fresh_audit_at(&history, seed, history.position()));
    assert!(
        forked
            .last()
            .unwrap()
            .keys
            .iter()
            .any(|k| k.key == concord_core::gossip::Key::Data(3))
    );
    history.switch_branch(0).unwrap();
    history.seek(900);
    assert_eq!(rows_now(&history), end);
}

#[test]
fn chart_points_and_the_theory_curve_line_up() {
    let config = GossipConfig::anti_entropy(Mode::PushPull, 1);
    let period: Time = config.period();
    let mut sim = start(200, 3, &config, 0.0);
    // Written in round 2: row 2 (x = 3) has one holder; theory starts there.
    sim.run_until(2 * period + ms(500));
    sim.apply(Input::Act {
        at: 2 * period + ms(500),
        action: Action::Command(NodeId(4), Command::Update { key: 1, value: 1 }),
    })
    .unwrap();
    sim.run_until(20 * period);
    let rows = sim.audit().rounds();
    let key = concord_core::gossip::Key::Data(1);
    let infected = series::points(rows, |r| r.infected(key));
    assert_eq!(infected[2], (3.0, 1.0 / 200.0));
    assert_eq!(infected.last().unwrap().1, 1.0);
    let theory = theory::infected_points(Mode::PushPull, 200, 1, 0.0, 3.0, 100);
    assert_eq!(theory[0].0, 3.0);
    assert!((theory[0].1 - 1.0 / 200.0).abs() < 1e-12);
    assert!(theory.last().unwrap().1 > 0.99);
    let messages = series::per_round(rows, |r| r.messages);
    assert_eq!(
        messages.iter().map(|p| p.1).sum::<f64>(),
        rows.last().unwrap().messages as f64
    );
    // Push-pull, fan-out 1: each node opens one exchange per round (digest and answer, plus
    // the push back when the peer is behind).
    assert!(messages[10].1 >= 400.0, "{:?}", messages[10]);
}

/// The audit notes the very step after which an update has reached every live node (the
/// timeline's "converged" mark): not complete the step before, complete after it; a second
/// write starts the spread over and completes again later.
#[test]
fn the_step_that_completes_a_spread_is_noted() {
    let config = GossipConfig::default();
    let mut sim = start(40, 9, &config, 0.0);
    let write = |value, at| Input::Act {
        at,
        action: Action::Command(NodeId(2), Command::Update { key: 1, value }),
    };
    let mut inputs = vec![write(1, 0)];
    sim.apply(inputs[0].clone()).unwrap();
    while sim.audit().completions().is_empty() {
        sim.apply(Input::Next).unwrap();
        inputs.push(Input::Next);
    }
    let at = sim.now();
    sim.apply(write(2, at)).unwrap();
    inputs.push(write(2, at));
    while sim.audit().completions().len() < 2 {
        sim.apply(Input::Next).unwrap();
        inputs.push(Input::Next);
    }
    let completions = sim.audit().completions().to_vec();
    assert_eq!(
        completions[1].0,
        inputs.len() as u64,
        "noted at the step that did it"
    );
    let mut fresh = start(40, 9, &config, 0.0);
    for (i, input) in inputs.into_iter().enumerate() {
        let before = fresh.audit().all_hold_latest(|_| true);
        let report = fresh.apply(input).unwrap();
        let noted = completions.iter().find(|c| c.0 == report.step);
        let after = fresh.audit().all_hold_latest(|_| true);
        assert_eq!(noted.is_some(), after && !before, "step {}", i + 1);
        let data = fresh
            .audit()
            .all_hold_latest(|key| matches!(key, Key::Data(_)));
        assert_eq!(fresh.audit().spread_complete(), data, "step {}", i + 1);
        if let Some(&(_, time)) = noted {
            assert_eq!(time, report.time);
        }
    }
}

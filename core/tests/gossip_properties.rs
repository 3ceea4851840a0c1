//! Gossip under random faults, over many seeds: anti-entropy (SI) always converges once
//! the network is connected again; versions never go backwards; the invariant checker
//! finds what each "break it" switch breaks; same seed, same run; no input makes a node
//! panic. A failure prints the seed; `chaos(seed, …)` replays it exactly.
//!
//! Debug builds run fewer seeds than release builds (the counts are in each test).

mod gossip_common;

use concord_check::chaos::gossip::{chaos, pick, random_si_config};
use concord_core::gossip::{
    Breaks, Command, Digest, GossipConfig, GossipNode, Mode, Model, Stop, SwimConfig, Timer,
    invariants, metrics,
};
use concord_core::sim::{
    Action, Input, MsgId, NetConfig, NodeId, Sim, SimConfig, SimError, SimRng, ms,
};
use gossip_common::*;

/// Seeds to run: `release` in release builds, `debug` in debug builds.
fn seeds(debug: u64, release: u64) -> std::ops::Range<u64> {
    0..if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

/// Demers et al. §1.3: anti-entropy is a simple epidemic that reaches every site — under
/// any faults, once the network is connected and every node is up, every node holds the
/// newest version of every key, and the stores agree. The invariants held throughout.
#[test]
fn anti_entropy_always_converges_once_connected_demers_1_3() {
    for seed in seeds(60, 400) {
        let mut rng = SimRng::new(seed, 1);
        let config = random_si_config(&mut rng);
        let sim = chaos(seed, &config, 6_000, 60_000, |_| {});
        if let Some(v) = sim.violations().first() {
            panic!("seed={seed}: {v:?}");
        }
        let c = metrics::census(sim.nodes());
        assert_eq!(c.live, sim.nodes().len(), "seed={seed}");
        assert!(
            c.converged() && metrics::stores_agree(sim.nodes()),
            "seed={seed} config={config:?}: not converged: {:?}",
            c.keys
        );
        if config.swim.is_some() {
            let f = c.failures;
            assert_eq!((f.dead_live, f.suspect_live), (0, 0), "seed={seed}: {f:?}");
        }
    }
}

/// Demers et al. §1.1: the newer version wins, so no node's version of a key ever goes
/// back — checked here from outside, after every step, independently of the checker.
#[test]
fn versions_never_go_backwards_demers_1_1() {
    for seed in seeds(30, 200) {
        let mut rng = SimRng::new(seed, 2);
        let mut config = random_si_config(&mut rng);
        if rng.chance(0.5) {
            let stop = pick(&mut rng, &[Stop::Counter, Stop::Coin]);
            let k = 1 + rng.below(3) as u32;
            config.model = Model::Rumor {
                stop,
                k,
                feedback: rng.chance(0.5),
            };
            config.backup_every = rng.below(3) as u32;
        }
        let mut seen: Vec<Digest> = Vec::new();
        let sim = chaos(seed, &config, 4_000, 5_000, |sim| {
            if seen.is_empty() {
                seen = vec![Digest::new(); sim.nodes().len()];
            }
            for (i, slot) in sim.nodes().iter().enumerate() {
                for (key, version) in slot.state.store().digest() {
                    let before = seen[i].iter().find(|(k, _)| *k == key).map(|&(_, v)| v);
                    assert!(
                        before.is_none_or(|b| b <= version),
                        "seed={seed}: S{}'s {key:?} went from {before:?} to {version:?}",
                        i + 1
                    );
                }
                for (key, _) in &seen[i] {
                    assert!(
                        slot.state.store().get(*key).is_some(),
                        "seed={seed}: S{} lost {key:?}",
                        i + 1
                    );
                }
                seen[i] = slot.state.store().digest();
            }
        });
        assert!(
            sim.violations().is_empty(),
            "seed={seed}: {:?}",
            sim.violations()
        );
    }
}

/// Break it: push-pull anti-entropy with `fanout` that accepts stale entries ("last arrival
/// wins").
fn accepting_stale(fanout: u32) -> GossipConfig {
    GossipConfig {
        breaks: Breaks {
            accept_stale: true,
            ..Breaks::default()
        },
        ..GossipConfig::anti_entropy(Mode::PushPull, fanout)
    }
}

/// `n` nodes (seed 3) of [`accepting_stale`] with fan-out 1; twenty of them, every seventh,
/// write key 1.
fn stale_and_written(n: usize) -> Sim<GossipNode> {
    let mut sim = cluster(n, 3, &accepting_stale(1));
    for i in 0..20u16 {
        update(&mut sim, i * 7, 1, i as u64);
    }
    sim
}

/// Break it: with stale entries accepted ("last arrival wins"), the checker must find a
/// version going backwards. (If it finds nothing in 100 seeds, it is not doing its job.)
#[test]
fn checker_catches_versions_going_back_when_stale_entries_are_accepted() {
    let config = accepting_stale(2);
    let caught = (0..100).find_map(|seed| {
        let sim = chaos(seed, &config, 3_000, 0, |_| {});
        sim.violations().first().cloned().map(|v| (seed, v))
    });
    let (seed, v) = caught.expect("no violation in 100 seeds with accept_stale on");
    assert_eq!(v.invariant, invariants::VERSIONS_MONOTONE, "seed={seed}");
}

/// Break it: with the store in memory only, a restarted node loses its versions and later
/// reuses one for a different value; the checker must find both.
#[test]
fn checker_catches_a_volatile_store() {
    let config = GossipConfig {
        breaks: Breaks {
            volatile_store: true,
            ..Breaks::default()
        },
        ..GossipConfig::anti_entropy(Mode::PushPull, 1)
    };
    let mut sim = cluster(4, 1, &config);
    update(&mut sim, 0, 1, 10);
    sim.run_until(ms(3_000));
    act(&mut sim, Action::Crash(NodeId(0)));
    act(&mut sim, Action::Restart(NodeId(0)));
    update(&mut sim, 0, 1, 99); // version 1@S1 again, with another value
    sim.run_until(ms(6_000));
    let found: Vec<&str> = sim
        .violations()
        .iter()
        .map(|v| v.invariant.as_str())
        .collect();
    assert!(found.contains(&invariants::VERSIONS_MONOTONE), "{found:?}");
    assert!(
        found.contains(&invariants::SAME_VERSION_SAME_VALUE),
        "{found:?}"
    );
}

/// Large clusters are checked in rotation, a few nodes per step; a violation still shows
/// up (later). A 200-node cluster with stale entries accepted.
#[test]
fn rotating_check_still_catches_violations_in_large_clusters() {
    let n = 200;
    assert!(n > invariants::FULL_CHECK_MAX);
    let mut sim = stale_and_written(n);
    sim.run_until(ms(8_000));
    assert!(
        sim.violations()
            .iter()
            .any(|v| v.invariant == invariants::VERSIONS_MONOTONE)
    );
}

/// Same seed and inputs, same run (traces compared as JSON); another seed, another run.
#[test]
fn same_seed_same_run() {
    let trace = |seed: u64| {
        let config = GossipConfig {
            swim: Some(SwimConfig::default()),
            health_interval: Some(ms(500)),
            model: Model::Rumor {
                stop: Stop::Coin,
                k: 2,
                feedback: true,
            },
            backup_every: 2,
            ..GossipConfig::default()
        };
        let mut sim = cluster(8, seed, &config);
        let mut reports = Vec::new();
        update(&mut sim, 1, 1, 1);
        act(
            &mut sim,
            Action::SetNetwork(NetConfig {
                loss: 0.1,
                ..NetConfig::default()
            }),
        );
        while sim.next_event_time().is_some_and(|t| t < ms(8_000)) {
            reports.push(sim.step().unwrap());
        }
        act(&mut sim, Action::Crash(NodeId(2)));
        while sim.next_event_time().is_some_and(|t| t < ms(16_000)) {
            reports.push(sim.step().unwrap());
        }
        (
            serde_json::to_string(&reports).unwrap(),
            serde_json::to_string(sim.nodes()).unwrap(),
        )
    };
    assert_eq!(trace(5), trace(5));
    assert_ne!(trace(5).0, trace(6).0);
}

/// Stepping back and forth over a gossip run reproduces exactly the states seen before
/// (nodes, counters, audit).
#[test]
fn history_reproduces_every_state() {
    let config = GossipConfig {
        swim: Some(SwimConfig::default()),
        ..GossipConfig::seed_notes()
    };
    let mut rng = SimRng::new(3, 99);
    let (mut history, states) =
        driver::record(cluster(6, 3, &config), 400, |sim| match rng.below(30) {
            0 => driver::crash_or_restart(sim, NodeId(rng.below(6) as u16)),
            1 | 2 => Input::Act {
                at: sim.now(),
                action: Action::Command(
                    NodeId(rng.below(6) as u16),
                    Command::Update {
                        key: rng.below(3) as u32,
                        value: rng.below(100),
                    },
                ),
            },
            _ => Input::Next,
        });
    for target in (0..=400).rev().step_by(7) {
        history.seek(target);
        assert_eq!(
            history.current(),
            &states[target],
            "state after step {target}"
        );
    }
}

/// A configuration with every number at its worst.
fn degenerate_config(rng: &mut SimRng, n: usize) -> GossipConfig {
    let any_time = |rng: &mut SimRng| pick(rng, &[0, 1, ms(1), ms(700), u64::MAX / 4]);
    GossipConfig {
        period: any_time(rng),
        jitter: any_time(rng),
        fanout: pick(rng, &[0, 1, 3, u32::MAX]),
        mode: pick(rng, &[Mode::Push, Mode::Pull, Mode::PushPull]),
        model: pick(
            rng,
            &[
                Model::AntiEntropy,
                Model::Rumor {
                    stop: Stop::Coin,
                    k: 0,
                    feedback: true,
                },
                Model::Rumor {
                    stop: Stop::Counter,
                    k: u32::MAX,
                    feedback: false,
                },
            ],
        ),
        selection: concord_core::gossip::PeerSelection {
            avoid_repeats: rng.chance(0.5),
            avoid_sender: rng.chance(0.5),
        },
        backup_every: pick(rng, &[0, 1, u32::MAX]),
        lockstep_feedback: rng.chance(0.5),
        initial_members: pick(rng, &[None, Some(0), Some(1), Some(n as u16 + 5)]),
        swim: rng.chance(0.7).then(|| SwimConfig {
            probe_interval: any_time(rng),
            probe_timeout: any_time(rng),
            indirect_probes: pick(rng, &[0, 3, u32::MAX]),
            suspicion: rng.chance(0.5),
            suspect_timeout: any_time(rng),
            retransmit_mult: pick(rng, &[0, 1, u32::MAX]),
            max_piggyback: pick(rng, &[0, 1, u32::MAX]),
            reconnect_every: pick(rng, &[0, 1, u32::MAX]),
        }),
        health_interval: pick(rng, &[None, Some(0), Some(ms(300))]),
        breaks: Breaks {
            accept_stale: rng.chance(0.2),
            volatile_store: rng.chance(0.2),
        },
    }
}

/// No configuration and no sequence of inputs makes a node panic: degenerate numbers (a
/// configuration `problem` names is refused by `Sim::new` with that reason; the rest run),
/// commands with out-of-range node ids, joins through outsiders, every intervention on
/// random messages and timers, clusters of one.
#[test]
fn no_input_makes_a_node_panic() {
    let mut refused = 0;
    for seed in seeds(60, 400) {
        let mut rng = SimRng::new(seed, 3);
        let n = 1 + rng.below(9) as usize;
        let sim_config = SimConfig {
            seed,
            nodes: n,
            net: NetConfig::default(),
        };
        // Configurations are drawn until one runs; each refused on the way is checked.
        let mut sim = loop {
            let config = degenerate_config(&mut rng, n);
            match (Sim::new(sim_config.clone(), &config), config.problem()) {
                (Ok(sim), None) => break sim,
                (Err(SimError::BadConfig(reason)), Some(why)) if reason == why => refused += 1,
                (other, why) => panic!("seed {seed}: {:?} for {why:?}", other.map(drop)),
            }
        };
        for _ in 0..300 {
            let now = sim.now();
            let node = NodeId(rng.below(n as u64 + 2) as u16);
            let msg = sim.in_flight().map(|e| e.id).nth(rng.below(4) as usize);
            let action = match rng.below(12) {
                0 => Action::Command(
                    node,
                    Command::Update {
                        key: rng.below(3) as u32,
                        value: rng.next_u64(),
                    },
                ),
                1 => Action::Command(
                    node,
                    Command::Join {
                        via: NodeId(rng.below(n as u64 * 2 + 1) as u16),
                    },
                ),
                2 => Action::Command(
                    node,
                    Command::SetHealth {
                        passing: rng.chance(0.5),
                    },
                ),
                3 => Action::Crash(node),
                4 => Action::Restart(node),
                5 => Action::Fire(
                    node,
                    pick(
                        &mut rng,
                        &[
                            Timer::Round,
                            Timer::Probe,
                            Timer::ProbeTimeout,
                            Timer::Health,
                            Timer::Suspicion,
                        ],
                    ),
                ),
                6 => Action::Deliver(msg.unwrap_or(MsgId(0))),
                7 => Action::Duplicate(msg.unwrap_or(MsgId(0))),
                8 => Action::Delay(msg.unwrap_or(MsgId(0)), ms(rng.below(2_000))),
                9 => Action::Partition(vec![vec![node]]),
                _ => {
                    let _ = sim.step();
                    continue;
                }
            };
            let _ = sim.apply(Input::Act { at: now, action });
        }
        // Whatever happened, the nodes serialize (the web shows them). (The engine's `Sim`
        // itself does not serialize to JSON: its queue is keyed by a tuple.)
        serde_json::to_string(sim.nodes()).unwrap();
        let _ = metrics::census(sim.nodes());
    }
    assert!(refused > 0, "some configurations were refused");
}

/// With the node a step happened to (`StepReport::node`), the exact check finds a version
/// going backwards at the very step it happens, in any cluster size.
#[test]
fn exact_check_of_the_touched_node_finds_a_regression_at_its_step() {
    let mut sim = stale_and_written(300);
    let mut audit = invariants::Audit::default();
    let mut regressed_before = vec![false; 300];
    while sim.next_event_time().is_some_and(|t| t <= ms(8_000)) {
        let report = sim.step().unwrap();
        let found = invariants::check_touched(&mut audit, sim.nodes(), report.node, report.time);
        let now_regressed: Vec<bool> = sim
            .nodes()
            .iter()
            .map(|s| s.state.store().regression().is_some())
            .collect();
        let new: Vec<usize> = (0..300)
            .filter(|&i| now_regressed[i] && !regressed_before[i])
            .collect();
        // A regression appears only in the touched node, and is reported at once.
        assert!(new.len() <= 1);
        if let Some(&i) = new.first() {
            assert_eq!(report.node, Some(NodeId(i as u16)));
            assert!(
                found
                    .iter()
                    .any(|v| v.invariant == invariants::VERSIONS_MONOTONE)
            );
            return;
        }
        regressed_before = now_regressed;
    }
    panic!("no regression in 8 s with accept_stale on");
}

//! Stepping back and forth over a run reproduces exactly the states seen before.

use concord_core::raft::{Command, RaftConfig, RaftNode};
use concord_core::sim::{Action, History, Input, NodeId, Sim, SimConfig, SimRng};

fn start(seed: u64) -> Sim<RaftNode> {
    let config = SimConfig {
        seed,
        nodes: 5,
        net: Default::default(),
    };
    Sim::new(config, &RaftConfig::default()).unwrap()
}

/// A run of 600 steps with interventions mixed in; returns the history and the state after each step.
fn record(seed: u64) -> (History<RaftNode>, Vec<Sim<RaftNode>>) {
    let mut history = History::new(start(seed));
    let mut states = vec![history.current().clone()];
    let mut rng = SimRng::new(seed, 99);
    while history.len() < 600 {
        let now = history.current().now();
        let input = match rng.below(40) {
            0 => {
                let node = NodeId(rng.below(5) as u16);
                let action = if history.current().nodes()[node.index()].up {
                    Action::Crash(node)
                } else {
                    Action::Restart(node)
                };
                Input::Act { at: now, action }
            }
            1 => Input::Act {
                at: now,
                action: Action::Command(NodeId(rng.below(5) as u16), Command::Timeout),
            },
            _ => Input::Next,
        };
        if history.apply(input).is_ok() {
            states.push(history.current().clone());
        }
    }
    (history, states)
}

#[test]
fn stepping_back_then_forward_reproduces_every_state() {
    let (mut history, states) = record(3);
    for target in (0..=600).rev() {
        history.seek(target);
        assert_eq!(history.position(), target);
        assert_eq!(
            history.current(),
            &states[target],
            "state after step {target}"
        );
    }
    for (i, state) in states.iter().enumerate().skip(1) {
        history.forward().unwrap();
        assert_eq!(history.current(), state, "state after step {i}");
    }
}

#[test]
fn back_steps_one_at_a_time_and_stops_at_the_start() {
    let (mut history, states) = record(4);
    for _ in 0..70 {
        assert!(history.back());
    }
    assert_eq!(history.current(), &states[530]);
    assert_eq!(history.last_report().unwrap().step, 530);
    history.seek(1);
    assert!(history.back());
    assert!(!history.back());
    assert_eq!(history.current(), &states[0]);
}

#[test]
fn a_new_input_in_the_past_replaces_the_future() {
    let (mut history, states) = record(5);
    history.seek(100);
    let now = history.current().now();
    let up = history.current().nodes().iter().position(|n| n.up).unwrap();
    let crash = Input::Act {
        at: now,
        action: Action::Crash(NodeId(up as u16)),
    };
    history.apply(crash).unwrap();
    assert_eq!(history.len(), 101);
    assert!(!history.current().nodes()[up].up);
    history.seek(50);
    assert_eq!(history.current(), &states[50]);
}

#[test]
fn run_until_replays_recorded_steps_before_new_ones() {
    let (mut history, states) = record(6);
    history.seek(10);
    let t = states[400].now();
    history.run_until(t);
    assert!(history.position() >= 400);
    assert_eq!(history.current().now(), t);
    assert_eq!(
        history.len(),
        600,
        "recorded steps were replayed, not replaced"
    );
    history.seek(400);
    assert_eq!(history.current(), &states[400]);
}

//! Stepping back and forth over a run reproduces exactly the states seen before.

#[path = "driver/mod.rs"]
mod driver;

use concord_core::raft::{Command, RaftConfig, RaftNode};
use concord_core::sim::{Action, History, Input, NodeId, Sim, SimRng};

fn start(seed: u64) -> Sim<RaftNode> {
    driver::cluster(5, seed, &RaftConfig::default())
}

/// A run of 600 steps with interventions mixed in; returns the history and the state after each step.
fn record(seed: u64) -> (History<RaftNode>, Vec<Sim<RaftNode>>) {
    let mut rng = SimRng::new(seed, 99);
    driver::record(start(seed), 600, |sim| match rng.below(40) {
        0 => driver::crash_or_restart(sim, NodeId(rng.below(5) as u16)),
        1 => Input::Act {
            at: sim.now(),
            action: Action::Command(NodeId(rng.below(5) as u16), Command::Timeout),
        },
        _ => Input::Next,
    })
}

/// Seek to `step`: the state there is `expected`.
fn assert_seeks_to(history: &mut History<RaftNode>, step: usize, expected: &Sim<RaftNode>) {
    history.seek(step);
    assert_eq!(history.current(), expected, "state after step {step}");
}

/// Crash the first server that is up, now (in the past of the recorded run, if seeking went
/// back); returns its index.
fn crash_a_server(history: &mut History<RaftNode>) -> usize {
    let up = history.current().nodes().iter().position(|n| n.up).unwrap();
    let at = history.current().now();
    let crash = Action::Crash(NodeId(up as u16));
    history.apply(Input::Act { at, action: crash }).unwrap();
    up
}

#[test]
fn stepping_back_then_forward_reproduces_every_state() {
    let (mut history, states) = record(3);
    for target in (0..=600).rev() {
        assert_seeks_to(&mut history, target, &states[target]);
        assert_eq!(history.position(), target);
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
fn a_new_input_in_the_past_starts_a_new_future() {
    let (mut history, states) = record(5);
    history.seek(100);
    let up = crash_a_server(&mut history);
    assert_eq!(history.len(), 101);
    assert!(!history.current().nodes()[up].up);
    assert_seeks_to(&mut history, 50, &states[50]);
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
    assert_seeks_to(&mut history, 400, &states[400]);
}

/// Issue: replaying an intervention log reproduces identical states at every step.
#[test]
fn a_tape_replays_to_identical_states_at_every_step() {
    let (mut history, states) = record(7);
    history.seek(333);
    let tape = history.tape();
    assert!(!tape.marks.is_empty(), "the recorded run has interventions");
    assert_eq!(tape.len(), 600);
    let json = serde_json::to_string(&tape).unwrap();
    let back: concord_core::sim::Tape<RaftNode> = serde_json::from_str(&json).unwrap();
    let mut replayed = History::replay(start(7), &back).unwrap();
    assert_eq!(
        replayed.position(),
        333,
        "the link opens at the step its author saw"
    );
    assert_eq!(replayed.current(), &states[333]);
    for (i, state) in states.iter().enumerate() {
        assert_seeks_to(&mut replayed, i, state);
    }
}

#[test]
fn a_tape_that_asks_too_much_is_refused_not_run() {
    let mut tape = record(8).0.tape();
    tape.tail = u64::MAX / 2;
    assert!(History::replay(start(8), &tape).is_err());
}

/// Issue: acting in the past forks a new branch; the old branch stays reachable, intact.
#[test]
fn a_fork_keeps_the_old_branch_and_switching_back_restores_it() {
    let (mut history, states) = record(9);
    history.seek(200);
    crash_a_server(&mut history);
    for _ in 0..50 {
        history.forward().unwrap();
    }
    let forked: Vec<_> = (0..=history.len())
        .map(|i| {
            history.seek(i);
            history.current().clone()
        })
        .collect();
    let branches = history.branches();
    assert_eq!(branches.len(), 1);
    assert_eq!((branches[0].fork, branches[0].len), (200, 600));

    history.switch_branch(0).unwrap();
    assert_eq!(history.position(), 200);
    assert_eq!(history.len(), 600);
    for (i, state) in states.iter().enumerate() {
        history.seek(i);
        assert_eq!(history.current(), state, "original branch, step {i}");
    }
    assert_eq!(history.branches()[0].len, 251);
    history.switch_branch(0).unwrap();
    for (i, state) in forked.iter().enumerate() {
        history.seek(i);
        assert_eq!(history.current(), state, "forked branch, step {i}");
    }
}

#[test]
fn repeating_the_recorded_input_in_the_past_is_not_a_fork() {
    let (mut history, states) = record(10);
    history.seek(10);
    let recorded = history.inputs().get(10).unwrap();
    history.apply(recorded).unwrap();
    assert!(history.branches().is_empty());
    assert_eq!(history.len(), 600);
    assert_eq!(history.current(), &states[11]);
}

#[test]
fn forward_and_back_until_stop_at_the_steps_that_match() {
    let (mut history, _) = record(11);
    history.seek(0);
    let is_crash = |r: &concord_core::sim::StepReport<RaftNode>| {
        matches!(r.event, concord_core::sim::Event::Acted(Action::Crash(_)))
    };
    assert!(history.forward_until(600, |r, _| is_crash(r)).unwrap());
    let first = history.position();
    assert!(is_crash(history.last_report().unwrap()));
    assert!(history.forward_until(600, |r, _| is_crash(r)).unwrap());
    let second = history.position();
    assert!(second > first);
    assert!(history.back_until(is_crash));
    assert_eq!(history.position(), first);
    assert!(!history.back_until(is_crash));
    assert_eq!(history.position(), 0);
}

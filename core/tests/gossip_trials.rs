//! The trials runner (`gossip::trials`): one trial per call gives the same results as a
//! batch, the summary adds up, and the means over seeds match the theory, also under message
//! loss (tolerance: a model margin plus three standard errors, as in `gossip_theory.rs`).

mod gossip_common;

use concord_core::gossip::trials::{Stats, Summary, TrialRun, TrialSetup, Trials, run_trial};
use concord_core::gossip::{GossipConfig, Mode, Stop, theory};
use gossip_common::*;

fn setup(config: GossipConfig, nodes: usize, loss: f64) -> TrialSetup {
    TrialSetup {
        config,
        nodes,
        loss,
        max_rounds: 200,
    }
}

/// A trial taken a step at a time ends with exactly the outcome of a trial run whole, and
/// pauses inside its rounds: in anti-entropy every node starts a round of its own each period,
/// an event apiece.
#[test]
fn a_trial_taken_step_by_step_pauses_inside_rounds_and_ends_as_a_whole_one() {
    for (config, every_node_each_round) in [
        (GossipConfig::anti_entropy(Mode::Pull, 1), true),
        (
            GossipConfig::rumor(Mode::Push, Stop::Counter, 2, true),
            false,
        ),
    ] {
        let s = setup(config, 120, 0.05);
        let mut trial = TrialRun::new(&s, 9).unwrap();
        let mut calls = 0u64;
        let outcome = loop {
            calls += 1;
            if let Some(outcome) = trial.step() {
                break outcome;
            }
        };
        assert_eq!(outcome, run_trial(&s, 9).unwrap());
        let rounds = outcome.ended + 1;
        assert!(
            !every_node_each_round || calls > rounds * s.nodes as u64,
            "{calls} calls for {rounds} rounds of {} nodes",
            s.nodes
        );
    }
}

#[test]
fn one_trial_per_call_equals_the_batch_and_the_summary_adds_up() {
    let s = setup(GossipConfig::anti_entropy(Mode::PushPull, 2), 150, 0.1);
    let mut sliced = Trials::new(s.clone(), 40, 6);
    let mut seeds = Vec::new();
    while let Some(trial) = sliced.run_next() {
        seeds.push(trial.unwrap().seed);
    }
    assert_eq!(seeds, (40..46).collect::<Vec<_>>());
    assert!(sliced.done() && sliced.run_next().is_none());
    let mut batch = Trials::new(s.clone(), 40, 6);
    assert_eq!(batch.run_all().unwrap(), sliced.results());
    assert_eq!(sliced.results()[2], run_trial(&s, 42).unwrap());

    let summary = sliced.summary();
    assert_eq!((summary.trials, summary.converged), (6, 6));
    let rounds = summary.rounds.unwrap();
    let by_hand: Vec<f64> = sliced
        .results()
        .iter()
        .map(|t| t.rounds.unwrap() as f64)
        .collect();
    assert_eq!(Some(rounds), Stats::of(&by_hand));
    assert!(rounds.min <= rounds.mean && rounds.mean <= rounds.max);
    assert_eq!(summary.residue.unwrap().max, 0.0);
    for t in sliced.results() {
        assert!(t.finished && t.duplicates > 0 && t.bytes > t.messages);
        // The last node got it during the round that completed the spread.
        let period = s.config.period;
        let time = t.time.unwrap();
        assert!(time < (t.rounds.unwrap() + 1) * period, "{t:?}");
    }
    assert_eq!(Summary::of(&[]).rounds, None);
}

/// Demers et al. §1.3 with message loss: each contact carries the update only if its messages
/// arrive (a push: one; a pull's answer: two; push-pull's push-back: three). The mean-field
/// recurrence with those probabilities predicts the mean rounds to full infection; n = 1000,
/// fan-out 2, 20 % loss. Model margin 0.75 rounds, as without loss.
#[test]
fn rounds_under_loss_match_the_lossy_mean_field_demers_1_3() {
    let n = 1000;
    for mode in [Mode::Push, Mode::Pull, Mode::PushPull] {
        let mut batch = Trials::new(
            setup(GossipConfig::anti_entropy(mode, 2), n, 0.2),
            0,
            trials(8, 40) as usize,
        );
        let summary = batch.run_all().map(Summary::of).unwrap();
        assert_eq!(summary.converged, summary.trials, "{mode:?}");
        let xs: Vec<f64> = batch
            .results()
            .iter()
            .map(|t| t.rounds.unwrap() as f64)
            .collect();
        let expected = theory::expected_rounds(mode, n, 2, 0.2);
        assert!(expected > theory::expected_rounds(mode, n, 2, 0.0) + 0.5);
        check_mean(
            &format!("{mode:?} n={n} fan-out 2, 20% loss: rounds"),
            &xs,
            expected,
            0.75,
        );
    }
}

/// Demers et al. §1.4: a blind rumor with a 1/k coin leaves `s = e^{−k(1−s)}` unreached, and
/// it ends (quiescence) without converging; the trial reports no convergence round and that
/// residue. n = 1000, push, fan-out 1, k = 2 (s ≈ 0.203). Margin 10 % of the prediction.
#[test]
fn rumor_trials_end_quiescent_with_the_predicted_residue_demers_1_4() {
    let config = GossipConfig::rumor(Mode::Push, Stop::Coin, 2, false);
    let mut batch = Trials::new(setup(config, 1000, 0.0), 0, trials(10, 40) as usize);
    batch.run_all().unwrap();
    let summary = batch.summary();
    assert!(summary.converged < summary.trials);
    for t in batch.results() {
        assert!(t.finished);
        assert_eq!(t.rounds.is_none(), t.residue > 0.0);
        assert_eq!(t.time.is_none(), t.residue > 0.0);
    }
    let xs: Vec<f64> = batch.results().iter().map(|t| t.residue).collect();
    let expected = theory::residue_blind_coin(2);
    check_mean(
        "blind coin k=2: trial residue",
        &xs,
        expected,
        0.1 * expected,
    );
}

//! Statistical tests: means over seeded trials against the theory, with stated tolerances.
//!
//! Each test runs `trials` independent seeds and compares the sample mean with the
//! prediction. A tolerance has two parts: a model margin (how far the simulation may
//! honestly differ from an approximation: mean-field tails, continuous vs. discrete
//! analyses) and three standard errors of the sample mean, computed from the trials
//! themselves. Debug builds run fewer trials (so the standard-error part is wider); the
//! counts are in `trials(debug, release)` (in `gossip_common`, shared with the trials runner's
//! tests). Every test prints what it measured (run with `--nocapture`); a failure names the
//! first seed, and `run_trial(setup, seed)` or `cluster(n, seed, …)` replays it.
//!
//! Rounds are lockstep (`jitter = 0`), the model of the predictions (see `theory`).

mod gossip_common;

use concord_core::gossip::trials::{TrialSetup, run_trial};
use concord_core::gossip::{
    GossipConfig, GossipNode, Key, Mode, Rule, Stop, SwimConfig, metrics, theory,
};
use concord_core::sim::{Action, NetConfig, NodeId, Sim, SimRng, ms};
use gossip_common::*;

/// Rounds until every node has one update written at t = 0 by node `seed mod n`.
fn rounds_to_full_infection(mode: Mode, fanout: u32, n: usize, seed: u64) -> f64 {
    let setup = TrialSetup {
        config: GossipConfig::anti_entropy(mode, fanout),
        nodes: n,
        loss: 0.0,
        max_rounds: 100,
    };
    // Round r (r ≥ 1) runs at r·period: the count of rounds is the round index.
    let trial = run_trial(&setup, seed).unwrap();
    trial.rounds.expect("anti-entropy converges") as f64
}

/// Check `mode`'s mean rounds to full infection at n = 1000, fan-out 1 and 3, against the
/// mean-field recurrence (6 trials in debug builds, 40 in release); returns the mean at fan-out 1.
fn mean_rounds_against_mean_field(mode: Mode) -> f64 {
    let n = 1000;
    let mut at_fanout_1 = 0.0;
    for fanout in [1, 3] {
        let xs: Vec<f64> = (0..trials(6, 40))
            .map(|seed| rounds_to_full_infection(mode, fanout, n, seed))
            .collect();
        let expected = theory::expected_rounds(mode, n, fanout as usize, 0.0);
        // Model margin 0.75 rounds: the mean-field recurrence treats nodes as independent;
        // its largest gap seen at n = 1000 is pull with fan-out 1 (≈ 0.5 rounds).
        check_mean(
            &format!("{mode:?} n={n} fan-out {fanout}: rounds to full infection"),
            &xs,
            expected,
            0.75,
        );
        if fanout == 1 {
            at_fanout_1 = mean_sd(&xs).0;
        }
    }
    at_fanout_1
}

/// Demers et al. §1.3 and Pittel (1987): push from one site reaches all n in
/// `log2 n + ln n + O(1)` rounds; the mean-field recurrence
/// `s' = s (1 − k/(n−1))^{n(1−s)}` predicts the mean for fan-out k. n = 1000, fan-out 1
/// and 3. The Pittel check allows O(1) ∈ [−0.5, 2.5] (the recurrence puts it near 1.2).
#[test]
fn push_rounds_match_the_recurrence_and_pittel_demers_1_3() {
    let mean = mean_rounds_against_mean_field(Mode::Push);
    let pittel = theory::pittel_push_rounds(1000);
    println!("Push n=1000 fan-out 1: mean {mean:.2} vs Pittel log2 n + ln n = {pittel:.2}");
    assert!(
        mean - pittel > -0.5 && mean - pittel < 2.5,
        "{mean} vs {pittel}"
    );
}

/// Demers et al. §1.3: pull's susceptible fraction squares each round once small
/// (`p_{i+1} = p_i²`), so its tail is faster than push's. Mean-field with fan-out k:
/// `s' = s · Π_j (ns − 1 − j)/(n − 1 − j)` (all k partners susceptible).
#[test]
fn pull_rounds_match_the_recurrence_demers_1_3() {
    let mean = mean_rounds_against_mean_field(Mode::Pull);
    assert!(
        mean < theory::expected_rounds(Mode::Push, 1000, 1, 0.0),
        "pull beats push"
    );
}

/// Push-pull: a node stays susceptible only if nobody pushes to it and all its partners
/// are susceptible (the product of the two terms). Karp et al. (2000) give
/// `log3 n + O(log log n)`; the recurrence predicts the mean.
#[test]
fn push_pull_rounds_match_the_recurrence_karp_2000() {
    let mean = mean_rounds_against_mean_field(Mode::PushPull);
    let leading = theory::karp_push_pull_leading(1000);
    println!("PushPull n=1000 fan-out 1: mean {mean:.2}, log3 n = {leading:.2}");
    assert!(mean >= leading, "no faster than log3 n");
}

struct Epidemic {
    residue: f64,
    traffic: f64,
    t_last: f64,
}

/// One rumor from node `seed mod n`, run until nobody is infective.
fn rumor_run(config: &GossipConfig, n: usize, seed: u64) -> Epidemic {
    let setup = TrialSetup {
        config: *config,
        nodes: n,
        loss: 0.0,
        max_rounds: 500,
    };
    let trial = run_trial(&setup, seed).unwrap();
    assert!(trial.finished, "seed={seed}: the rumor never died out");
    Epidemic {
        residue: trial.residue,
        traffic: trial.entries as f64 / n as f64,
        t_last: trial.last_arrival as f64 / config.period as f64,
    }
}

fn epidemics(config: &GossipConfig, count: u64) -> Vec<Epidemic> {
    (0..count)
        .map(|seed| rumor_run(config, 1000, seed))
        .collect()
}

/// Demers et al. §1.4: with feedback and a 1/k coin, the residue solves
/// `s = e^{−(k+1)(1−s)}` (0.203, 0.060, 0.020 for k = 1, 2, 3). The counter variant lands
/// on the same values in this asynchronous simulation. n = 1000, push, fan-out 1.
/// Model margin: 10% of the prediction (the equation is a continuous approximation).
#[test]
fn feedback_residue_matches_e_to_the_minus_k_plus_1_demers_1_4() {
    for stop in [Stop::Coin, Stop::Counter] {
        for k in 1..=3 {
            let config = GossipConfig::rumor(Mode::Push, stop, k, true);
            let runs = epidemics(&config, trials(10, 60));
            let xs: Vec<f64> = runs.iter().map(|e| e.residue).collect();
            let expected = theory::residue_feedback_coin(k);
            check_mean(
                &format!("feedback {stop:?} k={k}: residue"),
                &xs,
                expected,
                0.1 * expected,
            );
        }
    }
}

/// Demers et al. §1.4, Table 2 (blind, coin; 1000 sites): residue 0.205 / 0.060 / 0.021 and
/// traffic 1.59 / 2.82 / 3.91 for k = 2 / 3 / 4, last arrival after 33 / 32 / 32 cycles.
/// Margins: residue 10% of the table, traffic 5%, t_last 3 cycles (the table's cycle
/// counting is not fully specified).
#[test]
fn blind_coin_matches_demers_table_2_demers_1_4() {
    for row in &theory::DEMERS_TABLE_2[1..4] {
        let config = GossipConfig::rumor(Mode::Push, Stop::Coin, row.k, false);
        let runs = epidemics(&config, trials(10, 60));
        let k = row.k;
        let residue: Vec<f64> = runs.iter().map(|e| e.residue).collect();
        check_mean(
            &format!("blind coin k={k}: residue"),
            &residue,
            row.residue,
            0.1 * row.residue,
        );
        let expected = theory::residue_blind_coin(k);
        check_mean(
            &format!("blind coin k={k}: residue vs e^(-k(1-s))"),
            &residue,
            expected,
            0.1 * expected,
        );
        let traffic: Vec<f64> = runs.iter().map(|e| e.traffic).collect();
        check_mean(
            &format!("blind coin k={k}: traffic"),
            &traffic,
            row.traffic,
            0.05 * row.traffic,
        );
        let t_last: Vec<f64> = runs.iter().map(|e| e.t_last).collect();
        check_mean(
            &format!("blind coin k={k}: t_last"),
            &t_last,
            row.t_last,
            3.0,
        );
    }
}

/// Demers et al. §1.4, Table 1 (feedback, counter; 1000 sites), first row: residue 0.176,
/// traffic 1.74, last arrival 16.8 cycles. Their synchronous cycles judge a contact against
/// the state at the start of the cycle; with `lockstep_feedback` this simulation does the
/// same and reproduces the row (without it, the residue is the equation's 0.20). Margins:
/// residue 10%, traffic 5%, t_last 1 cycle. (Rows k ≥ 2 of Table 1 are lower still than
/// these runs give, e.g. 0.037 vs ≈ 0.046 for k = 2; the paper does not say enough about
/// its simulation to tell why, so they are printed, not asserted.)
#[test]
fn lockstep_feedback_counter_reproduces_demers_table_1_demers_1_4() {
    for row in &theory::DEMERS_TABLE_1[0..3] {
        let config = GossipConfig {
            lockstep_feedback: true,
            ..GossipConfig::rumor(Mode::Push, Stop::Counter, row.k, true)
        };
        let runs = epidemics(&config, trials(10, 60));
        let residue: Vec<f64> = runs.iter().map(|e| e.residue).collect();
        let traffic: Vec<f64> = runs.iter().map(|e| e.traffic).collect();
        let t_last: Vec<f64> = runs.iter().map(|e| e.t_last).collect();
        if row.k == 1 {
            check_mean(
                "lockstep feedback counter k=1: residue",
                &residue,
                row.residue,
                0.1 * row.residue,
            );
            check_mean(
                "lockstep feedback counter k=1: traffic",
                &traffic,
                row.traffic,
                0.05 * row.traffic,
            );
            check_mean(
                "lockstep feedback counter k=1: t_last",
                &t_last,
                row.t_last,
                1.0,
            );
        } else {
            let (r, _) = mean_sd(&residue);
            let (m, _) = mean_sd(&traffic);
            println!(
                "lockstep feedback counter k={}: residue {r:.4} (table {}), traffic {m:.2} (table {})",
                row.k, row.residue, row.traffic
            );
        }
    }
}

/// Demers et al. §1.4: residue and traffic are tied by `s = e^{−m}`; checked on the blind
/// coin runs with k = 3 (m ≈ 2.8): the mean of −ln s lies within 10% of the mean traffic.
#[test]
fn residue_and_traffic_are_tied_by_s_equals_e_to_the_minus_m_demers_1_4() {
    let config = GossipConfig::rumor(Mode::Push, Stop::Coin, 3, false);
    let runs = epidemics(&config, trials(10, 60));
    let (m, _) = mean_sd(&runs.iter().map(|e| e.traffic).collect::<Vec<_>>());
    let (s, _) = mean_sd(&runs.iter().map(|e| e.residue).collect::<Vec<_>>());
    let implied = theory::traffic_for_residue(s);
    println!("traffic {m:.3}, −ln(residue) {implied:.3}");
    assert!(
        (implied - m).abs() < 0.1 * m,
        "traffic {m} vs −ln s {implied}"
    );
}

fn swim_only(n: usize, seed: u64) -> Sim<GossipNode> {
    // Push anti-entropy with empty stores sleeps: only failure detection runs.
    let config = GossipConfig {
        swim: Some(SwimConfig::default()),
        ..GossipConfig::anti_entropy(Mode::Push, 1)
    };
    cluster(n, seed, &config)
}

/// SWIM §3.1: each member pings a random member once per period T', so a crashed member is
/// first pinged after about one period (exactly: `theory::swim_first_probe_time`, for
/// members probing at independent random phases); the prober suspects it when that period
/// ends, one T' later. n = 50, crash at a random time. Model margin 5% of T' (a ping in
/// flight at the crash also goes unanswered).
#[test]
fn first_suspicion_comes_about_two_periods_after_a_crash_swim_3_1() {
    let n = 50;
    let interval = SwimConfig::default().probe_interval;
    let xs: Vec<f64> = (0..trials(40, 300))
        .map(|seed| {
            let mut sim = swim_only(n, seed);
            let mut rng = SimRng::new(seed, 7);
            sim.run_until(ms(2_000) + rng.below(interval));
            let victim = NodeId(rng.below(n as u64) as u16);
            act(&mut sim, Action::Crash(victim));
            let crashed = sim.now();
            loop {
                let report = sim.step().unwrap();
                let suspected = report
                    .rules
                    .iter()
                    .any(|r| matches!(r, Rule::Suspect { member, .. } if *member == victim));
                if suspected {
                    return (report.time - crashed) as f64 / interval as f64;
                }
            }
        })
        .collect();
    let expected = theory::swim_first_suspicion_time(n, interval) / interval as f64;
    check_mean(
        "first suspicion after a crash, in periods",
        &xs,
        expected,
        0.05,
    );
    println!(
        "(synchronous SWIM §3.1 would give {:.3} periods to the first probe)",
        theory::swim_detection_periods(n)
    );
}

/// SWIM §3.1: with message loss q, a probe of a live member fails only if the direct
/// ping or ack is lost and each of the k indirect paths (four messages each) loses one:
/// `(1 − (1−q)²)(1 − (1−q)⁴)^k`, 0.074 for q = 0.2, k = 3. Measured as failed probes over
/// all probes of a cluster of live members; 3 SE plus a 5% model margin.
#[test]
fn probe_failure_rate_under_loss_matches_the_formula_swim_3_1() {
    let loss = 0.2;
    let (n, seconds) = (30, if cfg!(debug_assertions) { 60 } else { 300 });
    let mut rates = Vec::new();
    for seed in 0..trials(3, 5) {
        let mut sim = swim_only(n, seed);
        let lossy = NetConfig {
            loss,
            ..NetConfig::default()
        };
        act(&mut sim, Action::SetNetwork(lossy));
        sim.run_until(ms(1_000 * seconds));
        let t = metrics::totals(sim.nodes());
        rates.push(t.probes_failed as f64 / t.probes as f64);
        assert!(t.probes > (n as u64 * seconds) * 9 / 10);
    }
    let expected = theory::swim_false_suspicion_probability(loss, 3);
    let (mean, _) = mean_sd(&rates);
    // Per trial the failure count is binomial over ~n·seconds probes; use that SE.
    let probes = (n as u64 * seconds * rates.len() as u64) as f64;
    let se = (expected * (1.0 - expected) / probes).sqrt();
    let tolerance = 0.05 * expected + 3.0 * se;
    println!("probe failure rate {mean:.4} vs {expected:.4}, tolerance {tolerance:.4}");
    assert!((mean - expected).abs() <= tolerance);
    let _ = Key::Data(0);
}

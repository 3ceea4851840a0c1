//! Gossip experiments against the theory and Demers et al. (1987), with stated tolerances.
//!
//! - Rounds to full convergence, lockstep rounds (the model's): the mean over the trials within
//!   ±10 % of the random phone-call model's mean-field prediction (core's `gossip::theory`).
//! - Rumor mongering, where our model is the paper's (push, fan-out 1, lockstep rounds, 1,000
//!   sites; feedback judged at the round's start): Table 2 (blind, coin) and Table 1's first row
//!   (feedback, counter) reproduce — the mean residue within three standard errors of our trials
//!   plus 5 % of the paper's value, for the paper's own unstated sampling error. Table 1's rows
//!   k ≥ 2 do not, and the report must say why.
//!
//! Bigger runs are ignored tests with names that say so; run them with
//! `cargo test -p concord-lab --release --test gossip_papers -- --ignored`.

mod common;

use common::{num, run, text};

fn spread_agrees_with_the_model(sizes: &str, trials: usize) {
    let report = run("gossip-spread", &[("n", sizes)], 1, trials);
    let t = report.table("summary").unwrap();
    for mode in ["push", "pull", "push-pull"] {
        for fanout in ["1", "3"] {
            for n in sizes.split(',') {
                let row = [mode, fanout, n];
                let (mean, model) = (num(t, &row, "rounds_mean"), num(t, &row, "model_rounds"));
                println!("{row:?}: {mean} rounds, model {model:.2}");
                assert!(
                    (mean - model).abs() <= 0.10 * model,
                    "{row:?}: {mean} vs the model's {model}"
                );
                assert_eq!(text(t, &row, "verdict"), "agrees (within 10 %)");
            }
        }
    }
}

#[test]
fn rounds_to_convergence_within_10_percent_of_the_phone_call_model_demers_1_3() {
    spread_agrees_with_the_model("100,1000", 20);
}

/// From n = 30: the mean-field model is a large-n approximation, off by 12–15 % at
/// n = 10 (pull, fan-out 1).
#[test]
#[ignore = "n = 30 to 10,000, 20 trials: minutes in release (the 10,000-node trials)"]
fn rounds_to_convergence_from_thirty_to_ten_thousand_nodes_demers_1_3() {
    spread_agrees_with_the_model("30,100,300,1000,3000,10000", 20);
}

fn demers_tables(trials: usize) {
    // The two variants the paper tabulates: Table 2, then Table 1.
    let table_2 = run(
        "gossip-rumor",
        &[("stops", "coin"), ("feedback", "blind")],
        1,
        trials,
    );
    let table_1 = run(
        "gossip-rumor",
        &[("stops", "counter"), ("feedback", "feedback")],
        1,
        trials,
    );
    let mut t = table_2.table("summary").unwrap().clone();
    t.rows
        .extend(table_1.table("summary").unwrap().rows.iter().cloned());
    let t = &t;
    let reproduced = [
        ["coin", "blind", "1"],
        ["coin", "blind", "2"],
        ["coin", "blind", "3"],
        ["coin", "blind", "4"],
        ["coin", "blind", "5"],
        ["counter", "feedback", "1"],
    ];
    for row in reproduced {
        let (ours, se, paper) = (
            num(t, &row, "residue"),
            num(t, &row, "residue_se"),
            num(t, &row, "paper_residue"),
        );
        println!("{row:?}: residue {ours} (se {se}) vs the paper's {paper}");
        assert!((ours - paper).abs() <= 3.0 * se + 0.05 * paper, "{row:?}");
        assert_eq!(text(t, &row, "verdict"), "reproduces", "{row:?}");
    }
    for k in ["2", "3", "4", "5"] {
        let row = ["counter", "feedback", k];
        let verdict = text(t, &row, "verdict");
        println!("{row:?}: {verdict}");
        assert!(
            num(t, &row, "residue") > num(t, &row, "paper_residue"),
            "{row:?}: if core's counter now reproduces Table 1, update the report's notes"
        );
        assert!(verdict.contains("never resets"), "{row:?}: {verdict}");
    }
    // s ≈ e^-m for the blind coin (Demers et al. §1.4): within 10 %.
    for k in ["2", "3", "4"] {
        let row = ["coin", "blind", k];
        let (s, predicted) = (num(t, &row, "residue"), num(t, &row, "exp_minus_m"));
        assert!(
            (s - predicted).abs() <= 0.1 * s,
            "{row:?}: {s} vs e^-m {predicted}"
        );
    }
}

#[test]
fn demers_table_2_and_table_1_row_1_reproduce_and_the_rest_say_why_not_1_4() {
    demers_tables(40);
}

#[test]
#[ignore = "200 trials per row, 2,000 trials: about ten seconds in release"]
fn demers_tables_with_200_trials_per_row_1_4() {
    demers_tables(200);
}

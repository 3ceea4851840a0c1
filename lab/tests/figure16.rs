//! Raft paper, §9.3 and Figure 16, in the setup that reproduces it (the experiment's defaults:
//! five servers, heartbeats at half the minimum election timeout, one-way latency 2–3 ms, no
//! disk delay, followers' logs of different lengths as in the paper's benchmark).
//!
//! Tolerance, as the issue states it: each median within ±25 % of the paper's (the mean for
//! 12–24 ms, the only figure the paper gives for it), and for 150–150 ms most trials without a
//! leader within 10 s ("leader election consistently took longer than 10 seconds"). 150–151 ms
//! does not reproduce and is left out: simulated timers fire exactly, so the candidates' offsets
//! drift apart more slowly than LogCabin's (the report's notes say so). The paper's figures are
//! in the report itself, so this test holds the code's reading of the paper to the runs.
//!
//! 100 trials per range here (seeds 1 to 100); the 1,000-trial run of the paper is the ignored
//! test below (`cargo test -p concord-lab --release --test figure16 -- --ignored`).

mod common;

use common::{num, run, text};

const REPRODUCED: &[&str] = &[
    "150-150", "150-155", "150-175", "150-200", "150-300", "12-24",
];

fn check(trials: usize) {
    let report = run("raft-figure16", &[], 1, trials);
    let t = report.table("summary").unwrap();
    for range in REPRODUCED {
        let verdict = text(t, &[range], "verdict");
        println!("{range}: {verdict}");
        assert!(verdict.starts_with("reproduces"), "{range}: {verdict}");
    }
    // The verdicts say what the tolerance says; check the numbers behind two of them by hand.
    let (ours, paper) = (
        num(t, &["150-155"], "median_ms"),
        num(t, &["150-155"], "paper_median_ms"),
    );
    assert_eq!(paper, 287.0);
    assert!((ours - paper).abs() <= 0.25 * paper, "{ours} vs {paper}");
    let no_leader = num(t, &["150-150"], "no_leader");
    assert!(2.0 * no_leader > trials as f64, "{no_leader} of {trials}");
}

#[test]
fn figure16_medians_within_25_percent_and_no_leader_without_randomness_9_3() {
    check(100);
}

#[test]
#[ignore = "the paper's 1,000 trials per range: seconds in release, a minute in debug"]
fn figure16_with_the_papers_thousand_trials_9_3() {
    check(1000);
}

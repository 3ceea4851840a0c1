//! Every experiment is deterministic for a seed (the same JSON twice), runs a trial per call or
//! in pieces of a few steps with the same result as a whole run, reports a run stopped half-way, and refuses bad
//! parameters in words. Then what the Raft and Paxos experiments show, where the papers argue
//! it without numbers: PreVote keeps a rejoining server from deposing the leader (thesis
//! §9.6), randomized back-off ends dueling proposers (Paxos Made Simple §2.4).

mod common;

use common::{SMALL, num, params, run, text};
use concord_lab::{EXPERIMENTS, Error, find};

#[test]
fn every_experiment_has_small_parameters_for_these_tests() {
    for e in EXPERIMENTS {
        assert!(
            SMALL.iter().any(|(name, _, _)| *name == e.name),
            "{} has no entry in tests/common SMALL",
            e.name
        );
        assert!(e.summary.len() < 250, "{}: one line", e.name);
    }
}

#[test]
fn the_same_seed_gives_the_same_json_and_another_seed_another() {
    for &(name, pairs, trials) in SMALL {
        let a = run(name, pairs, 7, trials).to_json();
        assert_eq!(a, run(name, pairs, 7, trials).to_json(), "{name}");
        assert_ne!(a, run(name, pairs, 8, trials).to_json(), "{name}");
    }
}

/// A run may stop after any trial: the rows advance together, and the report of the finished
/// run is the whole run's.
#[test]
fn whole_trials_interleave_the_rows_and_end_where_a_whole_run_does() {
    let (name, pairs, trials) = SMALL[0];
    let entry = find(name).unwrap();
    let mut run_ = entry.start(&params(pairs), 3, trials).unwrap();
    let rows = 2;
    assert_eq!(run_.progress().total, rows * trials);
    for _ in 0..rows + 1 {
        run_.advance(u64::MAX).unwrap().unwrap();
    }
    let partial = run_.report();
    assert_eq!((partial.done, partial.trials), (1, trials));
    let summary = partial.table("summary").unwrap();
    assert_eq!(num(summary, &["150-155"], "trials"), 2.0);
    assert_eq!(num(summary, &["12-24"], "trials"), 1.0);
    while let Some(result) = run_.advance(u64::MAX) {
        result.unwrap();
    }
    assert!(run_.advance(u64::MAX).is_none());
    assert_eq!(run_.report(), run(name, pairs, 3, trials));
}

/// A page runs an experiment in pieces of a few steps, pausing inside trials: every experiment
/// then gives the whole run's report, and a trial under way counts only once it ends.
#[test]
fn every_experiment_in_pieces_of_a_few_steps_gives_the_whole_runs_report() {
    for &(name, pairs, trials) in SMALL {
        let mut run_ = find(name)
            .unwrap()
            .start(&params(pairs), 5, trials)
            .unwrap();
        run_.advance(3).unwrap().unwrap();
        assert_eq!(run_.progress().done, 0, "{name}: a trial of three steps");
        assert_eq!(run_.report().done, 0, "{name}");
        let mut pieces = 1;
        while let Some(result) = run_.advance(7) {
            result.unwrap();
            pieces += 1;
        }
        let total = run_.progress().total;
        assert_eq!(run_.progress().done, total, "{name}");
        assert!(
            pieces > 2 * total,
            "{name}: {pieces} pieces for {total} trials"
        );
        assert_eq!(run_.report(), run(name, pairs, 5, trials), "{name}");
    }
}

/// The trials that held a page up longest, gossip convergence on large clusters, pause inside
/// their rounds: each of the `n` nodes starts every round with an event of its own, a step
/// apiece, so a trial of `r` rounds takes at least `r · n / 100` pieces of 100 steps.
#[test]
fn a_large_gossip_trial_pauses_inside_its_rounds() {
    let pairs = [("n", "2000"), ("modes", "pull"), ("fanout", "1")];
    let mut run_ = find("gossip-spread")
        .unwrap()
        .start(&params(&pairs), 1, 1)
        .unwrap();
    let mut pieces = 0;
    while let Some(result) = run_.advance(100) {
        result.unwrap();
        pieces += 1;
    }
    let report = run_.report();
    let rounds = num(report.table("summary").unwrap(), &["pull"], "rounds_mean");
    assert!(rounds >= 10.0, "{rounds} rounds");
    assert!(
        pieces as f64 >= rounds * 2000.0 / 100.0,
        "{pieces} pieces for {rounds} rounds of 2,000 nodes"
    );
    assert_eq!(report, run("gossip-spread", &pairs, 1, 1));
}

#[test]
fn bad_parameters_are_refused_in_words() {
    let err = concord_lab::run("raft-figure16", &params(&[("laetncy", "2")]), 1, 1).unwrap_err();
    assert!(
        matches!(&err, Error::Param(e) if e.0.contains("--laetncy") && e.0.contains("--latency")),
        "{err}"
    );
    let err =
        concord_lab::run("raft-figure16", &params(&[("ranges", "300-150")]), 1, 1).unwrap_err();
    assert!(err.to_string().contains("runs backwards"), "{err}");
    let err = concord_lab::run("gossip-spread", &params(&[("modes", "shout")]), 1, 1).unwrap_err();
    assert!(err.to_string().contains("push, pull, push-pull"), "{err}");
    let err = concord_lab::run("nope", &params(&[]), 1, 1).unwrap_err();
    assert!(err.to_string().contains("raft-figure16"), "{err}");
}

/// §5.6's timing requirement broken (12–24 ms timeouts over 8–12 ms of latency): the servers
/// never settle on a leader, and the trials say so instead of failing or measuring nonsense.
#[test]
fn figure16_reports_clusters_that_never_settle_on_a_leader_5_6() {
    let report = run(
        "raft-figure16",
        &[("ranges", "12-24"), ("latency", "8-12")],
        1,
        3,
    );
    let t = report.table("summary").unwrap();
    assert_eq!(num(t, &["12-24"], "unsettled"), 3.0);
    assert!(text(t, &["12-24"], "verdict").starts_with("not measured"));
}

/// Thesis §9.6: without PreVote the follower cut off alone raises its term at every timeout
/// and, once back, deposes the leader; with PreVote its term stays and nothing happens.
#[test]
fn pre_vote_keeps_a_rejoining_server_from_deposing_the_leader_9_6() {
    let report = run(
        "raft-rejoin",
        &[
            ("kinds", "partitioned"),
            ("guards", "plain,prevote,checkquorum"),
        ],
        1,
        20,
    );
    let t = report.table("summary").unwrap();
    let at = |guards: &str, key: &str| num(t, &["partitioned", guards], key);
    assert!(at("plain", "isolated_term_rise") >= 5.0);
    assert_eq!(at("plain", "deposed_share"), 1.0);
    assert_eq!(at("prevote", "isolated_term_rise"), 0.0);
    assert_eq!(at("prevote", "deposed_share"), 0.0);
    assert_eq!(at("prevote", "outage_ms"), 0.0);
    // CheckQuorum alone: the others ignore the server's RequestVote (§4.2.3), but the leader
    // still adopts the higher term in its answers (§5.1).
    assert_eq!(at("checkquorum", "deposed_share"), 1.0);
}

/// Thesis §4.2.3: "removed servers … will not receive heartbeats, so they will time out and start
/// new elections", again and again. Without a guard each one deposes the leader: several
/// elections after the heal, against about one for a server that was only partitioned. With
/// CheckQuorum the others ignore it while they hear a leader: one election at most (the first
/// leader still replicates to it and adopts its higher term). With PreVote, none.
#[test]
fn a_removed_server_disrupts_again_and_again_unless_check_quorum_or_pre_vote_4_2_3() {
    let report = run(
        "raft-rejoin",
        &[("guards", "plain,prevote,checkquorum")],
        1,
        20,
    );
    let t = report.table("summary").unwrap();
    let elections = |kind: &str, guards: &str| num(t, &[kind, guards], "elections_after");
    assert!(
        elections("removed", "plain") >= 3.0,
        "{}",
        elections("removed", "plain")
    );
    assert!(elections("partitioned", "plain") < 1.5);
    assert!(elections("removed", "checkquorum") < 1.5);
    assert!(
        num(t, &["removed", "checkquorum"], "outage_ms")
            < num(t, &["removed", "plain"], "outage_ms") / 2.0
    );
    assert_eq!(elections("removed", "prevote"), 0.0);
    assert_eq!(num(t, &["removed", "prevote"], "outage_ms"), 0.0);
}

/// Lost heartbeats make followers time out; with PreVote those that still hear the leader say
/// no, and the leader stays (thesis §9.6). At 30 % loss PreVote keeps the cluster available
/// more of the time than plain Raft, and at no loss both are always available.
#[test]
fn pre_vote_keeps_the_leader_under_message_loss_9_6() {
    let report = run(
        "raft-availability",
        &[
            ("guards", "plain,prevote"),
            ("loss", "0,0.3"),
            ("duration", "20000"),
        ],
        1,
        3,
    );
    let t = report.table("summary").unwrap();
    assert_eq!(num(t, &["plain", "0"], "available"), 1.0);
    assert_eq!(num(t, &["prevote", "0"], "available"), 1.0);
    let (plain, pre_vote) = (
        num(t, &["plain", "0.3"], "available"),
        num(t, &["prevote", "0.3"], "available"),
    );
    assert!(
        plain < 0.97 && pre_vote > plain + 0.05,
        "{plain} vs {pre_vote}"
    );
    assert!(
        num(t, &["plain", "0.3"], "terms_per_min") > num(t, &["prevote", "0.3"], "terms_per_min")
    );
}

/// Paxos Made Simple §2.4: proposers retrying at once keep pre-empting each other; random waits
/// let one finish. One proposer always chooses in its first round.
#[test]
fn randomized_back_off_ends_duels_sooner_2_4() {
    let report = run("paxos-duels", &[("proposers", "1,3")], 1, 200);
    let t = report.table("summary").unwrap();
    assert_eq!(num(t, &["1", "random"], "rounds_max"), 1.0);
    assert_eq!(num(t, &["1", "fixed"], "rounds_max"), 1.0);
    let (random, fixed) = (
        num(t, &["3", "random"], "rounds_mean"),
        num(t, &["3", "fixed"], "rounds_mean"),
    );
    assert!(fixed > random + 0.5, "fixed {fixed}, random {random}");
    let undecided = report.table("undecided").unwrap();
    let after_one = num(undecided, &["3", "fixed", "1"], "share");
    let after_five = num(undecided, &["3", "fixed", "5"], "share");
    assert!(
        after_one > 0.3 && after_five < after_one,
        "{after_one} {after_five}"
    );
    assert_eq!(text(t, &["3", "fixed"], "backoff"), "fixed");
}

//! How much memory a run's history holds as the run goes on: the long sessions the playground
//! allows (an hour of Raft with a client, Gossip at 1,000 nodes), measured natively with a
//! counting allocator. The ignored tests are measurements: `cargo test -p concord-core --release
//! --test history_memory -- --ignored --nocapture` (`MINUTES` sets their length); the ones that
//! run check that the size estimate snapshots are spaced by holds, and that a long run keeps a
//! bounded window of reports while every step stays exactly reachable. The
//! browser's own figures are `tests/tests/bench_long_session.rs`'s; RELIABILITY.md has both.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use concord_core::gossip::{Command as GossipCommand, GossipConfig, GossipNode, SwimConfig};
use concord_core::raft::{Command, Op, RaftConfig, RaftNode};
use concord_core::sim::history::REPORTS_KEPT;
use concord_core::sim::step_times::TIME_EVERY;
use concord_core::sim::{
    Action, History, Input, NodeId, Protocol, Sim, SimConfig, SimRng, Time, ms,
};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counter sees every thread's allocations, and the test harness runs tests side by side:
/// each test holds this while it runs, so what one measures is its own.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    // A test that failed while holding it leaves nothing half-done that matters to the next.
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

/// Play `history` to `minutes` of virtual time, calling `between` once a virtual second, and
/// print the heap held every `every` minutes.
fn play<P: Protocol>(
    name: &str,
    mut history: History<P>,
    minutes: u64,
    every: u64,
    mut between: impl FnMut(&mut History<P>, u64),
) {
    let base = LIVE.load(Ordering::Relaxed);
    println!("{name}: minute, steps, heap held (MiB), bytes per step");
    for second in 1..=minutes * 60 {
        history.run_until(ms(second * 1_000));
        between(&mut history, second);
        if second % (every * 60) == 0 {
            let held = LIVE.load(Ordering::Relaxed) - base;
            let steps = history.len();
            // What one snapshot of the state now really holds, against its estimate.
            let state = state_bytes(history.current());
            let estimate = history.current().size_estimate();
            println!(
                "{name}: {:>3} min, {steps:>9} steps, {:>8.1} MiB, {:>5} B/step; state {:.2} MiB \
                 (estimated {:.2} MiB)",
                second / 60,
                mib(held),
                held / steps.max(1),
                mib(state),
                mib(estimate),
            );
        }
    }
}

/// The bytes a clone of `sim` allocates, and its own: what a snapshot of it holds.
fn state_bytes<P: Protocol>(sim: &Sim<P>) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    let copy = sim.clone();
    let bytes = LIVE.load(Ordering::Relaxed) - before + size_of::<Sim<P>>();
    drop(copy);
    bytes
}

fn at(history: &History<impl Protocol>) -> Time {
    history.current().now()
}

fn raft_five_servers() -> History<RaftNode> {
    History::new(raft_start())
}

fn raft_start() -> Sim<RaftNode> {
    let config = SimConfig {
        seed: 1,
        nodes: 5,
        net: Default::default(),
    };
    Sim::new(config, &RaftConfig::default()).unwrap()
}

/// Client request `seq` (`add x 1`), to the leader if there is one.
fn raft_request(history: &mut History<RaftNode>, seq: u64) {
    let leader = history
        .current()
        .nodes()
        .iter()
        .find(|s| s.up && s.state.role() == concord_core::raft::Role::Leader)
        .map_or(NodeId(0), |s| s.state.id);
    let command = Command::Client {
        client: 1,
        seq,
        op: Op::add("x", 1),
    };
    let input = Input::Act {
        at: at(history),
        action: Action::Command(leader, command),
    };
    history.apply(input).unwrap();
}

/// The history spaces its snapshots and keeps them within budget by `Sim::size_estimate`: it
/// must count what a Raft run with a client holds (the logs and the checker's copies of them).
/// It once counted a hundredth of it, and an hour's snapshots filled gigabytes.
#[test]
fn raft_size_estimate_is_within_twice_what_a_snapshot_holds() {
    let _alone = alone();
    let mut history = raft_five_servers();
    for second in 1..=120 {
        history.run_until(ms(second * 1_000));
        raft_request(&mut history, second);
    }
    let held = state_bytes(history.current());
    let estimate = history.current().size_estimate();
    assert!(
        estimate * 2 >= held && estimate <= held * 2,
        "estimated {estimate} B for a state that holds {held} B"
    );
}

/// The same for Gossip, whose checker keeps a row of curves a round for as long as the run lasts
/// (RELIABILITY.md, "The hour"): once uncounted, so in a long run every snapshot held more than
/// the history budgeted for, and the browser's memory crept up with the virtual time. Four
/// nodes probing each other (SWIM) for two virtual hours: 7,200 rows, most of the state.
#[test]
fn gossip_size_estimate_counts_the_per_round_curves_of_a_long_run() {
    let _alone = alone();
    let gossip = GossipConfig {
        swim: Some(SwimConfig::default()),
        ..GossipConfig::default()
    };
    let config = SimConfig {
        seed: 1,
        nodes: 4,
        net: Default::default(),
    };
    let mut sim = Sim::<GossipNode>::new(config, &gossip).unwrap();
    sim.run_until(ms(2 * 3_600 * 1_000));
    let held = state_bytes(&sim);
    let estimate = sim.size_estimate();
    assert!(
        estimate * 2 >= held && estimate <= held * 2,
        "estimated {estimate} B for a state that holds {held} B"
    );
}

/// A long run keeps the reports of its last [`REPORTS_KEPT`] steps or so, not of every step (an
/// hour of Raft with a client is 680,000 of them, a gigabyte), and every step stays exactly
/// reachable: seeking anywhere, before the window or in it, gives the state a fresh replay of
/// the same inputs reaches, and the report that replay gave the step landed on.
#[test]
fn a_long_raft_run_keeps_a_window_of_reports_and_every_step_reachable() {
    let _alone = alone();
    let mut history = raft_five_servers();
    let mut second = 0;
    while history.len() < 2 * REPORTS_KEPT + REPORTS_KEPT / 2 {
        second += 1;
        history.run_until(ms(second * 1_000));
        raft_request(&mut history, second);
        assert!(
            history.reports().len() <= REPORTS_KEPT + REPORTS_KEPT / 4,
            "{} reports kept after {} steps",
            history.reports().len(),
            history.len()
        );
        assert_eq!(history.described(), history.len());
    }
    let (from, len) = (history.reports_from(), history.len());
    assert!(
        from >= REPORTS_KEPT,
        "reports kept from step {from} of {len}"
    );
    assert_eq!(
        history.reports().first().map(|r| r.step),
        Some(from as u64 + 1)
    );

    // Stepping back from the window's first step lands before it, described all the same.
    history.seek(from + 1);
    assert!(history.back());
    assert_eq!(history.position(), from);
    assert_eq!(history.last_report().map(|r| r.step), Some(from as u64));
    // A jump back to a mark finds none before the window and stops at its start.
    history.seek(from + 10);
    assert!(!history.back_until(|_| false));
    assert_eq!(history.position(), from);

    let mut rng = SimRng::new(16, 0);
    let mut targets = vec![0, 1, from - 1, from, from + 1, len - 1, len];
    targets.extend((0..12).map(|_| rng.below(len as u64 + 1) as usize));
    targets.sort_unstable();
    let mut fresh = raft_start();
    let mut report = None;
    let mut taken = 0;
    let recorded = history.inputs().clone();
    let mut inputs = recorded.iter();
    // When each step happened, as the fresh replay takes it.
    let mut times = Vec::new();
    for target in targets {
        while taken < target {
            report = Some(fresh.apply(inputs.next().unwrap()).unwrap());
            times.push(fresh.now());
            taken += 1;
        }
        history.seek(target);
        assert!(history.current() == &fresh, "state after step {target}");
        assert_eq!(
            history.last_report(),
            report.as_ref(),
            "report of step {target}"
        );
    }
    assert_eq!(history.reports_from(), from);

    // The history keeps the times of the latest steps and of one in TIME_EVERY before them,
    // each the replay's; going back to any time still stands after the last step at or before
    // it, found in the kept times or by stepping over the stretch between two of them.
    let mut forgotten = 0;
    for (i, &time) in times.iter().enumerate() {
        let step = i + 1;
        match history.time_of(step) {
            Some(kept) => assert_eq!(kept, time, "step {step}"),
            None => {
                assert!(
                    step <= len - REPORTS_KEPT && i % TIME_EVERY != 0,
                    "step {step} should keep its time"
                );
                forgotten += 1;
            }
        }
    }
    let most_kept = REPORTS_KEPT + REPORTS_KEPT / 4 + len / TIME_EVERY + 1;
    assert!(
        forgotten + most_kept >= len,
        "{forgotten} of {len} steps' times let go"
    );
    let mut goals = vec![
        0,
        times[1],
        times[from] - 1,
        times[from],
        times[len - 1] + 1,
    ];
    goals.extend((0..8).map(|_| rng.below(times[len - 1] + 1)));
    for goal in goals {
        let steps = times.partition_point(|&t| t <= goal);
        history.seek(steps);
        let expected = history.last_report().cloned();
        history.seek(len);
        history.seek_back_to_time(goal);
        assert_eq!(history.position(), steps, "back to {goal} µs");
        assert_eq!(
            history.last_report(),
            expected.as_ref(),
            "back to {goal} µs"
        );
    }
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn raft_five_servers_with_a_client_for_an_hour() {
    let _alone = alone();
    let minutes = std::env::var("MINUTES").map_or(60, |m| m.parse().unwrap());
    let mut seq = 0;
    play(
        "raft",
        raft_five_servers(),
        minutes,
        minutes.min(5),
        |history, _| {
            // A client request a second.
            seq += 1;
            raft_request(history, seq);
        },
    );
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn gossip_at_1000_nodes_for_ten_minutes() {
    let _alone = alone();
    play(
        "gossip",
        gossip_at_1000_nodes(&GossipConfig::default()),
        minutes(),
        1,
        |history, second| {
            // A write every ten seconds, so the cluster always has something to spread.
            if second % 10 == 0 {
                let update = GossipCommand::Update {
                    key: (second % 4) as u32,
                    value: second,
                };
                let input = Input::Act {
                    at: at(history),
                    action: Action::Command(NodeId((second % 1_000) as u16), update),
                };
                history.apply(input).unwrap();
            }
        },
    );
}

/// Gossip at 1,000 nodes probing each other (SWIM §3.1), with nothing written: the browser's
/// long session plays it with the page's settings for 1,000 nodes (about 4,000 steps a virtual
/// second), core's defaults make about 14,000.
#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn gossip_at_1000_nodes_probing() {
    let _alone = alone();
    let gossip = GossipConfig {
        swim: Some(SwimConfig::default()),
        ..GossipConfig::default()
    };
    let history = gossip_at_1000_nodes(&gossip);
    play("gossip probing", history, minutes(), 1, |_, _| {});
}

/// A measurement's virtual minutes: `MINUTES`, 10 unless set.
fn minutes() -> u64 {
    std::env::var("MINUTES").map_or(10, |m| m.parse().unwrap())
}

fn gossip_at_1000_nodes(gossip: &GossipConfig) -> History<GossipNode> {
    let config = SimConfig {
        seed: 1,
        nodes: 1_000,
        net: Default::default(),
    };
    History::new(Sim::new(config, gossip).unwrap())
}

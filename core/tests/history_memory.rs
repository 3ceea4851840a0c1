//! How much memory a run's history holds as the run goes on: the long sessions the playground
//! allows (an hour of Raft with a client, Gossip at 1,000 nodes), measured natively with a
//! counting allocator. The ignored tests are measurements: `cargo test -p concord-core --release
//! --test history_memory -- --ignored --nocapture --test-threads 1` (`MINUTES` sets their
//! length); the one that runs checks that the size estimate snapshots are spaced by holds. The browser's own figures are
//! `tests/tests/bench_long_session.rs`'s; RELIABILITY.md has both.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use concord_core::gossip::{Command as GossipCommand, GossipConfig, GossipNode};
use concord_core::raft::{Command, Op, RaftConfig, RaftNode};
use concord_core::sim::{Action, History, Input, NodeId, Protocol, Sim, SimConfig, Time, ms};

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
    let config = SimConfig {
        seed: 1,
        nodes: 5,
        net: Default::default(),
    };
    History::new(Sim::new(config, &RaftConfig::default()).unwrap())
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

#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn raft_five_servers_with_a_client_for_an_hour() {
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
    let minutes = std::env::var("MINUTES").map_or(10, |m| m.parse().unwrap());
    let config = SimConfig {
        seed: 1,
        nodes: 1_000,
        net: Default::default(),
    };
    let sim = Sim::<GossipNode>::new(config, &GossipConfig::default()).unwrap();
    play(
        "gossip",
        History::new(sim),
        minutes,
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

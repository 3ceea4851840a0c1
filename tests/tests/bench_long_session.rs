//! How much memory the page holds as a long session plays at the fastest speed (1×: an hour of
//! virtual time is an hour of wall time), each kept busy the whole hour: Raft with a client
//! sending a request every 10 s, Gossip at 1,000 nodes probing each other (SWIM §3.1: every
//! member, every second), Paxos with three proposers, one of them proposing every 10 s. A measurement, not a test:
//! `CONCORD_DIST=$PWD/dist cargo test -p concord-tests --test bench_long_session --
//! --ignored --nocapture --test-threads 1`. Each protocol plays until an hour of virtual time
//! has passed or `MINUTES` of wall time (default 90: a page on a busy machine falls behind 1×),
//! whichever comes first. It prints, every sample, the virtual time, the steps, the wasm memory
//! (which only grows: its high-water mark), the JavaScript heap and, when the bundle was built
//! with the web crate's `heap-count` feature (`trunk build --release --features heap-count`),
//! the bytes the wasm heap holds and the most it has held. RELIABILITY.md has the figures.

use std::time::{Duration, Instant};

use concord_tests::Outcome;
use concord_tests::page::{LOAD_TIMEOUT, Page, Wait};

/// Wall time between samples.
const SAMPLE: Duration = Duration::from_secs(10);

/// The virtual time a session plays: one hour, in microseconds.
const HOUR: u64 = 3_600_000_000;

/// The wasm memory's size, the JavaScript heap used and, in a build with the web crate's
/// `heap-count` feature, the bytes the wasm heap holds and the most it has held (-1 without
/// it), in bytes
/// (`wasmBindings` is the module the loader exposes; its init returns the instance it already
/// has).
const MEMORY: &str = "return (async () => {\
      const wasm = await window.wasmBindings.default();\
      return [wasm.memory.buffer.byteLength, performance.memory?.usedJSHeapSize ?? 0,\
        window.wasmBindings.heldBytes?.() ?? -1, window.wasmBindings.peakHeldBytes?.() ?? -1];\
    })();";

fn minutes() -> u64 {
    std::env::var("MINUTES").map_or(90, |m| m.parse().expect("MINUTES: a whole number"))
}

fn mib(bytes: f64) -> f64 {
    bytes / f64::from(1 << 20)
}

/// What the reader does every sample to keep the run busy.
#[derive(Clone, Copy, PartialEq)]
enum Busy {
    /// The run keeps itself busy.
    Alone,
    /// Raft's client sends `add x 1`.
    Client,
    /// The next of the three proposers proposes (Paxos: a new ballot, phases 1 and 2 again).
    Propose,
}

async fn measure(page: &Page, name: &str, busy: Busy) -> Outcome {
    // Gossip at 1,000 nodes draws a grid rather than nodes: the step counter says it is up.
    page.poll("the step counter", LOAD_TIMEOUT, async || {
        Ok(if page.exists("[data-status]").await? {
            Wait::Done(())
        } else {
            Wait::NotYet("no [data-status]".into())
        })
    })
    .await?;
    let wall = Duration::from_secs(minutes() * 60);
    let started = Instant::now();
    println!(
        "{name}: wall s, virtual s, steps, wasm memory MiB, JS heap MiB, held MiB, peak held MiB"
    );
    let mut virtual_time = 0;
    let mut sample = 0;
    while started.elapsed() < wall && virtual_time < HOUR {
        tokio::time::sleep(SAMPLE).await;
        sample += 1;
        match busy {
            Busy::Alone => {}
            Busy::Client => {
                page.fill("client-op", "add x 1").await?;
                page.press("client-send").await?;
            }
            Busy::Propose => {
                page.click_node(1 + sample % 3).await?;
                page.fill("propose-value", &format!("v{sample}")).await?;
                page.press("propose").await?;
            }
        }
        let status = page.status().await?;
        virtual_time = status.time;
        let memory = page.script(MEMORY, vec![]).await?;
        let bytes = |i: usize| memory.get(i).and_then(|v| v.as_f64()).unwrap_or_default();
        println!(
            "{name}: {:>5.0} {:>8.1} {:>9} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            started.elapsed().as_secs_f64(),
            status.time as f64 / 1e6,
            status.step,
            mib(bytes(0)),
            mib(bytes(1)),
            mib(bytes(2)),
            mib(bytes(3)),
        );
    }
    Ok(())
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn raft_with_a_client_at_the_fastest_speed() {
    let page = Page::open("/?algo=raft&nodes=5&seed=1&speed=0&autoplay=1&lang=en").await;
    let result = measure(&page, "raft", Busy::Client).await;
    page.finish("bench-long-raft", result).await;
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn gossip_at_1000_nodes_at_the_fastest_speed() {
    let page = Page::open_page(
        "/?algo=gossip&nodes=1000&swim=on&seed=1&speed=0&autoplay=1&lang=en",
        &[],
    )
    .await;
    let result = measure(&page, "gossip", Busy::Alone).await;
    page.finish("bench-long-gossip", result).await;
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn paxos_with_three_proposers_at_the_fastest_speed() {
    let page =
        Page::open("/?algo=paxos&nodes=3&proposers=3&seed=1&speed=0&autoplay=1&lang=en").await;
    let result = measure(&page, "paxos", Busy::Propose).await;
    page.finish("bench-long-paxos", result).await;
}

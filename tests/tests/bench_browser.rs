//! The browser benchmarks of issue 17, in headless Chromium on the release bundle: frame times
//! while Raft (9 servers, a client sending requests) and Gossip (2,000 nodes) play at 1×, the
//! fastest speed, and Raft's default 5 servers on a CPU slowed four times, a phone's stand-in;
//! the cost of seeking in a 100,000-step Raft history; the time to first drawing of the full
//! playground and of a documentation page with three widgets, on localhost. Apart,
//! what a protocol's own bundle costs in speed: a Gossip widget's seek through a 10,000-node
//! spread, and Raft's frames at 9 servers in an iframe embed.
//!
//! A measurement, not a test: `cargo xtask bench --browser` runs it (`CONCORD_DIST=$PWD/dist
//! cargo test -p concord-tests --test bench_browser -- --ignored --nocapture`) and it prints a
//! table with each goal beside its figures; nothing fails on a figure. BENCHMARKS.md records the
//! results. The one test the gate runs checks that the measuring scripts run and answer in the
//! shape the benchmark reads, on small pages, without judging any time.

use std::fs;
use std::time::Duration;

use concord_tests::bench::{self, Row, Summary};
use concord_tests::browser::TempDir;
use concord_tests::page::{LOAD_TIMEOUT, Page, Wait};
use concord_tests::{Failure, Outcome, ensure, site};
use serde_json::{Value, json};

/// Wall time over which frames are counted.
const FRAME_WINDOW_MS: u64 = 5_000;
/// Wall time a page plays before its frames are counted (Raft elects its first leader).
const WARM_UP: Duration = Duration::from_secs(2);
/// Loads per page for the time to first drawing.
const LOADS: usize = 7;

const RAFT_AT_NINE: &str = "/?algo=raft&nodes=9&seed=1&speed=0&autoplay=1&lang=en";
/// The default cluster, played on a phone's stand-in: Chromium's CPU slowed [`PHONE_SLOWDOWN`]
/// times (CDP `Emulation.setCPUThrottlingRate`), as Lighthouse's mobile setting slows it.
const RAFT_AT_FIVE: &str = "/?algo=raft&nodes=5&seed=1&speed=0&autoplay=1&lang=en";
const PHONE_SLOWDOWN: f64 = 4.0;
const GOSSIP_AT_2000: &str = "/?algo=gossip&nodes=2000&seed=1&speed=0&autoplay=1&lang=en";
/// Opening at step 100,000 takes every step, recorded, as playing that far does.
const LONG_HISTORY: &str = "/?algo=raft&nodes=5&seed=1&step=100000&lang=en";
const HISTORY_LEN: u64 = 100_000;
/// Where the seeks go, in order: far and near, both ends, forwards and back.
const SEEKS: [u64; 20] = [
    50_000, 0, 100_000, 25_000, 75_000, 1, 99_999, 12_345, 87_654, 33_333, 66_666, 5_000, 95_000,
    40_000, 60_000, 20_000, 80_000, 10, 99_990, 50_001,
];
const FULL_PAGE: &str = "/?algo=raft&nodes=5&seed=1&lang=en";
/// A documentation page with one widget of each protocol (as the sample page's first ones),
/// beside the bundle's files as a site vendors them.
const THREE_WIDGETS: (&str, &str) = (
    "three-widgets.html",
    r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Three widgets</title>
    <script type="module" src="./concord.js"></script>
  </head>
  <body>
    <main>
      <h1>Consensus, one message at a time</h1>
      <p>A Raft election, a gossip round and a Paxos run.</p>
      <div data-concord="raft" data-seed="7" data-nodes="5"></div>
      <div data-concord="gossip" data-seed="3" data-nodes="12"></div>
      <div data-concord="paxos" data-seed="7"></div>
    </main>
  </body>
</html>
"#,
);

/// A documentation page with one Gossip widget of 10,000 nodes (so it loads the Gossip bundle):
/// the spread of BENCHMARKS.md's "Gossip at 10,000 nodes", which converges at [`SPREAD_STEPS`].
const GOSSIP_WIDGET: (&str, &str) = (
    "gossip-widget.html",
    r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A large spread</title>
    <script type="module" src="./concord.js"></script>
  </head>
  <body>
    <main>
      <div id="spread" data-concord="gossip" data-nodes="10000" data-model="si"
           data-mode="push-pull" data-seed="1"></div>
    </main>
  </body>
</html>
"#,
);
const SPREAD_STEPS: u64 = 493_156;
/// Fresh loads of [`GOSSIP_WIDGET`], one seek each.
const SPREAD_LOADS: usize = 3;
/// Raft in an iframe embed, which starts the Raft bundle.
const RAFT_EMBED_AT_NINE: &str = "/?embed=1&algo=raft&nodes=9&seed=1&speed=0&autoplay=1&lang=en";

fn numbers(value: &Value, what: &str) -> Outcome<Vec<f64>> {
    let numbers: Option<Vec<f64>> = value
        .as_array()
        .map(|a| a.iter().map(Value::as_f64).collect())
        .unwrap_or_default();
    match numbers {
        Some(n) if !n.is_empty() && n.iter().all(|x| x.is_finite() && *x >= 0.0) => Ok(n),
        _ => Err(Failure::new(format!(
            "{what}: not a list of times: {value}"
        ))),
    }
}

fn summary(samples: &[f64], what: &str) -> Outcome<Summary> {
    Summary::of(samples).ok_or_else(|| Failure::new(format!("{what}: no samples")))
}

/// The intervals between animation frames over `ms` of wall time.
async fn frames(page: &Page, ms: u64) -> Outcome<Vec<f64>> {
    let intervals = page.script_async(bench::FRAMES, vec![json!(ms)]).await?;
    numbers(&intervals, "frame intervals")
}

/// Per jump on the timeline to each of `steps`: (input → step shown, that frame's interval).
async fn seeks(page: &Page, steps: &[u64]) -> Outcome<(Vec<f64>, Vec<f64>)> {
    let answer = page.script_async(bench::SEEKS, vec![json!(steps)]).await?;
    if let Some(error) = answer.get("error") {
        return Err(Failure::new(format!("seeking: {error}")));
    }
    let jumps = answer["jumps"].as_array().cloned().unwrap_or_default();
    ensure!(
        jumps.len() == steps.len(),
        "{} seeks asked, {} answered: {answer}",
        steps.len(),
        jumps.len()
    );
    let field = |name: &str| -> Outcome<Vec<f64>> {
        numbers(
            &Value::Array(jumps.iter().map(|j| j[name].clone()).collect()),
            name,
        )
    };
    Ok((field("shown")?, field("frame")?))
}

/// Loads `address` and waits for [`bench::FIRST_DRAWING`]'s note (installed beforehand); ms
/// from the navigation's start.
async fn first_drawing(page: &Page, address: &str) -> Outcome<f64> {
    page.browser().goto(address).await?;
    page.poll("the first drawing", LOAD_TIMEOUT, async || {
        let drawn = page.script(bench::FIRST_DRAWN, vec![]).await?;
        Ok(match drawn.as_f64() {
            Some(ms) => Wait::Done(ms),
            None => Wait::NotYet(format!("not drawn yet ({drawn})")),
        })
    })
    .await
}

/// Makes every document this browser opens from now on note its first drawing.
async fn watch_first_drawings(page: &Page) -> Outcome {
    page.browser()
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": bench::FIRST_DRAWING }),
        )
        .await
        .map(|_| ())
}

/// Chromium's running totals for the page's main thread (CDP `Performance.getMetrics`, in
/// seconds): its CPU time (`ThreadTime`), script, layout and style recalculation.
async fn main_thread(page: &Page) -> Outcome<[f64; 4]> {
    let metrics = page
        .browser()
        .cdp("Performance.getMetrics", json!({}))
        .await?;
    let metrics = metrics["metrics"].as_array().cloned().unwrap_or_default();
    let get = |name: &str| {
        metrics
            .iter()
            .find(|m| m["name"] == name)
            .and_then(|m| m["value"].as_f64())
            .ok_or_else(|| Failure::new(format!("Performance.getMetrics has no {name}")))
    };
    Ok([
        get("ThreadTime")?,
        get("ScriptDuration")?,
        get("LayoutDuration")?,
        get("RecalcStyleDuration")?,
    ])
}

/// The frame intervals over [`FRAME_WINDOW_MS`], and a line saying what the main thread spent
/// per frame meanwhile: its CPU time (which other programs on the machine do not inflate, unlike
/// the intervals), script, layout and style.
async fn frames_and_cost(page: &Page) -> Outcome<(Vec<f64>, String)> {
    let before = main_thread(page).await?;
    let intervals = frames(page, FRAME_WINDOW_MS).await?;
    let after = main_thread(page).await?;
    let per_frame = |i: usize| (after[i] - before[i]) * 1000.0 / intervals.len() as f64;
    let line = format!(
        "main thread per frame: {:.1} ms CPU; script {:.1} ms, layout {:.1} ms, style {:.1} ms",
        per_frame(0),
        per_frame(1),
        per_frame(2),
        per_frame(3)
    );
    Ok((intervals, line))
}

/// Waits until `[data-status]` is drawn (Gossip at 2,000 nodes draws a grid, not nodes).
async fn wait_for_status(page: &Page) -> Outcome {
    page.poll("[data-status]", LOAD_TIMEOUT, async || {
        Ok(if page.exists("[data-status]").await? {
            Wait::Done(())
        } else {
            Wait::NotYet("no [data-status]".into())
        })
    })
    .await
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".into(),
        |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

async fn run_benchmarks(page: &Page) -> Outcome {
    println!("load average before: {}", load_average());
    page.browser().cdp("Performance.enable", json!({})).await?;
    let mut rows = Vec::new();
    let frame_goal = |ms: &str| format!("p95 ≤ {ms} ms");

    page.browser().goto(RAFT_AT_NINE).await?;
    page.wait_for_app().await?;
    tokio::time::sleep(WARM_UP).await;
    let before = page.status().await?;
    page.script(bench::CLIENT_START, vec![]).await?;
    let (raft, cost) = frames_and_cost(page).await?;
    let sent = page.script(bench::CLIENT_STOP, vec![]).await?;
    let after = page.status().await?;
    println!(
        "Raft, 9 servers, 1×: {} steps and {sent} client requests while frames were counted; \
         {cost}",
        after.step - before.step
    );
    rows.push(Row {
        what: "frame interval: Raft, 9 servers, client request every 100 ms, 1×".into(),
        summary: summary(&raft, "Raft frames")?,
        goal: frame_goal("16.7"),
    });

    // The issue sets no goal for a slow phone; the figures say how far one is.
    page.browser().goto(RAFT_AT_FIVE).await?;
    page.wait_for_app().await?;
    tokio::time::sleep(WARM_UP).await;
    page.script(bench::CLIENT_START, vec![]).await?;
    let slowed = |rate: f64| {
        page.browser()
            .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": rate }))
    };
    slowed(PHONE_SLOWDOWN).await?;
    let phone = frames_and_cost(page).await;
    slowed(1.0).await?;
    page.script(bench::CLIENT_STOP, vec![]).await?;
    let (phone, cost) = phone?;
    println!("Raft, 5 servers, 1×, CPU slowed {PHONE_SLOWDOWN}×: {cost}");
    rows.push(Row {
        what: format!(
            "frame interval: Raft, 5 servers, client request every 100 ms, 1×, CPU slowed \
             {PHONE_SLOWDOWN}× (a phone's stand-in)"
        ),
        summary: summary(&phone, "Raft frames, CPU slowed")?,
        goal: "none set (reported)".into(),
    });

    page.browser().goto(GOSSIP_AT_2000).await?;
    wait_for_status(page).await?;
    tokio::time::sleep(WARM_UP).await;
    let before = page.status().await?;
    let (gossip, cost) = frames_and_cost(page).await?;
    let after = page.status().await?;
    println!(
        "Gossip, 2,000 nodes, 1×: {} steps while frames were counted; {cost}",
        after.step - before.step
    );
    rows.push(Row {
        what: "frame interval: Gossip, 2,000 nodes, 1×".into(),
        summary: summary(&gossip, "Gossip frames")?,
        goal: frame_goal("33"),
    });

    page.browser().goto(LONG_HISTORY).await?;
    page.wait_for_app().await?;
    let at = page.status().await?.step;
    ensure!(
        at == HISTORY_LEN,
        "the history should open at step {HISTORY_LEN}, it shows {at}"
    );
    let (shown, frame) = seeks(page, &SEEKS).await?;
    rows.push(Row {
        what: "seek in a 100,000-step Raft history: input → step shown".into(),
        summary: summary(&shown, "seeks")?,
        goal: "≤ 16.7 ms (one frame)".into(),
    });
    rows.push(Row {
        what: "seek in a 100,000-step Raft history: interval of the frame it starts".into(),
        summary: summary(&frame, "seek frames")?,
        goal: "16.7 ms (no frame dropped)".into(),
    });

    watch_first_drawings(page).await?;
    for (what, address) in [
        (
            "first drawing: full playground (Raft, 5 servers)",
            FULL_PAGE,
        ),
        (
            "first drawing: documentation page, three widgets",
            &format!("/{}", THREE_WIDGETS.0),
        ),
    ] {
        let mut times = Vec::with_capacity(LOADS);
        for _ in 0..LOADS {
            times.push(first_drawing(page, address).await?);
        }
        rows.push(Row {
            what: what.into(),
            summary: summary(&times, what)?,
            goal: "< 1000 ms".into(),
        });
    }

    println!("load average after: {}", load_average());
    println!();
    println!("{}", bench::table(&rows));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: `cargo xtask bench --browser`"]
async fn browser_benchmarks() {
    on_site("bench-browser", THREE_WIDGETS, FULL_PAGE, run_benchmarks).await;
}

/// Serve a copy of the release bundle with `page` (its file name and text) beside it, open
/// `address` there and measure with `run`; `name` names the screenshot of a failure.
async fn on_site(
    name: &str,
    page: (&str, &str),
    address: &str,
    run: impl AsyncFnOnce(&Page) -> Outcome,
) {
    let dist = concord_tests::dist_dir().expect("CONCORD_DIST");
    let site = TempDir::new(name).expect("a temporary directory");
    site::copy_bundle(&dist, site.path()).expect("the bundle copied");
    fs::write(site.path().join(page.0), page.1).expect("the page written");
    let page = Page::open_site(site.path(), address, &[]).await;
    let result = run(&page).await;
    page.finish(name, result).await;
}

/// A widget's seek to `step` through the JavaScript API (see [`bench::WIDGET_SEEK`]): ms.
async fn widget_seek(page: &Page, selector: &str, step: u64) -> Outcome<f64> {
    let answer = page
        .script_async(bench::WIDGET_SEEK, vec![json!(selector), json!(step)])
        .await?;
    answer["ms"]
        .as_f64()
        .ok_or_else(|| Failure::new(format!("seeking {selector} to step {step}: {answer}")))
}

async fn run_protocol_bundle_benchmarks(page: &Page) -> Outcome {
    println!("load average before: {}", load_average());
    page.browser().cdp("Performance.enable", json!({})).await?;
    let mut rows = Vec::new();

    // Beside the wall time, the main thread's CPU time over the seek, which other programs on
    // the machine inflate far less.
    let (mut seeks, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..SPREAD_LOADS {
        page.browser()
            .goto(&format!("/{}", GOSSIP_WIDGET.0))
            .await?;
        let before = main_thread(page).await?;
        seeks.push(widget_seek(page, "#spread", SPREAD_STEPS).await?);
        cpu.push((main_thread(page).await?[0] - before[0]) * 1000.0);
    }
    println!(
        "Gossip widget, 10,000 nodes, seek({SPREAD_STEPS}): {seeks:.0?} ms; main thread CPU {cpu:.0?} ms"
    );
    rows.push(Row {
        what: format!("Gossip widget, 10,000 nodes: seek({SPREAD_STEPS}) → step shown"),
        summary: summary(&seeks, "widget seeks")?,
        goal: "< 1000 ms (the full playground's)".into(),
    });
    rows.push(Row {
        what: "the same seeks: main thread CPU time".into(),
        summary: summary(&cpu, "widget seeks' CPU time")?,
        goal: "—".into(),
    });

    page.browser().goto(RAFT_EMBED_AT_NINE).await?;
    page.wait_for_app().await?;
    tokio::time::sleep(WARM_UP).await;
    let before = page.status().await?;
    let (raft, cost) = frames_and_cost(page).await?;
    let after = page.status().await?;
    println!(
        "Raft embed, 9 servers, 1×: {} steps while frames were counted; {cost}",
        after.step - before.step
    );
    rows.push(Row {
        what: "frame interval: Raft iframe embed, 9 servers, 1×".into(),
        summary: summary(&raft, "Raft embed frames")?,
        goal: "p95 ≤ 16.7 ms".into(),
    });

    println!("load average after: {}", load_average());
    println!();
    println!("{}", bench::table(&rows));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: `cargo xtask bench --browser`"]
async fn protocol_bundle_benchmarks() {
    let run = run_protocol_bundle_benchmarks;
    on_site(
        "bench-protocol-bundles",
        GOSSIP_WIDGET,
        RAFT_EMBED_AT_NINE,
        run,
    )
    .await;
}

/// What the benchmark reads, on small pages: frame intervals, jumps on the timeline that land
/// where they were sent, a client that sends, a first drawing noted on a fresh load.
async fn scripts_answer(page: &Page) -> Outcome {
    let intervals = frames(page, 200).await?;
    ensure!(!intervals.is_empty(), "no frame interval");
    let (shown, frame) = seeks(page, &[150, 0, 300]).await?;
    ensure!(
        shown.len() == 3 && frame.len() == 3,
        "three jumps, three answers each: {shown:?} {frame:?}"
    );
    page.script(bench::CLIENT_START, vec![]).await?;
    page.poll("a client request", LOAD_TIMEOUT, async || {
        Ok(if page.exists("[data-waiting]").await? {
            Wait::Done(())
        } else {
            Wait::NotYet("no request waiting".into())
        })
    })
    .await?;
    let sent = page.script(bench::CLIENT_STOP, vec![]).await?;
    ensure!(
        sent.as_u64().is_some_and(|n| n > 0),
        "the client should have sent: {sent}"
    );
    watch_first_drawings(page).await?;
    let drawn = first_drawing(page, "/?algo=raft&nodes=3&seed=1&lang=en").await?;
    ensure!(drawn > 0.0, "the first drawing was noted at {drawn} ms");
    page.browser().goto("/docs/index.html").await?;
    // Fails unless the widget's handle comes to stand at the step asked (its run of 12 nodes
    // ends after about a hundred steps).
    widget_seek(page, "#gossip-round", 50).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_measuring_scripts_answer_in_the_shape_the_benchmark_reads() {
    let page = Page::open("/?algo=raft&nodes=3&seed=1&step=300&lang=en").await;
    let result = scripts_answer(&page).await;
    page.finish("bench-browser-scripts", result).await;
}

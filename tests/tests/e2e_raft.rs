//! Raft in the browser: an election, stepping back and forth through history, and a re-election
//! after the leader crashes. Runs in headless Chromium against `$CONCORD_DIST` (built and set by
//! `cargo xtask test`); a failure prints the page's permalink and saves a screenshot.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Wait, describe};
use concord_tests::{Failure, Outcome, ensure};

/// A permalink: protocol, cluster size and seed.
const URL: &str = "/?algo=raft&nodes=5&seed=7";
/// Wall time an election may take at maximum speed.
const ELECTION_WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn raft_elects_one_leader_replays_history_and_reelects_after_a_crash() {
    let page = Page::open(URL).await;
    let result = scenario(&page).await;
    page.finish("raft-election", result).await;
}

async fn scenario(page: &Page) -> Outcome {
    // The URL is read on load.
    let nodes = page.nodes().await?;
    ensure!(
        nodes.iter().map(|n| n.id).eq(1..=5),
        "?nodes=5 should draw nodes 1 to 5, drew: {}",
        describe(&nodes)
    );
    ensure!(
        nodes.iter().all(|n| n.up && n.term.is_some()),
        "at the start every Raft node should be up and carry a data-term: {}",
        describe(&nodes)
    );
    let seed = page.control_value("seed").await?;
    ensure!(
        seed == "7",
        "?seed=7 should set the seed control to 7, it shows {seed:?}"
    );
    let count = page.control_value("nodes").await?;
    ensure!(
        count == "5",
        "?nodes=5 should set the nodes control to 5, it shows {count:?}"
    );

    // Run at full speed until exactly one leader is elected, then pause.
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    wait_for_nodes(page, "exactly one leader", ELECTION_WAIT, |nodes| {
        leaders(nodes).len() == 1
    })
    .await?;
    page.pause().await?;
    let mut paused = page.wait_until_still().await?;
    let mut nodes = page.nodes().await?;
    // The pause lands a frame or more after the poll saw one leader: should a node have timed
    // out meanwhile (a second candidate, a leader not yet stepped down), step on until the
    // cluster settles again.
    for _ in 0..200 {
        if leaders(&nodes).len() == 1 {
            break;
        }
        page.press("step").await?;
        paused = page.wait_for_step(paused.step + 1).await?;
        nodes = page.nodes().await?;
    }
    let leader = match leaders(&nodes).as_slice() {
        [leader] => (*leader).clone(),
        _ => {
            return Err(Failure::new(format!(
                "paused at step {} expecting exactly one leader: {}",
                paused.step,
                describe(&nodes)
            )));
        }
    };
    let term = leader.term.unwrap_or_default();
    ensure!(
        paused.step >= 3,
        "an election takes more than 3 steps, yet the leader came at step {}",
        paused.step
    );
    page.screenshot("raft-election").await?;

    // Three steps back, then three steps forward: the same step, the same cluster.
    for _ in 0..3 {
        page.press("back").await?;
    }
    page.wait_for_step(paused.step - 3)
        .await
        .map_err(|e| Failure::new(format!("3× back from step {}: {e}", paused.step)))?;
    for _ in 0..3 {
        page.press("step").await?;
    }
    page.wait_for_step(paused.step).await.map_err(|e| {
        Failure::new(format!(
            "3× back then 3× step from step {}: {e}",
            paused.step
        ))
    })?;
    let replayed = page.nodes().await?;
    ensure!(
        replayed == nodes,
        "3× back then 3× step should restore step {} exactly\n  before: {}\n  after:  {}",
        paused.step,
        describe(&nodes),
        describe(&replayed)
    );

    // Crash the leader; the others elect a new one in a higher term.
    page.click_node(leader.id).await?;
    page.press("crash").await?;
    wait_for_nodes(
        page,
        &format!("n{} to be down after crash", leader.id),
        Duration::from_secs(5),
        |nodes| nodes.iter().any(|n| n.id == leader.id && !n.up),
    )
    .await?;
    page.press("play").await?;
    let what = format!("a leader other than n{} in a term above {term}", leader.id);
    wait_for_nodes(page, &what, ELECTION_WAIT, |nodes| {
        nodes
            .iter()
            .any(|n| n.id != leader.id && n.is_leader() && n.up && n.term.is_some_and(|t| t > term))
    })
    .await?;
    page.pause().await?;
    page.screenshot("raft-after-crash").await?;
    Ok(())
}

fn leaders(nodes: &[NodeView]) -> Vec<&NodeView> {
    nodes.iter().filter(|n| n.is_leader()).collect()
}

/// Polls the drawn nodes until `done` holds for them.
async fn wait_for_nodes(
    page: &Page,
    what: &str,
    timeout: Duration,
    done: impl Fn(&[NodeView]) -> bool,
) -> Outcome {
    page.poll(what, timeout, async || {
        let nodes = page.nodes().await?;
        Ok(if done(&nodes) {
            Wait::Done(())
        } else {
            let status = page.status().await?;
            Wait::NotYet(format!("step {}: {}", status.step, describe(&nodes)))
        })
    })
    .await
}

/// Figure 2's stable storage, with writes that take time (`persist=5-10`): the candidate's first
/// step starts a write, the server says it is writing, the caption says what and how many
/// messages wait, and its RequestVotes leave only once the write is done.
#[tokio::test]
async fn raft_shows_a_server_writing_to_disk_before_it_answers_figure_2() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&persist=5-10&lang=en").await;
    let result = async {
        let mut seen = None;
        for _ in 0..40 {
            page.press("step").await?;
            let writing = page
                .attributes(r#"g[data-writing="true"]"#, "data-node")
                .await?;
            if let Some(Some(node)) = writing.first() {
                seen = Some(node.clone());
                break;
            }
        }
        let node = seen.ok_or("no server was shown writing within 40 steps")?;
        let caption = page.caption().await?;
        ensure!(
            caption.contains("writes term") && caption.contains("wait until the write is done"),
            "the caption should say what S{node} writes and what waits: {caption:?}"
        );
        ensure!(
            page.text(&format!(r#"g[data-node="{node}"] .caption"#))
                .await?
                .is_some_and(|c| c.contains("writing")),
            "S{node} should say it is writing"
        );
        page.screenshot("raft-writing-to-disk").await?;
        Ok(())
    }
    .await;
    page.finish("raft-writing", result).await;
}

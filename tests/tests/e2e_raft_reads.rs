//! Raft reads and leadership in the browser (Ongaro's thesis): a ReadIndex read answers
//! the latest committed value without a log entry (§6.4); stale reads from a partitioned
//! old leader show up as a linearizability violation; the inspector hands leadership to
//! a chosen server (§3.10). Runs in headless Chromium against `$CONCORD_DIST`.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Wait, describe};
use concord_tests::{Failure, Outcome, ensure};

/// Wall time a run may take at maximum speed to reach what a step waits for.
const WAIT: Duration = Duration::from_secs(25);

#[tokio::test]
async fn raft_read_index_read_returns_the_latest_committed_value() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&read=read-index").await;
    let result = read_index(&page).await;
    page.finish("raft-read-index", result).await;
}

#[tokio::test]
async fn raft_stale_reads_from_a_partitioned_old_leader_break_linearizability() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&read=stale").await;
    let result = stale_read(&page).await;
    page.finish("raft-stale-read", result).await;
}

#[tokio::test]
async fn raft_leadership_moves_to_the_server_chosen_in_the_inspector() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&switches=noop,pre-vote,check-quorum").await;
    let result = transfer(&page).await;
    page.finish("raft-transfer", result).await;
}

async fn elect(page: &Page) -> Outcome<NodeView> {
    page.elect_leader(WAIT).await
}

/// Send a quick operation from the client panel to server `to`.
async fn send(page: &Page, to: u32, op: &str) -> Outcome {
    page.click(&format!("[data-client-server=\"{to}\"]"))
        .await?;
    page.click(&format!("[data-quick=\"{op}\"]")).await
}

/// Play until the client panel shows a done reply to request `seq`; returns its value and
/// read mode.
async fn reply(page: &Page, seq: u64) -> Outcome<(Option<String>, Option<String>)> {
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let found = page
        .poll(&format!("a reply to request #{seq}"), WAIT, async || {
            let r = page
                .script(
                    &format!(
                        "const r = document.querySelector('[data-reply=\"{seq}\"][data-outcome=\"done\"]');\
                         return r ? [r.getAttribute('data-value'), r.getAttribute('data-read-mode')] : null;"
                    ),
                    vec![],
                )
                .await?;
            Ok(match r.as_array() {
                Some(pair) => Wait::Done((
                    pair[0].as_str().map(str::to_owned),
                    pair[1].as_str().map(str::to_owned),
                )),
                None => Wait::NotYet(describe(&page.nodes().await?)),
            })
        })
        .await?;
    page.pause().await?;
    Ok(found)
}

/// Step until the clock moves, so that what comes next happens strictly after what came before.
async fn let_time_pass(page: &Page) -> Outcome {
    let start = page.status().await?.time;
    for _ in 0..50 {
        page.press("step").await?;
        if page.status().await?.time > start {
            return Ok(());
        }
    }
    Err(Failure::new("fifty steps and the clock did not move"))
}

async fn read_index(page: &Page) -> Outcome {
    let mode = page
        .script(
            "const s = document.querySelector('[data-control=\"client-read\"]');\
             return s ? s.value : null;",
            vec![],
        )
        .await?;
    ensure!(
        mode.as_str() == Some("read-index"),
        "?read=read-index should select ReadIndex in the client panel, it shows {mode:?}"
    );
    let leader = elect(page).await?;
    send(page, leader.id, "set x 1").await?;
    reply(page, 1).await?;
    send(page, leader.id, "add x 1").await?;
    reply(page, 2).await?;
    // The read goes to a follower, which passes it to the leader.
    let follower = if leader.id == 1 { 2 } else { 1 };
    send(page, follower, "get x").await?;
    let (value, mode) = reply(page, 3).await?;
    ensure!(
        value.as_deref() == Some("2") && mode.as_deref() == Some("read-index"),
        "the ReadIndex read should answer 2, the last committed value; got {value:?} ({mode:?})"
    );
    let gets = page
        .attributes("[data-entry][data-command=\"get x\"]", "data-entry")
        .await?;
    ensure!(
        gets.is_empty(),
        "a ReadIndex read adds no log entry: {gets:?}"
    );
    let violation = page.exists("[data-violation]").await?;
    ensure!(!violation, "no violation with ReadIndex");
    page.scroll_to("[data-client-panel]").await?;
    page.screenshot("raft-read-index").await?;
    Ok(())
}

async fn stale_read(page: &Page) -> Outcome {
    let old = elect(page).await?;
    let old_term = old.term.unwrap_or_default();
    send(page, old.id, "set x 1").await?;
    reply(page, 1).await?;
    // Cut the leader off alone; the majority elects a new one.
    page.click(&format!("[data-partition-node=\"{}\"]", old.id))
        .await?;
    page.press("partition").await?;
    page.press("play").await?;
    let new = page
        .poll("a new leader on the majority side", WAIT, async || {
            let nodes = page.nodes().await?;
            let new = nodes
                .iter()
                .find(|n| n.id != old.id && n.is_leader() && n.term.is_some_and(|t| t > old_term));
            Ok(match new {
                Some(n) => Wait::Done(n.clone()),
                None => Wait::NotYet(describe(&nodes)),
            })
        })
        .await?;
    page.pause().await?;
    send(page, new.id, "add x 1").await?;
    let (value, _) = reply(page, 2).await?;
    ensure!(
        value.as_deref() == Some("2"),
        "`add x 1` on the new leader should answer 2, got {value:?}"
    );
    let_time_pass(page).await?;
    // The old leader still believes it leads and answers from its own state machine.
    send(page, old.id, "get x").await?;
    let seen = page
        .poll("a violation banner", WAIT, async || {
            let v = page
                .script(
                    "const v = document.querySelector('[data-violation]');\
                     return v ? v.getAttribute('data-violation') : null;",
                    vec![],
                )
                .await?;
            Ok(match v.as_str() {
                Some(name) => Wait::Done(name.to_owned()),
                None => Wait::NotYet("no banner".into()),
            })
        })
        .await?;
    ensure!(
        seen == "linearizability",
        "the stale read should break linearizability, the banner says {seen:?}"
    );
    let stale = page
        .script(
            "const r = document.querySelector('[data-reply=\"3\"]');\
             return r ? r.getAttribute('data-value') : null;",
            vec![],
        )
        .await?;
    ensure!(
        stale.as_str() == Some("1"),
        "the old leader should have answered 1, it answered {stale}"
    );
    page.script("window.scrollTo(0, 0);", vec![]).await?;
    page.screenshot("raft-stale-read").await?;
    Ok(())
}

async fn transfer(page: &Page) -> Outcome {
    let leader = elect(page).await?;
    let term = leader.term.unwrap_or_default();
    let target = if leader.id == 4 { 5 } else { 4 };
    page.click_node(leader.id).await?;
    page.click(&format!("[data-action=\"transfer\"][data-to=\"{target}\"]"))
        .await?;
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let now = page
        .poll(&format!("n{target} leader"), WAIT, async || {
            let nodes = page.nodes().await?;
            Ok(match nodes.iter().find(|n| n.is_leader()) {
                Some(n) if n.id == target => Wait::Done(n.clone()),
                _ => Wait::NotYet(describe(&nodes)),
            })
        })
        .await?;
    page.pause().await?;
    ensure!(
        now.term == Some(term + 1),
        "the transfer should take one election: term {term} → {:?}",
        now.term
    );
    page.script("window.scrollTo(0, 0);", vec![]).await?;
    page.screenshot("raft-transfer").await?;
    Ok(())
}

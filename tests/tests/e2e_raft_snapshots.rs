//! Raft's log compaction in the browser (§7, Figure 13): with snapshots every two entries, a
//! follower that was down while the leader compacted its log catches up through an
//! InstallSnapshot, seen in the captions, the message inspector and the log grid's snapshot
//! blocks. Runs in headless Chromium against `$CONCORD_DIST`.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Wait, describe};
use concord_tests::{Failure, Outcome, ensure};
use serde_json::json;

const URL: &str = "/?algo=raft&nodes=3&seed=7&snapshot=2";
/// Wall time a run may take at maximum speed to reach what a step waits for.
const WAIT: Duration = Duration::from_secs(25);

#[tokio::test]
async fn raft_follower_catches_up_through_install_snapshot() {
    let page = Page::open(URL).await;
    let result = catch_up(&page).await;
    page.finish("raft-snapshots", result).await;
}

/// The snapshot block of server `id`'s log row, as `(lastIncludedIndex, lastIncludedTerm)`.
async fn snapshot_of(page: &Page, id: u32) -> Outcome<Option<(u64, u64)>> {
    let raw = page
        .script(
            "const b = document.querySelector(`[data-log-row=\"${arguments[0]}\"] [data-snapshot]`);\
             return b ? b.getAttribute('data-snapshot') : null;",
            vec![json!(id)],
        )
        .await?;
    let Some(text) = raw.as_str() else {
        return Ok(None);
    };
    let bad = || Failure::new(format!("unexpected data-snapshot {text:?}"));
    let (index, term) = text.split_once(':').ok_or_else(bad)?;
    Ok(Some((
        index.parse().map_err(|_| bad())?,
        term.parse().map_err(|_| bad())?,
    )))
}

async fn elect(page: &Page) -> Outcome<NodeView> {
    page.elect_leader(WAIT).await
}

/// Client request `seq` (`add x 1`) to `leader`, played until its reply is shown.
async fn request(page: &Page, leader: u32, seq: u64) -> Outcome {
    page.click(&format!("[data-client-server=\"{leader}\"]"))
        .await?;
    page.fill("client-op", "add x 1").await?;
    page.press("client-send").await?;
    page.press("play").await?;
    page.poll(&format!("the reply to request {seq}"), WAIT, async || {
        let done = page
            .exists(&format!("[data-reply=\"{seq}\"][data-outcome=\"done\"]"))
            .await?;
        Ok(if done {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&page.nodes().await?))
        })
    })
    .await?;
    page.pause().await
}

/// An InstallSnapshot in the list of next events.
const IN_FLIGHT: &str = "li.pending-msg:has(.install-snapshot)";

/// Opens the InstallSnapshot in flight in the message inspector: its fields carry Figure 13's
/// names and the snapshot's state machine.
async fn inspect_install_snapshot(page: &Page) -> Outcome {
    page.click(&format!("{IN_FLIGHT} button.link")).await?;
    let fields = page.text("[data-msg-inspector]").await?.unwrap_or_default();
    ensure!(
        [
            "lastIncludedIndex",
            "lastIncludedTerm",
            "offset",
            "done",
            "x = "
        ]
        .iter()
        .all(|f| fields.contains(f)),
        "the message inspector should list InstallSnapshot's fields: {fields:?}"
    );
    page.screenshot("raft-snapshots-in-flight").await?;
    Ok(())
}

async fn catch_up(page: &Page) -> Outcome {
    // The URL's settings are in the panel.
    let ticked = page
        .script(
            "const c = document.querySelector('[data-switch=\"snapshot\"]');\
             return c ? c.checked : null;",
            vec![],
        )
        .await?;
    ensure!(
        ticked == json!(true),
        "?snapshot=2 should tick the snapshots switch, it is {ticked}"
    );
    ensure!(
        page.control_value("snapshot").await? == "2",
        "?snapshot=2 should set the threshold to 2"
    );
    let leader = elect(page).await?;
    page.set_range_to_max("speed").await?;
    let follower = page
        .nodes()
        .await?
        .into_iter()
        .find(|n| n.id != leader.id)
        .ok_or_else(|| Failure::new("no follower"))?;
    page.click_node(follower.id).await?;
    page.press("crash").await?;
    for seq in 1..=4 {
        request(page, leader.id, seq).await?;
    }
    page.press("play").await?;
    let compacted = page
        .poll("the leader's log compacted", WAIT, async || {
            Ok(match snapshot_of(page, leader.id).await? {
                Some((index, _)) if index >= 3 => Wait::Done(index),
                other => Wait::NotYet(format!("leader's snapshot {other:?}")),
            })
        })
        .await?;
    page.pause().await?;
    ensure!(
        snapshot_of(page, follower.id).await?.is_none(),
        "the crashed follower took no snapshot"
    );
    page.scroll_to(".log-grid-panel").await?;
    page.screenshot("raft-snapshots-compacted").await?;
    // The leader may have sent its snapshot while the run played: in flight to the crashed
    // follower, it arrives after the restart. Otherwise it is sent in one of the steps below.
    let mut sent = page.exists(IN_FLIGHT).await?;
    if sent {
        inspect_install_snapshot(page).await?;
    }
    // Back up: step until the follower installs the leader's snapshot.
    // The follower's inspector may still be open from the crash; a click would close it.
    if !page.exists("[data-action=\"restart\"]").await? {
        page.click_node(follower.id).await?;
    }
    page.press("restart").await?;
    let mut installed = false;
    for _ in 0..600 {
        page.press("step").await?;
        let caption = page.caption().await?;
        if !sent && caption.contains("sends it its snapshot") {
            sent = true;
            ensure!(
                page.exists(".dots .dot.install-snapshot").await?,
                "an InstallSnapshot in flight should be drawn as its own dot: {caption}"
            );
            inspect_install_snapshot(page).await?;
        }
        if caption.contains("installed") && caption.contains("snapshot") {
            installed = true;
            break;
        }
    }
    ensure!(
        sent && installed,
        "no InstallSnapshot sent ({sent}) and installed ({installed}) within 600 steps"
    );
    let (index, _) = snapshot_of(page, follower.id)
        .await?
        .ok_or_else(|| Failure::new("the follower's row shows no snapshot after installing"))?;
    ensure!(
        index >= compacted,
        "the follower's snapshot reaches index {index}, the leader had compacted up to {compacted}"
    );
    // The inspector shows the follower's snapshot and its log's first index.
    if !page.exists("[data-field=\"first-index\"]").await? {
        page.click_node(follower.id).await?;
    }
    let first = page.text("[data-field=\"first-index\"]").await?;
    ensure!(
        first.as_deref() == Some(&(index + 1).to_string()),
        "the inspector's first log index should be {}, is {first:?}",
        index + 1
    );
    let snapshot = page
        .text("[data-field=\"snapshot\"]")
        .await?
        .unwrap_or_default();
    ensure!(
        snapshot.contains("x = "),
        "the inspector should show the snapshot's state machine: {snapshot:?}"
    );
    page.scroll_to(".log-grid-panel").await?;
    page.screenshot("raft-snapshots-installed").await?;
    Ok(())
}

/// Snapshots, a membership change and a ReadIndex read in one run: the spare S4 is added as a
/// voter after the leader compacted its log, so it starts from the leader's snapshot
/// (InstallSnapshot, with the configuration the snapshot keeps); then a `get` is answered by
/// ReadIndex over the compacted log, with the value every request wrote. Screenshots at desktop
/// and phone width.
#[tokio::test]
async fn raft_snapshots_membership_and_read_index_together() {
    let page = Page::open("/?algo=raft&nodes=3&spare=1&seed=7&snapshot=2&read=read-index").await;
    let result = together(&page).await;
    page.finish("raft-snapshots-together", result).await;
}

async fn together(page: &Page) -> Outcome {
    let leader = elect(page).await?;
    page.set_range_to_max("speed").await?;
    for seq in 1..=3 {
        request(page, leader.id, seq).await?;
    }
    page.click("[data-member-action=\"add-voter\"][data-server=\"4\"]")
        .await?;
    page.press("play").await?;
    page.poll("S4 a voter, started from a snapshot", WAIT, async || {
        let member = page
            .attributes("[data-node=\"4\"]", "data-member")
            .await?
            .into_iter()
            .flatten()
            .next();
        let snapshot = snapshot_of(page, 4).await?;
        Ok(match (member.as_deref(), snapshot) {
            (Some("voter"), Some(_)) => Wait::Done(()),
            other => Wait::NotYet(format!("S4: {other:?}")),
        })
    })
    .await?;
    page.pause().await?;
    page.click(&format!("[data-client-server=\"{}\"]", leader.id))
        .await?;
    page.click("[data-quick=\"get x\"]").await?;
    page.press("play").await?;
    let read = page
        .poll("the read's reply", WAIT, async || {
            let r = page
                .script(
                    "const r = document.querySelector('[data-reply=\"4\"][data-outcome=\"done\"]');\
                     return r ? [r.getAttribute('data-value'), r.getAttribute('data-read-mode')] : null;",
                    vec![],
                )
                .await?;
            Ok(match r.as_array() {
                Some(pair) => Wait::Done(pair.clone()),
                None => Wait::NotYet(describe(&page.nodes().await?)),
            })
        })
        .await?;
    page.pause().await?;
    ensure!(
        read == [json!("3"), json!("read-index")],
        "the ReadIndex read should return x = 3, it returned {read:?}"
    );
    ensure!(
        !page.exists("[data-violation]").await?,
        "no invariant should break"
    );
    page.screenshot("raft-snapshots-together").await?;
    page.browser().client.set_window_size(390, 844).await?;
    page.scroll_to(".log-grid-panel").await?;
    page.screenshot("raft-snapshots-together-narrow").await?;
    page.browser().client.set_window_size(1280, 900).await?;
    Ok(())
}

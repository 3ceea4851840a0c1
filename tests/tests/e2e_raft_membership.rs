//! Raft membership changes in the browser (thesis chapter 4): a spare server added from the
//! membership panel joins as learner, catches up and is promoted to voter; the leader removed
//! steps down and the remaining voters elect a new one. Runs in headless Chromium against
//! `$CONCORD_DIST`.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Wait, describe};
use concord_tests::{Failure, Outcome, ensure};

/// Wall time a run may take at maximum speed to reach what a step waits for.
const WAIT: Duration = Duration::from_secs(25);

#[tokio::test]
async fn raft_adds_a_server_that_catches_up_as_learner_then_votes() {
    let page = Page::open("/?algo=raft&nodes=3&spare=1&seed=7&switches=noop,catch-up").await;
    let result = add_server(&page).await;
    page.finish("raft-membership-add", result).await;
}

#[tokio::test]
async fn raft_removes_the_leader_and_the_rest_elect_a_new_one() {
    let page = Page::open("/?algo=raft&nodes=3&seed=7").await;
    let result = remove_leader(&page).await;
    page.finish("raft-membership-remove-leader", result).await;
}

/// A leader elected and its no-op committed: a leader takes no change before it has committed
/// an entry of its term (thesis §4.1).
async fn elect(page: &Page) -> Outcome<NodeView> {
    let leader = page.elect_leader(WAIT).await?;
    // The second goal: "until an entry is committed".
    page.script(
        "document.querySelectorAll('[data-action=\"until-goal\"]')[1].click();",
        vec![],
    )
    .await?;
    let row = format!("[data-log-row=\"{}\"]", leader.id);
    page.poll("the leader's no-op committed", WAIT, async || {
        let commit = page.attributes(&row, "data-commit-index").await?;
        Ok(match commit.first().cloned().flatten() {
            Some(c) if c != "0" => Wait::Done(()),
            c => Wait::NotYet(format!("commit index {c:?}")),
        })
    })
    .await?;
    Ok(leader)
}

/// What server `id` is in the configuration it uses, as its node in the cluster says.
async fn member(page: &Page, id: u32) -> Outcome<String> {
    page.attributes(&format!("[data-node=\"{id}\"]"), "data-member")
        .await?
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| Failure::new(format!("no data-member on node {id}")))
}

/// The outcome class of the membership panel's reply to request `seq`, if there is one.
async fn reply(page: &Page, seq: u64) -> Outcome<Option<String>> {
    Ok(page
        .attributes(&format!("[data-member-reply=\"{seq}\"]"), "data-outcome")
        .await?
        .into_iter()
        .flatten()
        .next())
}

async fn show_cluster(page: &Page) -> Outcome {
    page.script(
        "document.querySelector('svg.cluster').scrollIntoView({ block: 'start' });",
        vec![],
    )
    .await
    .map(|_| ())
}

async fn add_server(page: &Page) -> Outcome {
    ensure!(
        member(page, 4).await? == "outside",
        "the spare S4 should start outside the configuration"
    );
    elect(page).await?;
    page.click("[data-member-action=\"add-voter\"][data-server=\"4\"]")
        .await?;
    // The leader appended the configuration with S4 as learner, and uses it at once.
    let row = page
        .attributes("[data-member-row=\"4\"]", "data-member")
        .await?;
    ensure!(
        row == [Some("learner".to_owned())],
        "the panel should show S4 as learner in the leader's configuration: {row:?}"
    );
    // Step by step until S4 holds that entry: it is a learner in its own eyes too.
    let mut steps = 0;
    while member(page, 4).await? != "learner" {
        ensure!(steps < 300, "S4 never became a learner in 300 steps");
        page.press("step").await?;
        steps += 1;
    }
    let config_cells = page
        .attributes("[data-log-row=\"4\"] .lg-cell.config", "data-command")
        .await?;
    ensure!(
        !config_cells.is_empty(),
        "S4's log row should show the configuration entry"
    );
    show_cluster(page).await?;
    page.screenshot("raft-membership-learner").await?;
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    page.poll(
        "S4 promoted to voter and the change answered",
        WAIT,
        async || {
            let (m, r) = (member(page, 4).await?, reply(page, 1).await?);
            Ok(if m == "voter" && r.as_deref() == Some("done") {
                Wait::Done(())
            } else {
                Wait::NotYet(format!("S4 is {m}, reply {r:?}"))
            })
        },
    )
    .await?;
    page.pause().await?;
    let caption_log = page
        .attributes("[data-member-row=\"4\"]", "data-member")
        .await?;
    ensure!(
        caption_log == [Some("voter".to_owned())],
        "the panel should list S4 as voter: {caption_log:?}"
    );
    show_cluster(page).await?;
    page.screenshot("raft-membership-voter").await?;
    page.browser().client.set_window_size(390, 844).await?;
    page.script(
        "document.querySelector('[data-membership-panel]').scrollIntoView({ block: 'start' });",
        vec![],
    )
    .await?;
    page.screenshot("raft-membership-narrow").await?;
    page.browser().client.set_window_size(1280, 900).await?;
    Ok(())
}

async fn remove_leader(page: &Page) -> Outcome {
    let old = elect(page).await?;
    page.click(&format!(
        "[data-member-action=\"remove\"][data-server=\"{}\"]",
        old.id
    ))
    .await?;
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let what = "the removed leader outside the configuration and a new leader among the rest";
    let new = page
        .poll(what, WAIT, async || {
            let nodes = page.nodes().await?;
            let out = member(page, old.id).await?;
            let leader = nodes
                .iter()
                .find(|n| n.is_leader() && n.up && n.id != old.id)
                .cloned();
            Ok(match leader {
                Some(l) if out == "outside" && reply(page, 1).await?.is_some() => Wait::Done(l),
                _ => Wait::NotYet(format!("{}; S{} is {out}", describe(&nodes), old.id)),
            })
        })
        .await?;
    page.pause().await?;
    ensure!(
        new.term > old.term,
        "the new leader {new} should be of a later term than {old}"
    );
    let nodes = page.nodes().await?;
    let removed = nodes.iter().find(|n| n.id == old.id).cloned();
    ensure!(
        removed.as_ref().is_some_and(|n| !n.is_leader()),
        "the removed server should no longer lead: {}",
        describe(&nodes)
    );
    show_cluster(page).await?;
    page.screenshot("raft-membership-removed-leader").await?;
    Ok(())
}

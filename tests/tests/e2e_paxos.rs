//! Paxos in the browser: a full two-phase round, a proposal made from the node inspector with a
//! message dropped on the way, and a "break it" switch whose damage the page shows. Runs in
//! headless Chromium against `$CONCORD_DIST` (built and set by `cargo xtask test`); a failure
//! prints the page's permalink and saves a screenshot.
//!
//! The seeds were picked by running the core natively (the web crate's `settings` tests pin the
//! break-it one): with one proposer any seed chooses `A` at step 9; with two proposers and
//! `ignore_accepted`, seed 1 chooses `B` and then `A` at step 38.

use std::time::Duration;

use concord_tests::page::{Page, Wait, describe};
use concord_tests::{Outcome, ensure};

/// One proposer, three acceptors, one learner; proposers start on their own.
const ROUND: &str = "/?algo=paxos&nodes=3&proposers=1&learners=1&seed=7";
/// The same cluster, waiting for the user to propose.
const MANUAL: &str = "/?algo=paxos&nodes=3&proposers=1&learners=1&start=manual&seed=7";
/// Two proposers that ignore accepted values (table row 4 broken).
const BROKEN: &str = "/?algo=paxos&nodes=3&proposers=2&learners=1&breaks=ignore_accepted&seed=1";
/// Wall time a run may take at maximum speed (it needs well under a second of virtual time).
const RUN_WAIT: Duration = Duration::from_secs(20);
/// A phone's viewport, for the narrow screenshots.
const NARROW: (u32, u32) = (390, 844);

#[tokio::test]
async fn paxos_one_proposer_gets_its_value_chosen_then_learned() {
    let page = Page::open(ROUND).await;
    let result = full_round(&page).await;
    page.finish("paxos-round", result).await;
}

#[tokio::test]
async fn paxos_proposal_from_the_inspector_is_chosen_before_it_is_learned() {
    let page = Page::open(MANUAL).await;
    let result = step_by_step(&page).await;
    page.finish("paxos-steps", result).await;
}

#[tokio::test]
async fn paxos_ignoring_accepted_values_shows_two_values_chosen() {
    let page = Page::open(BROKEN).await;
    let result = broken(&page).await;
    page.finish("paxos-break-ignore-accepted", result).await;
}

async fn full_round(page: &Page) -> Outcome {
    // The URL's counts give the layout: S1 proposes, S2–S4 accept, S5 learns.
    let nodes = page.nodes().await?;
    let roles: Vec<&str> = nodes.iter().map(|n| n.role.as_str()).collect();
    ensure!(
        roles == ["proposer", "acceptor", "acceptor", "acceptor", "learner"],
        "nodes=3&proposers=1&learners=1 should draw one proposer, three acceptors and one learner, \
         drew: {}",
        describe(&nodes)
    );
    ensure!(
        !page.exists("[data-chosen]").await?,
        "nothing can be chosen before the first step"
    );

    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let chosen = wait_for_chosen_and_learned(page).await?;
    page.pause().await?;
    ensure!(
        chosen == "A",
        "the only proposer starts with value A, yet the page shows {chosen:?} chosen"
    );

    // The acceptor table: acceptedValue equals the chosen value on a majority of the three.
    let accepted = page
        .attributes("tr[data-acceptor]", "data-accepted-value")
        .await?;
    let agreeing = accepted
        .iter()
        .filter(|v| v.as_deref() == Some(&chosen))
        .count();
    ensure!(
        accepted.len() == 3 && agreeing >= 2,
        "the acceptor table should show acceptedValue {chosen:?} on a majority of 3 acceptors, \
         it shows {accepted:?}"
    );
    let stage = page.attributes("tr[data-proposer]", "data-stage").await?;
    ensure!(
        stage == [Some("done".to_owned())],
        "S1 should know its value is chosen (stage done), its row says {stage:?}"
    );
    let caption = page.caption().await?;
    ensure!(
        caption.contains('§'),
        "the caption should cite a section of Paxos Made Simple: {caption:?}"
    );
    screenshots(page, "paxos-round").await
}

async fn step_by_step(page: &Page) -> Outcome {
    // Nobody proposes until asked: propose "tea" at S1 from its inspector.
    page.click_node(1).await?;
    page.fill("propose-value", "tea").await?;
    page.press("propose").await?;
    page.wait_for_step(1).await?;
    let prepares = page.attributes("g[data-msg]", "data-msg").await?;
    ensure!(
        prepares.len() == 3,
        "proposing should send Prepare to the three acceptors, {} messages are in flight",
        prepares.len()
    );
    let caption = page.caption().await?;
    ensure!(
        caption.contains("Prepare(1.1)") && caption.contains("table rows 1–2"),
        "the caption should name Prepare(1.1) and table rows 1–2: {caption:?}"
    );

    // Click the first Prepare: the inspector shows its proposal number; drop it.
    page.click("g[data-msg]").await?;
    let inspector = page.text("[data-msg-inspector]").await?.unwrap_or_default();
    ensure!(
        inspector.contains("Prepare(1.1)") && inspector.contains("1.1"),
        "the message inspector should show Prepare(1.1) and its n: {inspector:?}"
    );
    page.screenshot("paxos-message").await?;
    page.press("drop").await?;
    page.wait_for_step(2).await?;
    let left = page.attributes("g[data-msg]", "data-msg").await?.len();
    ensure!(
        left == 2,
        "after dropping one Prepare two should be in flight, {left} are"
    );
    let caption = page.caption().await?;
    ensure!(
        caption.starts_with("Dropped by hand: Prepare(1.1) from "),
        "the caption should name the Prepare dropped by hand: {caption:?}"
    );

    // Step until a majority has accepted: the page says "chosen" before the learner knows.
    let mut steps = 2;
    while !page.exists("[data-chosen]").await? {
        ensure!(steps < 40, "nothing was chosen after {steps} steps");
        page.press("step").await?;
        steps += 1;
        page.wait_for_step(steps).await?;
    }
    let chosen = page.attributes("[data-chosen]", "data-chosen").await?;
    ensure!(
        chosen == [Some("tea".to_owned())],
        "the page should show \"tea\" chosen, it shows {chosen:?}"
    );
    let learned = page.attributes("tr[data-learner]", "data-learned").await?;
    ensure!(
        learned == [Some(String::new())],
        "at the step a majority accepts, the learner cannot know yet; its row says {learned:?}"
    );
    let caption = page.caption().await?;
    ensure!(
        caption.contains("table row 6"),
        "a value becomes chosen when an acceptor accepts (table row 6): {caption:?}"
    );
    page.screenshot("paxos-chosen-not-learned").await?;

    // A few more steps and the learner hears from a majority.
    page.poll("the learner to learn \"tea\"", RUN_WAIT, async || {
        let learned = page.attributes("tr[data-learner]", "data-learned").await?;
        if learned == [Some("tea".to_owned())] {
            return Ok(Wait::Done(()));
        }
        page.press("step").await?;
        Ok(Wait::NotYet(format!("learner row: {learned:?}")))
    })
    .await?;
    Ok(())
}

async fn broken(page: &Page) -> Outcome {
    // The switch is held in the URL, so the link reproduces the run.
    ensure!(
        page.is_checked(r#"input[data-switch="ignore-accepted"]"#)
            .await?,
        "the older spelling breaks=ignore_accepted should tick its switch"
    );
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    page.poll("the violation banner", RUN_WAIT, async || {
        Ok(if page.exists("[data-violation]").await? {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("step {}", page.status().await?.step))
        })
    })
    .await?;
    let invariant = page
        .attributes("[data-violation]", "data-violation")
        .await?;
    ensure!(
        invariant == [Some("paxos-agreement".to_owned())],
        "the banner should name the agreement invariant, it names {invariant:?}"
    );
    let banner = page.text("[data-violation]").await?.unwrap_or_default();
    ensure!(
        banner.contains("Two values were chosen") && banner.contains("§2.1"),
        "the banner should say in a sentence that two values were chosen (§2.1): {banner:?}"
    );
    let values = page
        .attributes("[data-chosen-values]", "data-chosen-values")
        .await?;
    ensure!(
        values == [Some("B,A".to_owned())],
        "the chosen banner should list both values, B then A; it lists {values:?}"
    );
    // Playback stops at the step that broke the invariant.
    let status = page.wait_until_still().await?;
    ensure!(
        status.step == 38,
        "the run should stop at step 38, where the second value is chosen; it stopped at {}",
        status.step
    );
    ensure!(
        page.exists("[data-action=\"play\"]").await?,
        "playback should pause on a violation"
    );
    screenshots(page, "paxos-break").await
}

/// Saves `<name>.png` (the drawing) and `<name>-state.png` (the tables under it) at desktop
/// width, then `<name>-narrow*.png` the same at a phone's width.
async fn screenshots(page: &Page, name: &str) -> Outcome {
    for suffix in ["", "-narrow"] {
        if suffix == "-narrow" {
            page.resize(NARROW.0, NARROW.1).await?;
        }
        page.scroll_to(".playground").await?;
        page.screenshot(&format!("{name}{suffix}")).await?;
        page.scroll_to(".paxos-state").await?;
        page.screenshot(&format!("{name}{suffix}-state")).await?;
    }
    Ok(())
}

/// Waits until the page shows a chosen value, the learner has learned it and the proposer knows
/// it (each from its own two Accepted, which arrive in either order); returns the value.
async fn wait_for_chosen_and_learned(page: &Page) -> Outcome<String> {
    page.poll(
        "a chosen value, learned by S5, known to S1",
        RUN_WAIT,
        async || {
            let chosen = page.attributes("[data-chosen]", "data-chosen").await?;
            let learned = page.attributes("tr[data-learner]", "data-learned").await?;
            let stage = page.attributes("tr[data-proposer]", "data-stage").await?;
            Ok(
                match (chosen.as_slice(), learned.as_slice(), stage.as_slice()) {
                    ([Some(c)], [Some(l)], [Some(s)]) if c == l && s == "done" => {
                        Wait::Done(c.clone())
                    }
                    _ => Wait::NotYet(format!(
                        "step {}: chosen {chosen:?}, learned {learned:?}, S1's stage {stage:?}",
                        page.status().await?.step
                    )),
                },
            )
        },
    )
    .await
}

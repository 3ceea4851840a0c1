//! Stepping through by hand: the user delivers a message out of order from the pending list,
//! steps back, copies the permalink and opens it in a fresh page, which shows the same state at
//! the same step. Also the help overlay and the space-time diagram.

use std::time::Duration;

use concord_tests::page::{Page, Wait, describe};
use concord_tests::{Outcome, ensure};
use serde_json::Value;

const URL: &str = "/?algo=raft&nodes=3&seed=5&lang=en";

#[tokio::test]
async fn deliver_out_of_order_step_back_and_reopen_the_permalink() {
    let mut page = Page::open(URL).await;
    let result = scenario(&mut page).await;
    page.finish("manual-stepping", result).await;
}

/// Ids of the messages in the pending list, earliest delivery first.
async fn pending_messages(page: &Page) -> Outcome<Vec<u64>> {
    let ids = page
        .script(
            "return [...document.querySelectorAll('[data-pending-msg]')]\
                .map(e => Number(e.getAttribute('data-pending-msg')));",
            vec![],
        )
        .await?;
    Ok(ids
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default())
}

async fn scenario(page: &mut Page) -> Outcome {
    // "Until a leader is elected": the new leader's heartbeats are all in flight.
    page.press("until-goal").await?;
    let elected = page.wait_until_still().await?;
    let nodes = page.nodes().await?;
    ensure!(
        nodes.iter().filter(|n| n.is_leader()).count() == 1,
        "stepping until a leader is elected should stop with one leader: {}",
        describe(&nodes)
    );
    let pending = pending_messages(page).await?;
    ensure!(
        pending.len() >= 2,
        "a new leader's heartbeats should be pending, found {pending:?}"
    );

    // Deliver the message due last, ahead of all the others.
    let last = *pending.last().expect("two or more");
    let row = page
        .text(&format!("[data-pending-msg=\"{last}\"]"))
        .await?
        .unwrap_or_default();
    // The row reads `heartbeat S3→S1 · term 1`: the caption should name the same message.
    let kind = row.split(" S").next().unwrap_or_default().trim().to_owned();
    let route = row
        .split_whitespace()
        .find_map(|w| w.split_once('→'))
        .map(|(from, to)| format!("{kind} from {from} to {to}"))
        .unwrap_or_default();
    page.click(&format!(
        "[data-pending-msg=\"{last}\"] [data-action=\"deliver-now\"]"
    ))
    .await?;
    let delivered = page.wait_for_step(elected.step + 1).await?;
    let after = pending_messages(page).await?;
    ensure!(
        !after.contains(&last) && after.len() == pending.len() - 1 + count_new(&after, &pending),
        "message #{last} should have left the pending list: before {pending:?}, after {after:?}"
    );
    ensure!(
        after.iter().any(|id| pending.contains(id)),
        "the earlier messages should still be pending: {after:?}"
    );
    let caption = page.caption().await?;
    ensure!(
        caption.contains("ahead of its time"),
        "the caption should say the message came early: {caption:?}"
    );
    ensure!(
        !kind.is_empty() && caption.contains(&route),
        "the caption should name the message delivered by hand ({route:?}, from the pending row \
         {row:?}): {caption:?}"
    );
    ensure!(
        page.script(
            "return !!document.querySelector(`[data-arrow=\"${arguments[0]}\"]`);",
            vec![last.into()]
        )
        .await?
            == Value::Bool(true),
        "the space-time diagram should draw message #{last}"
    );
    page.screenshot("manual-delivered-out-of-order").await?;

    // One step back: the message is in flight again.
    page.press("back").await?;
    page.wait_for_step(delivered.step - 1).await?;
    ensure!(
        pending_messages(page).await? == pending,
        "after stepping back the pending list should be as before"
    );
    page.press("step").await?;
    page.wait_for_step(delivered.step).await?;
    let here = page.nodes().await?;

    // The permalink reproduces this state and step in a fresh page.
    page.press("copy-link").await?;
    let href = page
        .script(
            "return location.pathname + location.search + location.hash;",
            vec![],
        )
        .await?;
    let href = href.as_str().unwrap_or_default().to_owned();
    ensure!(
        href.contains("#tape="),
        "copy link should put the run in the address: {href}"
    );
    // From a blank page: a returning reader's "/" reopens the last address, this very one, and
    // a change of fragment alone would not reload it.
    page.browser().client.goto("about:blank").await?;
    page.goto(&href).await?;
    let reopened = page.status().await?;
    ensure!(
        reopened.step == delivered.step,
        "the permalink should open at step {}, opened at {}",
        delivered.step,
        reopened.step
    );
    let there = page.nodes().await?;
    ensure!(
        describe(&there) == describe(&here),
        "the permalink should show the same cluster:\n  before {}\n  after  {}",
        describe(&here),
        describe(&there)
    );
    ensure!(
        pending_messages(page).await? == after,
        "the permalink should show the same messages in flight"
    );

    // Back to when the leader was elected: the step "until a leader is elected" stopped at.
    page.press("since-goal").await?;
    page.wait_for_step(elected.step).await?;

    // `?` opens the list of shortcuts; Escape closes it.
    page.key("?").await?;
    ensure!(
        page.script("return !!document.querySelector('[data-help]');", vec![])
            .await?
            == Value::Bool(true),
        "? should open the shortcuts"
    );
    page.screenshot("manual-help").await?;
    page.key("Escape").await?;
    ensure!(
        page.script("return !!document.querySelector('[data-help]');", vec![])
            .await?
            == Value::Bool(false),
        "Escape should close the shortcuts"
    );
    Ok(())
}

/// Messages sent by the delivery itself (a reply) join the list.
fn count_new(after: &[u64], before: &[u64]) -> usize {
    after.iter().filter(|id| !before.contains(id)).count()
}

#[tokio::test]
async fn a_long_log_scrolls_in_its_panel_and_never_widens_a_phone_page() {
    let page = Page::open(URL).await;
    let result = long_log_on_a_phone(&page).await;
    page.finish("manual-long-log-narrow", result).await;
}

/// Thirty client requests make a log grid far wider than a phone: the grid scrolls inside its
/// panel, and the page itself keeps to the screen's width (no sideways scrolling).
async fn long_log_on_a_phone(page: &Page) -> Outcome {
    page.resize(390, 844).await?;
    page.press("until-goal").await?;
    page.wait_until_still().await?;
    for _ in 0..30 {
        page.click("[data-quick=\"add x 1\"]").await?;
    }
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let widths = page
        .poll(
            "the log grid to outgrow the screen",
            std::time::Duration::from_secs(20),
            async || {
                let w = page
                    .script(
                        "const grid = document.querySelector('.lg-scroll');\
                         return [grid ? grid.scrollWidth : 0, document.documentElement.clientWidth,\
                           document.documentElement.scrollWidth];",
                        vec![],
                    )
                    .await?;
                let w: Vec<u64> = w
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_u64).collect())
                    .unwrap_or_default();
                Ok(if w.len() == 3 && w[0] > 2 * w[1] {
                    Wait::Done(w)
                } else {
                    Wait::NotYet(format!("{w:?}"))
                })
            },
        )
        .await?;
    page.pause().await?;
    page.screenshot("manual-long-log-narrow").await?;
    // The scroller runs right to left: the newest entry's column is in view, not the first.
    let newest = page
        .script(
            "const s = document.querySelector('.lg-scroll');             const heads = s.querySelectorAll('.lg-index');             const last = heads[heads.length - 1];             const a = s.getBoundingClientRect(), b = last.getBoundingClientRect();             return [b.left >= a.left - 1 && b.right <= a.right + 1, last.textContent];",
            vec![],
        )
        .await?;
    ensure!(
        newest[0] == true,
        "the newest entry's column ({}) should be in the log panel's view",
        newest[1]
    );
    ensure!(
        widths[2] <= widths[1],
        "the page should not scroll sideways: it is {} px wide in a {} px window (log grid {} px)",
        widths[2],
        widths[1],
        widths[0]
    );
    Ok(())
}

/// Issue 17's frames: what is drawn stays put while the run moves on, so a frame rewrites only
/// what changed. An arrow of the space-time diagram keeps its coordinates while one transform
/// scrolls the diagram; a timeline mark keeps its place while the strip's viewBox follows the
/// run's length. And a log grid narrower than its panel starts at the panel's left edge (a wide
/// one is scrolled to its newest entries).
#[tokio::test]
async fn drawn_arrows_and_marks_stay_put_as_the_run_moves_on() {
    let page = Page::open(URL).await;
    let result = stays_put(&page).await;
    page.finish("manual-stays-put", result).await;
}

/// The diagram's scroll, the timeline strip's viewBox, each arrow's sending end by id, and the
/// marks' places.
const DRAWN: &str = "const band = document.querySelector('svg.spacetime g[transform]');\
    const strip = document.querySelector('.timeline .strip svg svg');\
    const arrows = {};\
    for (const a of document.querySelectorAll('[data-arrow]')) {\
      const shaft = a.querySelector('.shaft');\
      arrows[a.getAttribute('data-arrow')] = [shaft.getAttribute('x1'), shaft.getAttribute('y1')];\
    }\
    const marks = [...document.querySelectorAll('.timeline line.mark')].map(m => m.getAttribute('x1'));\
    return { scroll: band && band.getAttribute('transform'), view: strip && strip.getAttribute('viewBox'), arrows, marks };";

async fn stays_put(page: &Page) -> Outcome {
    page.press("until-goal").await?;
    let elected = page.wait_until_still().await?;
    let grid = page
        .script(
            "const s = document.querySelector('.lg-scroll').getBoundingClientRect();\
             const g = document.querySelector('.log-grid').getBoundingClientRect();\
             return [s.left, g.left, s.width, g.width];",
            vec![],
        )
        .await?;
    let grid = numbers(&grid);
    ensure!(
        grid.len() == 4 && grid[3] < grid[2] && (grid[0] - grid[1]).abs() < 1.0,
        "a log grid narrower than its panel should start at the panel's left (scroller left, \
         grid left, scroller width, grid width): {grid:?}"
    );
    let before = page.script(DRAWN, vec![]).await?;
    for _ in 0..6 {
        page.press("step").await?;
    }
    page.wait_for_step(elected.step + 6).await?;
    let after = page.script(DRAWN, vec![]).await?;
    ensure!(
        before["scroll"] != after["scroll"] && after["scroll"].is_string(),
        "the diagram should scroll as time passes: {} then {}",
        before["scroll"],
        after["scroll"]
    );
    ensure!(
        before["view"] != after["view"] && after["view"].is_string(),
        "the timeline's strip should follow the run's length: {} then {}",
        before["view"],
        after["view"]
    );
    let (was, now) = (
        before["arrows"].as_object().cloned().unwrap_or_default(),
        after["arrows"].as_object().cloned().unwrap_or_default(),
    );
    let kept: Vec<_> = was.keys().filter(|id| now.contains_key(*id)).collect();
    ensure!(
        kept.len() >= 3,
        "arrows should stay in the diagram across six steps: {was:?} then {now:?}"
    );
    for id in kept {
        ensure!(
            was[id] == now[id],
            "arrow {id} should keep its sending end: {} then {}",
            was[id],
            now[id]
        );
    }
    let (was, now) = (
        before["marks"].as_array().cloned().unwrap_or_default(),
        after["marks"].as_array().cloned().unwrap_or_default(),
    );
    ensure!(
        !was.is_empty() && was.iter().all(|m| now.contains(m)),
        "the timeline's marks should stay where they were (the election's among them): {was:?} \
         then {now:?}"
    );
    Ok(())
}

/// While the run plays, the panels of text (here the next events) are drawn again about ten
/// times a second, not every frame, and the caption keeps its tallest height, so the controls
/// under it stay put; paused, the caption fits its words again and the panels show the step.
#[tokio::test]
async fn a_playing_run_redraws_its_panels_at_a_pace_and_holds_the_caption_height() {
    let page = Page::open("/?algo=raft&nodes=5&seed=1&speed=0&autoplay=1&lang=en").await;
    let result = paced(&page).await;
    page.finish("manual-paced", result).await;
}

/// Over `ms` of playing: the animation frames in which the next events changed, and the
/// caption's height and the controls' top in every frame.
const WHILE_PLAYING: &str = "const [ms, done] = [arguments[0], arguments[arguments.length - 1]];\
    const pending = document.querySelector('details.pending');\
    const caption = document.querySelector('p.caption');\
    const controls = document.querySelector('.controls');\
    let changed = false;\
    new MutationObserver(() => { changed = true; })\
      .observe(pending, { subtree: true, childList: true, attributes: true, characterData: true });\
    const out = { changes: [], heights: [], tops: [] };\
    let start;\
    const frame = (t) => {\
      if (start === undefined) start = t;\
      if (changed) out.changes.push(t);\
      changed = false;\
      out.heights.push(caption.offsetHeight);\
      out.tops.push(controls.getBoundingClientRect().top + window.scrollY);\
      if (t - start < ms) requestAnimationFrame(frame); else done(out);\
    };\
    requestAnimationFrame(frame);";

async fn paced(page: &Page) -> Outcome {
    // Past the election: followers answering heartbeats, the next events turning over.
    page.poll("step 30", Duration::from_secs(5), async || {
        let step = page.status().await?.step;
        Ok(if step >= 30 {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("step {step}"))
        })
    })
    .await?;
    let seen = page.script_async(WHILE_PLAYING, vec![2_000.into()]).await?;
    let changes = numbers(&seen["changes"]);
    ensure!(
        changes.len() >= 3,
        "the next events should follow the playing run: they changed in {} frames of 2 s",
        changes.len()
    );
    // 100 ms apart, less a frame on either side for when the render fell in its frame.
    let closest = changes
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::MAX, f64::min);
    ensure!(
        closest >= 60.0,
        "the next events should be drawn again about every 100 ms while playing, not every \
         frame: two drawings {closest:.1} ms apart ({changes:?})"
    );
    for key in ["heights", "tops"] {
        let values = numbers(&seen[key]);
        ensure!(
            values.len() >= 10 && values.windows(2).all(|w| w[1] >= w[0]),
            "while playing, the caption's height should only grow and the controls never move \
             up: {key} {values:?}"
        );
    }
    page.pause().await?;
    page.wait_until_still().await?;
    let held = page
        .script(
            "return document.querySelector('p.caption').style.minHeight;",
            vec![],
        )
        .await?;
    ensure!(
        held.as_str() == Some(""),
        "paused, the caption should fit its words again: min-height {held}"
    );
    Ok(())
}

/// The numbers of a JSON array a script returned (none for anything else).
fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// The next events' "fire now" on a timer: the server whose election timer is due last times
/// out first, at once, and stands for election (§5.2): it alone is a candidate, of term 1.
#[tokio::test]
async fn fire_now_times_out_the_server_of_its_row() {
    let page = Page::open(URL).await;
    let result = fire_now(&page).await;
    page.finish("manual-fire-now", result).await;
}

async fn fire_now(page: &Page) -> Outcome {
    let rows = page
        .attributes("[data-pending-timer]", "data-pending-timer")
        .await?;
    let rows: Vec<String> = rows.into_iter().flatten().collect();
    ensure!(
        rows.len() == 3,
        "at the start every server's election timer should be pending: {rows:?}"
    );
    let last = rows.last().expect("three");
    let server: u32 = last
        .split('-')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_default();
    page.click(&format!(
        "[data-pending-timer=\"{last}\"] [data-action=\"fire-now\"]"
    ))
    .await?;
    page.wait_for_step(1).await?;
    let nodes = page.nodes().await?;
    let candidates: Vec<u32> = nodes
        .iter()
        .filter(|n| n.role == "candidate")
        .map(|n| n.id)
        .collect();
    ensure!(
        candidates == [server]
            && nodes.iter().find(|n| n.id == server).and_then(|n| n.term) == Some(1),
        "firing the election timer of S{server}, due last, should make it the one candidate, of \
         term 1: {}",
        describe(&nodes)
    );
    let left = page
        .attributes("[data-pending-timer]", "data-pending-timer")
        .await?;
    ensure!(
        left.len() == 3,
        "the candidate arms a new election timer; the others keep theirs: {left:?}"
    );
    Ok(())
}

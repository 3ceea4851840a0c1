//! Raft's break-it switches in the browser, each caught by the invariant checker: the red banner
//! names the invariant and the step that broke it, and playback stops at that step. Also the
//! timing warning of §5.6, run files keeping Raft's settings, and the Figure 2 panel lighting
//! the line a step follows. Runs in headless Chromium against `$CONCORD_DIST`.
//!
//! `skip-up-to-date` and `no-truncate` need nothing but the URL: election timeouts below the
//! heartbeat interval make followers start elections while their leader lives, and the
//! churn soon elects a leader without the newest committed entry (§5.4.1) or makes a follower
//! overwrite an entry in the middle of its log (§5.3). `commit-previous` needs Figure 8's story,
//! played here through the page: partitions, client requests, crashes.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Wait, describe};
use concord_tests::{Failure, Outcome, ensure};
use fantoccini::Locator;
use serde_json::{Value, json};

/// Wall time a run may take at full speed to reach what a scenario waits for. Full speed is 1×
/// (simulated time follows the wall clock, slower on a loaded machine), and a few scenarios
/// need several simulated seconds of churn.
const WAIT: Duration = Duration::from_secs(90);

#[tokio::test]
async fn raft_skip_up_to_date_switch_is_caught_as_leader_completeness_5_4_1() {
    let url = "/?algo=raft&nodes=5&seed=17&election=50-70&heartbeat=50\
               &switches=noop,skip-up-to-date&lang=en";
    let page = Page::open(url).await;
    let result = caught_by_playing(&page, "skip-up-to-date", &["leader-completeness"]).await;
    page.finish("raft-break-skip-up-to-date", result).await;
}

#[tokio::test]
async fn raft_no_truncate_switch_is_caught_as_log_matching_5_3() {
    let url = "/?algo=raft&nodes=5&seed=7&election=20-40&heartbeat=50\
               &switches=noop,no-truncate&lang=en";
    let page = Page::open(url).await;
    let result = caught_by_playing(&page, "no-truncate", &["log-matching"]).await;
    page.finish("raft-break-no-truncate", result).await;
}

#[tokio::test]
async fn raft_commit_previous_switch_is_caught_in_figure_8_5_4_2() {
    // No no-op, as in Figure 8: `switches` lists only the break.
    let page = Page::open("/?algo=raft&nodes=5&seed=7&switches=commit-previous&lang=en").await;
    let result = figure_8(&page).await;
    page.finish("raft-break-commit-previous", result).await;
}

#[tokio::test]
async fn raft_timing_warning_shows_for_election_timeouts_near_the_heartbeat_5_6() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&election=60-80&heartbeat=50&lang=en").await;
    let result = timing_warning(&page).await;
    page.finish("raft-timing-warning", result).await;
}

#[tokio::test]
async fn raft_run_file_keeps_the_raft_settings() {
    let url = "/?algo=raft&nodes=3&seed=9&switches=hint,vote-twice&batch=2\
               &election=200-400&heartbeat=40&lang=en";
    let mut page = Page::open(url).await;
    let result = run_file(&mut page).await;
    page.finish("raft-run-file", result).await;
}

#[tokio::test]
async fn raft_figure_2_lights_the_request_vote_receiver_line_when_a_vote_is_granted() {
    let mut page = Page::open("/?algo=raft&nodes=5&seed=7&figure2=1&lang=en").await;
    let result = figure_2(&mut page).await;
    page.finish("raft-figure-2", result).await;
}

/// The banner's invariant and step, if there is a banner.
async fn banner(page: &Page) -> Outcome<Option<(String, u64)>> {
    let v = page
        .script(
            "const v = document.querySelector('[data-violation]');\
             return v ? [v.getAttribute('data-violation'), v.getAttribute('data-step')] : null;",
            vec![],
        )
        .await?;
    Ok(match (v[0].as_str(), v[1].as_str()) {
        (Some(name), Some(step)) => Some((
            name.to_owned(),
            step.parse()
                .map_err(|_| Failure::new(format!("banner step {step:?}")))?,
        )),
        _ => None,
    })
}

/// Whether the play button offers "play" (playback is paused).
async fn paused(page: &Page) -> Outcome<bool> {
    page.exists("[data-action=\"play\"]").await
}

/// Play at full speed until the banner shows; it must name one of `expected` and the step the
/// run stopped at, and that step must be the first with a violation.
async fn caught_by_playing(page: &Page, switch: &str, expected: &[&str]) -> Outcome {
    ensure!(
        page.script(
            "const c = document.querySelector(`[data-switch=\"${arguments[0]}\"]`);\
             return c ? c.checked : null;",
            vec![json!(switch)],
        )
        .await?
            == json!(true),
        "?switches=…{switch} should tick the {switch} switch"
    );
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    expect_violation(page, expected).await?;
    page.script("window.scrollTo(0, 0);", vec![]).await?;
    page.screenshot(&format!("raft-break-{switch}")).await?;
    Ok(())
}

/// Wait (playing) for the banner, then check it names one of `expected` and the step playback
/// stopped at, and that one step back the run was still sound.
async fn expect_violation(page: &Page, expected: &[&str]) -> Outcome<u64> {
    let (invariant, step) = page
        .poll("a violation banner", WAIT, async || {
            Ok(match banner(page).await? {
                Some(seen) => Wait::Done(seen),
                None => Wait::NotYet(describe(&page.nodes().await?)),
            })
        })
        .await?;
    ensure!(
        expected.contains(&invariant.as_str()),
        "the banner should name {expected:?}, it names {invariant:?}"
    );
    let still = page.wait_until_still().await?;
    ensure!(
        paused(page).await?,
        "playback should pause at the violation (the play button should offer play)"
    );
    ensure!(
        still.step == step,
        "playback should stop at the breaking step {step} the banner names, it stands at {}",
        still.step
    );
    let text = page.text("[data-violation]").await?.unwrap_or_default();
    ensure!(
        text.contains(&invariant) && text.to_lowercase().contains(&format!("step {step}")),
        "the banner should say the invariant and the step: {text:?}"
    );
    // One step back the run was still sound: `step` is where it broke.
    page.press("back").await?;
    page.wait_for_step(step - 1).await?;
    ensure!(
        banner(page).await?.is_none(),
        "at step {} (before the break) there should be no banner",
        step - 1
    );
    page.press("step").await?;
    page.wait_for_step(step).await?;
    ensure!(
        banner(page)
            .await?
            .is_some_and(|(name, s)| name == invariant && s == step),
        "stepping forward again should show the same banner"
    );
    Ok(step)
}

/// Tick exactly `ids` in the partition editor and partition them from the rest.
async fn partition(page: &Page, ids: &[u32]) -> Outcome {
    for id in 1..=5u32 {
        let checked = page
            .script(
                "return document.querySelector(`[data-partition-node=\"${arguments[0]}\"]`).checked;",
                vec![json!(id.to_string())],
            )
            .await?;
        if checked.as_bool() != Some(ids.contains(&id)) {
            page.click(&format!("[data-partition-node=\"{id}\"]"))
                .await?;
        }
    }
    page.press("partition").await
}

/// A client request `set x …` sent through server `id`.
async fn request(page: &Page, id: u32, quick: &str) -> Outcome {
    page.click(&format!("[data-client-server=\"{id}\"]"))
        .await?;
    page.click(&format!("[data-quick=\"{quick}\"]")).await
}

/// Server `id`'s log as `(term, command, committed)` by index from 1, and its commitIndex.
async fn log_of(page: &Page, id: u32) -> Outcome<(Vec<(u64, String, bool)>, u64)> {
    let raw = page
        .script(
            "const r = document.querySelector(`[data-log-row=\"${arguments[0]}\"]`);\
             if (!r) return null;\
             return [r.getAttribute('data-commit-index'),\
               Array.from(r.querySelectorAll('[data-entry]')).map(c => [\
                 c.getAttribute('data-entry'), c.getAttribute('data-command'),\
                 c.getAttribute('data-committed')])];",
            vec![json!(id.to_string())],
        )
        .await?;
    let bad = || Failure::new(format!("unexpected log row of n{id}: {raw}"));
    let commit = raw[0]
        .as_str()
        .and_then(|c| c.parse().ok())
        .ok_or_else(bad)?;
    let mut entries = Vec::new();
    for cell in raw[1].as_array().ok_or_else(bad)? {
        let term = cell[0]
            .as_str()
            .and_then(|e| e.split_once(':'))
            .and_then(|(_, t)| t.parse().ok())
            .ok_or_else(bad)?;
        entries.push((
            term,
            cell[1].as_str().unwrap_or_default().to_owned(),
            cell[2].as_str() == Some("true"),
        ));
    }
    Ok((entries, commit))
}

/// Play until `done` holds for the drawn nodes, then pause.
async fn play_until(
    page: &Page,
    what: &str,
    mut done: impl AsyncFnMut(&[NodeView]) -> Outcome<Option<NodeView>>,
) -> Outcome<NodeView> {
    page.press("play").await?;
    let found = page
        .poll(what, WAIT, async || {
            let nodes = page.nodes().await?;
            Ok(match done(&nodes).await? {
                Some(node) => Wait::Done(node),
                None => Wait::NotYet(describe(&nodes)),
            })
        })
        .await?;
    page.pause().await?;
    page.wait_until_still().await?;
    Ok(found)
}

/// Figure 8 (§5.4.2), played through the page on five servers without no-ops:
///
/// 1. L leads term t; L and A are cut off together; L takes `set x 1` at index 1 and copies it
///    to A only. The other three elect M (term t′ > t).
/// 2. M takes `add x 1` at index 1 (term t′) and is cut off alone before sending it anywhere.
/// 3. L or A (the only servers whose logs can win) leads a term above t′ and copies index 1
///    (term t) to the others: stored on a majority, the broken leader counts it committed.
/// 4. L and A crash and the network heals: M, whose last entry's term t′ is newer than t, wins
///    the next election without the committed entry. Leader Completeness is broken.
async fn figure_8(page: &Page) -> Outcome {
    page.set_range_to_max("speed").await?;
    page.press("until-goal").await?;
    let leader = page
        .poll("a leader", WAIT, async || {
            let nodes = page.nodes().await?;
            let leaders: Vec<_> = nodes.iter().filter(|n| n.is_leader()).collect();
            Ok(match leaders.as_slice() {
                [one] => Wait::Done((*one).clone()),
                _ => Wait::NotYet(describe(&nodes)),
            })
        })
        .await?;
    page.wait_until_still().await?;
    let (l, t) = (leader.id, leader.term.unwrap_or_default());
    let a = if l == 1 { 2 } else { 1 };
    // 1. L and A on their own; index 1 reaches A.
    partition(page, &[l, a]).await?;
    request(page, l, "set x 1").await?;
    let m = play_until(
        page,
        "`set x 1` on A and a leader of a newer term among the others",
        async |nodes| {
            let on_a = log_of(page, a).await?.0.first().map(|e| e.1.clone());
            Ok(nodes
                .iter()
                .find(|n| {
                    n.id != l
                        && n.id != a
                        && n.is_leader()
                        && n.term.is_some_and(|x| x > t)
                        && on_a.as_deref() == Some("set x 1")
                })
                .cloned())
        },
    )
    .await?;
    let (m, t_m) = (m.id, m.term.unwrap_or_default());
    // 2. M takes index 1 of its own term, and is cut off before it is sent.
    request(page, m, "add x 1").await?;
    partition(page, &[m]).await?;
    let (m_log, _) = log_of(page, m).await?;
    ensure!(
        m_log.first().map(|e| (e.0, e.1.as_str())) == Some((t_m, "add x 1")),
        "n{m} should hold `add x 1` of term {t_m} at index 1: {m_log:?}"
    );
    // 3. L or A leads a newer term and commits index 1 of term t by counting replicas.
    let n = play_until(
        page,
        "L or A leading a term above M's, with index 1 committed",
        async |nodes| {
            for node in nodes.iter().filter(|n| {
                (n.id == l || n.id == a) && n.is_leader() && n.term.is_some_and(|x| x > t_m)
            }) {
                if log_of(page, node.id).await?.1 >= 1 {
                    return Ok(Some(node.clone()));
                }
            }
            Ok(None)
        },
    )
    .await?;
    ensure!(
        banner(page).await?.is_none(),
        "no invariant is broken yet, while the leader of term {:?} holds the committed entry",
        n.term
    );
    page.script("window.scrollTo(0, 0);", vec![]).await?;
    page.screenshot("raft-figure-8-committed").await?;
    // 4. L and A crash; heal; M wins without the committed entry.
    for id in [l, a] {
        page.click_node(id).await?;
        page.press("crash").await?;
    }
    page.press("heal").await?;
    page.press("play").await?;
    expect_violation(page, &["leader-completeness"]).await?;
    let nodes = page.nodes().await?;
    ensure!(
        nodes.iter().any(|x| x.id == m && x.is_leader()),
        "n{m}, whose index 1 is of term {t_m}, should have won: {}",
        describe(&nodes)
    );
    page.script("window.scrollTo(0, 0);", vec![]).await?;
    page.screenshot("raft-break-commit-previous").await?;
    Ok(())
}

async fn timing_warning(page: &Page) -> Outcome {
    let level = page
        .attributes("[data-timing-warning]", "data-timing-warning")
        .await?;
    ensure!(
        level == [Some("likely".to_owned())],
        "election=60-80&heartbeat=50 leaves no room for a heartbeat and its 20 ms flight: the \
         warning should say spurious elections are likely, found {level:?}"
    );
    let open = page
        .script(
            "return document.querySelector('[data-raft-settings]').open;",
            vec![],
        )
        .await?;
    ensure!(
        open == json!(true),
        "the settings should open to show the warning"
    );
    page.scroll_to("[data-raft-settings]").await?;
    page.screenshot("raft-timing-warning").await?;
    // The defaults (150–300 ms, 50 ms) leave room: no warning.
    page.browser()
        .goto("/?algo=raft&nodes=5&seed=7&lang=en")
        .await?;
    page.wait_for_app().await?;
    ensure!(
        !page.exists("[data-timing-warning]").await?,
        "the default timing should show no warning"
    );
    Ok(())
}

/// The Raft settings as the settings panel shows them.
async fn settings_shown(page: &Page) -> Outcome<Value> {
    page.script(
        "const on = Array.from(document.querySelectorAll('[data-switch]'))\
           .filter(c => c.checked).map(c => c.getAttribute('data-switch'));\
         const v = k => document.querySelector(`[data-control=\"${k}\"]`).value;\
         return { switches: on, batch: v('batch'), election: v('election-min') + '-' + v('election-max'),\
                  heartbeat: v('heartbeat') };",
        vec![],
    )
    .await
}

async fn run_file(page: &mut Page) -> Outcome {
    let expected = json!({
        "switches": ["hint", "vote-twice"], "batch": "2", "election": "200-400", "heartbeat": "40"
    });
    let shown = settings_shown(page).await?;
    ensure!(
        shown == expected,
        "the URL's settings should show in the panel: {shown}"
    );
    for _ in 0..5 {
        page.press("step").await?;
    }
    let at = page.wait_for_step(5).await?;
    // Catch the download: the file's text, as the browser would save it.
    page.script(
        "window.exported = null;\
         HTMLAnchorElement.prototype.click = function () {\
           const x = new XMLHttpRequest(); x.open('GET', this.href, false); x.send();\
           window.exported = { name: this.download, text: x.responseText };\
         };",
        vec![],
    )
    .await?;
    page.press("export").await?;
    let exported = page
        .poll(
            "the exported run file",
            Duration::from_secs(5),
            async || {
                let file = page.script("return window.exported;", vec![]).await?;
                Ok(if file.is_null() {
                    Wait::NotYet("nothing exported".into())
                } else {
                    Wait::Done(file)
                })
            },
        )
        .await?;
    let text = exported["text"].as_str().unwrap_or_default().to_owned();
    let file: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::new(format!("the run file is not JSON ({e}): {text}")))?;
    let options: Vec<(String, String)> = serde_json::from_value(file["options"].clone())
        .map_err(|e| Failure::new(format!("run file options ({e}): {text}")))?;
    for (key, value) in [
        ("switches", "hint,vote-twice"),
        ("batch", "2"),
        ("election", "200-400"),
        ("heartbeat", "40"),
    ] {
        ensure!(
            options.iter().any(|(k, v)| k == key && v == value),
            "the run file should keep {key}={value}: {options:?}"
        );
    }
    // Open it in a page with other settings: the settings, seed and step come back.
    let dir = std::env::temp_dir().join(format!("concord-run-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Failure::new(e.to_string()))?;
    let path = dir.join("run.json");
    std::fs::write(&path, &text).map_err(|e| Failure::new(e.to_string()))?;
    page.goto("/?algo=raft&nodes=5&seed=1&lang=en").await?;
    let input = page
        .browser()
        .client
        .find(Locator::Css("[data-control=\"import\"]"))
        .await?;
    input.send_keys(&path.display().to_string()).await?;
    page.poll("the imported run", WAIT, async || {
        let seed = page.control_value("seed").await.unwrap_or_default();
        Ok(if seed == "9" {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("seed {seed}"))
        })
    })
    .await?;
    page.wait_for_app().await?;
    let _ = std::fs::remove_dir_all(&dir);
    let shown = settings_shown(page).await?;
    ensure!(
        shown == expected,
        "the imported run should bring its settings back: {shown}"
    );
    let status = page.wait_for_step(at.step).await?;
    ensure!(
        status == at,
        "the imported run should stand where it was exported: {at:?}, found {status:?}"
    );
    Ok(())
}

async fn figure_2(page: &mut Page) -> Outcome {
    ensure!(
        page.exists("[data-figure2]").await?,
        "figure2=1 should show the Figure 2 panel"
    );
    // Step until a server grants its vote.
    let mut step = 0;
    loop {
        page.press("step").await?;
        step += 1;
        page.wait_for_step(step).await?;
        if page.caption().await?.contains("granted its vote") {
            break;
        }
        ensure!(step < 100, "no vote granted in the first 100 steps");
    }
    let lit = page
        .attributes("[data-fig2-line][data-lit]", "data-fig2-line")
        .await?;
    ensure!(
        lit.contains(&Some("rv.recv.2".to_owned())),
        "after a vote is granted, RequestVote's receiver step 2 should be lit: {lit:?}"
    );
    ensure!(
        !lit.contains(&Some("ae.recv.3".to_owned())),
        "only the lines of this step should be lit: {lit:?}"
    );
    // The state lines show the voter's values: it voted for the candidate the caption names.
    let caption = page.caption().await?;
    let voted = page.text("[data-fig2-value=\"state.voted-for\"]").await?;
    ensure!(
        voted
            .as_deref()
            .is_some_and(|v| caption.contains(&format!("vote to {v}"))),
        "votedFor should show the candidate of `{caption}`: {voted:?}"
    );
    page.screenshot("raft-figure-2").await?;
    // Hiding keeps the run, and the URL remembers.
    page.press("figure2").await?;
    page.poll("the panel hidden", Duration::from_secs(5), async || {
        Ok(if page.exists("[data-figure2]").await? {
            Wait::NotYet("still shown".into())
        } else {
            Wait::Done(())
        })
    })
    .await?;
    let url = page.browser().client.current_url().await?.to_string();
    ensure!(
        !url.contains("figure2=1"),
        "the URL should forget figure2 once hidden: {url}"
    );
    ensure!(
        page.status().await?.step == step,
        "hiding Figure 2 should keep the run at step {step}"
    );
    page.press("figure2").await?;
    page.poll(
        "the panel shown again",
        Duration::from_secs(5),
        async || {
            Ok(
                if page
                    .exists("[data-fig2-line=\"rv.recv.2\"][data-lit]")
                    .await?
                {
                    Wait::Done(())
                } else {
                    Wait::NotYet("not lit".into())
                },
            )
        },
    )
    .await?;
    let url = page.browser().client.current_url().await?.to_string();
    ensure!(
        url.contains("figure2=1"),
        "the URL should remember figure2=1: {url}"
    );
    // At a phone's width it sits under the cluster.
    page.resize(380, 800).await?;
    page.scroll_to("[data-figure2]").await?;
    page.screenshot("raft-figure-2-narrow").await?;
    Ok(())
}

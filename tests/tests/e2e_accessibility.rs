//! Accessibility on the release build: axe-core finds no serious or critical violation on any
//! view a reader meets (Raft, Gossip, Paxos, a tour step, the welcome page, the iframe embed, the
//! sample documentation page with its widgets), nor on the three protocols' views in Chinese and
//! in the dark theme; and each protocol's playground works from the keyboard alone (Tab reaches
//! every control, Enter and Space act on nodes and messages, focus shows).

use std::time::Duration;

use concord_tests::axe;
use concord_tests::page::{LOAD_TIMEOUT, Page, Wait};
use concord_tests::widgets;
use concord_tests::{Outcome, ensure};
use fantoccini::key::Key;
use serde_json::{Value, json};

/// What a page has to draw before it is audited.
enum Ready {
    /// The playground: nodes and status.
    App,
    /// The welcome page.
    Welcome,
    /// Every `[data-concord]` widget of a documentation page, with its nodes.
    Widgets,
}

/// Every view a reader meets, by address.
const VIEWS: [(&str, Ready); 7] = [
    ("/?algo=raft&nodes=5&seed=7&lang=en", Ready::App),
    ("/?algo=gossip&nodes=12&seed=7&lang=en", Ready::App),
    (
        "/?algo=paxos&nodes=3&proposers=2&seed=4&lang=en",
        Ready::App,
    ),
    ("/?tour=raft&step=5&lang=en", Ready::App),
    ("/?welcome=1&lang=en", Ready::Welcome),
    ("/?embed=1&algo=raft&seed=7&nodes=3&lang=en", Ready::App),
    ("/docs/", Ready::Widgets),
];

/// The protocols' views again: in Chinese (other words, other widths), and in the dark theme
/// (the stylesheet's other colours), by address and whether the page around is dark.
const VARIANTS: [(&str, bool); 6] = [
    ("/?algo=raft&nodes=5&seed=7&lang=zh", false),
    ("/?algo=gossip&nodes=12&seed=7&lang=zh", false),
    ("/?algo=paxos&nodes=3&proposers=2&seed=4&lang=zh", false),
    ("/?algo=raft&nodes=5&seed=7&lang=en", true),
    ("/?algo=gossip&nodes=12&seed=7&lang=en", true),
    ("/?algo=paxos&nodes=3&proposers=2&seed=4&lang=en", true),
];

/// Turns the page dark as a site's theme switch does (`data-theme` on `<html>`, which Concord
/// follows), and waits until the playground has.
async fn go_dark(page: &Page) -> Outcome {
    page.script(
        "document.documentElement.setAttribute('data-theme', 'dark');",
        vec![],
    )
    .await?;
    page.poll("the dark theme", LOAD_TIMEOUT, async || {
        Ok(if page.exists("[data-concord-theme=\"dark\"]").await? {
            Wait::Done(())
        } else {
            Wait::NotYet("no [data-concord-theme=\"dark\"]".into())
        })
    })
    .await
}

async fn wait_ready(page: &Page, ready: &Ready) -> Outcome {
    match ready {
        Ready::App => page.wait_for_app().await,
        Ready::Welcome => {
            page.poll("the welcome page", LOAD_TIMEOUT, async || {
                Ok(if page.exists("[data-welcome]").await? {
                    Wait::Done(())
                } else {
                    Wait::NotYet("no [data-welcome]".into())
                })
            })
            .await
        }
        Ready::Widgets => {
            let count = widgets::ids(page).await?.len();
            ensure!(count > 0, "the page has no [data-concord] widget");
            widgets::wait_mounted(page, count).await.map(|_| ())
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_nothing_serious_or_critical_on_any_view() {
    let page = Page::open_page(VIEWS[0].0, &[]).await;
    let result = async {
        let mut found = Vec::new();
        let views = VIEWS
            .iter()
            .map(|(address, ready)| (*address, ready, false));
        let variants = VARIANTS
            .iter()
            .map(|&(address, dark)| (address, &Ready::App, dark));
        for (address, ready, dark) in views.chain(variants) {
            page.browser().goto(address).await?;
            wait_ready(&page, ready).await?;
            if dark {
                go_dark(&page).await?;
            }
            let theme = if dark { " (dark)" } else { "" };
            for line in axe::serious_violations(&page).await? {
                found.push(format!("{address}{theme}: {line}"));
            }
        }
        ensure!(
            found.is_empty(),
            "axe-core found {} serious or critical violations:\n  {}",
            found.len(),
            found.join("\n  ")
        );
        Ok(())
    }
    .await;
    page.finish("accessibility-axe", result).await;
}

/// Marks what has the focus as walked (`__walked`) and describes it: what it is, whether it
/// matches `:focus-visible`, and whether a ring is drawn (an outline, or for the SVG nodes and
/// messages their halo stroked in the focus colour).
const FOCUSED: &str = "const el = document.activeElement;\
  if (!el || el === document.body) return null;\
  el.__walked = true;\
  const probe = document.createElement('span');\
  probe.style.color = 'var(--focus)';\
  (el.closest('.concord') || document.body).append(probe);\
  const focus = getComputedStyle(probe).color;\
  probe.remove();\
  const style = getComputedStyle(el);\
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;\
  const halo = [...el.querySelectorAll(':scope > .halo, :scope > .hit')]\
    .some((h) => getComputedStyle(h).stroke === focus);\
  const name = el.getAttribute('data-action') || el.getAttribute('data-control')\
    || (el.hasAttribute('data-node') && 'node ' + el.getAttribute('data-node'))\
    || (el.hasAttribute('data-msg') && 'message ' + el.getAttribute('data-msg'))\
    || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || el.tagName;\
  return { name, tag: el.tagName, visible: el.matches(':focus-visible') && (outline || halo) };";

/// The page's controls that Tab should reach and did not: every shown link, button, field, menu
/// and `tabindex=0` element (not those in a closed `<details>`; of a radio group, the one Tab
/// stops at).
const MISSED: &str = "const all = [...document.querySelectorAll(\
    'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
     select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])')]\
  .filter((e) => e.checkVisibility({ visibilityProperty: true }));\
  const radioGroups = new Set();\
  return all.filter((e) => {\
    if (e.type === 'radio') {\
      if (radioGroups.has(e.name)) return false;\
      radioGroups.add(e.name);\
      return ![...document.querySelectorAll(`input[type=radio][name=\"${e.name}\"]`)]\
        .some((r) => r.__walked);\
    }\
    return !e.__walked;\
  }).map((e) => e.outerHTML.slice(0, 100));";

/// Presses Tab until what has the focus matches `selector` (at most 400 times).
async fn tab_to(page: &Page, selector: &str) -> Outcome {
    for _ in 0..400 {
        page.chord(&[Key::Tab]).await?;
        let there = page
            .script(
                "return !!document.activeElement?.matches(arguments[0]);",
                vec![json!(selector)],
            )
            .await?;
        if there == json!(true) {
            return Ok(());
        }
    }
    Err(format!("400 Tabs never reached {selector}").into())
}

async fn exists_after_key(page: &Page, key: Key, selector: &str) -> Outcome<bool> {
    page.chord(&[key]).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    page.exists(selector).await
}

/// A run paused with messages in flight; then, from the keyboard alone: Tab from the top of the
/// page goes through every control, each showing where the focus is, and comes back round;
/// Enter on a node opens its inspector and Space closes it, without starting playback; the same
/// on a message.
async fn keyboard_walk(page: &Page) -> Outcome {
    if page.exists("[data-action=\"pause\"]").await? {
        page.pause().await?;
    }
    for _ in 0..50 {
        if page.exists("[data-msg]").await? {
            break;
        }
        page.press("step").await?;
    }
    ensure!(
        page.exists("[data-msg]").await?,
        "50 steps put no message in flight"
    );
    let before = page.status().await?.step;

    page.script("document.activeElement?.blur();", vec![])
        .await?;
    let mut walked: Vec<Value> = Vec::new();
    let mut names = Vec::new();
    for _ in 0..400 {
        page.chord(&[Key::Tab]).await?;
        let now = page.script(FOCUSED, vec![]).await?;
        if now.is_null() {
            continue;
        }
        if walked.first() == Some(&now) {
            break;
        }
        names.push(now["name"].as_str().unwrap_or_default().to_owned());
        walked.push(now);
    }
    ensure!(
        walked.len() > 10
            && names.iter().any(|n| n.starts_with("node "))
            && names.iter().any(|n| n.starts_with("message ")),
        "Tab should go through the controls, nodes and messages: {}",
        names.join(" → ")
    );
    let unringed: Vec<_> = walked
        .iter()
        .filter(|w| w["visible"] != json!(true))
        .map(|w| w["name"].to_string())
        .collect();
    ensure!(
        unringed.is_empty(),
        "these showed no focus ring when Tab reached them: {}",
        unringed.join(", ")
    );
    let missed = page.script(MISSED, vec![]).await?;
    ensure!(
        missed == json!([]),
        "Tab never reached these controls: {missed}\n  walked: {}",
        names.join(" → ")
    );

    page.script("document.activeElement?.blur();", vec![])
        .await?;
    tab_to(page, "[data-node=\"2\"]").await?;
    let inspector = ".inspector[aria-label=\"S2\"]";
    ensure!(
        exists_after_key(page, Key::Enter, inspector).await?,
        "Enter on node 2 should open its inspector"
    );
    ensure!(
        !exists_after_key(page, Key::Space, inspector).await?,
        "Space on node 2 should close its inspector again"
    );
    tab_to(page, "[data-msg]").await?;
    ensure!(
        exists_after_key(page, Key::Enter, "[data-msg-inspector]").await?,
        "Enter on a message should open its inspector"
    );
    ensure!(
        !exists_after_key(page, Key::Space, "[data-msg-inspector]").await?,
        "Space on a message should close its inspector again"
    );
    let after = page.status().await?.step;
    ensure!(
        after == before && page.exists("[data-action=\"play\"]").await?,
        "Enter and Space on nodes and messages should not play or step (step {before} → {after})"
    );
    let algo = page
        .script(
            "return new URLSearchParams(location.search).get('algo');",
            vec![],
        )
        .await?;
    page.screenshot(&format!(
        "accessibility-keyboard-{}",
        algo.as_str().unwrap_or("raft")
    ))
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_raft_playground_works_from_the_keyboard_alone() {
    let page = Page::open("/?algo=raft&nodes=3&seed=7&lang=en").await;
    let result = keyboard_walk(&page).await;
    page.finish("accessibility-keyboard-raft", result).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gossip_playground_works_from_the_keyboard_alone() {
    let page = Page::open("/?algo=gossip&nodes=5&seed=7&lang=en").await;
    let result = keyboard_walk(&page).await;
    page.finish("accessibility-keyboard-gossip", result).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_paxos_playground_works_from_the_keyboard_alone() {
    let page = Page::open("/?algo=paxos&nodes=3&proposers=2&seed=4&lang=en").await;
    let result = keyboard_walk(&page).await;
    page.finish("accessibility-keyboard-paxos", result).await;
}

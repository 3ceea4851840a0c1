//! Nothing a visitor types or a host page writes runs as code, and a panic that still happens
//! leaves a bug report. Markup (`<img src onerror=…>`) typed as a Raft client command, a Paxos
//! proposed value and a Gossip update, and written into a widget's `data-*` attributes, shows as
//! text in the captions, the client's replies, the log's and the messages' tooltips, Paxos'
//! chosen banner, acceptors' table and cluster labels, and nothing executes (a probe first shows the same markup does run when
//! parsed as HTML). `panic-at=N` panics at step N: the banner offers "Copy bug report", which
//! copies the run's permalink, the panic message and the build's version. Runs in headless
//! Chromium against `$CONCORD_DIST`; a failure prints the page's permalink and saves a screenshot.

use std::time::Duration;

use concord_tests::page::{Page, Wait};
use concord_tests::widgets;
use concord_tests::{Outcome, ensure};
use serde_json::{Value, json};

/// A Raft key that is markup which runs when parsed as HTML (`<img src onerror>` fires at once).
const RAFT_KEY: &str = "<img/src/onerror=window.__pwned=1>";
/// A proposed value a reader can type (the field takes 12 characters): markup that would
/// render in bold.
const PAXOS_VALUE: &str = "<b>tea</b>";
/// A Gossip update that is markup (the inspector takes `key=value` numbers only).
const GOSSIP_UPDATE: &str = "<img src onerror=window.__pwned=3>=1";
/// Widget attributes that are markup.
const WIDGET_MARKUP: &str = "<img src onerror=window.__pwned=4>";
/// Wall time a run to a reply may take.
const WAIT: Duration = Duration::from_secs(30);

/// Markup that ran: `window.__pwned`, and every `<img>` or `<b>` element in the document and
/// in the widgets' shadow roots (Concord draws neither).
const EXECUTED: &str = "const found = [];\
    const walk = (root) => { for (const e of root.querySelectorAll('*')) {\
      if (e.tagName === 'IMG' || e.tagName === 'B') found.push(e.outerHTML);\
      if (e.shadowRoot) walk(e.shadowRoot); } };\
    walk(document);\
    if (window.__pwned !== undefined) found.push(`window.__pwned = ${window.__pwned}`);\
    return found;";

/// The text of the elements matching a selector (`<title>`s and `title` attributes included),
/// in the document and in the widgets' shadow roots.
const TEXT_OF: &str = "const out = [];\
    const walk = (root) => {\
      for (const e of root.querySelectorAll(arguments[0])) {\
        out.push(e.textContent);\
        for (const t of e.querySelectorAll('[title]')) out.push(t.getAttribute('title'));\
        if (e.hasAttribute('title')) out.push(e.getAttribute('title'));\
      }\
      for (const e of root.querySelectorAll('*')) if (e.shadowRoot) walk(e.shadowRoot);\
    };\
    walk(document); return out.join('\\n');";

async fn nothing_ran(page: &Page, after: &str) -> Outcome {
    let found = page.script(EXECUTED, vec![]).await?;
    ensure!(
        found.as_array().is_some_and(Vec::is_empty),
        "after {after}, markup ran or became elements: {found}"
    );
    Ok(())
}

async fn text_of(page: &Page, selector: &str) -> Outcome<String> {
    let text = page.script(TEXT_OF, vec![json!(selector)]).await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

async fn shows_as_text(page: &Page, selector: &str, markup: &str, place: &str) -> Outcome {
    let text = text_of(page, selector).await?;
    ensure!(
        text.contains(markup),
        "{place} ({selector}) should show `{markup}` as text: {text:?}"
    );
    Ok(())
}

#[tokio::test]
async fn markup_typed_or_written_by_a_host_page_shows_as_text_and_never_runs() {
    let mut page = Page::open("/?algo=raft&nodes=3&seed=1&lang=en").await;
    let result = hostile(&mut page).await;
    page.finish("reliability-hostile", result).await;
}

async fn hostile(page: &mut Page) -> Outcome {
    raft_command(page).await?;
    paxos_value(page).await?;
    gossip_update(page).await?;
    widget_attributes(page).await?;
    // The probe: the same markup parsed as HTML does run, so the checks above can fail.
    page.script(
        "const d = document.createElement('div'); d.innerHTML = arguments[0];\
         document.body.append(d);",
        vec![json!(RAFT_KEY)],
    )
    .await?;
    page.poll("the probe's markup to run", WAIT, async || {
        let pwned = page
            .script("return window.__pwned ?? null;", vec![])
            .await?;
        Ok(if pwned == json!(1) {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("window.__pwned = {pwned}"))
        })
    })
    .await
}

/// A client command whose key is markup: the caption of the step that appends it, the log's
/// tooltips, the client's replies and its error for a command that is not one show it as text.
async fn raft_command(page: &Page) -> Outcome {
    page.wait_for_app().await?;
    let leader = page.elect_leader(WAIT).await?;
    let op = format!("set {RAFT_KEY} 7");
    page.click(&format!("[data-client-server=\"{}\"]", leader.id))
        .await?;
    page.fill("client-op", &op).await?;
    page.press("client-send").await?;
    // Step until the leader appends it: that step's caption quotes the command.
    page.poll("the caption of the leader's append", WAIT, async || {
        let caption = page.caption().await?;
        if caption.contains(&op) {
            return Ok(Wait::Done(()));
        }
        page.press("step").await?;
        Ok(Wait::NotYet(caption))
    })
    .await?;
    shows_as_text(page, ".caption", &op, "the caption").await?;
    shows_as_text(page, ".log-grid", &op, "the log's tooltips").await?;
    page.press("play").await?;
    page.poll("the reply to the command", WAIT, async || {
        let done = page
            .exists("[data-reply=\"1\"][data-outcome=\"done\"]")
            .await?;
        Ok(if done {
            Wait::Done(())
        } else {
            Wait::NotYet("no reply yet".into())
        })
    })
    .await?;
    page.pause().await?;
    shows_as_text(page, "[data-client-panel]", &op, "the client's replies").await?;
    // A command that is not one: the error quotes it, as text.
    page.fill("client-op", RAFT_KEY).await?;
    page.press("client-send").await?;
    shows_as_text(
        page,
        "[data-client-panel] .error",
        RAFT_KEY,
        "the client's error",
    )
    .await?;
    nothing_ran(page, "a Raft client command made of markup").await
}

/// A proposed value that is markup: the Accepts' tooltips, the chosen banner, the acceptors'
/// table and the cluster's labels show it as text.
async fn paxos_value(page: &mut Page) -> Outcome {
    page.goto("/?algo=paxos&nodes=3&proposers=1&learners=1&start=manual&seed=7&lang=en")
        .await?;
    page.click_node(1).await?;
    page.fill("propose-value", PAXOS_VALUE).await?;
    page.press("propose").await?;
    // Step until the Accepts carry it: their tooltips in the cluster quote it.
    page.poll("an Accept carrying the value", WAIT, async || {
        let flying = text_of(page, "g[data-msg]").await?;
        if flying.contains(PAXOS_VALUE) {
            return Ok(Wait::Done(()));
        }
        page.press("step").await?;
        Ok(Wait::NotYet(flying))
    })
    .await?;
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    page.poll("the value to be chosen", WAIT, async || {
        let chosen = page.attributes("[data-chosen]", "data-chosen").await?;
        Ok(match chosen.as_slice() {
            [Some(value)] => Wait::Done(value.clone()),
            _ => Wait::NotYet(format!("chosen: {chosen:?}")),
        })
    })
    .await?;
    page.pause().await?;
    shows_as_text(page, "[data-chosen]", PAXOS_VALUE, "the chosen banner").await?;
    shows_as_text(
        page,
        "tr[data-acceptor]",
        PAXOS_VALUE,
        "the acceptors' table",
    )
    .await?;
    // The cluster's labels shorten it (`<b>…`), still as text.
    shows_as_text(page, "svg", "<b>…", "the cluster's labels").await?;
    nothing_ran(page, "a Paxos value made of markup").await
}

/// An update that is markup is not an update: the write button refuses it and nothing runs.
async fn gossip_update(page: &mut Page) -> Outcome {
    page.goto("/?algo=gossip&nodes=6&model=si&mode=push-pull&update=none&seed=5&lang=en")
        .await?;
    page.click_node(2).await?;
    page.fill("update", GOSSIP_UPDATE).await?;
    let disabled = page
        .attributes("[data-action=\"write\"]", "disabled")
        .await?;
    ensure!(
        disabled.first().is_some_and(Option::is_some),
        "the write button should refuse `{GOSSIP_UPDATE}`: disabled = {disabled:?}"
    );
    nothing_ran(page, "a Gossip update made of markup").await
}

/// A widget whose `data-*` attributes are markup mounts, plays, and runs none of it.
async fn widget_attributes(page: &Page) -> Outcome {
    page.browser().goto("/docs/index.html").await?;
    let before = widgets::ids(page).await?.len();
    widgets::wait_mounted(page, before).await?;
    page.script(
        "const w = document.createElement('div');\
         w.id = 'hostile';\
         w.setAttribute('data-concord', 'raft');\
         for (const name of ['data-seed', 'data-nodes', 'data-lang', 'data-title', 'data-label'])\
           w.setAttribute(name, arguments[0]);\
         document.body.append(w);",
        vec![json!(WIDGET_MARKUP)],
    )
    .await?;
    widgets::wait_mounted(page, before + 1).await?;
    widgets::plays(page, "hostile").await?;
    nothing_ran(page, "a widget with markup in its data-* attributes").await
}

#[tokio::test]
async fn a_panic_shows_the_banner_with_a_bug_report_to_copy() {
    let page = Page::open("/?algo=raft&nodes=3&seed=1&lang=en&panic-at=3").await;
    let result = panic_banner(&page).await;
    page.finish("reliability-panic-banner", result).await;
}

async fn panic_banner(page: &Page) -> Outcome {
    page.wait_for_app().await?;
    // The clipboard, as the page's script sees it (headless Chromium grants no permission).
    page.script(
        "navigator.clipboard.writeText = (text) => { window.__copied = text; \
         return Promise.resolve(); };",
        vec![],
    )
    .await?;
    for _ in 0..3 {
        page.press("step").await?;
    }
    let report = page
        .poll("the panic banner", WAIT, async || {
            Ok(match page.text(".concord-panic [data-bug-report]").await? {
                Some(report) => Wait::Done(report),
                None => Wait::NotYet("no banner".into()),
            })
        })
        .await?;
    page.press("copy-bug-report").await?;
    let copied = page
        .poll("the bug report on the clipboard", WAIT, async || {
            let copied = page
                .script("return window.__copied ?? null;", vec![])
                .await?;
            Ok(match copied {
                Value::String(text) => Wait::Done(text),
                other => Wait::NotYet(other.to_string()),
            })
        })
        .await?;
    ensure!(
        copied == report,
        "the copied report should be the one shown: {copied:?} vs {report:?}"
    );
    let lines: Vec<&str> = copied.lines().collect();
    ensure!(
        lines.first() == Some(&concat!("Concord ", env!("CARGO_PKG_VERSION"))),
        "the report should start with the build's version: {copied:?}"
    );
    // The run's permalink: the address and the tape of the three steps, which a reader can open.
    let link = lines.get(1).copied().unwrap_or_default();
    ensure!(
        link.contains("algo=raft") && link.contains("seed=1") && link.contains("#tape="),
        "the report's second line should be the run's permalink: {copied:?}"
    );
    ensure!(
        copied.contains("panic-at=3: the address asked for a panic at step 3"),
        "the report should carry the panic message: {copied:?}"
    );
    let label = page.text("[data-action=\"copy-bug-report\"]").await?;
    ensure!(
        label.as_deref() == Some("Bug report copied"),
        "the button should say the report was copied: {label:?}"
    );
    page.screenshot("reliability-panic-banner").await?;
    Ok(())
}

//! Widgets on someone else's page (a book, a MkDocs or Sphinx site, a strict page), found by their
//! `data-concord` attribute rather than by ids the page may not give them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::page::{LOAD_TIMEOUT, Page, Scope, Wait};
use crate::{Failure, Outcome, ensure};

/// Gives every `[data-concord]` element an id (`concord-widget-<i>`, unless it has one) and
/// returns them in document order.
pub async fn ids(page: &Page) -> Outcome<Vec<String>> {
    let ids = page
        .script(
            "return [...document.querySelectorAll('[data-concord]')]\
               .map((e, i) => e.id || (e.id = 'concord-widget-' + i));",
            vec![],
        )
        .await?;
    Ok(strings(&ids))
}

/// The strings of a script's answer that is a JSON array (none if it is not one).
fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until the page has `count` widgets, each with its nodes drawn; returns their ids. A
/// widget mounts as it nears the viewport, so this scrolls to each one not mounted yet, as a
/// reader would, and back to where the page stood once all are.
pub async fn wait_mounted(page: &Page, count: usize) -> Outcome<Vec<String>> {
    let stood = page.script("return window.scrollY;", vec![]).await?;
    let ids = page
        .poll(
            &format!("{count} widgets to mount"),
            LOAD_TIMEOUT,
            async || {
                page.script(
                    "[...document.querySelectorAll('[data-concord]')].find((e) => !e.concord)\
                       ?.scrollIntoView({ block: 'center' });",
                    vec![],
                )
                .await?;
                let ids = ids(page).await?;
                let mut seen = Vec::new();
                for id in &ids {
                    let nodes = page.nodes_in(&Scope::Widget(id.clone())).await?.len();
                    seen.push(format!("#{id}: {nodes} nodes"));
                }
                let drawn = seen.iter().filter(|s| !s.ends_with(" 0 nodes")).count();
                Ok(if ids.len() == count && drawn == count {
                    Wait::Done(ids)
                } else {
                    Wait::NotYet(format!("{} widgets: {}", ids.len(), seen.join(", ")))
                })
            },
        )
        .await?;
    page.script("window.scrollTo(0, arguments[0]);", vec![stood])
        .await?;
    Ok(ids)
}

/// Clicks the widget's `[data-action]` control, as a reader would: scrolled into view first (a
/// playing widget out of view waits for its reader).
pub async fn press(page: &Page, id: &str, action: &str) -> Outcome {
    let clicked = page
        .script(
            "const b = document.getElementById(arguments[0])?.shadowRoot\
               ?.querySelector(`[data-action=\"${arguments[1]}\"]`);\
             if (!b) return false; b.scrollIntoView({ block: 'center' }); b.click(); return true;",
            vec![json!(id), json!(action)],
        )
        .await?;
    ensure!(
        clicked == json!(true),
        "widget #{id} has no [data-action=\"{action}\"]"
    );
    Ok(())
}

/// Presses play, waits until the widget has taken a step, and pauses it again unless it paused
/// itself (a tour's step stops where its story does): it plays.
pub async fn plays(page: &Page, id: &str) -> Outcome {
    let scope = Scope::Widget(id.to_owned());
    let before = page.status_in(&scope).await?.step;
    press(page, id, "play").await?;
    page.poll(
        &format!("#{id} to play past step {before}"),
        Duration::from_secs(15),
        async || {
            let now = page.status_in(&scope).await?.step;
            Ok(if now > before {
                Wait::Done(())
            } else {
                Wait::NotYet(format!("step {now}"))
            })
        },
    )
    .await?;
    page.script(
        "document.getElementById(arguments[0]).shadowRoot\
           .querySelector('[data-action=\"pause\"]')?.click();",
        vec![json!(id)],
    )
    .await?;
    Ok(())
}

/// Computed values of `properties` for the first element matching each selector of the page
/// (not inside widgets), as `{ selector: { property: value } }`; a selector matching nothing
/// is left out.
pub async fn page_styles(page: &Page, selectors: &[&str], properties: &[&str]) -> Outcome<Value> {
    styles(page, "document", selectors, properties).await
}

/// The same inside widget `id`'s shadow root.
pub async fn widget_styles(
    page: &Page,
    id: &str,
    selectors: &[&str],
    properties: &[&str],
) -> Outcome<Value> {
    styles(
        page,
        &Scope::Widget(id.to_owned()).js(),
        selectors,
        properties,
    )
    .await
}

async fn styles(
    page: &Page,
    root: &str,
    selectors: &[&str],
    properties: &[&str],
) -> Outcome<Value> {
    let styles = page
        .script(
            &format!(
                "const root = {root}; const out = {{}};\
                 for (const selector of arguments[0]) {{\
                   const e = root?.querySelector(selector); if (!e) continue;\
                   const style = getComputedStyle(e); out[selector] = {{}};\
                   for (const p of arguments[1]) out[selector][p] = style.getPropertyValue(p);\
                 }}\
                 return out;"
            ),
            vec![json!(selectors), json!(properties)],
        )
        .await?;
    if styles.as_object().is_none_or(|o| o.is_empty()) {
        return Err(Failure::new(format!(
            "none of {selectors:?} matched in {root}"
        )));
    }
    Ok(styles)
}

/// The properties a leaking stylesheet would change: type, colour, box.
pub const STYLE_PROPERTIES: [&str; 10] = [
    "font-family",
    "font-size",
    "line-height",
    "color",
    "background-color",
    "text-transform",
    "letter-spacing",
    "margin-top",
    "padding-left",
    "border-top-width",
];

/// The Concord bundle files a document requested (`concord-raft.js`, `concord-web_bg.wasm`, …,
/// not the loader), sorted, as its resource timing lists them: the page's own document, or with
/// `frame` the document of the page's iframe of that id.
pub async fn bundle_files_fetched(page: &Page, frame: Option<&str>) -> Outcome<Vec<String>> {
    let files = page
        .script(
            "const w = arguments[0] ? document.getElementById(arguments[0]).contentWindow : window;\
             return w.performance.getEntriesByType('resource')\
               .map(e => new URL(e.name).pathname.split('/').pop())\
               .filter(f => /^concord-.*(\\.js|_bg\\.wasm)$/.test(f));",
            vec![json!(frame)],
        )
        .await?;
    let mut files = strings(&files);
    files.sort();
    files.dedup();
    Ok(files)
}

/// The document fetched exactly the bundle `name` (`raft`, or `web` for the full bundle): its
/// bindings and its wasm, and no other bundle.
pub async fn ensure_fetched_only(page: &Page, frame: Option<&str>, name: &str) -> Outcome {
    let fetched = bundle_files_fetched(page, frame).await?;
    let expected = [
        format!("concord-{name}.js"),
        format!("concord-{name}_bg.wasm"),
    ];
    ensure!(
        fetched == expected,
        "{} should fetch the bundle concord-{name} only: it fetched {fetched:?}",
        frame.map_or("the page".to_owned(), |f| format!("the iframe #{f}"))
    );
    Ok(())
}

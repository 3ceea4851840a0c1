//! Strict pages and dark ones. A page served with `Content-Security-Policy: script-src 'self'
//! 'wasm-unsafe-eval'; style-src 'self'` (no inline script or style allowed) mounts its widgets,
//! styled and playing, and the browser reports no violation but the one the page provokes on
//! purpose to show it would see one. Widgets are dark where the page says so (`data-theme` on
//! the element or on `<html>`, changed while they run) or, when it says nothing, where the
//! reader's system prefers it; light otherwise.

use std::fs;
use std::path::Path;
use std::time::Duration;

use concord_tests::browser::TempDir;
use concord_tests::page::{Page, Wait};
use concord_tests::site;
use concord_tests::widgets;
use concord_tests::{Outcome, ensure};
use serde_json::{Value, json};

const POLICY: &str = "script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/// The page: the violation watcher, the loader, three widgets (the page's theme, forced dark,
/// forced light).
const PAGE: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Concord under a strict Content-Security-Policy</title>
    <script src="watch.js"></script>
    <script type="module" src="concord/concord.js"></script>
    <link rel="stylesheet" href="page.css">
  </head>
  <body>
    <main>
      <h1>Consensus under a strict policy</h1>
      <p>No inline script, no inline style: the widgets need neither.</p>
      <div id="page" data-concord="raft" data-seed="7" data-nodes="5"></div>
      <div id="dark" data-concord="gossip" data-seed="3" data-nodes="12" data-theme="dark"></div>
      <div id="light" data-concord="paxos" data-seed="7" data-theme="light"></div>
    </main>
  </body>
</html>
"#;

/// Collects the page's CSP violations, then provokes one (an inline `<style>`), so a test that
/// finds only that one knows the watcher works.
const WATCH: &str = "window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`.trim());
});
document.addEventListener('DOMContentLoaded', () => {
  const probe = document.createElement('style');
  probe.textContent = '.probe { color: red }';
  document.head.append(probe);
});
";

const CSS: &str = "body { font: 17px/1.6 Georgia, serif; margin: 2rem auto; max-width: 46rem; }\n";

/// The site: the bundle under `concord/`, the page with its header.
fn strict_site() -> Outcome<TempDir> {
    let dist = concord_tests::dist_dir()?;
    let dir = TempDir::new("concord-strict")?;
    site::copy_bundle(&dist, &dir.path().join("concord"))?;
    let write = |name: &str, text: &str| fs::write(dir.path().join(name), text);
    write("strict.html", PAGE)?;
    write(
        "strict.html.headers",
        &format!("Content-Security-Policy: {POLICY}\n"),
    )?;
    write("watch.js", WATCH)?;
    write("page.css", CSS)?;
    Ok(dir)
}

async fn open(dir: &Path, args: &[&str]) -> Page {
    Page::open_site(dir, "/strict.html", args).await
}

/// `data-concord-theme` of each widget, by id.
async fn themes(page: &Page) -> Outcome<Value> {
    page.script(
        "const out = {};\
         for (const e of document.querySelectorAll('[data-concord]'))\
           out[e.id] = e.shadowRoot?.querySelector('.concord-mount')?.getAttribute('data-concord-theme');\
         return out;",
        vec![],
    )
    .await
}

async fn wait_themes(page: &Page, want: Value) -> Outcome {
    page.poll(
        &format!("the widgets' themes to be {want}"),
        Duration::from_secs(5),
        async || {
            let now = themes(page).await?;
            Ok(if now == want {
                Wait::Done(())
            } else {
                Wait::NotYet(now.to_string())
            })
        },
    )
    .await
}

#[tokio::test]
async fn widgets_need_no_inline_script_or_style_and_follow_the_page_theme() {
    let dir = strict_site().unwrap_or_else(|e| panic!("making the strict page: {e}"));
    let page = open(dir.path(), &[]).await;
    let result = strict(&page).await;
    page.finish("strict", result).await;
}

async fn strict(page: &Page) -> Outcome {
    let ids = widgets::wait_mounted(page, 3).await?;
    for id in &ids {
        widgets::plays(page, id).await?;
    }
    // Concord's stylesheet applies inside: its type and its frame.
    let inside = widgets::widget_styles(
        page,
        "page",
        &[".concord"],
        &["font-family", "border-top-left-radius"],
    )
    .await?;
    ensure!(
        inside[".concord"]["font-family"]
            .as_str()
            .is_some_and(|f| f.starts_with("system-ui"))
            && inside[".concord"]["border-top-left-radius"] == "10px",
        "Concord's stylesheet should apply inside the widget under the policy: {inside}"
    );
    let violations = page.script("return window.cspViolations;", vec![]).await?;
    ensure!(
        violations.as_array().is_some_and(|v| v.len() == 1)
            && violations[0]
                .as_str()
                .is_some_and(|v| v.starts_with("style-src-elem inline")),
        "the only violation should be the page's own probe (an inline <style>): {violations}"
    );
    page.screenshot("strict-light-system").await?;

    // The page says nothing and the system prefers light: light, but for the forced ones.
    wait_themes(
        page,
        json!({ "page": "light", "dark": "dark", "light": "light" }),
    )
    .await?;
    let dark_ink = widgets::widget_styles(page, "dark", &[".concord"], &["color"]).await?;
    let light_ink = widgets::widget_styles(page, "page", &[".concord"], &["color"]).await?;
    ensure!(
        dark_ink[".concord"]["color"] == "rgb(227, 233, 240)"
            && light_ink[".concord"]["color"] == "rgb(29, 39, 51)",
        "dark widgets should write in Concord's dark ink, light ones in its light ink: {dark_ink} \
         {light_ink}"
    );
    // The page turns dark (`data-theme` on <html>), then light again, while the widgets run.
    page.script("document.documentElement.dataset.theme = 'dark';", vec![])
        .await?;
    wait_themes(
        page,
        json!({ "page": "dark", "dark": "dark", "light": "light" }),
    )
    .await?;
    page.browser()
        .screenshot_of("#page", "strict-page-dark")
        .await?;
    page.script("delete document.documentElement.dataset.theme;", vec![])
        .await?;
    wait_themes(
        page,
        json!({ "page": "light", "dark": "dark", "light": "light" }),
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn widgets_follow_a_dark_system_unless_told_otherwise() {
    let dir = strict_site().unwrap_or_else(|e| panic!("making the strict page: {e}"));
    let page = open(dir.path(), &["--force-dark-mode"]).await;
    let result = dark_system(&page).await;
    page.finish("strict-dark-system", result).await;
}

async fn dark_system(page: &Page) -> Outcome {
    let dark = page
        .script(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await?;
    ensure!(
        dark == json!(true),
        "Chromium with --force-dark-mode should prefer a dark colour scheme"
    );
    widgets::wait_mounted(page, 3).await?;
    wait_themes(
        page,
        json!({ "page": "dark", "dark": "dark", "light": "light" }),
    )
    .await?;
    widgets::plays(page, "page").await?;
    page.screenshot("strict-dark-system").await?;
    Ok(())
}

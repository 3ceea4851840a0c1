//! The MkDocs (Material) and Sphinx recipes, each a small site in `tests/fixtures/` built by the
//! real tool from PyPI around the bundle: the loader in the site's configuration, `<div
//! data-concord=…>` in the pages. In headless Chromium every widget mounts and plays, on the first
//! page and after a move to the second (for Material, its instant navigation: the page changes
//! without reloading, and the loader mounts what it brings); Material's dark palette turns the
//! widgets dark. Screenshots at 1280 and 390 px go to `target/screenshots/`.
//!
//! `.ci/run` installs MkDocs, Material and Sphinx with pip; where Python lacks them, each test
//! prints why it skips and passes.

use std::process::Command;
use std::time::Duration;

use concord_tests::page::{Page, Wait};
use concord_tests::site::{self, Workspace};
use concord_tests::widgets;
use concord_tests::{Outcome, ensure};
use serde_json::json;

/// Whether `python3` can import `modules`; the reason to skip when it cannot.
fn python_has(modules: &str, install: &str) -> Result<(), String> {
    let found = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output();
    match found {
        Ok(output) if output.status.success() => Ok(()),
        Ok(_) => Err(format!(
            "python3 cannot import {modules}: pip install {install}"
        )),
        Err(e) => Err(format!("no python3 ({e}): it runs {install}")),
    }
}

/// Builds a fixture site with the bundle copied to `bundle_dir` inside it; the workspace.
fn build(fixture: &str, bundle_dir: &str, command: &[&str]) -> Outcome<Workspace> {
    let dist = concord_tests::dist_dir()?;
    let workspace = Workspace::from_fixture(fixture)?;
    site::copy_bundle(&dist, &workspace.path().join(bundle_dir))?;
    workspace.run(Command::new("python3").args(command))?;
    Ok(workspace)
}

/// Every widget on the page plays.
async fn all_play(page: &Page, count: usize) -> Outcome<Vec<String>> {
    let ids = widgets::wait_mounted(page, count).await?;
    for id in &ids {
        widgets::plays(page, id).await?;
    }
    Ok(ids)
}

async fn shots(page: &Page, name: &str) -> Outcome {
    for (width, height) in [(1280, 900), (390, 844)] {
        page.resize(width, height).await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        page.script(
            "document.querySelector('[data-concord]').scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await?;
        page.screenshot(&format!("{name}-{width}")).await?;
    }
    page.resize(1280, 900).await
}

/// Clicks the navigation's link that reads `text`, as a reader would (a click event the site's
/// own script may take over).
async fn follow(page: &Page, text: &str) -> Outcome {
    let clicked = page
        .script(
            "const a = [...document.querySelectorAll('nav a')]\
               .find(a => a.textContent.trim() === arguments[0]);\
             if (!a) return false; a.click(); return true;",
            vec![json!(text)],
        )
        .await?;
    ensure!(
        clicked == json!(true),
        "no link reading {text:?} in the page's navigation"
    );
    Ok(())
}

/// The theme a widget's stylesheet is following (`data-concord-theme` on its mount point).
async fn widget_theme(page: &Page, id: &str) -> Outcome<String> {
    let theme = page
        .script(
            "return document.getElementById(arguments[0]).shadowRoot\
               .querySelector('.concord-mount').getAttribute('data-concord-theme');",
            vec![json!(id)],
        )
        .await?;
    Ok(theme.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn mkdocs_material_widgets_play_after_instant_navigation() {
    if let Err(why) = python_has("mkdocs, material", "mkdocs mkdocs-material") {
        eprintln!("skipping the MkDocs (Material) recipe: {why}");
        return;
    }
    let dist = concord_tests::dist_dir().unwrap_or_else(|e| panic!("{e}"));
    let site = Workspace::from_fixture("mkdocs").expect("copying the MkDocs fixture");
    site::copy_bundle(&dist, &site.path().join("docs/concord")).expect("copying the bundle");
    // The server first: the site is built for its address (see mkdocs.yml's site_url).
    let root = site.path().join("site");
    let page = Page::open_site(&root, "/404.html", &[]).await;
    let result = async {
        let config = site.path().join("mkdocs.yml");
        let yaml = std::fs::read_to_string(&config)?.replace(
            "site_url: https://docs.example.org/",
            &format!("site_url: {}/", page.browser().origin()),
        );
        std::fs::write(&config, yaml)?;
        site.run(
            Command::new("python3")
                .args(["-m", "mkdocs", "build", "--quiet"])
                .env("NO_MKDOCS_2_WARNING", "1"),
        )?;
        let scripts = site::count_in(&root.join("index.html"), "concord/concord.js\"")?;
        ensure!(
            scripts == 1,
            "the site's pages should load the loader once ({scripts})"
        );
        page.browser().goto("/").await?;
        mkdocs(&page).await
    }
    .await;
    page.finish("mkdocs", result).await;
}

async fn mkdocs(page: &Page) -> Outcome {
    let first = all_play(page, 1).await?;
    shots(page, "mkdocs-material").await?;
    // A mark on the window survives a client-side page change, not a reload.
    page.script("window.concordSamePage = true;", vec![])
        .await?;
    follow(page, "Gossip and Paxos").await?;
    page.poll(
        "Material to show the second page",
        Duration::from_secs(10),
        async || {
            let url = page.browser().client.current_url().await?;
            Ok(if url.path().contains("more") {
                Wait::Done(())
            } else {
                Wait::NotYet(url.to_string())
            })
        },
    )
    .await?;
    all_play(page, 2).await?;
    let same = page
        .script("return window.concordSamePage === true;", vec![])
        .await?;
    ensure!(
        same == json!(true),
        "Material's instant navigation should have changed the page without reloading it"
    );
    ensure!(
        widget_theme(page, &widgets::ids(page).await?[0]).await? == "light",
        "under Material's default palette the widgets should be light"
    );
    // The dark palette ("slate"), by Material's own toggle.
    page.click("label.md-header__button[for=\"__palette_1\"]")
        .await?;
    let ids = widgets::ids(page).await?;
    page.poll(
        "the widgets to turn dark",
        Duration::from_secs(5),
        async || {
            let theme = widget_theme(page, &ids[0]).await?;
            Ok(if theme == "dark" {
                Wait::Done(())
            } else {
                Wait::NotYet(theme)
            })
        },
    )
    .await?;
    all_play(page, 2).await?;
    shots(page, "mkdocs-material-slate").await?;
    // And back to the first page, still without a reload.
    follow(page, "Leader election").await?;
    let back = all_play(page, 1).await?;
    ensure!(
        back.len() == first.len()
            && page
                .script("return window.concordSamePage === true;", vec![])
                .await?
                == json!(true),
        "back on the first page, its widget should play again without a reload"
    );
    Ok(())
}

#[tokio::test]
async fn sphinx_widgets_play_on_both_pages() {
    if let Err(why) = python_has("sphinx", "sphinx") {
        eprintln!("skipping the Sphinx recipe: {why}");
        return;
    }
    let site = build(
        "sphinx",
        "_static/concord",
        &["-m", "sphinx", "-b", "html", "-q", ".", "_build/html"],
    )
    .unwrap_or_else(|e| panic!("building the Sphinx site: {e}"));
    let root = site.path().join("_build/html");
    let scripts =
        site::count_in(&root.join("index.html"), "_static/concord/concord.js").unwrap_or(0);
    assert_eq!(scripts, 1, "the site's pages should load the loader once");
    let page = Page::open_site(&root, "/index.html", &[]).await;
    let result = sphinx(&page).await;
    page.finish("sphinx", result).await;
}

async fn sphinx(page: &Page) -> Outcome {
    all_play(page, 1).await?;
    shots(page, "sphinx").await?;
    page.click("a.reference.internal[href=\"more.html\"]")
        .await?;
    all_play(page, 2).await?;
    shots(page, "sphinx-more").await?;
    Ok(())
}

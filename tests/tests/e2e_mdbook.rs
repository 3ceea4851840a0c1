//! mdBook: a real book (`tests/fixtures/book`: two pages, six widgets, one of them from a
//! permalink, one a chapter of the Raft tour) built by the `mdbook` binary (0.5, from crates.io) with the `mdbook-concord`
//! preprocessor, then read in headless Chromium. The loader's script tag is on each page once, the
//! bundle is in the book once (the full one and each protocol's; a page of Raft and Gossip
//! widgets fetches the full one only); every widget mounts and plays, also after mdBook's page navigation
//! (the next-chapter link, then Back) and its theme switch (to the dark "navy"); an arrow key in a
//! focused widget steps it without turning mdBook's page; and neither side's styles reach the
//! other: the book's text is styled alike with and without the loader, and a widget's inside is
//! Concord's own under both themes.
//!
//! Needs `$CONCORD_DIST`, `mdbook` (`$MDBOOK` or on PATH) and `mdbook-concord`
//! (`$MDBOOK_CONCORD` or on PATH); `cargo xtask test` provides all three.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use concord_tests::page::{Page, Scope, Wait};
use concord_tests::site::{self, Workspace};
use concord_tests::widgets::{self, STYLE_PROPERTIES};
use concord_tests::{Failure, Outcome, ensure};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value, json};

/// The book's own text and furniture, measured with and without Concord on the page.
const BOOK_TEXT: [&str; 8] = [
    "html",
    "body",
    "main h1",
    "main p",
    "main code",
    "#mdbook-menu-bar",
    "#mdbook-sidebar",
    ".nav-chapters",
];

/// Inside a widget: its root, its caption, a button, its drawing.
const WIDGET_INSIDE: [&str; 4] = [
    ".concord",
    "[data-caption]",
    "[data-action=\"step\"]",
    "svg.cluster",
];

/// Builds the fixture book around `$CONCORD_DIST`; the workspace and the book's output.
fn build_book() -> Outcome<(Workspace, PathBuf)> {
    let dist = concord_tests::dist_dir()?;
    let book = Workspace::from_fixture("book")?;
    let out = site::mdbook_build(&book, &dist)?;
    check_output(&out)?;
    Ok((book, out))
}

/// One loader tag per page, at the right depth; one bundle per book; a directive in a code
/// block left as written.
fn check_output(out: &Path) -> Outcome {
    for (page, src, widgets) in [
        ("election.html", "concord/concord.js", 3),
        ("protocols/more.html", "../concord/concord.js", 3),
    ] {
        let path = out.join(page);
        let tags = site::count_in(&path, "concord.js\"></script>")?;
        let exact = site::count_in(&path, &format!("<script type=\"module\" src=\"{src}\">"))?;
        let found = site::count_in(&path, "data-concord=")?;
        ensure!(
            tags == 1 && exact == 1 && found == widgets,
            "{page} should load {src} once ({tags} tags, {exact} with that address) and hold \
             {widgets} widgets ({found})"
        );
    }
    // The full bundle and each protocol's, the loader picking among them.
    for bundle in ["web", "raft", "gossip", "paxos"] {
        let file = format!("concord-{bundle}_bg.wasm");
        let wasm = site::find_files(out, &file)?;
        ensure!(
            wasm == [out.join("concord").join(&file)],
            "the book should hold {file} once, in concord/: {wasm:?}"
        );
    }
    ensure!(
        site::count_in(
            &out.join("protocols/more.html"),
            "{{#concord raft seed=7 nodes=5}}"
        )? == 1,
        "the directive in a code block should stay as written"
    );
    Ok(())
}

#[tokio::test]
async fn a_real_book_plays_every_widget_across_pages_and_themes() {
    let (book, out) = build_book().unwrap_or_else(|e| panic!("building the book: {e}"));
    // The same page without the loader: the book as it is without Concord.
    let plain = fs::read_to_string(out.join("election.html"))
        .expect("election.html")
        .replace(
            "<script type=\"module\" src=\"concord/concord.js\"></script>",
            "",
        );
    fs::write(out.join("election-plain.html"), plain).expect("writing election-plain.html");
    let page = Page::open_site(&out, "/election.html", &[]).await;
    let result = scenario(&page).await;
    page.finish("mdbook", result).await;
    drop(book);
}

async fn scenario(page: &Page) -> Outcome {
    let ids = widgets::wait_mounted(page, 3).await?;
    // Raft and Gossip on one page: the full bundle serves both.
    widgets::ensure_fetched_only(page, None, "web").await?;
    let crash = page.nodes_in(&Scope::Widget(ids[2].clone())).await?;
    ensure!(
        page.status_in(&Scope::Widget(ids[2].clone())).await?.step == 14
            && crash.iter().filter(|n| !n.up).map(|n| n.id).eq([4]),
        "the permalink widget should open at step 14 with S4 crashed"
    );
    for id in &ids {
        widgets::plays(page, id).await?;
    }
    let light = inside(page, &ids).await?;
    ensure_book_untouched(page, "light").await?;
    shots(page, "mdbook-light").await?;

    // → in a focused widget steps it; mdBook's own → (next chapter) does not fire.
    page.script(
        "document.getElementById(arguments[0]).shadowRoot.querySelector('.playground').focus();",
        vec![json!(ids[0])],
    )
    .await?;
    let before = page.status_in(&Scope::Widget(ids[0].clone())).await?.step;
    let mut keys = KeyActions::new("keyboard".into());
    keys = keys
        .then(KeyAction::Down {
            value: Key::Right.into(),
        })
        .then(KeyAction::Up {
            value: Key::Right.into(),
        });
    page.browser().client.perform_actions(keys).await?;
    wait_for_step(page, &ids[0], before + 1).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let url = page.browser().client.current_url().await?;
    ensure!(
        url.path().ends_with("/election.html"),
        "→ in a widget should step it and leave the page where it is: now at {url}"
    );

    // The theme switch: mdBook's picker, to navy.
    page.click("#mdbook-theme-toggle").await?;
    page.click("#mdbook-theme-navy").await?;
    page.poll("the navy theme", Duration::from_secs(5), async || {
        let class = page
            .script("return document.documentElement.className;", vec![])
            .await?;
        Ok(if class.as_str().is_some_and(|c| c.contains("navy")) {
            Wait::Done(())
        } else {
            Wait::NotYet(class.to_string())
        })
    })
    .await?;
    for id in &ids {
        widgets::plays(page, id).await?;
    }
    let navy = inside(page, &ids).await?;
    ensure_theme_followed(&light, &navy)?;
    ensure_book_untouched(page, "navy").await?;
    shots(page, "mdbook-navy").await?;

    // Page navigation: the next chapter's widgets, then Back to these.
    // The wide arrow or the narrow one, whichever this width shows.
    page.click("a[rel~=\"next\"]").await?;
    let next = widgets::wait_mounted(page, 3).await?;
    let url = page.browser().client.current_url().await?;
    ensure!(
        url.path().ends_with("/protocols/more.html"),
        "the next-chapter link should open protocols/more.html, not {url}"
    );
    let zh = page
        .script(
            "return document.getElementById(arguments[0]).shadowRoot.querySelector('.concord').lang;",
            vec![json!(next[1])],
        )
        .await?;
    ensure!(
        zh == "zh-CN",
        "the second widget (lang=zh) should be in Chinese: {zh}"
    );
    for id in &next {
        widgets::plays(page, id).await?;
    }
    // The tour chapter: its story, and Continue through its API.
    let first = tour_step(page, &next[2]).await?;
    let first: u64 = first.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
        Failure::new(format!(
            "the tour widget should show a step of the tour: {first}"
        ))
    })?;
    page.script(
        "document.getElementById(arguments[0]).concord.tour.next();",
        vec![json!(next[2])],
    )
    .await?;
    page.poll("the tour to continue", Duration::from_secs(5), async || {
        let now = tour_step(page, &next[2]).await?;
        Ok(if now == json!((first + 1).to_string()) {
            Wait::Done(())
        } else {
            Wait::NotYet(now.to_string())
        })
    })
    .await?;
    shots(page, "mdbook-navy-page2").await?;
    page.browser()
        .screenshot_of(&format!("#{}", next[2]), "mdbook-navy-tour")
        .await?;
    page.browser().client.back().await?;
    let back = widgets::wait_mounted(page, 3).await?;
    for id in &back {
        widgets::plays(page, id).await?;
    }
    Ok(())
}

/// The step a widget's tour shows (`data-step` of its `[data-tour]`), as the page has it.
async fn tour_step(page: &Page, id: &str) -> Outcome<Value> {
    page.script(
        &format!(
            "return {}?.querySelector('[data-tour]')?.getAttribute('data-step') ?? null;",
            Scope::Widget(id.to_owned()).js()
        ),
        vec![],
    )
    .await
}

async fn wait_for_step(page: &Page, id: &str, step: u64) -> Outcome {
    let scope = Scope::Widget(id.to_owned());
    page.poll(
        &format!("#{id} at step {step}"),
        Duration::from_secs(5),
        async || {
            let now = page.status_in(&scope).await?.step;
            Ok(if now == step {
                Wait::Done(())
            } else {
                Wait::NotYet(format!("step {now}"))
            })
        },
    )
    .await
}

/// The inside of every widget; all alike, and Concord's own type whatever the book's.
async fn inside(page: &Page, ids: &[String]) -> Outcome<Value> {
    let first = widgets::widget_styles(page, &ids[0], &WIDGET_INSIDE, &STYLE_PROPERTIES).await?;
    for id in &ids[1..] {
        let other = widgets::widget_styles(page, id, &WIDGET_INSIDE, &STYLE_PROPERTIES).await?;
        for selector in WIDGET_INSIDE {
            ensure!(
                other[selector] == first[selector],
                "{selector} inside #{id} should look as in #{}: {} vs {}",
                ids[0],
                other[selector],
                first[selector]
            );
        }
    }
    let root = &first[".concord"];
    ensure!(
        root["font-family"]
            .as_str()
            .is_some_and(|f| f.starts_with("system-ui"))
            && first["[data-action=\"step\"]"]["text-transform"] == "none",
        "a widget should keep Concord's type (system-ui, no transforms): {first}"
    );
    Ok(first)
}

/// Under navy the widgets turn dark by their own stylesheet: the type stays, the colours are
/// Concord's dark ones, not the book's.
fn ensure_theme_followed(light: &Value, navy: &Value) -> Outcome {
    for selector in WIDGET_INSIDE {
        for property in ["font-family", "font-size", "line-height", "text-transform"] {
            ensure!(
                light[selector][property] == navy[selector][property],
                "{selector} {property} should not change with the book's theme: {} vs {}",
                light[selector][property],
                navy[selector][property]
            );
        }
    }
    Ok(())
}

/// The book's text is styled the same on this page as on the same page without the loader.
async fn ensure_book_untouched(page: &Page, theme: &str) -> Outcome {
    let with = widgets::page_styles(page, &BOOK_TEXT, &STYLE_PROPERTIES).await?;
    let here = page.browser().client.current_url().await?;
    page.browser()
        .client
        .goto(
            here.join("election-plain.html")
                .map_err(|e| Failure::new(e.to_string()))?
                .as_str(),
        )
        .await?;
    stylesheets_loaded(page).await?;
    let without = widgets::page_styles(page, &BOOK_TEXT, &STYLE_PROPERTIES).await?;
    page.browser().client.goto(here.as_str()).await?;
    stylesheets_loaded(page).await?;
    widgets::wait_mounted(page, 3).await?;
    for selector in BOOK_TEXT {
        ensure!(
            with[selector] == without[selector],
            "{theme}: the book's {selector} should look the same with and without Concord: {} vs {}",
            with[selector],
            without[selector]
        );
    }
    ensure!(
        without.as_object().map_or(0, |o| o.len()) >= 6,
        "{theme}: most of {BOOK_TEXT:?} should be on the page: {without}"
    );
    Ok(())
}

/// Waits until every stylesheet the page links to has loaded.
async fn stylesheets_loaded(page: &Page) -> Outcome {
    page.poll(
        "the page's stylesheets to load",
        Duration::from_secs(10),
        async || {
            let pending = page
                .script(
                    "return document.readyState !== 'complete' ? ['document'] :\
                       [...document.querySelectorAll('link[rel=stylesheet]')]\
                         .filter(l => !l.disabled && !l.sheet).map(l => l.href);",
                    vec![],
                )
                .await?;
            Ok(if pending == json!([]) {
                Wait::Done(())
            } else {
                Wait::NotYet(pending.to_string())
            })
        },
    )
    .await
}

/// The page at a desktop's and a phone's width (with the sidebar folded away at the phone's, as
/// mdBook opens it there).
async fn shots(page: &Page, name: &str) -> Outcome {
    for (width, height) in [(1280, 900), (390, 844)] {
        page.resize(width, height).await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        sidebar(page, width > 600).await?;
        page.script(
            "document.querySelector('[data-concord]').scrollIntoView({ block: 'start' });",
            vec![],
        )
        .await?;
        page.screenshot(&format!("{name}-{width}")).await?;
    }
    page.resize(1280, 900).await?;
    sidebar(page, true).await
}

/// Shows or hides mdBook's sidebar with its own toggle.
async fn sidebar(page: &Page, shown: bool) -> Outcome {
    let visible = page
        .script(
            "return document.documentElement.classList.contains('sidebar-visible');",
            vec![],
        )
        .await?;
    if visible != json!(shown) {
        page.click("#mdbook-sidebar-toggle").await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    Ok(())
}

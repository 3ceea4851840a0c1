//! "Copy … code" in the full playground, each form pasted where its reader would paste it: the
//! widget form (the loader's script tag and a `<div data-concord …>`) and the iframe form into a
//! blank page, the mdBook form into a chapter of a book built by mdBook with the preprocessor.
//! Each opens the run exactly as it stood: the same step, servers and caption after a crash made
//! by hand.
//!
//! The book needs `mdbook` and `mdbook-concord` (`$MDBOOK`, `$MDBOOK_CONCORD`; `cargo xtask test`
//! sets them).

use std::fs;
use std::path::Path;
use std::time::Duration;

use concord_tests::browser::TempDir;
use concord_tests::page::{NodeView, Page, Scope, Wait, describe};
use concord_tests::site::{self, Workspace};
use concord_tests::widgets;
use concord_tests::{Outcome, ensure};
use serde_json::json;

/// What the full playground showed.
struct Seen {
    step: u64,
    nodes: Vec<NodeView>,
    caption: String,
}

/// The snippets of one run, by form.
struct Snippets {
    widget: String,
    iframe: String,
    mdbook: String,
}

#[tokio::test]
async fn each_form_of_embed_code_reopens_the_run_where_it_stood() {
    // The playground's files and, once the snippets are copied, a blank page beside them.
    let dist = concord_tests::dist_dir().unwrap_or_else(|e| panic!("{e}"));
    let served = TempDir::new("concord-embed-code").expect("a temporary directory");
    site::copy_dir(&dist, served.path()).expect("copying dist/");
    let mut page = Page::open_site(served.path(), "/?algo=raft&nodes=5&seed=7&lang=en", &[]).await;
    let copied = async {
        page.wait_for_app().await?;
        copy_all(&mut page).await
    }
    .await;
    let (seen, snippets) = match copied {
        Ok(found) => found,
        Err(e) => {
            page.finish("embed-code-copy", Err(e)).await;
            unreachable!("finish panics on a failure");
        }
    };
    let pasted = blank_page(&page, served.path(), &seen, &snippets).await;
    page.finish("embed-code-blank-page", pasted).await;

    let book = Workspace::from_fixture("book").expect("copying the book fixture");
    fs::write(
        book.path().join("src/election.md"),
        format!("# Pasted\n\n{}\n", snippets.mdbook),
    )
    .expect("writing the chapter");
    let out = site::mdbook_build(&book, &dist).unwrap_or_else(|e| panic!("building the book: {e}"));
    let page = Page::open_site(&out, "/election.html", &[]).await;
    let result = async {
        let ids = widgets::wait_mounted(&page, 1).await?;
        same_run(
            &page,
            &Scope::Widget(ids[0].clone()),
            &seen,
            "the mdBook directive",
        )
        .await
    }
    .await;
    page.finish("embed-code-book", result).await;
}

/// A run with a crash made by hand, then every form of its embed code.
async fn copy_all(page: &mut Page) -> Outcome<(Seen, Snippets)> {
    for step in 1..=6 {
        page.press("step").await?;
        page.wait_for_step(step).await?;
    }
    page.click_node(2).await?;
    page.press("crash").await?;
    page.wait_for_step(7).await?;
    page.press("step").await?;
    page.press("step").await?;
    let here = page.wait_for_step(9).await?;
    let seen = Seen {
        step: here.step,
        nodes: page.nodes().await?,
        caption: page.caption().await?,
    };
    let mut texts = Vec::new();
    for action in ["copy-widget", "copy-embed", "copy-mdbook"] {
        page.press(action).await?;
        let selector = format!("[data-copied=\"{action}\"]");
        let text = page
            .poll(
                &format!("the {action} code to be shown"),
                Duration::from_secs(5),
                async || {
                    Ok(match page.text(&selector).await? {
                        Some(text) if !text.is_empty() => Wait::Done(text),
                        _ => Wait::NotYet(format!("no {selector} text")),
                    })
                },
            )
            .await?;
        texts.push(text);
    }
    page.screenshot("embed-code-forms").await?;
    let [widget, iframe, mdbook] = <[String; 3]>::try_from(texts).expect("three forms");
    ensure!(
        widget.starts_with("<script type=\"module\" src=\"http")
            && widget.contains("/concord.js\"></script>\n<div data-concord=\"raft\"")
            && widget.contains(" data-seed=\"7\"")
            && widget.contains(" data-tape=\""),
        "the widget code should be the loader's tag and a div with the run's settings and tape: \
         {widget}"
    );
    ensure!(
        mdbook.starts_with("{{#concord raft ")
            && mdbook.contains(" seed=7")
            && mdbook.contains(" tape=")
            && mdbook.ends_with("}}"),
        "the mdBook code should be one directive with the run's settings and tape: {mdbook}"
    );
    Ok((
        seen,
        Snippets {
            widget,
            iframe,
            mdbook,
        },
    ))
}

/// The widget and iframe forms pasted into a blank page beside the playground, each showing the
/// run as it stood.
async fn blank_page(page: &Page, served: &Path, seen: &Seen, snippets: &Snippets) -> Outcome {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Pasted</title>\
         </head>\n<body>\n{}\n{}\n</body>\n</html>\n",
        snippets.widget, snippets.iframe
    );
    fs::write(served.join("pasted.html"), html)?;
    page.browser().goto("/pasted.html").await?;
    let ids = widgets::wait_mounted(page, 1).await?;
    same_run(
        page,
        &Scope::Widget(ids[0].clone()),
        seen,
        "the widget code",
    )
    .await?;
    page.script(
        "document.querySelector('iframe').id = 'pasted-frame';",
        vec![],
    )
    .await?;
    let frame = Scope::Frame("pasted-frame".into());
    page.poll(
        "the pasted iframe to draw",
        Duration::from_secs(20),
        async || {
            let nodes = page.nodes_in(&frame).await?;
            Ok(if nodes.is_empty() {
                Wait::NotYet("no nodes yet".into())
            } else {
                Wait::Done(())
            })
        },
    )
    .await?;
    same_run(page, &frame, seen, "the iframe code").await?;
    page.screenshot("embed-code-pasted").await?;
    Ok(())
}

/// The run in `scope` stands where the full playground stood.
async fn same_run(page: &Page, scope: &Scope, seen: &Seen, what: &str) -> Outcome {
    let step = page
        .poll(
            &format!("{what} to open at step {}", seen.step),
            Duration::from_secs(20),
            async || {
                let now = page.status_in(scope).await?.step;
                Ok(if now == seen.step {
                    Wait::Done(now)
                } else {
                    Wait::NotYet(format!("step {now}"))
                })
            },
        )
        .await?;
    let nodes = page.nodes_in(scope).await?;
    let caption = page
        .script(
            &format!(
                "const root = {}; return root?.querySelector('[data-caption]')?.textContent ?? null;",
                scope.js()
            ),
            vec![],
        )
        .await?;
    ensure!(
        step == seen.step
            && describe(&nodes) == describe(&seen.nodes)
            && caption == json!(seen.caption),
        "{what} should show the run as it stood:\n  playground {} / {:?}\n  pasted     {} / {caption}",
        describe(&seen.nodes),
        seen.caption,
        describe(&nodes)
    );
    Ok(())
}

//! What a visitor links or imports is never silently ignored: each bad URL parameter is told
//! on the page in the reader's language with what was used instead, a damaged or newer
//! `#tape=` link, a link the core refuses for its settings and a run file of a future format are
//! told in words, and the page still plays; what the player could not do follows the page's
//! language.

use concord_tests::page::{Page, Wait};
use concord_tests::{Failure, Outcome, ensure};
use std::time::Duration;

use fantoccini::Locator;

/// The link of the issue that asked for this: five bad values in one address.
const BAD: &str = "/?algo=raft&nodes=abc&election=999-1&heartbeat=-1&switches=zzz&seed=7";

/// The parameters the notice names, in order.
async fn told(page: &Page) -> Outcome<Vec<String>> {
    Ok(page
        .attributes("[data-problems] li", "data-param")
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// The page plays: a step moves the run on.
async fn still_plays(page: &Page) -> Outcome {
    let before = page.status().await?.step;
    page.press("step").await?;
    page.wait_for_step(before + 1).await?;
    Ok(())
}

#[tokio::test]
async fn bad_link_parameters_are_told_in_both_languages_and_the_rest_runs() {
    let mut page = Page::open(&format!("{BAD}&lang=en")).await;
    let result = async {
        page.wait_for_app().await?;
        let params = told(&page).await?;
        ensure!(
            params == ["nodes", "switches", "election", "heartbeat"],
            "each bad value is told once, in the order read: {params:?}"
        );
        let text = page.text("[data-problems]").await?.unwrap_or_default();
        ensure!(
            text.contains("election=999-1: the range is empty")
                && text.contains("using 150–300 ms")
                && text.contains("nodes=abc: not a whole number; using 5"),
            "each says what was wrong and what was used: {text}"
        );
        ensure!(
            page.nodes().await?.len() == 5,
            "the default five servers run"
        );
        still_plays(&page).await?;
        page.screenshot("input-bad-link-en").await?;
        page.goto(&format!("{BAD}&lang=zh")).await?;
        page.wait_for_app().await?;
        let text = page.text("[data-problems]").await?.unwrap_or_default();
        ensure!(
            text.contains("nodes=abc：不是整数；改用 5。"),
            "the same notice in Chinese: {text}"
        );
        page.press("close-problems").await?;
        ensure!(
            !page.exists("[data-problems]").await?,
            "the reader can close the notice"
        );
        // A run chosen in the page is the page's own: nothing to tell.
        page.goto("/?algo=gossip&nodes=12&seed=3&lang=en&fanout=2")
            .await?;
        page.wait_for_app().await?;
        ensure!(
            !page.exists("[data-problems]").await?,
            "a good link says nothing"
        );
        Ok(())
    }
    .await;
    page.finish("input-bad-link", result).await;
}

#[tokio::test]
async fn a_damaged_or_newer_tape_is_told_in_words_and_the_run_starts_afresh() {
    let mut page = Page::open("/?algo=raft&nodes=3&seed=5&lang=en#tape=1.!!").await;
    let result = async {
        page.wait_for_app().await?;
        let error = page.text(".error").await?.unwrap_or_default();
        ensure!(
            error.starts_with("This link's run could not be read")
                && !error.contains("Invalid symbol"),
            "a damaged link is told in words, not a decoder's message: {error}"
        );
        still_plays(&page).await?;
        page.screenshot("input-damaged-tape").await?;
        page.goto("/?algo=paxos&seed=5&lang=zh#tape=7.e30").await?;
        page.wait_for_app().await?;
        let error = page.text(".error").await?.unwrap_or_default();
        ensure!(
            error.contains("更新版本的 Concord") && error.contains("格式 7"),
            "a link of a newer format says so: {error}"
        );
        still_plays(&page).await?;
        Ok(())
    }
    .await;
    page.finish("input-damaged-tape", result).await;
}

/// A link whose run the core refuses for its settings (here a run longer than a link may
/// replay) says why in the reader's language: in Chinese, the core's reason in Chinese too.
#[tokio::test]
async fn a_link_refused_for_its_settings_says_why_in_both_languages() {
    // `{"marks":[],"tail":1000001,"position":0}`: one plain step more than a link may replay.
    const TOO_LONG: &str = "#tape=1.eyJtYXJrcyI6W10sInRhaWwiOjEwMDAwMDEsInBvc2l0aW9uIjowfQ";
    let mut page = Page::open(&format!("/?algo=raft&nodes=3&seed=5&lang=en{TOO_LONG}")).await;
    let result = async {
        page.wait_for_app().await?;
        let error = page.text(".error").await?.unwrap_or_default();
        ensure!(
            error.contains("it has 1000001 steps, more than the 1000000 a link may replay"),
            "the core's reason, in English: {error}"
        );
        still_plays(&page).await?;
        page.goto(&format!("/?algo=raft&nodes=3&seed=5&lang=zh{TOO_LONG}"))
            .await?;
        page.wait_for_app().await?;
        let error = page.text(".error").await?.unwrap_or_default();
        ensure!(
            error.contains("它有 1000001 步，超过了链接最多能重放的 1000000 步")
                && !error.contains("steps"),
            "the same reason in Chinese, none of it left in English: {error}"
        );
        still_plays(&page).await?;
        Ok(())
    }
    .await;
    page.finish("input-refused-link", result).await;
}

/// What the player could not do is kept as what happened, not as a sentence: a step past the end
/// of a run that has nothing left to do is refused in the page's language, and in the other one
/// once the reader switches.
#[tokio::test]
async fn a_refused_step_is_said_in_the_pages_language_and_follows_a_switch() {
    // Paxos chooses its value within a hundred steps and then has nothing left to happen.
    let page = Page::open("/?algo=paxos&nodes=3&seed=5&lang=zh&step=100000").await;
    let result = async {
        page.wait_for_app().await?;
        let error = page.text(".error").await?.unwrap_or_default();
        ensure!(
            error == "无法执行：已经没有待发生的事件。",
            "the core's refusal, in Chinese: {error}"
        );
        page.press("lang").await?;
        page.poll(
            "the refusal in English",
            Duration::from_secs(10),
            async || {
                Ok(match page.text(".error").await? {
                    Some(e) if e == "Refused: nothing is left to happen." => Wait::Done(()),
                    other => Wait::NotYet(format!("{other:?}")),
                })
            },
        )
        .await
    }
    .await;
    page.finish("input-refused-step", result).await;
}

#[tokio::test]
async fn a_run_file_of_a_future_format_or_another_protocol_is_told() {
    let mut page = Page::open("/?algo=raft&nodes=3&seed=5&lang=en").await;
    let result = async {
        page.wait_for_app().await?;
        let dir = std::env::temp_dir().join(format!("concord-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Failure::new(e.to_string()))?;
        for (name, text, expected) in [
            (
                "future.json",
                r#"{"format": 9, "algo": "raft", "seed": 1, "nodes": 3, "tape": {}}"#,
                "This run was saved by a newer Concord (format 9",
            ),
            (
                "zab.json",
                r#"{"algo": "zab", "seed": 1, "nodes": 3, "tape": {}}"#,
                "This run file is for \"zab\", a protocol this Concord does not have.",
            ),
            (
                "notes.json",
                "[1, 2, 3]",
                "This file is not a Concord run file.",
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| Failure::new(e.to_string()))?;
            let input = page
                .browser()
                .client
                .find(Locator::Css("[data-control=\"import\"]"))
                .await?;
            input.send_keys(&path.display().to_string()).await?;
            page.poll(
                "the import's message",
                Duration::from_secs(10),
                async || {
                    let error = page.text(".error").await.unwrap_or_default();
                    Ok(match error {
                        Some(e) if e.contains(expected) => Wait::Done(()),
                        other => Wait::NotYet(format!("{other:?}")),
                    })
                },
            )
            .await?;
            page.goto("/?algo=raft&nodes=3&seed=5&lang=en").await?;
            page.wait_for_app().await?;
        }
        let _ = std::fs::remove_dir_all(&dir);
        still_plays(&page).await
    }
    .await;
    page.finish("input-run-file", result).await;
}

#[tokio::test]
async fn an_embed_tells_its_bad_settings_too() {
    // `seed` twice: the embed keeps one value a key, and must still say the first was used.
    let page =
        Page::open("/?embed=1&algo=gossip&nodes=12&seed=3&lang=en&fanout=99&mode=shout&seed=4")
            .await;
    let result = async {
        page.wait_for_app().await?;
        let params = told(&page).await?;
        ensure!(
            params == ["seed", "mode", "fanout"],
            "the iframe embed names its bad and repeated settings: {params:?}"
        );
        let seed = page.text("[data-problems] li[data-param=seed]").await?;
        ensure!(
            seed.as_deref() == Some("seed=4: given more than once; the first one is used."),
            "the repeated seed is told: {seed:?}"
        );
        page.screenshot("input-embed").await?;
        Ok(())
    }
    .await;
    page.finish("input-embed", result).await;
}

//! Guided tours and the welcome page in the browser: walking each tour forward and back (Back
//! restores a step's exact state), the step list, a deep link to step N, switching language
//! mid-tour, answering a question right and wrong, playing a step to its end, dropping into free
//! play at a step, and the first minute (the welcome page, a returning reader, the favicon). Every
//! step of every tour is screenshot at 1280×800 and 390×844, and checked to keep its drawing, its
//! caption and Play/Back/Step on screen without scrolling. Runs in headless Chromium against
//! `$CONCORD_DIST`.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Scope, Wait};
use concord_tests::{Outcome, ensure, repo_root};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

/// A tour file as its author wrote it.
fn tour(name: &str) -> Value {
    let path = repo_root().join(format!("web/tours/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The captions of `tour`'s steps in `lang`, in order, with the `*` of terms removed (the page
/// shows them as emphasis).
fn captions(tour: &Value, lang: &str) -> Vec<String> {
    tour["chapters"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["steps"].as_array().into_iter().flatten())
        .map(|s| {
            s["caption"][lang]
                .as_str()
                .unwrap_or_default()
                .replace('*', "")
        })
        .collect()
}

/// The step the tour shows (1-based) and whether its run reached the step's end; `(0, false)`
/// while no tour is drawn (the page is loading).
async fn tour_step(page: &Page) -> Outcome<(usize, bool)> {
    let v = page
        .script(
            "const t = document.querySelector('[data-tour]');\
             return t ? [t.getAttribute('data-step'), t.getAttribute('data-reached')] : null;",
            vec![],
        )
        .await?;
    let step = v[0].as_str().and_then(|s| s.parse().ok());
    Ok(match (step, v[1].as_str()) {
        (Some(step), Some(reached)) => (step, reached == "true"),
        _ => (0, false),
    })
}

async fn tour_caption(page: &Page) -> Outcome<String> {
    Ok(page.text("[data-tour-caption]").await?.unwrap_or_default())
}

/// Waits until the tour shows step `step` (1-based) with its playground drawn.
async fn at_step(page: &Page, step: usize) -> Outcome {
    page.poll(&format!("tour step {step}"), WAIT, async || {
        let (at, _) = tour_step(page).await?;
        // A cluster drawn node by node, or a large one drawn as a grid.
        let drawn = page.exists("[data-status]").await?
            && (!page.nodes().await?.is_empty() || page.exists("[data-dense]").await?);
        Ok(if at == step && drawn {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("step {at}, drawn: {drawn}"))
        })
    })
    .await
}

/// Waits until the step's run has reached the step's end (it pauses there).
async fn reached(page: &Page) -> Outcome {
    page.poll("the step to play to its end", WAIT, async || {
        let (at, reached) = tour_step(page).await?;
        Ok(if reached {
            Wait::Done(())
        } else {
            Wait::NotYet(format!(
                "step {at} still playing, run at {}",
                page.status().await?.step
            ))
        })
    })
    .await
}

/// What the reader sees of the run: the run's step and each server's role and term.
async fn state(page: &Page) -> Outcome<(u64, Vec<(u32, String, Option<u64>, bool)>)> {
    let nodes: Vec<NodeView> = page.nodes().await?;
    Ok((
        page.status().await?.step,
        nodes
            .into_iter()
            .map(|n| (n.id, n.role, n.term, n.up))
            .collect(),
    ))
}

/// Every element that must be on screen without scrolling lies within the viewport.
async fn fits(page: &Page, what: &str) -> Outcome {
    let off = page
        .script(
            "const h = window.innerHeight, w = window.innerWidth, out = [];\
             for (const s of ['.cluster, [data-dense]', '[data-caption]', '[data-tour-caption]',\
                              '[data-action=\"back\"]', '[data-action=\"step\"]',\
                              '[data-action=\"play\"], [data-action=\"pause\"]']) {\
               const e = document.querySelector(s);\
               if (!e) { out.push(s + ' missing'); continue; }\
               const r = e.getBoundingClientRect();\
               if (r.top < 0 || r.bottom > h + 1 || r.right > w + 1) out.push(s + ' at ' + Math.round(r.top) + '–' + Math.round(r.bottom));\
             }\
             return out;",
            vec![],
        )
        .await?;
    ensure!(
        off.as_array().is_some_and(|a| a.is_empty()),
        "{what}: not all on screen without scrolling: {off}"
    );
    Ok(())
}

#[tokio::test]
async fn raft_tour_walks_forward_and_back_with_every_step_on_one_screen() {
    walk("raft").await;
}

#[tokio::test]
async fn gossip_tour_walks_forward_and_back_with_every_step_on_one_screen() {
    walk("gossip").await;
}

#[tokio::test]
async fn paxos_tour_walks_forward_and_back_with_every_step_on_one_screen() {
    walk("paxos").await;
}

/// Continue through every step of a tour and Back to the first, at both sizes: each step's
/// caption is the file's, each fits one screen, each is screenshot.
async fn walk(name: &str) {
    let tour = tour(name);
    let page = Page::open(&format!("/?tour={name}&step=1&lang=en")).await;
    let result = async {
        let captions = captions(&tour, "en");
        for (width, height) in [(1280, 800), (390, 844)] {
            page.set_viewport(width, height).await?;
            for (i, caption) in captions.iter().enumerate() {
                let step = i + 1;
                at_step(&page, step).await?;
                ensure!(
                    tour_caption(&page).await? == *caption,
                    "step {step}: the caption should be the file's {caption:?}"
                );
                fits(&page, &format!("{name} step {step} at {width}×{height}")).await?;
                page.screenshot(&format!("tour-{name}-{step:02}-{width}"))
                    .await?;
                if step < captions.len() {
                    page.press("tour-continue").await?;
                }
            }
            ensure!(
                page.exists("[data-tour-done]").await?,
                "the last step should say the tour is over"
            );
            for step in (1..captions.len()).rev() {
                page.press("tour-back").await?;
                at_step(&page, step).await?;
            }
        }
        Ok(())
    }
    .await;
    page.finish(&format!("tour-{name}-walk"), result).await;
}

#[tokio::test]
async fn tour_back_restores_the_exact_state_a_step_began_in() {
    let page = Page::open("/?tour=raft&step=10&lang=en").await;
    let result = async {
        at_step(&page, 10).await?;
        let before = state(&page).await?;
        // Play the step (a crashed leader, a new election) to its end, then on and back.
        page.set_range_to_max("speed").await?;
        page.click(r#"g[data-node="1"]"#).await?;
        reached(&page).await?;
        page.press("tour-continue").await?;
        at_step(&page, 11).await?;
        page.press("tour-back").await?;
        at_step(&page, 10).await?;
        let after = state(&page).await?;
        ensure!(
            before == after,
            "Back should restore step 10 exactly: first {before:?}, then {after:?}"
        );
        Ok(())
    }
    .await;
    page.finish("tour-back-exact", result).await;
}

#[tokio::test]
async fn tour_step_list_and_deep_links_open_step_n() {
    let raft = tour("raft");
    let page = Page::open("/?tour=raft&step=12&lang=en").await;
    let result = async {
        at_step(&page, 12).await?;
        let captions = captions(&raft, "en");
        ensure!(
            tour_caption(&page).await? == captions[11],
            "a link to step 12 opens step 12"
        );
        page.click("details.tour-steps > summary").await?;
        page.click(r#"[data-goto="20"]"#).await?;
        at_step(&page, 20).await?;
        ensure!(
            page.permalink().await.contains("step=20"),
            "the address follows the step: {}",
            page.permalink().await
        );
        // A chapter link opens the chapter's first step.
        page.browser()
            .goto("/?tour=raft&chapter=partition&lang=en")
            .await?;
        let first: usize = raft["chapters"]
            .as_array()
            .into_iter()
            .flatten()
            .take_while(|c| c["id"] != "partition")
            .map(|c| c["steps"].as_array().map_or(0, Vec::len))
            .sum();
        at_step(&page, first + 1).await?;
        Ok(())
    }
    .await;
    page.finish("tour-step-list", result).await;
}

#[tokio::test]
async fn tour_language_switch_keeps_the_step() {
    let raft = tour("raft");
    let page = Page::open("/?tour=raft&step=8&lang=en").await;
    let result = async {
        at_step(&page, 8).await?;
        page.press("lang").await?;
        let zh = captions(&raft, "zh")[7].clone();
        page.poll("the Chinese caption of step 8", WAIT, async || {
            let shown = tour_caption(&page).await?;
            Ok(if shown == zh {
                Wait::Done(())
            } else {
                Wait::NotYet(shown)
            })
        })
        .await?;
        ensure!(tour_step(&page).await?.0 == 8, "still step 8");
        ensure!(
            page.permalink().await.contains("lang=zh"),
            "the address says zh"
        );
        page.screenshot("tour-raft-08-zh").await?;
        Ok(())
    }
    .await;
    page.finish("tour-language", result).await;
}

/// The answer given, and what the tour said once the run answered.
async fn answer_node(page: &Page, node: u32) -> Outcome<String> {
    page.set_range_to_max("speed").await?;
    page.click_node(node).await?;
    reached(page).await?;
    let verdict = page.attributes("[data-verdict]", "data-verdict").await?;
    Ok(verdict.first().cloned().flatten().unwrap_or_default())
}

#[tokio::test]
async fn tour_questions_answered_right_and_wrong() {
    // Step 5 asks which server times out first; with this tour's seed it is S4 (planned
    // natively: `cargo test -p concord-web tour_walkthrough -- --ignored --nocapture`).
    let page = Page::open("/?tour=raft&step=5&lang=en").await;
    let result = async {
        at_step(&page, 5).await?;
        ensure!(
            page.exists("[data-predict]").await?,
            "step 5 asks a question"
        );
        let (_, done) = tour_step(&page).await?;
        ensure!(
            !done,
            "the step waits for the reader's guess before it plays"
        );
        ensure!(
            answer_node(&page, 4).await? == "right",
            "S4 is the right answer"
        );
        page.screenshot("tour-raft-05-right").await?;
        page.press("tour-back").await?;
        page.press("tour-continue").await?;
        at_step(&page, 5).await?;
        ensure!(
            answer_node(&page, 1).await? == "wrong",
            "S1 is a wrong answer"
        );
        // A question with choices: will the cut-off old leader commit? (No.)
        page.browser().goto("/?tour=raft&step=22&lang=en").await?;
        at_step(&page, 22).await?;
        page.set_range_to_max("speed").await?;
        page.click(r#"[data-choice="1"]"#).await?;
        reached(&page).await?;
        let verdict = page.attributes("[data-verdict]", "data-verdict").await?;
        ensure!(
            verdict == [Some("right".to_owned())],
            "\"No\" is right: {verdict:?}"
        );
        page.screenshot("tour-raft-22-right").await?;
        Ok(())
    }
    .await;
    page.finish("tour-questions", result).await;
}

/// Answers the question of tour `name`'s step `step` with choice `choice` (0-based), plays the
/// step out and returns the verdict.
async fn answer_choice(page: &Page, name: &str, step: usize, choice: usize) -> Outcome<String> {
    page.browser()
        .goto(&format!("/?tour={name}&step={step}&lang=en"))
        .await?;
    at_step(page, step).await?;
    page.set_range_to_max("speed").await?;
    page.click(&format!(r#"[data-choice="{choice}"]"#)).await?;
    reached(page).await?;
    let verdict = page.attributes("[data-verdict]", "data-verdict").await?;
    Ok(verdict.first().cloned().flatten().unwrap_or_default())
}

#[tokio::test]
async fn gossip_and_paxos_questions_answered_right_and_wrong() {
    let page = Page::open("/?tour=gossip&step=1&lang=en").await;
    let result = async {
        // Gossip: after round two, some nodes are still waiting (push's redundancy); on 32
        // nodes a rumor leaves a residue.
        ensure!(
            answer_choice(&page, "gossip", 5, 1).await? == "right",
            "gossip step 5: \"some will still be waiting\" is right"
        );
        ensure!(
            answer_choice(&page, "gossip", 17, 0).await? == "wrong",
            "gossip step 17: \"all thirty-two\" is wrong"
        );
        page.screenshot("tour-gossip-17-wrong").await?;
        // Paxos: the second proposer must send the value already accepted (row 4, P2c).
        ensure!(
            answer_choice(&page, "paxos", 13, 1).await? == "right",
            "paxos step 13: \"A, the value already accepted\" is right"
        );
        ensure!(
            answer_choice(&page, "paxos", 13, 0).await? == "wrong",
            "paxos step 13: \"B\" is wrong"
        );
        page.screenshot("tour-paxos-13-wrong").await?;
        Ok(())
    }
    .await;
    page.finish("tour-questions-gossip-paxos", result).await;
}

#[tokio::test]
async fn tour_try_it_yourself_opens_free_play_at_the_same_state() {
    let page = Page::open("/?tour=raft&step=12&lang=en").await;
    let result = async {
        at_step(&page, 12).await?;
        let seen = state(&page).await?;
        page.press("try-it").await?;
        page.poll("the full playground", WAIT, async || {
            Ok(if page.exists(".playground:not(.guided)").await? {
                Wait::Done(())
            } else {
                Wait::NotYet("still the tour".into())
            })
        })
        .await?;
        page.wait_for_app().await?;
        let address = page.permalink().await;
        ensure!(
            address.contains("algo=raft") && address.contains("#tape="),
            "free play opens the run's permalink: {address}"
        );
        let now = state(&page).await?;
        ensure!(
            seen == now,
            "free play should open the tour step's exact state: {seen:?} then {now:?}"
        );
        Ok(())
    }
    .await;
    page.finish("tour-try-it", result).await;
}

#[tokio::test]
async fn welcome_page_on_a_first_visit_and_the_last_place_on_a_return() {
    let page = Page::open_page("/", &[]).await;
    let result = async {
        page.poll("the welcome page", WAIT, async || {
            Ok(if page.exists("[data-welcome]").await? {
                Wait::Done(())
            } else {
                Wait::NotYet("no welcome".into())
            })
        })
        .await?;
        let tours = page
            .attributes("[data-start-tour]", "data-start-tour")
            .await?;
        ensure!(
            tours
                == [
                    Some("raft".into()),
                    Some("gossip".into()),
                    Some("paxos".into())
                ],
            "three tours offered: {tours:?}"
        );
        ensure!(
            page.exists(r#"[data-action="free-play"]"#).await?,
            "free play offered"
        );
        let lab = page
            .attributes(r#"[data-action="welcome-lab"]"#, "href")
            .await?;
        ensure!(
            matches!(lab.as_slice(), [Some(href)] if href.starts_with("?lab=&lang=")),
            "the Lab offered: {lab:?}"
        );
        let status = page
            .browser()
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 const l = document.querySelector('link[rel=icon]');\
                 if (!l) { done(0); return; }\
                 fetch(l.href).then(r => done(r.status), () => done(-1));",
                vec![],
            )
            .await?;
        ensure!(status == json!(200), "the favicon loads: {status}");
        for (width, height) in [(1280, 800), (390, 844)] {
            page.set_viewport(width, height).await?;
            page.screenshot(&format!("welcome-{width}")).await?;
        }
        page.click(r#"[data-start-tour="raft"]"#).await?;
        at_step(&page, 1).await?;
        page.press("tour-continue").await?;
        page.press("tour-continue").await?;
        at_step(&page, 3).await?;
        // A returning reader who opens the bare address lands where they left off.
        page.browser().goto("/").await?;
        at_step(&page, 3).await?;
        Ok(())
    }
    .await;
    page.finish("welcome", result).await;
}

/// The step a tour embedded in `scope` shows (1-based), 0 while it is not drawn.
async fn embedded_step(page: &Page, scope: &Scope) -> Outcome<usize> {
    let v = page
        .script(
            &format!(
                "const root = {}; const t = root && root.querySelector('[data-tour]');\
                 return t ? t.getAttribute('data-step') : null;",
                scope.js()
            ),
            vec![],
        )
        .await?;
    Ok(v.as_str().and_then(|s| s.parse().ok()).unwrap_or(0))
}

async fn embedded_at(page: &Page, scope: &Scope, step: usize) -> Outcome {
    page.poll(
        &format!("the embedded tour at step {step}"),
        WAIT,
        async || {
            let at = embedded_step(page, scope).await?;
            Ok(if at == step {
                Wait::Done(())
            } else {
                Wait::NotYet(format!("step {at}"))
            })
        },
    )
    .await
}

#[tokio::test]
async fn a_tour_chapter_embeds_in_the_docs_page_and_answers_its_api() {
    let raft = tour("raft");
    let election = raft["chapters"]
        .as_array()
        .into_iter()
        .flatten()
        .take_while(|c| c["id"] != "election")
        .map(|c| c["steps"].as_array().map_or(0, Vec::len))
        .sum::<usize>();
    let steps = raft["chapters"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == "election")
        .and_then(|c| c["steps"].as_array())
        .map_or(0, Vec::len);
    let (first, last) = (election + 1, election + steps);
    let page = Page::open_page("/docs/", &[]).await;
    let scope = Scope::Widget("tour-raft".into());
    let result = async {
        embedded_at(&page, &scope, first).await?;
        // Events from the API: every step the tour moves to.
        page.script(
            "window.tourSteps = []; const el = document.getElementById('tour-raft');\
             el.concord.subscribe(e => { if (e.type === 'tour-step') window.tourSteps.push(e.step); });",
            vec![],
        )
        .await?;
        page.script("document.getElementById('tour-raft').concord.tour.next();", vec![])
            .await?;
        embedded_at(&page, &scope, first + 1).await?;
        page.script(&format!("document.getElementById('tour-raft').concord.tour.goto({last});"), vec![])
            .await?;
        embedded_at(&page, &scope, last).await?;
        // The chapter ends here: Continue is gone, next() stays.
        page.script("document.getElementById('tour-raft').concord.tour.next();", vec![])
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(embedded_step(&page, &scope).await? == last, "next() past the chapter's end stays");
        page.script("document.getElementById('tour-raft').concord.tour.back();", vec![])
            .await?;
        embedded_at(&page, &scope, last - 1).await?;
        let seen = page.script("return window.tourSteps;", vec![]).await?;
        ensure!(
            seen == json!([first + 1, last, last - 1]),
            "tour-step events for each move: {seen}"
        );
        // The page's commands reach the step's playground too.
        page.script("document.getElementById('tour-raft').concord.step();", vec![])
            .await?;
        let nodes = page.nodes_in(&scope).await?;
        ensure!(nodes.len() == 5, "the chapter's five servers are drawn: {nodes:?}");
        page.scroll_to("#tour-raft").await?;
        page.screenshot("tour-embedded-docs").await?;
        // The Gossip and Paxos chapters beside it, each at its chapter's first step.
        for (id, name, chapter) in [("tour-gossip", "gossip", "push"), ("tour-paxos", "paxos", "phase-1")] {
            let tour = tour(name);
            let first = 1 + tour["chapters"]
                .as_array()
                .into_iter()
                .flatten()
                .take_while(|c| c["id"] != chapter)
                .map(|c| c["steps"].as_array().map_or(0, Vec::len))
                .sum::<usize>();
            embedded_at(&page, &Scope::Widget(id.into()), first).await?;
            page.scroll_to(&format!("#{id}")).await?;
            page.screenshot(&format!("tour-embedded-docs-{name}")).await?;
        }
        // The node a step points at pulses a few times, then rests: a halo's stroke is animated
        // on the main thread, and pulsing forever would cost the idle page every frame.
        let pulses = page
            .script(
                "return [...document.querySelectorAll('[data-concord]')]\
                   .flatMap((e) => [...(e.shadowRoot?.querySelectorAll('.node.highlight .halo') ?? [])])\
                   .map((halo) => getComputedStyle(halo).animationIterationCount);",
                vec![],
            )
            .await?;
        ensure!(
            pulses.as_array().is_some_and(|p| !p.is_empty() && p.iter().all(|n| n != "infinite")),
            "the chapters' highlighted nodes should pulse a few times, not forever: {pulses}"
        );
        Ok(())
    }
    .await;
    page.finish("tour-embedded-docs", result).await;
}

#[tokio::test]
async fn a_tour_chapter_in_an_iframe_stays_within_its_chapter() {
    let page = Page::open_page("/?embed=1&tour=raft&chapter=crash&lang=zh", &[]).await;
    let result = async {
        page.poll("the embedded tour", WAIT, async || {
            let (at, _) = tour_step(&page).await?;
            Ok(if at > 0 {
                Wait::Done(())
            } else {
                Wait::NotYet("loading".into())
            })
        })
        .await?;
        let (first, _) = tour_step(&page).await?;
        ensure!(
            !page.exists(r#"[data-action="tour-back"]"#).await?,
            "no Back before the chapter's first step"
        );
        for (width, height) in [(640, 480), (360, 560)] {
            page.set_viewport(width, height).await?;
            fits(&page, &format!("an iframe of {width}×{height}")).await?;
            page.screenshot(&format!("tour-iframe-{width}")).await?;
        }
        page.press("tour-continue").await?;
        at_step(&page, first + 1).await?;
        Ok(())
    }
    .await;
    page.finish("tour-iframe", result).await;
}

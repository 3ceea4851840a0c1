//! Embedding, on the sample documentation page (`/docs/`): its widgets mount and run
//! independently and keep their styles to themselves; the JavaScript API plays, pauses, steps,
//! loads and reports events; the iframe takes `postMessage` commands from its parent (and only
//! from the origin it names), posts its events back, and fits 360 × 400 without overflow;
//! everything works from the keyboard; and `prefers-reduced-motion` stops autoplay and gliding.

use std::time::Duration;

use concord_tests::page::{LOAD_TIMEOUT, Page, Scope, Status, Wait, describe};
use concord_tests::{Outcome, ensure, widgets};
use fantoccini::key::Key;
use serde_json::{Value, json};

const DOCS: &str = "/docs/";
/// The page's Raft widgets, by element id.
const ELECTION: &str = "raft-election";
const CRASH: &str = "raft-crash";
const SMALL: &str = "raft-small";
const RAFT_WIDGETS: [&str; 3] = [ELECTION, CRASH, SMALL];
/// The gossip round.
const GOSSIP: &str = "gossip-round";
/// Wall time an election may take at full speed.
const ELECTION_WAIT: Duration = Duration::from_secs(20);

fn widget(id: &str) -> Scope {
    Scope::Widget(id.into())
}

/// Waits until every widget of the docs page is drawn with its nodes: Raft's, Gossip's and
/// Paxos's.
async fn wait_for_widgets(page: &Page) -> Outcome {
    page.poll(
        "the docs page's widgets to mount",
        LOAD_TIMEOUT,
        async || {
            let mut seen = Vec::new();
            for id in RAFT_WIDGETS.iter().chain(&[GOSSIP, "paxos-run"]) {
                let nodes = page.nodes_in(&widget(id)).await?.len();
                seen.push(format!("#{id}: {nodes} nodes"));
                if nodes == 0 {
                    return Ok(Wait::NotYet(seen.join(", ")));
                }
            }
            Ok(Wait::Done(()))
        },
    )
    .await
}

/// The step counter of every Raft widget.
async fn steps(page: &Page) -> Outcome<Vec<u64>> {
    let mut steps = Vec::new();
    for id in RAFT_WIDGETS {
        steps.push(page.status_in(&widget(id)).await?.step);
    }
    Ok(steps)
}

/// Waits until a scope's step counter reads `step`.
async fn wait_for_step_in(page: &Page, scope: &Scope, step: u64) -> Outcome {
    page.poll(
        &format!("{scope:?} to reach step {step}"),
        Duration::from_secs(5),
        async || {
            let now = page.status_in(scope).await?.step;
            Ok(if now == step {
                Wait::Done(())
            } else {
                Wait::NotYet(format!("step {now}"))
            })
        },
    )
    .await
}

#[tokio::test]
async fn three_widgets_mount_and_run_independently_with_their_own_styles() {
    let page = Page::open_page(DOCS, &[]).await;
    let result = widgets(&page).await;
    page.finish("embed-widgets", result).await;
}

async fn widgets(page: &Page) -> Outcome {
    wait_for_widgets(page).await?;
    page.screenshot("embed-docs-top").await?;

    // Each widget is what its attributes say.
    let election = page.nodes_in(&widget(ELECTION)).await?;
    ensure!(
        election.len() == 5 && election.iter().all(|n| n.up),
        "#{ELECTION} (data-nodes=5) should draw five servers, all up: {}",
        describe(&election)
    );
    let crash = page.nodes_in(&widget(CRASH)).await?;
    ensure!(
        crash.iter().filter(|n| !n.up).map(|n| n.id).eq([4]),
        "#{CRASH} (data-tape) should open with S4, its leader, crashed: {}",
        describe(&crash)
    );
    let small = page.nodes_in(&widget(SMALL)).await?;
    ensure!(
        small.len() == 3,
        "#{SMALL} should draw three servers: {}",
        describe(&small)
    );
    let opened = steps(page).await?;
    ensure!(
        opened == [0, 14, 3],
        "the widgets should open at steps 0, 14 (the tape's) and 3 (data-step), not {opened:?}"
    );
    let small_ui = page
        .script(
            "const root = document.getElementById(arguments[0]).shadowRoot;\
             return [root.querySelector('.concord').lang,\
               [...root.querySelectorAll('[data-action]')].map(e => e.getAttribute('data-action')),\
               !!root.querySelector('[data-control=\"speed\"]')];",
            vec![json!(SMALL)],
        )
        .await?;
    ensure!(
        small_ui == json!(["zh-CN", ["back", "play", "step", "open-full"], false]),
        "#{SMALL} (data-lang=zh, data-controls=back,play,step,link) should be in Chinese with \
         only those controls: {small_ui}"
    );

    // Stepping one widget leaves the others where they are.
    widgets::press(page, ELECTION, "step").await?;
    wait_for_step_in(page, &widget(ELECTION), 1).await?;
    widgets::press(page, CRASH, "step").await?;
    widgets::press(page, CRASH, "step").await?;
    wait_for_step_in(page, &widget(CRASH), 16).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = steps(page).await?;
    ensure!(
        after == [1, 16, 3],
        "one step of #{ELECTION} and two of #{CRASH} should move only them: {after:?}"
    );
    let gossip = widget(GOSSIP);
    let gossip_nodes = page.nodes_in(&gossip).await?;
    ensure!(
        gossip_nodes.len() == 12 && page.status_in(&gossip).await?.step == 0,
        "#{GOSSIP} (data-nodes=12) should draw twelve nodes and not have moved: {}",
        describe(&gossip_nodes)
    );
    for _ in 0..3 {
        widgets::press(page, GOSSIP, "step").await?;
    }
    wait_for_step_in(page, &gossip, 3).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = steps(page).await?;
    ensure!(
        after == [1, 16, 3],
        "three steps of #{GOSSIP} should move only it: the Raft widgets say {after:?}"
    );
    let infected = page
        .script(
            "return document.getElementById(arguments[0]).shadowRoot\
               .querySelectorAll('[data-role=\"infective\"]').length;",
            vec![json!(GOSSIP)],
        )
        .await?;
    ensure!(
        infected.as_u64().is_some_and(|n| n >= 1),
        "#{GOSSIP} opens with S1's update: some node should be infective, {infected} are"
    );

    // Playing one runs only that one: the crashed cluster elects a new leader.
    page.script(
        "const r = document.getElementById(arguments[0]).shadowRoot\
           .querySelector('[data-control=\"speed\"]');\
         r.value = r.max; r.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(CRASH)],
    )
    .await?;
    widgets::press(page, CRASH, "play").await?;
    page.poll("a new leader in #raft-crash", ELECTION_WAIT, async || {
        let nodes = page.nodes_in(&widget(CRASH)).await?;
        Ok(if nodes.iter().any(|n| n.up && n.is_leader()) {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&nodes))
        })
    })
    .await?;
    widgets::press(page, CRASH, "pause").await?;
    let others = steps(page).await?;
    ensure!(
        [others[0], others[2]] == [1, 3],
        "playing #{CRASH} should not move the other widgets: {others:?}"
    );
    page.browser()
        .screenshot_of(&format!("#{CRASH}"), "embed-widget-crash-reelected")
        .await?;
    page.browser()
        .screenshot_of(&format!("#{SMALL}"), "embed-widget-small-zh")
        .await?;
    page.browser()
        .screenshot_of(&format!("#{GOSSIP}"), "embed-widget-gossip")
        .await?;

    // Styles stay on their side of the shadow root, both ways.
    let styles = page
        .script(
            "const inside = document.getElementById(arguments[0]).shadowRoot\
               .querySelector('[data-action=\"step\"]');\
             const outside = document.querySelector('[data-api=\"step\"]');\
             const ours = [...document.styleSheets].some(s =>\
               [...s.cssRules].some(r => r.cssText.includes('.concord')));\
             const fallback = document.querySelector(`#${arguments[0]} .fallback`);\
             return [getComputedStyle(inside).textTransform, getComputedStyle(outside).textTransform,\
               getComputedStyle(document.body).fontFamily.includes('Georgia'), ours,\
               fallback.getClientRects().length];",
            vec![json!(ELECTION)],
        )
        .await?;
    ensure!(
        styles == json!(["none", "uppercase", true, false, 0]),
        "the page's uppercase buttons should not reach the widget, Concord's styles should not \
         reach the page, and the fallback text should be hidden \
         ([widget button, page button, page font kept, Concord rules in the page, fallback \
         boxes]): {styles}"
    );

    // An element added later is mounted as it nears the viewport (at the end of a long page,
    // once its reader goes there), and stopped when it is removed.
    page.script(
        "const late = document.createElement('div');\
         late.id = 'late'; late.setAttribute('data-concord', 'raft');\
         late.setAttribute('data-nodes', '4'); late.setAttribute('data-seed', '3');\
         document.querySelector('main').append(late);\
         late.scrollIntoView({ block: 'center' });",
        vec![],
    )
    .await?;
    page.poll("the added element to mount", LOAD_TIMEOUT, async || {
        let nodes = page.nodes_in(&widget("late")).await?;
        Ok(if nodes.len() == 4 {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&nodes))
        })
    })
    .await?;
    let removed = page
        .script(
            "const late = document.getElementById('late'); late.remove();\
             await new Promise(r => setTimeout(r, 100));\
             return [late.concord === undefined, late.shadowRoot.childElementCount];",
            vec![],
        )
        .await?;
    ensure!(
        removed == json!([true, 0]),
        "a removed element's playground should be destroyed ([handle gone, shadow children]): \
         {removed}"
    );

    // Everything came from this server: no request to any other host.
    let foreign = page
        .script(
            "return performance.getEntriesByType('resource').map(e => e.name)\
               .filter(name => !name.startsWith(location.origin));",
            vec![],
        )
        .await?;
    ensure!(
        foreign == json!([]),
        "the page should load nothing from other hosts: {foreign}"
    );
    Ok(())
}

#[tokio::test]
async fn the_javascript_api_and_post_message_drive_widgets_and_iframes() {
    let mut page = Page::open_page(DOCS, &[]).await;
    let result = api_and_frames(&mut page).await;
    page.finish("embed-api", result).await;
}

/// The events a page collected in `window[name]` that have `type`.
async fn events_of(page: &Page, name: &str, kind: &str) -> Outcome<Vec<Value>> {
    let events = page
        .script(
            "return (window[arguments[0]] || []).filter(e => e.type === arguments[1]);",
            vec![json!(name), json!(kind)],
        )
        .await?;
    Ok(events.as_array().cloned().unwrap_or_default())
}

/// Waits for an event of `kind` in `window[name]` for which `matches` holds; returns it.
async fn wait_for_event(
    page: &Page,
    name: &str,
    kind: &str,
    timeout: Duration,
    matches: impl Fn(&Value) -> bool,
) -> Outcome<Value> {
    page.poll(
        &format!("a `{kind}` event in {name}"),
        timeout,
        async || {
            let events = events_of(page, name, kind).await?;
            Ok(match events.iter().find(|e| matches(e)) {
                Some(event) => Wait::Done(event.clone()),
                None => Wait::NotYet(format!("{} `{kind}` events: {events:?}", events.len())),
            })
        },
    )
    .await
}

async fn api_and_frames(page: &mut Page) -> Outcome {
    wait_for_widgets(page).await?;

    // Commands take effect at once; events follow the render.
    let moves = page
        .script(
            "await Concord.ready;\
             const c = document.getElementById(arguments[0]).concord;\
             window.apiEvents = []; c.subscribe(e => window.apiEvents.push(e));\
             c.step(); c.step(); const two = c.state().step;\
             c.back(); const one = c.state().step;\
             c.seek(10); const s = c.state();\
             return [two, one, s.step, s.algo, s.seed, s.nodes, s.playing];",
            vec![json!(ELECTION)],
        )
        .await?;
    ensure!(
        moves == json!([2, 1, 10, "raft", 7, 5, false]),
        "step, step, back, seek(10) should read [2, 1, 10, raft, seed 7, 5 nodes, paused]: {moves}"
    );
    wait_for_event(page, "apiEvents", "step", Duration::from_secs(5), |e| {
        e["step"] == 10
    })
    .await?;
    wait_for_step_in(page, &widget(ELECTION), 10).await?;
    let others = steps(page).await?;
    ensure!(
        others[1..] == [14, 3],
        "the API on #{ELECTION} should move only it: {others:?}"
    );

    // A new scenario at full speed: ready, play, a leader elected, pause.
    page.script(
        "const c = document.getElementById(arguments[0]).concord;\
         c.load({ seed: 7, nodes: 5, speed: 0 }); c.play();",
        vec![json!(ELECTION)],
    )
    .await?;
    let ready =
        wait_for_event(page, "apiEvents", "ready", Duration::from_secs(5), |_| true).await?;
    ensure!(
        ready["seed"] == 7 && ready["step"] == 0,
        "load should open a fresh run of seed 7: {ready}"
    );
    wait_for_event(page, "apiEvents", "play", Duration::from_secs(5), |_| true).await?;
    let elected =
        wait_for_event(page, "apiEvents", "leader-elected", ELECTION_WAIT, |_| true).await?;
    ensure!(
        elected["node"].as_str().is_some_and(|n| n.starts_with('S'))
            && elected["term"].as_u64().is_some_and(|t| t >= 1)
            && elected["step"].as_u64().is_some_and(|s| s >= 3),
        "leader-elected should name the node, its term and the step: {elected}"
    );

    // Scrolled out of view, the playing widget waits there, still playing; back in view, it
    // goes on. At real time its cluster takes dozens of steps a second.
    let away = page
        .script_async(
            "const [id, done] = arguments; const c = document.getElementById(id).concord;\
             const frames = (n) => new Promise((r) => {\
               const f = () => (n-- > 0 ? requestAnimationFrame(f) : r()); f(); });\
             window.scrollTo(0, document.body.scrollHeight);\
             frames(5).then(() => { const at = c.state().step;\
               frames(60).then(() => done([at, c.state().step, c.state().playing])); });",
            vec![json!(ELECTION)],
        )
        .await?;
    ensure!(
        away[0] == away[1] && away[2] == json!(true),
        "out of view the playing widget should take no step in 60 frames and still be playing \
         ([step, step 60 frames later, playing]): {away}"
    );
    page.script(
        "document.getElementById(arguments[0]).scrollIntoView({ block: 'center' });",
        vec![json!(ELECTION)],
    )
    .await?;
    let back_at = away[0].as_u64().unwrap_or_default();
    page.poll(
        "the widget to go on in view",
        Duration::from_secs(5),
        async || {
            let step = page.status_in(&widget(ELECTION)).await?.step;
            Ok(if step > back_at {
                Wait::Done(())
            } else {
                Wait::NotYet(format!("step {step}"))
            })
        },
    )
    .await?;
    page.script(
        "document.getElementById(arguments[0]).concord.pause();\
         window.scrollTo(0, 0);",
        vec![json!(ELECTION)],
    )
    .await?;
    wait_for_event(page, "apiEvents", "pause", Duration::from_secs(5), |_| true).await?;

    // Break it: with servers voting twice, the run reaches a violation, and says so.
    page.script(
        "const c = document.getElementById(arguments[0]).concord;\
         c.load({ seed: 4, nodes: 3, switches: 'noop,vote-twice' });",
        vec![json!(ELECTION)],
    )
    .await?;
    wait_for_event(page, "apiEvents", "ready", Duration::from_secs(5), |e| {
        e["seed"] == 4
    })
    .await?;
    page.script(
        "document.getElementById(arguments[0]).concord.seek(400);",
        vec![json!(ELECTION)],
    )
    .await?;
    let violation = wait_for_event(
        page,
        "apiEvents",
        "violation",
        Duration::from_secs(5),
        |_| true,
    )
    .await?;
    ensure!(
        violation["invariant"] == "election-safety",
        "seed 4 with vote-twice should break election safety: {violation}"
    );
    let shown = page
        .script(
            "const root = document.getElementById(arguments[0]).shadowRoot;\
             return !!root.querySelector('[data-violation]');",
            vec![json!(ELECTION)],
        )
        .await?;
    ensure!(
        shown == json!(true),
        "the widget should show the violation: {shown}"
    );
    page.browser()
        .screenshot_of(&format!("#{ELECTION}"), "embed-widget-violation")
        .await?;

    // The iframe: commands from its parent, events back.
    page.poll("the iframe to draw", LOAD_TIMEOUT, async || {
        let nodes = page.nodes_in(&Scope::Frame("frame".into())).await?;
        Ok(if nodes.len() == 3 {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&nodes))
        })
    })
    .await?;
    page.script(
        "const frame = document.getElementById('frame');\
         window.frameEvents = [];\
         addEventListener('message', e => {\
           if (e.source === frame.contentWindow && e.data?.concord === 'event') window.frameEvents.push(e.data);\
         });\
         const post = m => frame.contentWindow.postMessage(m, location.origin);\
         post({ concord: 'step' }); post({ concord: 'step' }); post({ concord: 'step' });",
        vec![],
    )
    .await?;
    let frame = Scope::Frame("frame".into());
    wait_for_step_in(page, &frame, 3).await?;
    // The page names three protocols: one full bundle for all its widgets. The Raft iframe
    // starts the Raft bundle alone.
    widgets::ensure_fetched_only(page, None, "web").await?;
    widgets::ensure_fetched_only(page, Some("frame"), "raft").await?;
    wait_for_event(page, "frameEvents", "step", Duration::from_secs(5), |e| {
        e["step"] == 3
    })
    .await?;
    page.script(
        "const frame = document.getElementById('frame');\
         frame.contentWindow.postMessage({ concord: 'seek', step: 12 }, location.origin);\
         frame.contentWindow.postMessage({ concord: 'state' }, location.origin);",
        vec![],
    )
    .await?;
    let state = wait_for_event(page, "frameEvents", "state", Duration::from_secs(5), |_| {
        true
    })
    .await?;
    ensure!(
        state["step"] == 12 && state["algo"] == "raft",
        "seek then state should answer step 12: {state}"
    );
    page.script(
        "document.getElementById('frame').contentWindow\
           .postMessage({ concord: 'load', options: { seed: 9, nodes: 3 } }, location.origin);",
        vec![],
    )
    .await?;
    wait_for_event(page, "frameEvents", "ready", Duration::from_secs(5), |e| {
        e["seed"] == 9
    })
    .await?;

    // A Concord message that is no command is answered with an error event; other scripts'
    // messages get no answer (the `state` after them shows they were read past, not lost).
    page.script(
        "const post = m => document.getElementById('frame').contentWindow.postMessage(m, location.origin);\
         post({ concord: 'seek' }); post({ concord: 'jump', step: 3 });\
         post({ type: 'seek', step: 3 }); post('concord'); post({ concord: 'event', type: 'step' });\
         post({ concord: 'state' });",
        vec![],
    )
    .await?;
    let state = wait_for_event(page, "frameEvents", "state", Duration::from_secs(5), |e| {
        e["seed"] == 9
    })
    .await?;
    let errors = events_of(page, "frameEvents", "error").await?;
    let answered: Vec<&Value> = errors.iter().map(|e| &e["command"]).collect();
    ensure!(
        answered == [&json!("seek"), &json!("jump")]
            && errors[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("missing field `step`"))
            && errors[1]["message"]
                .as_str()
                .is_some_and(|m| m.contains("unknown variant `jump`")),
        "a seek without a step and an unknown command each get an error event, nothing else \
         does: {errors:?}"
    );
    ensure!(
        state["step"] == 0,
        "a malformed seek moves nothing: {state}"
    );

    // An iframe that names another origin ignores this page and posts nothing to it.
    page.script(
        "const other = document.createElement('iframe');\
         other.id = 'stranger'; other.width = 360; other.height = 400;\
         other.src = '../?embed=1&algo=raft&seed=7&nodes=3&origin=' + encodeURIComponent('https://docs.example.org');\
         window.strangerEvents = [];\
         addEventListener('message', e => { if (e.source === other.contentWindow) window.strangerEvents.push(e.data); });\
         document.querySelector('main').append(other);",
        vec![],
    )
    .await?;
    let stranger = Scope::Frame("stranger".into());
    page.poll("the second iframe to draw", LOAD_TIMEOUT, async || {
        let nodes = page.nodes_in(&stranger).await?;
        Ok(if nodes.len() == 3 {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&nodes))
        })
    })
    .await?;
    page.script(
        "const w = document.getElementById('stranger').contentWindow;\
         w.postMessage({ concord: 'step' }, '*'); w.postMessage({ concord: 'play' }, '*');",
        vec![],
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let ignored = page.status_in(&stranger).await?.step;
    let heard = page
        .script("return window.strangerEvents.length;", vec![])
        .await?;
    ensure!(
        ignored == 0 && heard == json!(0),
        "an iframe pinned to another origin should ignore this page's commands (step {ignored}) \
         and post it nothing ({heard} messages)"
    );

    // The iframe fits its frame at every size, from 320 px wide up (shown mid-election).
    page.script(
        "document.getElementById('frame').contentWindow\
           .postMessage({ concord: 'seek', step: 9 }, location.origin);",
        vec![],
    )
    .await?;
    wait_for_step_in(page, &frame, 9).await?;
    for (width, height, least) in [(360, 400, 150.0), (320, 320, 100.0), (700, 440, 200.0)] {
        page.script(
            "const frame = document.getElementById('frame');\
             frame.width = arguments[0]; frame.height = arguments[1];\
             await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));",
            vec![json!(width), json!(height)],
        )
        .await?;
        let doc = "document.getElementById('frame').contentDocument";
        ensure_fits(page, doc, &format!("a {width}×{height} iframe"), least).await?;
        page.browser()
            .screenshot_of("#frame", &format!("embed-iframe-{width}x{height}"))
            .await?;
    }

    // "Open in full playground" carries the run: the full page opens at the same step. The link
    // takes the run when hovered (a focus() from a script fires no focus event while headless
    // Chromium's window has no system focus).
    let href = page
        .script(
            "const a = document.getElementById(arguments[0]).shadowRoot.querySelector('[data-action=\"open-full\"]');\
             a.dispatchEvent(new MouseEvent('mouseenter')); return a.href;",
            vec![json!(ELECTION)],
        )
        .await?;
    let href = href.as_str().unwrap_or_default().to_owned();
    ensure!(
        href.contains("algo=raft")
            && href.contains("seed=4")
            && href.contains("vote-twice")
            && href.contains("#tape="),
        "the full-playground link should carry the configuration and the run: {href}"
    );
    let path = href
        .split_once("//")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_default();
    page.goto(&path).await?;
    let full = page.status().await?;
    ensure!(
        full.step == 400
            && page
                .script(
                    "return !!document.querySelector('[data-violation]');",
                    vec![]
                )
                .await?
                == json!(true),
        "the full playground should open at step 400 with the violation: step {}",
        full.step
    );

    // Full screen.
    page.goto("/?embed=1&algo=raft&seed=7&nodes=5&step=12&lang=en")
        .await?;
    ensure_fits(page, "document", "a full window", 400.0).await?;
    page.screenshot("embed-fullscreen").await?;
    Ok(())
}

/// Fails unless the embed in `document` (a JavaScript expression) fits its window: no
/// scrolling overflow in html or body, no control drawn outside, and a cluster at least `least`
/// pixels tall.
async fn ensure_fits(page: &Page, document: &str, what: &str, least: f64) -> Outcome {
    let fit = page
        .script(
            &format!(
                "const d = {document}, html = d.documentElement, body = d.body;\
                 const outside = [...d.querySelectorAll('button, a, input, .caption, svg.cluster')]\
                   .filter(e => e.getClientRects().length)\
                   .filter(e => {{ const r = e.getBoundingClientRect();\
                     return r.left < -0.5 || r.top < -0.5 || r.right > html.clientWidth + 0.5\
                       || r.bottom > html.clientHeight + 0.5; }})\
                   .map(e => e.getAttribute('data-action') || e.getAttribute('class'));\
                 return {{ html: [html.scrollWidth, html.clientWidth, html.scrollHeight, html.clientHeight],\
                   body: [body.scrollWidth, body.clientWidth, body.scrollHeight, body.clientHeight],\
                   outside, cluster: d.querySelector('svg.cluster').getBoundingClientRect().height }};"
            ),
            vec![],
        )
        .await?;
    let fits = |key: &str| {
        let v: Vec<u64> = fit[key]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        v.len() == 4 && v[0] <= v[1] && v[2] <= v[3]
    };
    ensure!(
        fits("html") && fits("body") && fit["outside"] == json!([]),
        "the embed should fit {what} without overflow ([scroll width, client width, scroll \
         height, client height], elements outside): {fit}"
    );
    ensure!(
        fit["cluster"].as_f64().is_some_and(|h| h >= least),
        "in {what} the cluster should be at least {least} px tall: {fit}"
    );
    Ok(())
}

#[tokio::test]
async fn every_widget_works_from_the_keyboard() {
    let page = Page::open_page(DOCS, &[]).await;
    let result = keyboard(&page).await;
    page.finish("embed-keyboard", result).await;
}

/// What has the keyboard: the host element's id and, inside its shadow root, the element's
/// `data-action` (or its class), and its computed outline style and width.
async fn focused(page: &Page) -> Outcome<Value> {
    page.script(
        "const host = document.activeElement;\
         const inner = host?.shadowRoot?.activeElement;\
         const el = inner || host;\
         const style = el ? getComputedStyle(el) : null;\
         return { host: host?.id ?? null,\
           inner: inner ? (inner.getAttribute('data-action') || inner.getAttribute('data-node') && 'node-' + inner.getAttribute('data-node') || String(inner.className.baseVal ?? inner.className)) : null,\
           outline: style ? [style.outlineStyle, style.outlineWidth] : null };",
        vec![],
    )
    .await
}

async fn key(page: &Page, key: Key) -> Outcome {
    page.chord(&[key]).await
}

/// Presses Tab until `done` holds for what has the focus (at most 60 times).
async fn tab_until(page: &Page, what: &str, done: impl Fn(&Value) -> bool) -> Outcome<Value> {
    let mut path = Vec::new();
    for _ in 0..60 {
        key(page, Key::Tab).await?;
        let now = focused(page).await?;
        if done(&now) {
            return Ok(now);
        }
        path.push(format!("{}/{}", now["host"], now["inner"]));
    }
    Err(format!(
        "60 Tabs never reached {what}; went through {}",
        path.join(" → ")
    )
    .into())
}

async fn keyboard(page: &Page) -> Outcome {
    wait_for_widgets(page).await?;

    // Every control says what it does, and the caption is read out as it changes.
    let unnamed = page
        .script(
            "return [...document.querySelectorAll('[data-concord]')].flatMap(host =>\
               [...(host.shadowRoot?.querySelectorAll('button, a, input, [tabindex]') ?? [])]\
                 .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim() || e.closest('label')))\
                 .map(e => host.id + ' ' + e.outerHTML.slice(0, 80)));",
            vec![],
        )
        .await?;
    ensure!(
        unnamed == json!([]),
        "every control should have an accessible name: {unnamed}"
    );
    let live = page
        .script(
            "return RAFT.map(id => document.getElementById(id).shadowRoot\
               .querySelector('[data-caption]').getAttribute('aria-live'));"
                .replace("RAFT", &format!("{RAFT_WIDGETS:?}"))
                .as_str(),
            vec![],
        )
        .await?;
    ensure!(
        live == json!(["polite", "polite", "polite"]),
        "each caption should be a polite live region: {live}"
    );

    // Tab into the first widget: the playground itself takes keys, with a visible ring.
    let region = tab_until(page, "the election's playground", |f| {
        f["host"] == ELECTION
            && f["inner"]
                .as_str()
                .is_some_and(|c| c.contains("playground"))
    })
    .await?;
    ensure!(
        region["outline"][0] == "solid",
        "the focused playground should show its focus ring: {region}"
    );
    page.browser()
        .screenshot_of(&format!("#{ELECTION}"), "embed-keyboard-focus")
        .await?;
    key(page, Key::Right).await?;
    wait_for_step_in(page, &widget(ELECTION), 1).await?;
    key(page, Key::Right).await?;
    key(page, Key::Left).await?;
    wait_for_step_in(page, &widget(ELECTION), 1).await?;

    // Tab to a server; Enter opens it, and its crash button works from the keyboard too.
    tab_until(page, "server S1", |f| {
        f["host"] == ELECTION && f["inner"] == "node-1"
    })
    .await?;
    key(page, Key::Enter).await?;
    tab_until(page, "the crash button", |f| {
        f["host"] == ELECTION && f["inner"] == "crash"
    })
    .await?;
    key(page, Key::Enter).await?;
    page.poll("S1 to crash", Duration::from_secs(5), async || {
        let nodes = page.nodes_in(&widget(ELECTION)).await?;
        Ok(if nodes.first().is_some_and(|n| !n.up) {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&nodes))
        })
    })
    .await?;
    page.browser()
        .screenshot_of(&format!("#{ELECTION}"), "embed-keyboard-crash")
        .await?;
    key(page, Key::Escape).await?;

    // The step button: Enter steps, with a focus ring; Space on play plays and pauses.
    let step = tab_until(page, "the step button", |f| {
        f["host"] == ELECTION && f["inner"] == "step"
    })
    .await?;
    ensure!(
        step["outline"] == json!(["solid", "3px"]),
        "the focused step button should show a 3px focus ring: {step}"
    );
    let before = page.status_in(&widget(ELECTION)).await?.step;
    key(page, Key::Enter).await?;
    wait_for_step_in(page, &widget(ELECTION), before + 1).await?;
    key(page, Key::Space).await?;
    wait_for_step_in(page, &widget(ELECTION), before + 2).await?;
    page.chord(&[Key::Shift, Key::Tab]).await?;
    let play = focused(page).await?;
    ensure!(
        play["inner"] == "play",
        "Shift+Tab from step should reach play: {play}"
    );
    key(page, Key::Space).await?;
    page.poll("the election to play", Duration::from_secs(5), async || {
        let pausing = focused(page).await?;
        Ok(if pausing["inner"] == "pause" {
            Wait::Done(())
        } else {
            Wait::NotYet(pausing.to_string())
        })
    })
    .await?;
    key(page, Key::Space).await?;
    page.poll(
        "the election to pause",
        Duration::from_secs(5),
        async || {
            let playing = focused(page).await?;
            Ok(if playing["inner"] == "play" {
                Wait::Done(())
            } else {
                Wait::NotYet(playing.to_string())
            })
        },
    )
    .await?;
    let others = steps(page).await?;
    ensure!(
        others[1..] == [14, 3],
        "keys in #{ELECTION} should move only it: {others:?}"
    );
    Ok(())
}

#[tokio::test]
async fn reduced_motion_waits_for_the_reader_and_draws_only_event_times() {
    let page = Page::open_page(
        "/?embed=1&algo=raft&seed=7&nodes=5&autoplay=1&speed=-3&lang=en",
        &["--force-prefers-reduced-motion"],
    )
    .await;
    let result = reduced_motion(&page).await;
    page.finish("embed-reduced-motion", result).await;
}

async fn reduced_motion(page: &Page) -> Outcome {
    page.wait_for_app().await?;
    let waiting = page
        .script(
            "return !!document.querySelector('[data-action=\"play\"]');",
            vec![],
        )
        .await?;
    ensure!(
        waiting == json!(true),
        "with reduced motion, autoplay=1 should wait for the reader to press play"
    );
    page.press("play").await?;
    // At 1/8× an event comes every hundred milliseconds or so: between two, the picture (and
    // its clock) must hold still. Sampled for 4 s, and on (up to 20 s) until a step came, as a
    // loaded machine plays slower.
    let mut samples = Vec::new();
    let moved =
        |samples: &[Status]| samples.last().map(|s| s.step) > samples.first().map(|s| s.step);
    while samples.len() < 80 || (!moved(&samples) && samples.len() < 400) {
        samples.push(page.status().await?);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    page.pause().await?;
    let moved = moved(&samples);
    let glided = samples
        .windows(2)
        .filter(|w| w[0].step == w[1].step && w[0].time != w[1].time)
        .count();
    ensure!(
        moved && glided == 0,
        "while playing with reduced motion the run should advance (it went from step {:?} to \
         {:?}) and the clock change only with a step ({glided} changes between steps)",
        samples.first().map(|s| s.step),
        samples.last().map(|s| s.step)
    );
    Ok(())
}

#[tokio::test]
async fn copy_embed_code_gives_an_iframe_that_reopens_the_run() {
    let mut page = Page::open("/?algo=paxos&nodes=3&proposers=2&seed=4&lang=en").await;
    let result = embed_code(&mut page).await;
    page.finish("embed-code", result).await;
}

/// The full playground's "Copy embed code": the snippet shown is an iframe of the same page
/// with `embed=1`, the run's configuration and its tape, and opening its address shows the run
/// exactly where it stood — step, nodes and caption — with a crash made by hand, from the Paxos
/// bundle where the playground ran the full one.
async fn embed_code(page: &mut Page) -> Outcome {
    // The full playground starts the full bundle.
    widgets::ensure_fetched_only(page, None, "web").await?;
    for step in 1..=6 {
        page.press("step").await?;
        page.wait_for_step(step).await?;
    }
    page.click_node(3).await?;
    page.press("crash").await?;
    page.wait_for_step(7).await?;
    page.press("step").await?;
    let here = page.wait_for_step(8).await?;
    let (nodes, caption) = (page.nodes().await?, page.caption().await?);

    page.press("copy-embed").await?;
    let snippet = page
        .poll(
            "the embed code to be shown",
            Duration::from_secs(5),
            async || {
                let text = page.text("[data-copied=\"copy-embed\"]").await?;
                Ok(match text {
                    Some(text) if !text.is_empty() => Wait::Done(text),
                    _ => Wait::NotYet("no [data-copied=\"copy-embed\"] text".into()),
                })
            },
        )
        .await?;
    page.screenshot("embed-code").await?;
    // Read the snippet as a browser would: one iframe, and where it points.
    let frame = page
        .script(
            "const t = document.createElement('template'); t.innerHTML = arguments[0];\
             const f = t.content.firstElementChild;\
             if (!f || f.tagName !== 'IFRAME' || t.content.childElementCount !== 1) return null;\
             const u = new URL(f.getAttribute('src'));\
             return { origin: u.origin, rest: u.pathname + u.search + u.hash,\
               embed: u.searchParams.get('embed'), algo: u.searchParams.get('algo'),\
               seed: u.searchParams.get('seed'), proposers: u.searchParams.get('proposers'),\
               title: f.title, width: f.width, here: location.origin };",
            vec![json!(snippet)],
        )
        .await?;
    ensure!(
        frame["embed"] == "1"
            && frame["algo"] == "paxos"
            && frame["seed"] == "4"
            && frame["proposers"] == "2"
            && frame["origin"] == frame["here"]
            && frame["rest"].as_str().is_some_and(|r| r.contains("#tape="))
            && frame["title"].as_str().is_some_and(|t| !t.is_empty()),
        "the embed code should be one titled iframe of this page with embed=1, the run's \
         settings and its tape: {frame}\n  snippet: {snippet}"
    );

    let rest = frame["rest"].as_str().unwrap_or_default().to_owned();
    page.goto(&rest).await?;
    let there = page.status().await?;
    // The embed of a Paxos run starts the Paxos bundle, which shows the run as the full one did.
    widgets::ensure_fetched_only(page, None, "paxos").await?;
    ensure!(
        there.step == here.step,
        "the embed should open at step {}, it opened at {}",
        here.step,
        there.step
    );
    let (nodes_there, caption_there) = (page.nodes().await?, page.caption().await?);
    ensure!(
        describe(&nodes_there) == describe(&nodes) && caption_there == caption,
        "the embed should show the run as it was:\n  before {} / {caption:?}\n  after  {} / \
         {caption_there:?}",
        describe(&nodes),
        describe(&nodes_there)
    );
    ensure!(
        page.exists(".playground.compact").await?,
        "the embed code's address should open the compact embed"
    );
    page.screenshot("embed-code-opened").await?;
    Ok(())
}

//! The playground's DOM contract, as the end-to-end suites see it:
//!
//! - each node is an SVG `<g data-node="<1-based id>" data-role=… data-term=… data-up=…>`;
//! - controls are elements with `data-action` = `play` | `pause` | `step` | `back` | `reset`
//!   (play/pause may be one toggle), and a node's menu has `crash` | `restart` | `timeout`;
//! - `[data-status]` carries `data-step` (steps taken) and `data-time` (virtual µs);
//! - `[data-caption]` holds the caption text;
//! - `input[data-control="speed" | "seed" | "nodes"]`;
//! - the URL query (`?algo=raft&nodes=5&seed=7`) is read on load;
//! - a message in flight is an SVG `<g data-msg="<id>">`; the message inspector is
//!   `[data-msg-inspector]`; a broken invariant shows `[data-violation="<invariant>"]`;
//! - Paxos: `[data-chosen="<value>"]` once a majority of acceptors accepted one proposal, rows
//!   `tr[data-acceptor]` (with `data-accepted-value`), `tr[data-proposer]` (`data-stage`) and
//!   `tr[data-learner]` (`data-learned`), and the break-it switches as
//!   `input[data-control="ignore_accepted" | "accept_below_promise" | "small_quorum"]`.
//! - the network panel `details.network`: a checkbox `[data-partition-node="<1-based id>"]` per
//!   node picks a partition's side, then `partition`; two `<select>`s (from, to, valued by
//!   0-based index) pick a link for `cut-one-way` or `cut-both`; each cut link is a row of
//!   `ul.cuts` with its `uncut` button; `heal` restores everything;
//! - embeds draw the same inside a widget's shadow root or an iframe's document: the `_in`
//!   helpers take a [`Scope`] saying where to look.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::{Failure, Outcome};

/// Where a person reproduces what a test saw: `cargo xtask serve` serves here.
pub const SERVE_ORIGIN: &str = "http://127.0.0.1:8080";

/// How long the app may take to load and draw its nodes.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(20);

/// One node as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    pub id: u32,
    pub role: String,
    pub term: Option<u64>,
    pub up: bool,
}

impl NodeView {
    pub fn is_leader(&self) -> bool {
        self.role == "leader"
    }
}

impl fmt::Display for NodeView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}:{}", self.id, self.role)?;
        if let Some(term) = self.term {
            write!(f, "/t{term}")?;
        }
        if !self.up {
            f.write_str("/down")?;
        }
        Ok(())
    }
}

/// All nodes on one line, for messages: `n1:follower/t1 n2:leader/t1 …`.
pub fn describe(nodes: &[NodeView]) -> String {
    if nodes.is_empty() {
        return "(no nodes drawn)".into();
    }
    nodes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where on the page to look: the document, a widget's shadow root (the element with this id),
/// or the document of an iframe (same origin) with this id.
#[derive(Clone, Debug)]
pub enum Scope {
    Document,
    Widget(String),
    Frame(String),
}

impl Scope {
    /// A JavaScript expression for the scope's root (`null` when it is not there yet).
    pub fn js(&self) -> String {
        match self {
            Scope::Document => "document".into(),
            Scope::Widget(id) => format!("document.getElementById({id:?})?.shadowRoot"),
            Scope::Frame(id) => format!("document.getElementById({id:?})?.contentDocument"),
        }
    }
}

/// The status line's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub step: u64,
    /// Virtual time in microseconds.
    pub time: u64,
}

/// What a polled condition says.
pub enum Wait<T> {
    Done(T),
    /// Not yet; the text says what was seen, for the timeout message.
    NotYet(String),
}

/// The playground open in headless Chromium.
pub struct Page {
    browser: Browser,
    /// The path and query the page was opened at.
    opened: String,
}

impl Page {
    /// Launches the browser on `$CONCORD_DIST`, opens `path_and_query` and waits until the app
    /// has drawn its nodes and status.
    pub async fn open(path_and_query: &str) -> Page {
        let opened = path_and_query.to_owned();
        let browser = match Browser::launch().await {
            Ok(browser) => browser,
            Err(e) => panic!("{e}\n  page: {SERVE_ORIGIN}{opened}"),
        };
        let page = Page { browser, opened };
        let loaded = async {
            page.browser.goto(&page.opened).await?;
            page.wait_for_app().await
        }
        .await;
        if let Err(e) = loaded {
            panic!("{}", page.failure_report("load", e).await);
        }
        page
    }

    /// Launches the browser (with `extra_args` for Chromium) and opens `path_and_query` without
    /// waiting for the app: for pages that are not the app itself, such as the sample
    /// documentation page, whose suites wait for what they need.
    pub async fn open_page(path_and_query: &str, extra_args: &[&str]) -> Page {
        let opened = path_and_query.to_owned();
        let browser = match Browser::launch_with_args(extra_args).await {
            Ok(browser) => browser,
            Err(e) => panic!("{e}\n  page: {SERVE_ORIGIN}{opened}"),
        };
        let page = Page { browser, opened };
        if let Err(e) = page.browser.goto(&page.opened).await {
            panic!("{}", page.failure_report("load", e).await);
        }
        page
    }

    /// Serves the directory `root` (a documentation site built around the bundle) and opens
    /// `path_and_query` in it without waiting for anything.
    pub async fn open_site(root: &Path, path_and_query: &str, extra_args: &[&str]) -> Page {
        let opened = path_and_query.to_owned();
        let browser = match Browser::launch_with(root, extra_args).await {
            Ok(browser) => browser,
            Err(e) => panic!("{e}\n  page: {opened} under {}", root.display()),
        };
        let page = Page { browser, opened };
        if let Err(e) = page.browser.goto(&page.opened).await {
            panic!("{}", page.failure_report("load", e).await);
        }
        page
    }

    pub fn browser(&self) -> &Browser {
        &self.browser
    }

    /// Waits until at least one node and the status element are drawn.
    pub async fn wait_for_app(&self) -> Outcome {
        self.poll(
            "the app to draw its nodes and [data-status]",
            LOAD_TIMEOUT,
            async || {
                let nodes = self.nodes().await?;
                let has_status = self.exists("[data-status]").await?;
                Ok(if !nodes.is_empty() && has_status {
                    Wait::Done(())
                } else {
                    Wait::NotYet(format!("{} nodes, status drawn: {has_status}", nodes.len()))
                })
            },
        )
        .await
    }

    /// The page's URL as a permalink on `cargo xtask serve`'s origin (the app keeps its state in
    /// the URL, so this is what the test was looking at).
    pub async fn permalink(&self) -> String {
        let current = match self.browser.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(_) => return format!("{SERVE_ORIGIN}{}", self.opened),
        };
        match current.strip_prefix(&self.browser.origin()) {
            Some(rest) => format!("{SERVE_ORIGIN}{rest}"),
            None => current,
        }
    }

    /// Ends the scenario: on success closes the browser; on failure saves
    /// `target/screenshots/<name>-failure.png` and panics with the permalink.
    pub async fn finish(self, name: &str, result: Outcome) {
        match result {
            Ok(()) => {
                if let Err(e) = self.browser.close().await {
                    eprintln!("note: closing the browser: {e}");
                }
            }
            Err(e) => panic!("{}", self.failure_report(name, e).await),
        }
    }

    /// Saves a failure screenshot, closes the browser and says what failed, where to see it.
    async fn failure_report(self, name: &str, failure: Failure) -> String {
        let permalink = self.permalink().await;
        let shot = match self.browser.screenshot(&format!("{name}-failure")).await {
            Ok(path) => path.display().to_string(),
            Err(e) => format!("(none: {e})"),
        };
        let _ = self.browser.close().await;
        format!(
            "{name}: {failure}\n  page: {permalink}\n  reproduce: `cargo xtask serve`, then open \
             the page above\n  screenshot: {shot}"
        )
    }

    /// Saves `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Outcome<PathBuf> {
        self.browser.screenshot(name).await
    }

    /// Polls `check` every 50 ms until it is done, for at most `timeout` of wall time.
    pub async fn poll<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl AsyncFnMut() -> Outcome<Wait<T>>,
    ) -> Outcome<T> {
        let started = Instant::now();
        loop {
            let seen = match check().await? {
                Wait::Done(value) => return Ok(value),
                Wait::NotYet(seen) => seen,
            };
            if started.elapsed() > timeout {
                return Err(Failure::new(format!(
                    "timed out after {:.1} s waiting for {what}; last seen: {seen}",
                    timeout.as_secs_f64()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs `script` in the page (WebDriver "execute script"); `arguments[i]` are `args`.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Outcome<Value> {
        Ok(self.browser.client.execute(script, args).await?)
    }

    /// Runs `script` asynchronously (WebDriver "execute async script"): it ends by calling its
    /// last argument with the result.
    pub async fn script_async(&self, script: &str, args: Vec<Value>) -> Outcome<Value> {
        Ok(self.browser.client.execute_async(script, args).await?)
    }

    /// Whether an element matches `selector`.
    pub async fn exists(&self, selector: &str) -> Outcome<bool> {
        let found = self
            .script(
                "return document.querySelector(arguments[0]) !== null;",
                vec![json!(selector)],
            )
            .await?;
        Ok(found == Value::Bool(true))
    }

    /// Press the first goal ("until a leader is elected") and wait up to `wait` for exactly one
    /// live leader, which is returned.
    pub async fn elect_leader(&self, wait: Duration) -> Outcome<NodeView> {
        self.press("until-goal").await?;
        self.poll(
            "a leader after `until a leader is elected`",
            wait,
            async || {
                let nodes = self.nodes().await?;
                let leaders: Vec<_> = nodes.iter().filter(|n| n.is_leader() && n.up).collect();
                Ok(match leaders.as_slice() {
                    [one] => Wait::Done((*one).clone()),
                    _ => Wait::NotYet(describe(&nodes)),
                })
            },
        )
        .await
    }

    /// Every drawn node, in id order.
    pub async fn nodes(&self) -> Outcome<Vec<NodeView>> {
        self.nodes_in(&Scope::Document).await
    }

    /// Every node drawn in `scope`, in id order.
    pub async fn nodes_in(&self, scope: &Scope) -> Outcome<Vec<NodeView>> {
        let raw = self
            .script(
                &format!(
                    "const root = {};\
                     return !root ? [] : Array.from(root.querySelectorAll('g[data-node]')).map(g => [\
                       g.getAttribute('data-node'), g.getAttribute('data-role'),\
                       g.getAttribute('data-term'), g.getAttribute('data-up')]);",
                    scope.js()
                ),
                vec![],
            )
            .await?;
        let rows = raw.as_array().cloned().unwrap_or_default();
        let mut nodes = Vec::with_capacity(rows.len());
        for row in rows {
            let attr = |i: usize| row.get(i).and_then(Value::as_str).map(str::to_owned);
            let bad = |what: &str| Failure::new(format!("a node has a bad {what}: {row}"));
            let id = attr(0)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("data-node"))?;
            let role = attr(1).ok_or_else(|| bad("data-role"))?;
            let term = match attr(2) {
                None => None,
                Some(t) => Some(t.parse().map_err(|_| bad("data-term"))?),
            };
            let up = match attr(3).as_deref() {
                Some("true") => true,
                Some("false") => false,
                _ => return Err(bad("data-up")),
            };
            nodes.push(NodeView { id, role, term, up });
        }
        nodes.sort_by_key(|n| n.id);
        Ok(nodes)
    }

    /// The numbers on `[data-status]`.
    pub async fn status(&self) -> Outcome<Status> {
        self.status_in(&Scope::Document).await
    }

    /// The numbers on `[data-status]` in `scope`.
    pub async fn status_in(&self, scope: &Scope) -> Outcome<Status> {
        let raw = self
            .script(
                &format!(
                    "const root = {};\
                     const s = root && root.querySelector('[data-status]');\
                     return s ? [s.getAttribute('data-step'), s.getAttribute('data-time')] : null;",
                    scope.js()
                ),
                vec![],
            )
            .await?;
        let field = |i: usize| {
            raw.get(i)
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
        };
        match (field(0), field(1)) {
            (Some(step), Some(time)) => Ok(Status { step, time }),
            _ => Err(Failure::new(format!(
                "[data-status] missing or without numeric data-step and data-time: {raw}"
            ))),
        }
    }

    /// The caption's text.
    pub async fn caption(&self) -> Outcome<String> {
        let text = self
            .script(
                "const c = document.querySelector('[data-caption]');\
                 return c ? c.textContent : null;",
                vec![],
            )
            .await?;
        text.as_str()
            .map(str::to_owned)
            .ok_or_else(|| Failure::new("no [data-caption] element"))
    }

    /// The value of `input[data-control="<control>"]`.
    pub async fn control_value(&self, control: &str) -> Outcome<String> {
        let value = self
            .script(
                "const i = document.querySelector(`input[data-control=\"${arguments[0]}\"]`);\
                 return i ? i.value : null;",
                vec![json!(control)],
            )
            .await?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Failure::new(format!("no input[data-control=\"{control}\"]")))
    }

    /// Sets the range `input[data-control="<control>"]` to its maximum and fires `input` and
    /// `change`, as a person dragging it would. Returns the value set.
    pub async fn set_range_to_max(&self, control: &str) -> Outcome<String> {
        let value = self
            .script(
                "const r = document.querySelector(`input[data-control=\"${arguments[0]}\"]`);\
                 if (!r) return null;\
                 r.value = r.max;\
                 r.dispatchEvent(new Event('input', { bubbles: true }));\
                 r.dispatchEvent(new Event('change', { bubbles: true }));\
                 return r.value;",
                vec![json!(control)],
            )
            .await?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Failure::new(format!("no input[data-control=\"{control}\"]")))
    }

    /// Opens another address of the app in the same browser (a permalink, say) and waits for
    /// the app to draw.
    pub async fn goto(&mut self, address: &str) -> Outcome {
        self.opened = address.to_owned();
        self.browser.goto(address).await?;
        self.wait_for_app().await
    }

    /// Sends a key to the playground, as a keydown on its element.
    pub async fn key(&self, key: &str) -> Outcome {
        self.script(
            "const p = document.querySelector('.playground');\
             p.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[0], bubbles: true }));",
            vec![json!(key)],
        )
        .await
        .map(|_| ())
    }

    /// Presses `keys` together on whatever has the focus, as a person would (Shift+Tab:
    /// `[Shift, Tab]`).
    pub async fn chord(&self, keys: &[Key]) -> Outcome {
        let mut actions = KeyActions::new("keyboard".into());
        for &key in keys {
            actions = actions.then(KeyAction::Down { value: key.into() });
        }
        for &key in keys.iter().rev() {
            actions = actions.then(KeyAction::Up { value: key.into() });
        }
        self.browser.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Clicks the first visible element with `data-action="<action>"`, waiting up to 5 s for one
    /// to appear (a node's menu opens after a click, the play/pause toggle re-renders).
    pub async fn press(&self, action: &str) -> Outcome {
        self.click(&format!("[data-action=\"{action}\"]")).await
    }

    /// Clicks the first visible element matching a CSS selector, waiting up to 5 s for one.
    pub async fn click(&self, selector: &str) -> Outcome {
        let selector = selector.to_owned();
        let element = self
            .poll(
                &format!("a visible {selector}"),
                Duration::from_secs(5),
                async || {
                    for element in self
                        .browser
                        .client
                        .find_all(Locator::Css(&selector))
                        .await?
                    {
                        if element.is_displayed().await? {
                            return Ok(Wait::Done(element));
                        }
                    }
                    Ok(Wait::NotYet("none visible".into()))
                },
            )
            .await?;
        // A playing run moves the layout between WebDriver's scroll and its click (a log grid
        // grows a row): then the click lands on a neighbour and is refused. Centre the element
        // and try again.
        let mut tries = 0;
        loop {
            match element.click().await {
                Ok(()) => return Ok(()),
                Err(e) if tries < 3 && e.to_string().contains("click intercepted") => {
                    tries += 1;
                    self.browser
                        .client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'center'});",
                            vec![
                                serde_json::to_value(&element)
                                    .map_err(|e| Failure::new(e.to_string()))?,
                            ],
                        )
                        .await?;
                }
                Err(e) => return Err(Failure::new(format!("clicking {selector}: {e}"))),
            }
        }
    }

    /// Clicks the first element matching `selector` with a real pointer, `(x, y)` CSS pixels from
    /// its centre (a cell of a canvas, say). The element is scrolled to the middle of the window
    /// first: WebDriver measures from the centre of its visible part.
    pub async fn click_at(&self, selector: &str, x: f64, y: f64) -> Outcome {
        self.scroll_into_view(selector, "center").await?;
        let element = self.browser.client.find(Locator::Css(selector)).await?;
        let pointer = MouseActions::new("pointer".to_owned())
            .then(PointerAction::MoveToElement {
                element,
                duration: None,
                x,
                y,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        self.browser
            .client
            .perform_actions(pointer)
            .await
            .map_err(|e| Failure::new(format!("clicking {selector} at ({x}, {y}): {e}")))
    }

    /// Pauses playback: presses `pause` until the control offers `play` again. The press is
    /// repeated (pausing is idempotent) because on a loaded machine a click can land while the
    /// page is mid-frame and be lost.
    pub async fn pause(&self) -> Outcome {
        for _ in 0..3 {
            self.press("pause").await?;
            let shows_play = self
                .poll("the play button", Duration::from_secs(2), async || {
                    let shown = self
                        .script(
                            "const b = document.querySelector('[data-action=\"play\"]');\
                             return !!b && b.offsetParent !== null;",
                            vec![],
                        )
                        .await?;
                    Ok(if shown.as_bool() == Some(true) {
                        Wait::Done(())
                    } else {
                        Wait::NotYet("still playing".into())
                    })
                })
                .await;
            if shows_play.is_ok() {
                return Ok(());
            }
        }
        Err(Failure::new(
            "pressed pause three times and the page kept playing",
        ))
    }

    /// Attribute `attr` of every element matching `selector`, in document order (`None` where
    /// the element lacks it).
    pub async fn attributes(&self, selector: &str, attr: &str) -> Outcome<Vec<Option<String>>> {
        let raw = self
            .script(
                "return Array.from(document.querySelectorAll(arguments[0]))\
                   .map(e => e.getAttribute(arguments[1]));",
                vec![json!(selector), json!(attr)],
            )
            .await?;
        Ok(raw
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default())
    }

    /// The text of the first element matching `selector`, if there is one.
    pub async fn text(&self, selector: &str) -> Outcome<Option<String>> {
        let text = self
            .script(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                vec![json!(selector)],
            )
            .await?;
        Ok(text.as_str().map(str::to_owned))
    }

    /// Whether the checkbox `selector` names (`input[data-switch="vote-twice"]`) is ticked.
    pub async fn is_checked(&self, selector: &str) -> Outcome<bool> {
        let checked = self
            .script(
                "const i = document.querySelector(arguments[0]); return i ? i.checked : null;",
                vec![json!(selector)],
            )
            .await?;
        checked
            .as_bool()
            .ok_or_else(|| Failure::new(format!("no checkbox {selector}")))
    }

    /// Types `text` into `input[data-control="<control>"]`, replacing what it held, and fires
    /// `input` and `change` as typing would.
    pub async fn fill(&self, control: &str, text: &str) -> Outcome {
        let done = self
            .script(
                "const i = document.querySelector(`input[data-control=\"${arguments[0]}\"]`);\
                 if (!i) return false;\
                 i.value = arguments[1];\
                 i.dispatchEvent(new Event('input', { bubbles: true }));\
                 i.dispatchEvent(new Event('change', { bubbles: true }));\
                 return true;",
                vec![json!(control), json!(text)],
            )
            .await?;
        ensure_found(done, &format!("input[data-control=\"{control}\"]"))
    }

    /// Scrolls the first element matching `selector` to the top of the viewport (before a
    /// screenshot of what lies below the fold).
    pub async fn scroll_to(&self, selector: &str) -> Outcome {
        self.scroll_into_view(selector, "start").await
    }

    /// Scrolls the first element matching `selector` into view, aligned as `block` says
    /// (`start`, `center`).
    async fn scroll_into_view(&self, selector: &str, block: &str) -> Outcome {
        let done = self
            .script(
                "const e = document.querySelector(arguments[0]);\
                 if (!e) return false; e.scrollIntoView({ block: arguments[1] }); return true;",
                vec![json!(selector), json!(block)],
            )
            .await?;
        ensure_found(done, selector)
    }

    /// Resizes the browser window (screenshots at a phone's width, say).
    pub async fn resize(&self, width: u32, height: u32) -> Outcome {
        self.browser.client.set_window_size(width, height).await?;
        Ok(())
    }

    /// Ticks exactly the nodes `ids` (1-based) in the network panel's partition editor and
    /// presses `partition`: they form one side, every other node the other.
    pub async fn partition(&self, ids: &[u32]) -> Outcome {
        let boxes = self.attributes("[data-partition-node]", "data-partition-node");
        for id in boxes.await?.iter().flatten() {
            let selector = format!("[data-partition-node=\"{id}\"]");
            let checked = self
                .script(
                    "return document.querySelector(arguments[0]).checked;",
                    vec![json!(selector)],
                )
                .await?;
            let wanted = id.parse().is_ok_and(|id: u32| ids.contains(&id));
            if checked.as_bool() != Some(wanted) {
                self.click(&selector).await?;
            }
        }
        self.press("partition").await
    }

    /// Picks the link `from → to` (1-based ids) in the network panel, for `cut-one-way` or
    /// `cut-both`.
    pub async fn pick_link(&self, from: u32, to: u32) -> Outcome {
        let done = self
            .script(
                "const [a, b] = document.querySelectorAll('details.network select');\
                 if (!a || !b) return false;\
                 a.value = String(arguments[0] - 1); b.value = String(arguments[1] - 1);\
                 return a.value === String(arguments[0] - 1) && b.value === String(arguments[1] - 1);",
                vec![json!(from), json!(to)],
            )
            .await?;
        ensure_found(done, &format!("the network panel's link S{from} → S{to}"))
    }

    /// Presses `uncut` on the row of the cut link `from → to` (1-based ids) in the network panel.
    pub async fn uncut(&self, from: u32, to: u32) -> Outcome {
        let row = self
            .script(
                "const rows = [...document.querySelectorAll('details.network ul.cuts li')];\
                 return rows.findIndex(r => r.textContent.startsWith(arguments[0])) + 1;",
                vec![json!(format!("S{from} ↛ S{to}"))],
            )
            .await?;
        match row.as_u64() {
            Some(row) if row > 0 => {
                self.click(&format!(
                    "details.network ul.cuts li:nth-child({row}) [data-action=\"uncut\"]"
                ))
                .await
            }
            _ => Err(Failure::new(format!(
                "no cut link S{from} ↛ S{to} in the network panel"
            ))),
        }
    }

    /// Sizes the window so that the page itself (the viewport) is `width` × `height`, as on a
    /// screen of that size without browser chrome.
    /// The window is sized again until the page reports that viewport: on a busy machine the
    /// page may report its new size only a moment after the window has it.
    pub async fn set_viewport(&self, width: u32, height: u32) -> Outcome {
        self.resize(width, height).await?;
        self.poll("the viewport's size", LOAD_TIMEOUT, async || {
            let inner = self
                .script("return [window.innerWidth, window.innerHeight];", vec![])
                .await?;
            let size = |i: usize| inner[i].as_u64().and_then(|v| u32::try_from(v).ok());
            let (Some(w), Some(h)) = (size(0), size(1)) else {
                return Ok(Wait::NotYet(format!("{inner}")));
            };
            if (w, h) == (width, height) {
                return Ok(Wait::Done(()));
            }
            // The window less its chrome is the viewport: grow or shrink it by what is missing.
            let (outer_w, outer_h) = self.browser.client.get_window_size().await?;
            let fit = |outer: u64, asked: u32, got: u32| {
                u32::try_from(outer + u64::from(asked))
                    .unwrap_or(u32::MAX)
                    .saturating_sub(got)
            };
            self.resize(fit(outer_w, width, w), fit(outer_h, height, h))
                .await?;
            Ok(Wait::NotYet(format!("{w}×{h}")))
        })
        .await
    }

    /// Clicks node `id`'s drawing (which opens its node menu).
    pub async fn click_node(&self, id: u32) -> Outcome {
        let selector = format!("g[data-node=\"{id}\"]");
        let element = self
            .browser
            .client
            .find(Locator::Css(&selector))
            .await
            .map_err(|e| Failure::new(format!("finding {selector}: {e}")))?;
        // A node at the very edge of the viewport (the page scrolled to a tall inspector) is
        // covered by the drawing's own edge: bring it to the middle first.
        self.script(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&element).map_err(|e| Failure::new(e.to_string()))?],
        )
        .await?;
        element
            .click()
            .await
            .map_err(|e| Failure::new(format!("clicking {selector}: {e}")))
    }

    /// Waits until `[data-status]`'s step is `step` (≤ 5 s).
    pub async fn wait_for_step(&self, step: u64) -> Outcome<Status> {
        self.poll(
            &format!("data-step={step}"),
            Duration::from_secs(5),
            async || {
                let status = self.status().await?;
                Ok(if status.step == step {
                    Wait::Done(status)
                } else {
                    Wait::NotYet(format!("data-step={}", status.step))
                })
            },
        )
        .await
    }

    /// Waits until the step counter holds still for 300 ms (after a pause) and returns it.
    pub async fn wait_until_still(&self) -> Outcome<Status> {
        let mut last = self.status().await?;
        self.poll(
            "the simulation to stop advancing",
            Duration::from_secs(5),
            async || {
                tokio::time::sleep(Duration::from_millis(300)).await;
                let now = self.status().await?;
                if now.step == last.step {
                    return Ok(Wait::Done(now));
                }
                let seen = format!("data-step went {} → {}", last.step, now.step);
                last = now;
                Ok(Wait::NotYet(seen))
            },
        )
        .await
    }
}

/// What a script that looks an element up returned: `true`, or the element was missing.
fn ensure_found(done: Value, selector: &str) -> Outcome {
    if done == Value::Bool(true) {
        Ok(())
    } else {
        Err(Failure::new(format!("no {selector} on the page")))
    }
}

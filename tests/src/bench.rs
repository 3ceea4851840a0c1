//! The browser benchmarks' measuring scripts and their summaries (`cargo xtask bench --browser`
//! runs `tests/tests/bench_browser.rs`, which prints the table BENCHMARKS.md records). They
//! measure; nothing here decides whether a figure is good enough.
//!
//! - [`FRAMES`]: the intervals between `requestAnimationFrame` timestamps over a wall time.
//! - [`CLIENT_START`] / [`CLIENT_STOP`]: Raft's client panel sends a request every 100 ms.
//! - [`SEEKS`]: jumps on the timeline, each started at the top of an animation frame.
//! - [`WIDGET_SEEK`]: a widget's `seek(n)` through the JavaScript API, until it shows step n.
//! - [`FIRST_DRAWING`]: installed before any of the page's scripts run (see
//!   [`crate::browser::Browser::cdp`]), it notes when every cluster the page shows has its
//!   nodes; [`FIRST_DRAWN`] reads the note.

use std::fmt::Write;

/// `execute_async(FRAMES, [ms])`: the intervals (ms) between successive animation frames' own
/// timestamps, for at least `ms` of wall time and at least one interval.
pub const FRAMES: &str = "const [ms, done] = [arguments[0], arguments[arguments.length - 1]];\
  const stamps = [];\
  const frame = (t) => {\
    stamps.push(t);\
    if (t - stamps[0] < ms || stamps.length < 2) requestAnimationFrame(frame);\
    else done(stamps.slice(1).map((s, i) => s - stamps[i]));\
  };\
  requestAnimationFrame(frame);";

/// `execute(CLIENT_START, [])`: Raft's client panel sends `add x 1` every 100 ms of wall time
/// (to the leader, as the panel picks), as a reader typing very fast would.
pub const CLIENT_START: &str = "window.__benchSent = 0;\
  window.__benchClient = setInterval(() => {\
    const op = document.querySelector('[data-control=\"client-op\"]');\
    const send = document.querySelector('[data-action=\"client-send\"]');\
    if (op && send) { op.value = 'add x 1'; send.click(); window.__benchSent += 1; }\
  }, 100);\
  return true;";

/// `execute(CLIENT_STOP, [])`: stops [`CLIENT_START`]'s requests; how many it sent.
pub const CLIENT_STOP: &str = "clearInterval(window.__benchClient); return window.__benchSent;";

/// `execute_async(SEEKS, [[step, …]])`: for each step, at the top of an animation frame, sets
/// the timeline's slider to it and fires `input`, as dragging it does. Per jump: `shown`, the
/// ms from the input to the moment `[data-status]` says the step (the seek and the render that
/// follows, seen by a MutationObserver); `frame`, the ms from that frame's timestamp to the next
/// one's (one frame's interval when the jump fit in it). Fails when a step is never shown.
pub const SEEKS: &str = "const [steps, done] = [arguments[0], arguments[arguments.length - 1]];\
  const slider = document.querySelector('input[data-control=\"timeline\"]');\
  const status = document.querySelector('[data-status]');\
  if (!slider || !status) { done({ error: 'no timeline slider or [data-status]' }); return; }\
  const out = [];\
  const next = () => new Promise((r) => requestAnimationFrame(r));\
  (async () => {\
    for (const step of steps) {\
      const t0 = await next();\
      let shown = null;\
      const seen = new MutationObserver(() => {\
        if (shown === null && status.getAttribute('data-step') === String(step)) {\
          shown = performance.now();\
        }\
      });\
      seen.observe(status, { attributes: true, attributeFilter: ['data-step'] });\
      const start = performance.now();\
      slider.value = String(step);\
      slider.dispatchEvent(new Event('input', { bubbles: true }));\
      const t1 = await next();\
      seen.disconnect();\
      if (status.getAttribute('data-step') !== String(step)) {\
        done({ error: `step ${step} asked, the page shows ${status.getAttribute('data-step')}` });\
        return;\
      }\
      out.push({ step, shown: (shown ?? performance.now()) - start, frame: t1 - t0 });\
    }\
    done({ jumps: out });\
  })().catch((e) => done({ error: String(e) }));";

/// `execute_async(WIDGET_SEEK, [selector, step])`: once the page's widgets are mounted, at the
/// top of an animation frame, calls `seek(step)` on the handle of the widget `selector` names
/// (the documentation page's way) and answers `{ ms }`, the ms until the handle's state stands
/// at that step, checked at every frame since (a long seek plays forward in slices across
/// frames), or `{ error }` when it never does within 50 s.
pub const WIDGET_SEEK: &str = "const [selector, step, done] = arguments;\
  const next = () => new Promise((r) => requestAnimationFrame(r));\
  (async () => {\
    await window.Concord.ready;\
    const handle = document.querySelector(selector)?.concord;\
    if (!handle) { done({ error: `no widget at ${selector}` }); return; }\
    await next();\
    const start = performance.now();\
    handle.seek(step);\
    while (handle.state().step !== step) {\
      if (performance.now() - start > 50000) {\
        done({ error: `step ${step} asked, the widget stands at ${handle.state().step}` });\
        return;\
      }\
      await next();\
    }\
    done({ ms: performance.now() - start });\
  })().catch((e) => done({ error: String(e) }));";

/// Installed on every new document before its scripts: watches the document and every shadow
/// root attached later, and notes in `window.__firstDrawing` the `performance.now()` (ms since
/// the navigation started) at which every cluster the page shows first has its nodes: each
/// `[data-concord]` widget's shadow root holds a `[data-node]`, or, on a page without widgets
/// (the playground), the document's SVG does. The browser paints them in the frame that follows.
pub const FIRST_DRAWING: &str = "(() => {\
  const drawn = () => {\
    const widgets = [...document.querySelectorAll('[data-concord]')];\
    if (widgets.length > 0) {\
      return widgets.every((w) => w.shadowRoot?.querySelector('svg [data-node]'));\
    }\
    return document.querySelector('svg [data-node]') !== null;\
  };\
  const seen = new MutationObserver(() => {\
    if (window.__firstDrawing === undefined && drawn()) {\
      window.__firstDrawing = performance.now();\
      seen.disconnect();\
    }\
  });\
  const watch = (root) => seen.observe(root, { childList: true, subtree: true });\
  const attach = Element.prototype.attachShadow;\
  Element.prototype.attachShadow = function (init) {\
    const root = attach.call(this, init);\
    if (window.__firstDrawing === undefined) watch(root);\
    return root;\
  };\
  watch(document);\
})();";

/// `execute(FIRST_DRAWN, [])`: [`FIRST_DRAWING`]'s note, `null` until the page has drawn.
pub const FIRST_DRAWN: &str = "return window.__firstDrawing ?? null;";

/// Count, median, 95th percentile and maximum of a set of samples (ms).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Summary {
    /// Percentiles by nearest rank (the smallest sample at or above that share of them);
    /// `None` for no samples.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let i = (p * sorted.len() as f64).ceil() as usize;
            sorted[i.clamp(1, sorted.len()) - 1]
        };
        Some(Summary {
            count: sorted.len(),
            p50: rank(0.50),
            p95: rank(0.95),
            max: sorted[sorted.len() - 1],
        })
    }
}

/// One line of the report: what was measured, its figures, the goal.
pub struct Row {
    pub what: String,
    pub summary: Summary,
    pub goal: String,
}

/// The rows as a Markdown table, as BENCHMARKS.md records them.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| measurement | count | p50 (ms) | p95 (ms) | max (ms) | goal |\n\
         |---|---|---|---|---|---|\n",
    );
    for Row {
        what,
        summary: s,
        goal,
    } in rows
    {
        let _ = writeln!(
            out,
            "| {what} | {} | {:.1} | {:.1} | {:.1} | {goal} |",
            s.count, s.p50, s.p95, s.max
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_ranks() {
        let samples: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        assert_eq!(
            Summary::of(&samples),
            Some(Summary {
                count: 20,
                p50: 10.0,
                p95: 19.0,
                max: 20.0
            })
        );
        let one = Summary::of(&[16.7]).unwrap();
        assert_eq!((one.p50, one.p95, one.max), (16.7, 16.7, 16.7));
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn the_table_has_a_row_per_measurement() {
        let summary = Summary::of(&[16.6, 16.7, 33.4]).unwrap();
        let rows = [Row {
            what: "Raft".into(),
            summary,
            goal: "p95 ≤ 16.7 ms".into(),
        }];
        let table = table(&rows);
        assert_eq!(
            table.lines().last(),
            Some("| Raft | 3 | 16.7 | 33.4 | 33.4 | p95 ≤ 16.7 ms |")
        );
        assert_eq!(table.lines().count(), 3);
    }
}

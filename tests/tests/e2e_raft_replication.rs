//! Raft's log in the browser: a client request replicated and committed, an uncommitted entry
//! of a partitioned leader replaced after the heal, a break-it switch caught by the invariant
//! checker, and the log grid's window over a long log. Runs in headless Chromium against
//! `$CONCORD_DIST`.

use std::time::Duration;

use concord_tests::page::{NodeView, Page, Wait, describe};
use concord_tests::{Failure, Outcome, ensure};
use serde_json::{Value, json};

const URL: &str = "/?algo=raft&nodes=5&seed=7";
/// Wall time a run may take at maximum speed to reach what a step waits for.
const WAIT: Duration = Duration::from_secs(25);

#[tokio::test]
async fn raft_replicates_a_client_request_and_shows_it_committed() {
    let page = Page::open(URL).await;
    let result = replication(&page).await;
    page.finish("raft-replication", result).await;
}

#[tokio::test]
async fn raft_replaces_a_partitioned_leaders_uncommitted_entry_after_the_heal() {
    let page = Page::open(URL).await;
    let result = partition_and_heal(&page).await;
    page.finish("raft-partition-heal", result).await;
}

#[tokio::test]
async fn raft_vote_twice_switch_is_caught_as_an_election_safety_violation() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&switches=noop,vote-twice").await;
    let result = vote_twice(&page).await;
    page.finish("raft-break-vote-twice", result).await;
}

#[tokio::test]
async fn raft_log_grid_draws_the_newest_entries_of_a_long_log_and_keeps_the_earliest_reachable() {
    let page = Page::open("/?algo=raft&nodes=3&seed=7&speed=0&autoplay=1").await;
    let result = long_log_window(&page).await;
    page.finish("raft-log-window", result).await;
}

/// One server's log row as drawn.
#[derive(Debug)]
struct Row {
    id: u32,
    commit_index: u64,
    /// `(index, term, command, committed)`.
    entries: Vec<(u64, u64, String, bool)>,
}

async fn log_rows(page: &Page) -> Outcome<Vec<Row>> {
    let raw = page
        .script(
            "return Array.from(document.querySelectorAll('[data-log-row]')).map(r => [\
               r.getAttribute('data-log-row'), r.getAttribute('data-commit-index'),\
               Array.from(r.querySelectorAll('[data-entry]')).map(c => [\
                 c.getAttribute('data-entry'), c.getAttribute('data-command'),\
                 c.getAttribute('data-committed')])]);",
            vec![],
        )
        .await?;
    let bad = || Failure::new(format!("unexpected log grid: {raw}"));
    let mut rows = Vec::new();
    for row in raw.as_array().ok_or_else(bad)? {
        let text = |v: &Value| v.as_str().map(str::to_owned).ok_or_else(bad);
        let id = text(&row[0])?.parse().map_err(|_| bad())?;
        let commit_index = text(&row[1])?.parse().map_err(|_| bad())?;
        let mut entries = Vec::new();
        for cell in row[2].as_array().ok_or_else(bad)? {
            let entry = text(&cell[0])?;
            let (index, term) = entry.split_once(':').ok_or_else(bad)?;
            entries.push((
                index.parse().map_err(|_| bad())?,
                term.parse().map_err(|_| bad())?,
                text(&cell[1])?,
                text(&cell[2])? == "true",
            ));
        }
        rows.push(Row {
            id,
            commit_index,
            entries,
        });
    }
    Ok(rows)
}

fn show(rows: &[Row]) -> String {
    rows.iter()
        .map(|r| {
            let cells = r
                .entries
                .iter()
                .map(|(i, t, c, done)| format!("{i}:{t}:{c}{}", if *done { "✓" } else { "" }))
                .collect::<Vec<_>>()
                .join(",");
            format!("n{} c{} [{cells}]", r.id, r.commit_index)
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

async fn elect(page: &Page) -> Outcome<NodeView> {
    page.elect_leader(WAIT).await
}

/// Scrolls the log grid into view (for screenshots).
async fn show_grid(page: &Page) -> Outcome {
    page.script(
        "document.querySelector('.log-grid-panel').scrollIntoView({ block: 'start' });",
        vec![],
    )
    .await
    .map(|_| ())
}

async fn replication(page: &Page) -> Outcome {
    let leader = elect(page).await?;
    page.click(&format!("[data-client-server=\"{}\"]", leader.id))
        .await?;
    page.script(
        "const i = document.querySelector('[data-control=\"client-op\"]'); i.value = 'set x 1';",
        vec![],
    )
    .await?;
    page.press("client-send").await?;
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let what = "`set x 1` committed on a majority and the reply shown";
    page.poll(what, WAIT, async || {
        let rows = log_rows(page).await?;
        let committed = rows
            .iter()
            .filter(|r| {
                r.entries
                    .iter()
                    .any(|(_, _, c, done)| c == "set x 1" && *done)
            })
            .count();
        let reply = page
            .script(
                "const r = document.querySelector('[data-reply=\"1\"][data-outcome=\"done\"]');\
                 return r ? r.textContent : null;",
                vec![],
            )
            .await?;
        Ok(if committed >= 3 && reply.is_string() {
            Wait::Done(())
        } else {
            Wait::NotYet(format!(
                "{committed} rows committed it, reply {reply}; {}",
                show(&rows)
            ))
        })
    })
    .await?;
    page.pause().await?;
    // The reply gives the value set, and a latency.
    let reply = page
        .script(
            "return document.querySelector('[data-reply=\"1\"]').textContent;",
            vec![],
        )
        .await?;
    let reply = reply.as_str().unwrap_or_default().to_owned();
    ensure!(
        reply.contains("→ 1") && reply.contains("ms"),
        "the reply to `set x 1` should show the value 1 and a latency: {reply:?}"
    );
    show_grid(page).await?;
    page.screenshot("raft-replication").await?;
    // The same page at a phone's width.
    page.browser().client.set_window_size(390, 844).await?;
    show_grid(page).await?;
    page.screenshot("raft-replication-narrow").await?;
    page.script(
        "document.querySelector('[data-client-panel]').scrollIntoView({ block: 'start' });",
        vec![],
    )
    .await?;
    page.screenshot("raft-client-narrow").await?;
    page.browser().client.set_window_size(1280, 900).await?;
    Ok(())
}

async fn partition_and_heal(page: &Page) -> Outcome {
    let old = elect(page).await?;
    let old_term = old.term.unwrap_or_default();
    // Cut the leader off: it alone on one side.
    page.click(&format!("[data-partition-node=\"{}\"]", old.id))
        .await?;
    page.press("partition").await?;
    page.click(&format!("[data-client-server=\"{}\"]", old.id))
        .await?;
    page.click("[data-quick=\"set x 1\"]").await?;
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let what = format!("a new leader on the majority side (term above {old_term})");
    page.poll(&what, WAIT, async || {
        let nodes = page.nodes().await?;
        Ok(
            if nodes
                .iter()
                .any(|n| n.id != old.id && n.is_leader() && n.term.is_some_and(|t| t > old_term))
            {
                Wait::Done(())
            } else {
                Wait::NotYet(describe(&nodes))
            },
        )
    })
    .await?;
    page.pause().await?;
    let rows = log_rows(page).await?;
    let stale = rows
        .iter()
        .find(|r| r.id == old.id)
        .ok_or_else(|| Failure::new("no log row for the old leader"))?;
    ensure!(
        stale
            .entries
            .iter()
            .any(|(_, _, c, done)| c == "set x 1" && !done),
        "the old leader should hold `set x 1` uncommitted: {}",
        show(&rows)
    );
    show_grid(page).await?;
    page.screenshot("raft-partitioned").await?;
    page.press("heal").await?;
    page.press("play").await?;
    let what = format!(
        "n{}'s uncommitted `set x 1` replaced by the new leader's log",
        old.id
    );
    page.poll(&what, WAIT, async || {
        let rows = log_rows(page).await?;
        let row = rows.iter().find(|r| r.id == old.id);
        Ok(match row {
            Some(r)
                if r.commit_index >= 1 && !r.entries.iter().any(|(_, _, c, _)| c == "set x 1") =>
            {
                Wait::Done(())
            }
            _ => Wait::NotYet(show(&rows)),
        })
    })
    .await?;
    page.pause().await?;
    show_grid(page).await?;
    page.screenshot("raft-healed").await?;
    Ok(())
}

async fn vote_twice(page: &Page) -> Outcome {
    let checked = page
        .script(
            "const c = document.querySelector('[data-switch=\"vote-twice\"]');\
             return c ? c.checked : null;",
            vec![],
        )
        .await?;
    ensure!(
        checked == json!(true),
        "?switches=…vote-twice should tick the vote-twice switch, it is {checked}"
    );
    // Two servers time out at the same instant: two candidates of term 1, and every voter
    // grants both.
    for id in [1, 2] {
        page.click_node(id).await?;
        page.press("timeout").await?;
    }
    page.set_range_to_max("speed").await?;
    page.press("play").await?;
    let seen = page
        .poll("a violation banner", WAIT, async || {
            let v = page
                .script(
                    "const v = document.querySelector('[data-violation]');\
                     return v ? v.getAttribute('data-violation') : null;",
                    vec![],
                )
                .await?;
            Ok(match v.as_str() {
                Some(name) => Wait::Done(name.to_owned()),
                None => Wait::NotYet(describe(&page.nodes().await?)),
            })
        })
        .await?;
    ensure!(
        seen == "election-safety",
        "voting twice should break election safety first, the banner says {seen:?}"
    );
    page.script("window.scrollTo(0, 0);", vec![]).await?;
    page.screenshot("raft-break-vote-twice").await?;
    Ok(())
}

/// The columns the grid draws (`data-log-window`, `first-last`), if it says.
async fn drawn_window(page: &Page) -> Outcome<Option<(u64, u64)>> {
    let said = page
        .attributes("[data-log-window]", "data-log-window")
        .await?;
    let Some(Some(said)) = said.first() else {
        return Ok(None);
    };
    let bad = || Failure::new(format!("data-log-window should be `first-last`: {said}"));
    let (first, last) = said.split_once('-').ok_or_else(bad)?;
    Ok(Some((
        first.parse().map_err(|_| bad())?,
        last.parse().map_err(|_| bad())?,
    )))
}

/// Entries the grid does not draw, per row (`data-log-hidden`).
async fn hidden_per_row(page: &Page) -> Outcome<Vec<Option<String>>> {
    page.attributes("[data-log-row] [data-log-hidden]", "data-log-hidden")
        .await
}

/// Forty requests at the fastest speed make every log longer than the 16 columns the grid draws:
/// it draws the newest 16, says so, stands one column for the entries before them, and the
/// "earlier" button walks back to the first entry, which is drawn as ever; "newest" returns.
async fn long_log_window(page: &Page) -> Outcome {
    const REQUESTS: u64 = 40;
    const WINDOW: u64 = 16;
    const STEP: u64 = 8;
    page.poll("a leader", WAIT, async || {
        let nodes = page.nodes().await?;
        Ok(if nodes.iter().any(|n| n.is_leader() && n.up) {
            Wait::Done(())
        } else {
            Wait::NotYet(describe(&nodes))
        })
    })
    .await?;
    page.script(
        "let sent = 0; const timer = setInterval(() => {\
           const op = document.querySelector('[data-control=\"client-op\"]');\
           const send = document.querySelector('[data-action=\"client-send\"]');\
           if (op && send) { op.value = 'add x 1'; send.click(); sent += 1; }\
           if (sent >= arguments[0]) clearInterval(timer);\
         }, 30); return true;",
        vec![json!(REQUESTS)],
    )
    .await?;
    page.poll("every request in every log", WAIT, async || {
        let rows = log_rows(page).await?;
        let lengths = page.attributes("[data-log-row]", "data-log-length").await?;
        let done = lengths.len() == 3
            && lengths.iter().all(|l| {
                l.as_deref()
                    .and_then(|l| l.parse::<u64>().ok())
                    .is_some_and(|l| l > REQUESTS)
            });
        Ok(if done {
            Wait::Done(())
        } else {
            Wait::NotYet(format!("lengths {lengths:?}: {}", show(&rows)))
        })
    })
    .await?;
    page.pause().await?;
    show_grid(page).await?;

    let lengths: Vec<u64> = page
        .attributes("[data-log-row]", "data-log-length")
        .await?
        .into_iter()
        .map(|l| l.and_then(|l| l.parse().ok()).unwrap_or(0))
        .collect();
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let (first, last) = drawn_window(page)
        .await?
        .ok_or_else(|| Failure::new("a log longer than the window and no [data-log-window]"))?;
    // Following the newest entries, the window starts at a multiple of STEP (plus one), so that
    // the columns drawn stay put for STEP entries: it draws WINDOW to WINDOW + STEP - 1 columns.
    ensure!(
        last >= longest
            && (WINDOW..WINDOW + STEP).contains(&(last - first + 1))
            && (first - 1) % STEP == 0,
        "the grid should draw the newest {WINDOW} to {} columns of logs {lengths:?} from a \
         multiple of {STEP}: it draws {first}–{last}",
        WINDOW + STEP - 1
    );
    let rows = log_rows(page).await?;
    for row in &rows {
        let indexes: Vec<u64> = row.entries.iter().map(|e| e.0).collect();
        let length = lengths[(row.id - 1) as usize];
        let expected: Vec<u64> = (first..=length.min(last)).collect();
        ensure!(
            indexes == expected,
            "server {} (log of {length}) should show entries {first}–{}: {}",
            row.id,
            length.min(last),
            show(&rows)
        );
    }
    let hidden = hidden_per_row(page).await?;
    let expected: Vec<Option<String>> = lengths
        .iter()
        .map(|l| Some((first - 1).min(*l).to_string()))
        .collect();
    ensure!(
        hidden == expected,
        "each row's column before the window should count its {} entries not drawn: {hidden:?}",
        first - 1
    );
    page.screenshot("raft-log-window-newest").await?;

    // Back to the start, one click at a time: each moves the window back, none skips an entry.
    let mut at = first;
    for _ in 0..10 {
        if at == 1 {
            break;
        }
        page.click("[data-log-earlier]").await?;
        let before = at;
        at = page
            .poll(
                "the window to move back",
                Duration::from_secs(5),
                async || {
                    Ok(match drawn_window(page).await? {
                        Some((f, l)) if f < before => Wait::Done((f, l)),
                        seen => Wait::NotYet(format!("{seen:?}")),
                    })
                },
            )
            .await
            .and_then(|(f, l)| {
                ensure!(
                    l >= before && l - f + 1 == WINDOW,
                    "after `earlier` the window {f}–{l} should be {WINDOW} columns reaching the \
                     previous start {before}"
                );
                Ok(f)
            })?;
    }
    ensure!(
        at == 1,
        "ten clicks on `earlier` did not reach entry 1: the window starts at {at}"
    );
    let rows = log_rows(page).await?;
    for row in &rows {
        let firsts: Vec<&(u64, u64, String, bool)> = row.entries.iter().take(2).collect();
        ensure!(
            matches!(firsts.as_slice(), [(1, _, noop, true), (2, _, add, true)]
                if noop == "no-op" && add == "add x 1"),
            "with the window at the start, server {} should show the leader's no-op at 1 and the \
             first request at 2, both committed: {}",
            row.id,
            show(&rows)
        );
    }
    ensure!(
        hidden_per_row(page).await?.is_empty(),
        "with the window at the start, no column should stand for entries before it"
    );
    let disabled = page
        .script(
            "return document.querySelector('[data-log-earlier]').disabled;",
            vec![],
        )
        .await?;
    ensure!(
        disabled == json!(true),
        "`earlier` should be disabled at the first entry"
    );
    page.screenshot("raft-log-window-earliest").await?;

    page.click("[data-log-newest]").await?;
    let back = drawn_window(page).await?;
    ensure!(
        back == Some((first, last)),
        "`newest` should bring back the window {first}–{last}: it shows {back:?}"
    );

    // One more request: the new entry fills a new column, the drawn cells stay where they were
    // (unless the window's start moved, once every STEP entries), and the scroller shows it.
    let place = format!(
        "const cell = document.querySelector('[data-log-row] [data-entry^=\"{first}:\"]');\
         const s = document.querySelector('.lg-scroll');\
         return [cell ? cell.offsetLeft : -1, s.scrollLeft + s.clientWidth + 2 >= s.scrollWidth];"
    );
    let before = page.script(&place, vec![]).await?;
    page.fill("client-op", "add x 1").await?;
    page.press("client-send").await?;
    let (now_first, now_last) = page
        .poll("a column more", Duration::from_secs(10), async || {
            // Paused: the request reaches the leader as the run steps.
            page.press("step").await?;
            Ok(match drawn_window(page).await? {
                Some((f, l)) if l > last => Wait::Done((f, l)),
                seen => Wait::NotYet(format!("{seen:?}")),
            })
        })
        .await?;
    let after = page.script(&place, vec![]).await?;
    ensure!(
        after[1] == json!(true),
        "the scroller should show the newest column {now_last} after it was added: {after}"
    );
    ensure!(
        now_first != first || before[0] == after[0],
        "with the window still starting at {first}, entry {first}'s cell should stay put as \
         entry {now_last} is added: offsetLeft {} then {}",
        before[0],
        after[0]
    );

    // Scrolled back by the reader, the scroller stays where they left it as entries are added.
    page.script(
        "document.querySelector('.lg-scroll').scrollLeft = 0; return true;",
        vec![],
    )
    .await?;
    page.fill("client-op", "add x 1").await?;
    page.press("client-send").await?;
    page.poll("another column", Duration::from_secs(10), async || {
        page.press("step").await?;
        Ok(match drawn_window(page).await? {
            Some((_, l)) if l > now_last => Wait::Done(()),
            seen => Wait::NotYet(format!("{seen:?}")),
        })
    })
    .await?;
    let scrolled = page
        .script(
            "return document.querySelector('.lg-scroll').scrollLeft;",
            vec![],
        )
        .await?;
    ensure!(
        scrolled == json!(0),
        "a scroller the reader took back to the start should stay there as entries are added: \
         scrollLeft {scrolled}"
    );
    Ok(())
}

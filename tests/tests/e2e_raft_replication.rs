//! Raft's log in the browser: a client request replicated and committed, an uncommitted entry
//! of a partitioned leader replaced after the heal, and a break-it switch caught by the
//! invariant checker. Runs in headless Chromium against `$CONCORD_DIST`.

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

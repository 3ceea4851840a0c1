//! The log grid: one row per server, one column per log index. Each cell is an entry (its term
//! and command); committed entries are solid, the others outlined; the commitIndex is a bar
//! after its entry; under each follower the leader's nextIndex and matchIndex for it. A log's
//! compacted prefix is one block, its snapshot (§7).
//!
//! The grid draws a window of [`WINDOW`] columns or a few more, the newest unless the reader
//! steps back: a line above it says which entries are drawn, buttons move the window, and a
//! column before the window stands for each log's entries that are not drawn. Every drawn cell
//! costs the page work (describing, diffing, laying out, painting) and a log grows without end;
//! the window keeps that cost bounded. Drawn cells stay where they are as the log grows: the
//! window's start moves [`STEP`] columns at a time, and the scroller is kept at its end as the
//! grid grows, unless the reader has scrolled it elsewhere (BENCHMARKS.md, "Browser").

use std::cell::RefCell;
use std::ops::RangeInclusive;
use std::rc::Rc;

use concord_core::raft::{EntryKind, PeerProgress, Progress, RaftNode, Role};
use concord_core::sim::{NodeId, Sim};
use web_sys::Element;
use yew::prelude::*;

use super::snapshot_view::{self, SnapshotCell};
use super::text::{RaftText, text};
use crate::i18n::{Lang, tr};
use crate::view::resized::Resized;

/// The most columns the grid draws. About 8 fit across the panel at 1280 px (3 at 390 px), so
/// a reader can scroll back about a screen before reaching the window's start.
pub const WINDOW: u64 = 16;

/// How far the "earlier" and "later" buttons move the window: half of it, about a screen at
/// 1280 px, so that the entries last seen stay in view at the new window's end.
const STEP: u64 = WINDOW / 2;

/// The columns drawn when the logs have `columns` columns and the reader holds the window
/// ending at `held` (`None`: the window follows the newest entries). A window that follows
/// starts at a multiple of [`STEP`] (plus one) and draws [`WINDOW`] to `WINDOW + STEP - 1`
/// columns: a new entry fills a new column, and the drawn ones move only once every `STEP`
/// entries, instead of every column moving left by one with each entry.
pub fn window(columns: u64, held: Option<u64>) -> RangeInclusive<u64> {
    match held {
        None => columns.saturating_sub(WINDOW) / STEP * STEP + 1..=columns,
        Some(held) => {
            let last = held.clamp(columns.min(WINDOW), columns);
            last.saturating_sub(WINDOW) + 1..=last
        }
    }
}

/// Where the "later" button moves a window ending at `last`: back to following the newest
/// entries once it reaches them.
fn later(last: u64, columns: u64) -> Option<u64> {
    Some(last + STEP).filter(|&l| l < columns)
}

/// One entry as drawn.
#[derive(Clone, PartialEq, Debug)]
pub struct CellView {
    pub index: u64,
    pub term: u64,
    pub command: String,
    pub noop: bool,
    /// A configuration entry, in short (thesis §4.1).
    pub config: Option<String>,
    pub committed: bool,
    pub applied: bool,
    pub request: Option<(u32, u64)>,
}

/// One server's row.
#[derive(Clone, PartialEq, Debug)]
pub struct RowView {
    pub id: NodeId,
    pub up: bool,
    pub role: Role,
    pub term: u64,
    pub commit_index: u64,
    /// The snapshot that replaced the entries before `cells`, if any.
    pub snapshot: Option<SnapshotCell>,
    /// The entries after the snapshot.
    pub cells: Vec<CellView>,
    pub last_index: u64,
    /// The current leader's progress for this server, if this server is a follower of it.
    pub progress: Option<PeerProgress>,
}

pub fn rows(sim: &Sim<RaftNode>) -> Vec<RowView> {
    let leader = super::current_leader(sim);
    sim.nodes()
        .iter()
        .map(|slot| {
            let node = &slot.state;
            let commit = node.volatile.commit_index;
            let applied = node.volatile.last_applied;
            let cells = node
                .persistent
                .log
                .indexed()
                .map(|(index, e)| CellView {
                    index,
                    term: e.term,
                    command: e.kind.to_string(),
                    noop: matches!(e.kind, EntryKind::Noop),
                    config: super::membership::short_config(&e.kind),
                    committed: index <= commit,
                    applied: index <= applied,
                    request: e.request(),
                })
                .collect();
            let progress = leader
                .and_then(|l| l.volatile.leader_state.as_ref())
                .and_then(|ls| ls.peers.get(&node.id))
                .copied();
            RowView {
                id: node.id,
                up: slot.up,
                role: node.role(),
                term: node.term(),
                commit_index: commit,
                snapshot: SnapshotCell::of(node),
                cells,
                last_index: node.persistent.last_log_index(),
                progress,
            }
        })
        .collect()
}

/// Columns to draw: every entry of every log, and the leader's nextIndex for each follower.
pub fn columns(rows: &[RowView]) -> u64 {
    rows.iter()
        .map(|r| {
            let next = r.progress.map_or(0, |p| p.next_index);
            r.last_index.max(next)
        })
        .max()
        .unwrap_or(0)
}

fn progress_text(rt: &RaftText, p: &PeerProgress) -> String {
    let mode = match p.progress {
        Progress::Probe => rt.probe,
        Progress::Replicate => rt.replicate,
    };
    format!(
        "{} {} · {} {} · {mode}{}",
        rt.next,
        p.next_index,
        rt.matched,
        p.match_index,
        if p.paused { " …" } else { "" }
    )
}

fn cell_title(rt: &RaftText, row: &RowView, cell: &CellView) -> String {
    let mut title = format!(
        "{} {} · {} {}: {}{} · {}",
        row.id,
        cell.index,
        rt.term,
        cell.term,
        cell.command,
        cell.request.map_or(String::new(), |(c, s)| format!(
            " ({} {c}, {} {s})",
            rt.client, rt.seq
        )),
        if cell.committed {
            rt.committed
        } else {
            rt.uncommitted
        }
    );
    if cell.index == row.commit_index {
        title.push_str(&format!(" · {} = {}", rt.commit_marker, row.commit_index));
    }
    title
}

#[derive(Properties, PartialEq)]
pub struct LogGridProps {
    pub lang: Lang,
    pub rows: Vec<RowView>,
}

/// Colour class of a term, so matching entries line up by colour across rows.
fn term_class(term: u64) -> String {
    format!("t{}", term % 8)
}

/// The grid's scroller, kept at its end (the newest entries) unless the reader has scrolled it
/// elsewhere.
struct FollowEnd {
    scroller: NodeRef,
    content: NodeRef,
    /// Whether the scroller stands at its end, as the reader's scrolling left it; the window's
    /// buttons set it again.
    at_end: Rc<RefCell<bool>>,
    onscroll: Callback<Event>,
}

/// Keeps the scroller at its end as its content's size changes, told by [`Resized`] after the
/// browser's layout, where taking it there costs no layout of its own. A write of scrollLeft
/// after each render that added an entry forced one, about 5 ms a time for nine servers at
/// 1280 px. When `moved` changes (the window's buttons), the content may keep its size, so the
/// scroller is taken to its end after that render: one layout, on a click.
#[hook]
fn use_follow_end(moved: Option<u64>) -> FollowEnd {
    let (scroller, content) = (use_node_ref(), use_node_ref());
    let at_end = use_mut_ref(|| true);
    let to_end = {
        let (scroller, at_end) = (scroller.clone(), at_end.clone());
        move || {
            if let Some(el) = scroller.cast::<Element>().filter(|_| *at_end.borrow()) {
                el.set_scroll_left(i32::MAX);
            }
        }
    };
    {
        let (content, to_end) = (content.clone(), to_end.clone());
        use_effect_with((), move |()| {
            let observed = content
                .cast::<Element>()
                .and_then(|el| Resized::watch(&el, to_end));
            move || drop(observed)
        });
    }
    use_effect_with(moved, move |_| to_end());
    let onscroll = {
        let at_end = at_end.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                *at_end.borrow_mut() =
                    el.scroll_left() + el.client_width() + 2 >= el.scroll_width();
            }
        })
    };
    FollowEnd {
        scroller,
        content,
        at_end,
        onscroll,
    }
}

#[component]
pub fn LogGrid(p: &LogGridProps) -> Html {
    let rt = text(p.lang);
    let columns = columns(&p.rows);
    let held = use_state_eq(|| None::<u64>);
    let shown = window(columns, *held);
    let (first, last) = (*shown.start(), *shown.end());
    let follow = use_follow_end(*held);
    // A column standing for the entries before the window, when there are any.
    let hidden = first - 1;
    // Rows grow at their end, and Yew matches an unkeyed list's children from the end: keys
    // keep each column on its elements, so a new entry adds one cell instead of rewriting all.
    let header = (hidden > 0)
        .then(|| html! {
            <div key="earlier" class="lg-index lg-earlier-index" role="columnheader">{ format!("1–{hidden}") }</div>
        })
        .into_iter()
        .chain(shown.clone().map(
            |i| html! { <div key={i.to_string()} class="lg-index" role="columnheader">{ i }</div> },
        ));
    let rows = p.rows.iter().map(|row| {
        let role = match row.role {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        };
        let marks_at = |i: u64| {
            let mut marks = Vec::new();
            if let Some(pr) = row.progress {
                if pr.match_index == i {
                    marks.push(html! { <span class="lg-caret match" title={format!("{} = {i}", rt.matched)}>{ "m" }</span> });
                }
                if pr.next_index == i {
                    marks.push(html! { <span class="lg-caret next" title={format!("{} = {i}", rt.next)}>{ "n" }</span> });
                }
            }
            marks
        };
        let start = row.snapshot.as_ref().map_or(0, |s| s.index);
        // The snapshot is drawn in the window where it reaches into it; one wholly before the
        // window is named in the column standing for the entries not drawn.
        let snapshot = row.snapshot.as_ref().filter(|s| s.index >= first).map(|s| {
            let marks = (first..=s.index).flat_map(marks_at).collect();
            let span = s.index.min(last) - first + 1;
            snapshot_view::block(p.lang, s, span, row.commit_index == s.index, marks)
        });
        let earlier = (hidden > 0).then(|| {
            let not_drawn = hidden.min(row.last_index);
            let compacted = row.snapshot.as_ref().is_some_and(|s| s.index > 0 && s.index < first);
            let title = if not_drawn == 0 {
                rt.nothing_earlier.to_owned()
            } else {
                tr!(
                    p.lang,
                    "Entries 1–{not_drawn} of this log are not drawn: “{}” shows them.",
                    "此日志的第 1–{not_drawn} 条未绘制：点击“{}”查看。",
                    rt.earlier
                )
            };
            html! {
                <div key="earlier" role="cell" class="lg-cell lg-earlier" {title}
                    data-log-hidden={not_drawn.to_string()}>
                    if not_drawn > 0 {
                        <span class="lg-term">{ format!("≤ {not_drawn}") }</span>
                        <span class="lg-cmd">{ if compacted { rt.snapshot } else { "⋯" } }</span>
                    }
                    { for (1..first).flat_map(marks_at) }
                </div>
            }
        });
        let cells = (start.max(first - 1) + 1..=last).map(|i| {
            let marks = marks_at(i);
            let commit_edge = i == row.commit_index;
            match row.cells.get((i - start - 1) as usize) {
                Some(cell) => html! {
                    <div key={i.to_string()} role="cell"
                        class={classes!("lg-cell", term_class(cell.term),
                            if cell.committed { "committed" } else { "uncommitted" },
                            cell.noop.then_some("noop"), cell.config.is_some().then_some("config"),
                            commit_edge.then_some("commit-edge"))}
                        title={cell_title(rt, row, cell)}
                        data-entry={format!("{}:{}", cell.index, cell.term)}
                        data-committed={cell.committed.to_string()}
                        data-command={cell.command.clone()}>
                        <span class="lg-term">{ cell.term }</span>
                        <span class="lg-cmd">{ match &cell.config {
                            Some(short) => short.clone(),
                            None if cell.noop => rt.noop.to_owned(),
                            None => cell.command.clone(),
                        } }</span>
                        { for marks }
                    </div>
                },
                None => html! {
                    <div key={i.to_string()} role="cell" class={classes!("lg-cell", "empty", commit_edge.then_some("commit-edge"))}>{ for marks }</div>
                },
            }
        });
        let progress = row.progress.map(|pr| progress_text(rt, &pr));
        html! {
            <div role="row" class={classes!("lg-row", role, (!row.up).then_some("down"))}
                data-log-row={(row.id.0 + 1).to_string()} data-commit-index={row.commit_index.to_string()}
                data-log-length={row.last_index.to_string()} data-up={row.up.to_string()}>
                <div key="head" class="lg-head" role="rowheader">
                    <strong>{ row.id.to_string() }{ if row.role == Role::Leader && row.up { "★" } else { "" } }</strong>
                    <span class={classes!("lg-role", role)}>{ format!("T{}", row.term) }</span>
                    <span class="lg-commit" title={rt.commit_marker}>{ format!("c{}", row.commit_index) }</span>
                    if let Some(text) = progress {
                        <span class="lg-progress" data-progress="">{ text }</span>
                    }
                </div>
                { for earlier }
                { for snapshot }
                { for cells }
            </div>
        }
    });
    let style = format!(
        "--lg-columns: {}",
        shown.clone().count() as u64 + u64::from(hidden > 0)
    );
    let compacted = p.rows.iter().any(|r| r.snapshot.is_some());
    let move_to = |to: Option<u64>| {
        let (held, at_end) = (held.clone(), follow.at_end.clone());
        Callback::from(move |_: MouseEvent| {
            *at_end.borrow_mut() = true;
            held.set(to);
        })
    };
    // The line saying which entries are drawn, once the logs outgrow the window.
    let window_line = (columns > WINDOW).then(|| {
        let said = match *held {
            None => tr!(
                p.lang,
                "Entries {first}–{last} of {columns} are drawn, the newest; earlier ones are not.",
                "只绘制了第 {first}–{last} 条（共 {columns} 条），即最新的条目；更早的未绘制。"
            ),
            Some(_) => tr!(
                p.lang,
                "Entries {first}–{last} of {columns} are drawn; the others are not.",
                "只绘制了第 {first}–{last} 条（共 {columns} 条）；其余未绘制。"
            ),
        };
        html! {
            <p class="lg-window note" data-log-window={format!("{first}-{last}")}>
                <span aria-live="off">{ said }</span>
                <button type="button" data-log-earlier="" disabled={first == 1}
                    onclick={move_to(Some(last.saturating_sub(STEP)))}>{ format!("← {}", rt.earlier) }</button>
                if held.is_some() {
                    <button type="button" data-log-later="" onclick={move_to(later(last, columns))}>{ format!("{} →", rt.later) }</button>
                    <button type="button" data-log-newest="" onclick={move_to(None)}>{ format!("{} ⇥", rt.newest) }</button>
                }
            </p>
        }
    });
    html! {
        <details class="panel log-grid-panel" open=true>
            <summary>{ rt.logs }
                <span class="lg-key">
                    <span class="lg-cell committed t1 swatch" />{ rt.committed }
                    <span class="lg-cell uncommitted t1 swatch" />{ rt.uncommitted }
                    <span class="lg-cell committed noop t1 swatch" />{ rt.noop }
                    <span class="lg-cell committed config t1 swatch" />{ super::membership::member_text(p.lang).config_entry }
                    <span class="lg-bar-swatch" />{ rt.commit_marker }
                    if compacted {
                        <span class="lg-cell lg-snapshot swatch" />{ rt.snapshot }
                    }
                    <span class="lg-caret next">{ "n" }</span><span class="lg-caret match">{ "m" }</span>{ format!("{} / {}", rt.next, rt.matched) }
                </span>
            </summary>
            if columns == 0 {
                <p class="note" data-log-empty="">{ rt.empty_logs }</p>
            }
            { for window_line }
            <div class="lg-scroll" ref={follow.scroller} onscroll={follow.onscroll}>
                <div class="log-grid" ref={follow.content} role="table" aria-label={rt.logs} {style}>
                    <div role="row" class="lg-row lg-header">
                        <div key="head" class="lg-head" role="columnheader">{ rt.index }</div>
                        { for header }
                    </div>
                    { for rows }
                </div>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_within_the_window_is_drawn_whole() {
        assert!(window(0, None).is_empty());
        assert_eq!(window(10, None), 1..=10);
        assert_eq!(window(WINDOW, None), 1..=WINDOW);
        assert_eq!(window(10, Some(3)), 1..=10);
    }

    #[test]
    fn a_long_log_draws_its_newest_columns_unless_held() {
        // Following, the window starts at 49 from 64 columns to 71, at 57 from 72.
        assert_eq!(window(70, None), 49..=70);
        assert_eq!(window(71, None), 49..=71);
        assert_eq!(window(72, None), 57..=72);
        assert_eq!(window(WINDOW + 1, None), 1..=WINDOW + 1);
        assert_eq!(window(70, Some(40)), 25..=40);
        // A held window keeps its place as the log grows, and stays full at the start.
        assert_eq!(window(500, Some(40)), 25..=40);
        assert_eq!(window(70, Some(3)), 1..=WINDOW);
        // Seeking back to a shorter log pulls a held window back within it.
        assert_eq!(window(30, Some(40)), 15..=30);
    }

    #[test]
    fn earlier_steps_reach_the_first_entry_and_later_steps_return_to_the_newest() {
        let columns = 1000;
        // "Earlier" holds the window half a window back; every entry is drawn on the way.
        let mut held = None;
        let mut seen_from = columns + 1;
        while *window(columns, held).start() > 1 {
            let shown = window(columns, held);
            assert!(
                *shown.end() + 1 >= seen_from,
                "{shown:?} skips entries before {seen_from}"
            );
            seen_from = *shown.start();
            held = Some(shown.end().saturating_sub(STEP));
        }
        assert!(*window(columns, held).end() + 1 >= seen_from);
        // "Later" moves forwards until it reaches the newest, then follows them again.
        let mut steps = 0;
        while let Some(h) = held {
            held = later(*window(columns, Some(h)).end(), columns);
            steps += 1;
        }
        assert_eq!(steps, (columns - WINDOW).div_ceil(STEP));
        assert_eq!(window(columns, held), 985..=columns);
    }
}

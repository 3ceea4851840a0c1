//! The log grid: one row per server, one column per log index. Each cell is an entry (its term
//! and command); committed entries are solid, the others outlined; the commitIndex is a bar
//! after its entry; under each follower the leader's nextIndex and matchIndex for it. A log's
//! compacted prefix is one block, its snapshot (§7).

use concord_core::raft::{EntryKind, PeerProgress, Progress, RaftNode, Role};
use concord_core::sim::{NodeId, Sim};
use web_sys::Element;
use yew::prelude::*;

use super::snapshot_view::{self, SnapshotCell};
use super::text::{RaftText, text};
use crate::i18n::Lang;

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

#[component]
pub fn LogGrid(p: &LogGridProps) -> Html {
    let rt = text(p.lang);
    let columns = columns(&p.rows);
    let scroller = use_node_ref();
    // Keep the newest entries in view whenever the grid grows.
    {
        let scroller = scroller.clone();
        use_effect_with(columns, move |_| {
            if let Some(el) = scroller.cast::<Element>() {
                el.set_scroll_left(el.scroll_width());
            }
        });
    }
    // Rows grow at their end, and Yew matches an unkeyed list's children from the end: keys
    // keep each column on its elements, so a new entry adds one cell instead of rewriting all.
    let header = (1..=columns).map(
        |i| html! { <div key={i.to_string()} class="lg-index" role="columnheader">{ i }</div> },
    );
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
        let snapshot = row.snapshot.as_ref().filter(|s| s.index > 0).map(|s| {
            let marks = (1..=s.index).flat_map(marks_at).collect();
            snapshot_view::block(p.lang, s, row.commit_index == s.index, marks)
        });
        let cells = (start + 1..=columns).map(|i| {
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
                { for snapshot }
                { for cells }
            </div>
        }
    });
    let style = format!("--lg-columns: {columns}");
    let compacted = p.rows.iter().any(|r| r.snapshot.is_some());
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
            <div class="lg-scroll" ref={scroller}>
                <div class="log-grid" role="table" aria-label={rt.logs} {style}>
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

//! Log compaction in the Raft view (§7, Figure 13): the snapshot block at the start of a
//! log grid row, the snapshot in the server inspector, and InstallSnapshot's fields in the
//! message inspector.

use concord_core::raft::message::InstallSnapshot;
use concord_core::raft::{Msg, RaftNode, Snapshot, StateMachine};
use yew::prelude::*;

use super::text::{RaftText, text};
use crate::i18n::Lang;

/// The compacted prefix of a log, as the grid draws it.
#[derive(Clone, PartialEq, Debug)]
pub struct SnapshotCell {
    pub index: u64,
    pub term: u64,
    pub size: u64,
}

impl SnapshotCell {
    pub fn of(node: &RaftNode) -> Option<SnapshotCell> {
        node.persistent.snapshot.as_ref().map(|s| SnapshotCell {
            index: s.last_included_index,
            term: s.last_included_term,
            size: s.size(),
        })
    }
}

/// The key-value store in one line: `x = 3, y = 1`, or "(empty)".
pub fn store_text(rt: &RaftText, sm: &StateMachine) -> String {
    if sm.data.is_empty() {
        return rt.empty_store.to_owned();
    }
    sm.data
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A snapshot in one line: `≤ 12 · T3 · 85 bytes`.
fn summary(rt: &RaftText, index: u64, term: u64, size: u64) -> String {
    format!("≤ {index} · {} {term} · {size} {}", rt.term, rt.bytes)
}

/// The grid's block standing for the entries `1..=index`, spanning `span` columns: theirs that
/// the grid draws (keyed like the cells beside it).
pub fn block(
    lang: Lang,
    cell: &SnapshotCell,
    span: u64,
    commit_edge: bool,
    marks: Vec<Html>,
) -> Html {
    let rt = text(lang);
    let style = format!("grid-column: span {span}");
    let title = format!(
        "{}: {} · {}",
        rt.snapshot,
        summary(rt, cell.index, cell.term, cell.size),
        rt.snapshot_help
    );
    html! {
        <div key="snapshot" role="cell" class={classes!("lg-cell", "lg-snapshot", commit_edge.then_some("commit-edge"))}
            {style} {title}
            data-snapshot={format!("{}:{}", cell.index, cell.term)} data-snapshot-size={cell.size.to_string()}>
            <span class="lg-term">{ format!("{} ≤ {}", rt.snapshot, cell.index) }</span>
            <span class="lg-cmd">{ format!("T{} · {} {}", cell.term, cell.size, rt.bytes) }</span>
            { for marks }
        </div>
    }
}

/// The inspector's lines for the log's first index and the snapshot.
pub fn inspector_rows(lang: Lang, node: &RaftNode) -> Html {
    let rt = text(lang);
    let first = node.persistent.log.first_index();
    let snapshot = match &node.persistent.snapshot {
        None => rt.no_snapshot.to_owned(),
        Some(s) => format!(
            "{} · {}: {}",
            summary(rt, s.last_included_index, s.last_included_term, s.size()),
            rt.state_machine,
            store_text(rt, &s.state_machine)
        ),
    };
    html! {
        <>
            <dt>{ rt.first_index }</dt><dd data-field="first-index">{ first }</dd>
            <dt>{ rt.snapshot }</dt><dd data-field="snapshot">{ snapshot }</dd>
        </>
    }
}

/// InstallSnapshot's fields under Figure 13's names; `None` for the other messages.
pub fn msg_fields(lang: Lang, msg: &Msg) -> Option<Vec<(String, String)>> {
    let rt = text(lang);
    let field = |k: &str, v: String| (k.to_owned(), v);
    match msg {
        Msg::InstallSnapshot(InstallSnapshot { term, snapshot }) => {
            let Snapshot {
                last_included_index,
                last_included_term,
                state_machine,
                configuration,
                ..
            } = snapshot;
            let sessions = state_machine
                .sessions
                .iter()
                .map(|(c, s)| format!("{} {c} #{}", rt.client, s.last_seq))
                .collect::<Vec<_>>()
                .join(", ");
            Some(vec![
                field("term", term.to_string()),
                field("lastIncludedIndex", last_included_index.to_string()),
                field("lastIncludedTerm", last_included_term.to_string()),
                field("offset", rt.one_chunk.to_owned()),
                field("data", store_text(rt, state_machine)),
                field("sessions", sessions),
                field(rt.configuration, configuration.to_string()),
                field("size", format!("{} {}", snapshot.size(), rt.bytes)),
                field("done", "true".to_owned()),
            ])
        }
        _ => None,
    }
}

//! Everything that can happen next, earliest first: each message in flight and each armed
//! timer. The user can make any of them happen now, out of order: the network is theirs to
//! schedule.

use yew::prelude::*;

use crate::i18n::Lang;

/// One pending event, as the panel shows it.
#[derive(Clone, PartialEq)]
pub struct PendingRow {
    /// µs.
    pub time: u64,
    pub label: AttrValue,
    pub kind: PendingKind,
}

#[derive(Clone, Copy, PartialEq)]
pub enum PendingKind {
    /// A message in flight, by id; `class` colours it like its dot.
    Message { id: u64, class: &'static str },
    /// An armed timer: node index and the timer's position in the node's table.
    Timer { node: usize, timer: usize },
}

#[derive(Properties, PartialEq)]
pub struct PendingProps {
    pub lang: Lang,
    /// The earliest pending events (the caller may give only the first few).
    pub rows: Vec<PendingRow>,
    /// How many events are pending in all.
    pub total: usize,
    pub selected_msg: Option<u64>,
    pub on_deliver: Callback<u64>,
    pub on_drop: Callback<u64>,
    pub on_select_msg: Callback<u64>,
    pub on_fire: Callback<(usize, usize)>,
}

/// More rows than this are summarised: the list is for choosing, not for reading thousands.
const SHOWN: usize = 40;

#[component]
pub fn PendingPanel(p: &PendingProps) -> Html {
    let t = p.lang.text();
    let rows = p.rows.iter().take(SHOWN).map(|row| {
        let time = format!("{:.1} ms", row.time as f64 / 1000.0);
        match row.kind {
            PendingKind::Message { id, class } => {
                let (deliver, drop, select) = (p.on_deliver.clone(), p.on_drop.clone(), p.on_select_msg.clone());
                let selected = p.selected_msg == Some(id);
                html! {
                    <li class={classes!("pending-msg", selected.then_some("selected"))} data-pending-msg={id.to_string()}>
                        <svg viewBox="0 0 12 12" class="swatch"><circle class={classes!("dot", class)} cx="6" cy="6" r="5" /></svg>
                        <button class="link" onclick={Callback::from(move |_| select.emit(id))}>{ row.label.clone() }</button>
                        <span class="when">{ time }</span>
                        <button class="small" data-action="deliver-now" title={t.deliver_now} aria-label={t.deliver_now}
                            onclick={Callback::from(move |_| deliver.emit(id))}>{ "▶" }</button>
                        <button class="small" data-action="drop-pending" title={t.drop_msg} aria-label={t.drop_msg}
                            onclick={Callback::from(move |_| drop.emit(id))}>{ "×" }</button>
                    </li>
                }
            }
            PendingKind::Timer { node, timer } => {
                let fire = p.on_fire.clone();
                html! {
                    <li class="pending-timer" data-pending-timer={format!("{}-{timer}", node + 1)}>
                        <svg viewBox="0 0 12 12" class="swatch clock" aria-hidden="true">
                            <circle cx="6" cy="6" r="5" /><path d="M6 3 V6 L8 7.5" />
                        </svg>
                        <span class="label">{ row.label.clone() }</span>
                        <span class="when">{ time }</span>
                        <button class="small" data-action="fire-now" title={t.fire_now} aria-label={t.fire_now}
                            onclick={Callback::from(move |_| fire.emit((node, timer)))}>{ "▶" }</button>
                    </li>
                }
            }
        }
    });
    let more = p.total.saturating_sub(SHOWN.min(p.rows.len()));
    html! {
        <details class="panel pending" open=true>
            <summary>{ format!("{} ({})", t.pending, p.total) }</summary>
            <p class="note">{ t.pending_help }</p>
            <ol class="rows">{ for rows }</ol>
            if more > 0 { <p class="note">{ format!("+{more}") }</p> }
        </details>
    }
}

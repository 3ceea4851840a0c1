//! The network panel: loss, duplication and latency; partitions drawn by picking a side for each
//! node; single links cut one way or both; heal.

use concord_core::sim::{NetConfig, NodeId, ms};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::Lang;

/// A change to the network, turned into an engine action by the protocol view.
#[derive(Clone, Debug, PartialEq)]
pub enum NetChange {
    Settings(NetConfig),
    Partition(Vec<Vec<NodeId>>),
    Cut(NodeId, NodeId),
    Uncut(NodeId, NodeId),
    Heal,
}

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    pub lang: Lang,
    pub config: NetConfig,
    pub nodes: usize,
    /// Partition group of each node.
    pub groups: Vec<u16>,
    pub cuts: Vec<(NodeId, NodeId)>,
    pub on_change: Callback<NetChange>,
}

/// Larger clusters pick a partition's side as a range (S1 … Sk) and a link's ends by number: a
/// checkbox and an option per node would be thousands of elements redrawn every frame.
const PICK_EACH_MAX: usize = 64;

fn percent(p: f64) -> String {
    format!("{:.0}", p * 100.0)
}

#[component]
pub fn NetworkPanel(p: &NetworkProps) -> Html {
    let t = p.lang.text();
    let config = p.config.clone();
    let setting = |apply: fn(&mut NetConfig, f64)| {
        let (on_change, config) = (p.on_change.clone(), config.clone());
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|i| i.value().parse::<f64>().ok())
            {
                let mut next = config.clone();
                apply(&mut next, v);
                // Keep min ≤ max whichever end moved.
                if next.latency_min > next.latency_max {
                    next.latency_max = next.latency_min;
                }
                on_change.emit(NetChange::Settings(next));
            }
        })
    };
    // The side picked for each node in the partition editor (starts from the current partition).
    let sides = use_state(|| p.groups.iter().map(|&g| g > 0).collect::<Vec<bool>>());
    if sides.len() != p.nodes {
        sides.set(vec![false; p.nodes]);
    }
    let side_boxes = (0..p.nodes).map(|i| {
        let sides = sides.clone();
        let checked = sides.get(i).copied().unwrap_or(false);
        let onchange = Callback::from(move |_: Event| {
            let mut next = (*sides).clone();
            if let Some(s) = next.get_mut(i) {
                *s = !*s;
            }
            sides.set(next);
        });
        html! {
            <label class="side-pick">
                <input type="checkbox" data-partition-node={(i + 1).to_string()} {checked} {onchange} />
                { NodeId(i as u16).to_string() }
            </label>
        }
    });
    let each = p.nodes <= PICK_EACH_MAX;
    let side_range = use_node_ref();
    let on_partition = {
        let (on_change, sides, side_range) =
            (p.on_change.clone(), sides.clone(), side_range.clone());
        Callback::from(move |_: MouseEvent| {
            let group: Vec<NodeId> = match side_range.cast::<HtmlInputElement>() {
                // The first k nodes.
                Some(input) => {
                    let k = input.value().parse::<u16>().unwrap_or(0);
                    (0..k).map(NodeId).collect()
                }
                None => sides
                    .iter()
                    .enumerate()
                    .filter(|&(_, &s)| s)
                    .map(|(i, _)| NodeId(i as u16))
                    .collect(),
            };
            on_change.emit(NetChange::Partition(vec![group]));
        })
    };
    let link_from = use_node_ref();
    let link_to = use_node_ref();
    let cut = |both: bool| {
        let (on_change, from, to) = (p.on_change.clone(), link_from.clone(), link_to.clone());
        Callback::from(move |_: MouseEvent| {
            // A select holds the 0-based index; a number field the 1-based id shown.
            let pick = |r: &NodeRef| match r.cast::<HtmlSelectElement>() {
                Some(s) => s.value().parse::<u16>().ok().map(NodeId),
                None => r
                    .cast::<HtmlInputElement>()
                    .and_then(|i| i.value().parse::<u16>().ok())
                    .and_then(|id| id.checked_sub(1))
                    .map(NodeId),
            };
            if let (Some(a), Some(b)) = (pick(&from), pick(&to))
                && a != b
            {
                on_change.emit(NetChange::Cut(a, b));
                if both {
                    on_change.emit(NetChange::Cut(b, a));
                }
            }
        })
    };
    let options = |selected: usize| {
        (0..p.nodes)
            .map(|i| html! { <option value={i.to_string()} selected={i == selected}>{ NodeId(i as u16).to_string() }</option> })
            .collect::<Html>()
    };
    let cuts = p.cuts.iter().map(|&(a, b)| {
        let on_change = p.on_change.clone();
        html! {
            <li>{ format!("{a} ↛ {b}") }
                <button class="small" data-action="uncut" onclick={Callback::from(move |_| on_change.emit(NetChange::Uncut(a, b)))}>{ t.restore }</button>
            </li>
        }
    });
    let partitioned = p.groups.windows(2).any(|w| w.first() != w.last());
    let heal = {
        let on_change = p.on_change.clone();
        Callback::from(move |_: MouseEvent| on_change.emit(NetChange::Heal))
    };
    let (cf, cd) = (
        config.latency_min as f64 / 1000.0,
        config.latency_max as f64 / 1000.0,
    );
    html! {
        <details class="panel network" open=true>
            <summary>{ t.network }</summary>
            <div class="rows">
                <label>{ t.loss }<input type="range" min="0" max="50" step="1" data-control="loss"
                    value={percent(config.loss)} onchange={setting(|c, v| c.loss = v / 100.0)} />
                    <output>{ format!("{}%", percent(config.loss)) }</output></label>
                <label>{ t.duplication }<input type="range" min="0" max="50" step="1" data-control="duplicate"
                    value={percent(config.duplicate)} onchange={setting(|c, v| c.duplicate = v / 100.0)} />
                    <output>{ format!("{}%", percent(config.duplicate)) }</output></label>
                <label>{ t.latency }
                    <input type="number" min="1" max="2000" data-control="latency-min" value={format!("{cf}")}
                        onchange={setting(|c, v| c.latency_min = ms(v.max(1.0) as u64))} />
                    { "–" }
                    <input type="number" min="1" max="2000" data-control="latency-max" value={format!("{cd}")}
                        onchange={setting(|c, v| c.latency_max = ms(v.max(1.0) as u64).max(c.latency_min))} />
                    { " ms" }</label>
            </div>
            <fieldset>
                <legend>{ t.partition_help }</legend>
                if each {
                    <div class="sides">{ for side_boxes.take(PICK_EACH_MAX) }</div>
                } else {
                    <label class="side-range">{ format!("{} S1 … S", t.partition_first) }
                        <input type="number" ref={side_range} data-control="partition-first" min="1"
                            max={(p.nodes - 1).to_string()} value={(p.nodes / 2).to_string()} />
                    </label>
                }
                <button data-action="partition" onclick={on_partition}>{ t.partition }</button>
            </fieldset>
            <fieldset>
                <legend>{ t.cut_link }</legend>
                if each {
                    <select ref={link_from.clone()} aria-label={t.from}>{ options(0) }</select>
                    { " → " }
                    <select ref={link_to.clone()} aria-label={t.to}>{ options(1.min(p.nodes.saturating_sub(1))) }</select>
                } else {
                    { "S" }<input type="number" ref={link_from.clone()} aria-label={t.from} min="1" max={p.nodes.to_string()} value="1" />
                    { " → S" }<input type="number" ref={link_to.clone()} aria-label={t.to} min="1" max={p.nodes.to_string()} value="2" />
                }
                <button data-action="cut-one-way" onclick={cut(false)}>{ t.one_way }</button>
                <button data-action="cut-both" onclick={cut(true)}>{ t.both_ways }</button>
                <ul class="cuts">{ for cuts }</ul>
            </fieldset>
            <button data-action="heal" disabled={p.cuts.is_empty() && !partitioned} onclick={heal}>{ t.heal }</button>
        </details>
    }
}

//! Under the caption: how far the followed update has spread (S/I/R counts, Demers et al. §1.4),
//! the traffic it took (messages, bytes, duplicates), its residue and delays once it is done, and
//! failure detection (SWIM): who believes whom alive, suspect or dead. All of it is read from the
//! cluster's state now ([`metrics::census`]), so it is right after stepping back too. Below:
//! the per-round charts and the trials table.

use concord_core::gossip::{GossipNode, KeyCensus, Status, metrics};
use concord_core::sim::{NodeId, Sim};
use yew::prelude::*;

use super::caption::key_name;
use crate::i18n::{Lang, say, tr};

/// Clusters up to this size show every member list as a matrix (observer × member).
const MATRIX_MAX: usize = 24;
/// At most this many crashed members get a detection bar.
const DETECTIONS_SHOWN: usize = 6;

#[derive(Properties, PartialEq)]
struct SegmentProps {
    class: &'static str,
    percent: f64,
}

/// One part of a stacked bar, `percent` of its width. The width is written through the CSSOM
/// after each render, not as a `style` attribute, which pages with a strict
/// Content-Security-Policy (`style-src 'self'`) refuse.
#[component]
fn Segment(props: &SegmentProps) -> Html {
    let node = use_node_ref();
    let width = format!("{:.2}%", props.percent);
    {
        let node = node.clone();
        use_effect_with(width, move |width| {
            if let Some(element) = node.cast::<web_sys::HtmlElement>() {
                let _ = element.style().set_property("width", width);
            }
        });
    }
    html! { <span class={classes!("seg", props.class)} ref={node}></span> }
}

fn ms(t: f64) -> String {
    format!("{:.0} ms", t / 1000.0)
}

pub fn state_panel(lang: Lang, sim: &Sim<GossipNode>) -> Html {
    let nodes = sim.nodes();
    let Some(first) = nodes.first() else {
        return Html::default();
    };
    let config = first.state.config;
    let census = metrics::census(nodes);
    let focus = super::focus(sim);
    let key = focus.and_then(|(key, _)| census.key(key));
    let totals = &census.totals;
    let period = config.period() as f64;
    let round = config.round_at(sim.now());
    let spread = key.map(|k| spread_view(lang, k, period));
    let data_msgs = totals.data_messages();
    let swim_msgs = totals.messages() - data_msgs;
    let duplicates = totals.redundant;
    let receipts = totals.news + totals.redundant;
    let detection = config.swim.map(|_| detection_view(lang, sim));
    html! {
        <section class="gossip-state" aria-label={say(lang, "Spread", "传播情况")}
            data-round={round.to_string()} data-messages={totals.messages().to_string()}
            data-converged={super::converged(sim).to_string()}>
            { spread.unwrap_or_else(|| html! {
                <p class="note">{ say(lang, "No update to follow yet.", "还没有可跟踪的更新。") }</p>
            }) }
            <dl class="traffic">
                <div><dt>{ say(lang, "round", "轮") }</dt><dd>{ round }</dd></div>
                <div><dt>{ say(lang, "messages", "消息") }</dt>
                    <dd data-data-messages={data_msgs.to_string()}>{ data_msgs }
                        if swim_msgs > 0 { <small>{ format!(" + {swim_msgs} SWIM") }</small> }</dd></div>
                <div><dt>{ say(lang, "bytes", "字节") }</dt><dd>{ totals.bytes_sent }</dd></div>
                <div><dt>{ say(lang, "entries sent", "发送条目") }</dt><dd>{ totals.entries_sent }</dd></div>
                <div><dt>{ say(lang, "duplicates", "重复接收") }</dt>
                    <dd data-duplicates={duplicates.to_string()}>{ duplicates }
                        if receipts > 0 { <small>{ format!(" ({:.0}%)", 100.0 * duplicates as f64 / receipts as f64) }</small> }</dd></div>
                <div><dt>{ say(lang, "nodes up / members", "在线 / 成员") }</dt><dd>{ format!("{} / {}", census.up, census.live) }</dd></div>
            </dl>
            { for detection }
            { for focus.map(|(key, _)| super::charts::charts(lang, sim, key)) }
            <super::trials::TrialsPanel {lang} {config} nodes={nodes.len()} loss={sim.network().config.loss} />
        </section>
    }
}

fn spread_view(lang: Lang, k: &KeyCensus, period: f64) -> Html {
    let live = k.live.max(1) as f64;
    let pct = |c: usize| 100.0 * c as f64 / live;
    let bar = |class: &'static str, c: usize| {
        html! { <Segment {class} percent={pct(c)} /> }
    };
    let done = k.converged();
    let status = if done {
        tr!(
            lang,
            "Converged: every live node holds it. Last one after {} ({:.1} rounds), {} on average.",
            "已收敛：所有存活节点都持有它。最后一个节点用了 {}（{:.1} 轮），平均 {}。",
            ms(k.delay_max as f64),
            k.delay_max as f64 / period,
            ms(k.delay_mean)
        )
    } else {
        match (lang, k.residue()) {
            (Lang::En, Some(r)) => format!(
                "Nobody spreads it any more: the residue is {:.1}% of live nodes that never got it.",
                100.0 * r
            ),
            (Lang::Zh, Some(r)) => format!(
                "已无人传播：残留率 {:.1}%（从未收到的存活节点）。",
                100.0 * r
            ),
            (Lang::En, None) => "Spreading…".to_owned(),
            (Lang::Zh, None) => "传播中……".to_owned(),
        }
    };
    html! {
        <div class={classes!("spread", done.then_some("done"))} data-key={key_name(k.key)}
            data-susceptible={k.susceptible.to_string()} data-infective={k.infective.to_string()}
            data-removed={k.removed.to_string()} data-live={k.live.to_string()}
            data-fraction={format!("{:.4}", k.fraction())}>
            <div class="head">
                <strong>{ format!("{} v{}@{}", key_name(k.key), k.latest.counter, k.latest.node) }</strong>
                <span class="counts">
                    <span class="s">{ format!("S {}", k.susceptible) }</span>
                    <span class="i">{ format!("I {}", k.infective) }</span>
                    <span class="r">{ format!("R {}", k.removed) }</span>
                    <span>{ format!("{:.0}%", 100.0 * k.fraction()) }</span>
                </span>
            </div>
            <div class="sir-bar" role="img" aria-label={format!("S {} I {} R {}", k.susceptible, k.infective, k.removed)}>
                { bar("infective", k.infective) }{ bar("removed", k.removed) }{ bar("susceptible", k.susceptible) }
            </div>
            <p class="status">{ status }</p>
        </div>
    }
}

/// Failure detection: for small clusters every member list as a matrix; otherwise, for each
/// crashed member, how many live members believe it suspect or dead.
fn detection_view(lang: Lang, sim: &Sim<GossipNode>) -> Html {
    let nodes = sim.nodes();
    let f = metrics::failures(nodes);
    let summary = tr!(
        lang,
        "Detections: {} suspect, {} dead beliefs about crashed members; {} still believed alive. False: {} suspect, {} dead about live ones.",
        "检测：关于宕机成员，{} 个可疑、{} 个死亡判断；仍有 {} 个认为它存活。误判：对存活成员 {} 个可疑、{} 个死亡。",
        f.suspect_down,
        f.dead_down,
        f.alive_down,
        f.suspect_live,
        f.dead_live
    );
    let crashed: Vec<NodeId> = nodes
        .iter()
        .filter(|s| !s.up && s.state.is_member())
        .map(|s| s.state.id)
        .take(DETECTIONS_SHOWN)
        .collect();
    let bars = crashed.iter().map(|&member| {
        let d = metrics::detection(nodes, member);
        let of = d.observers.max(1) as f64;
        html! {
            <li data-detection={(member.0 + 1).to_string()} data-dead={d.dead.to_string()}
                data-suspect={d.suspect.to_string()} data-observers={d.observers.to_string()}>
                <span class="who">{ member.to_string() }</span>
                <span class="sir-bar">
                    <Segment class="dead" percent={100.0 * d.dead as f64 / of} />
                    <Segment class="suspect" percent={100.0 * d.suspect as f64 / of} />
                </span>
                <span class="note">{ tr!(lang, "{} dead · {} suspect of {}", "{} 认为死亡 · {} 怀疑，共 {}", d.dead, d.suspect, d.observers) }</span>
            </li>
        }
    });
    let matrix = (nodes.len() <= MATRIX_MAX).then(|| {
        let heads = nodes.iter().map(|s| html! { <th>{ (s.state.id.0 + 1).to_string() }</th> });
        let rows = nodes.iter().map(|observer| {
            let cells = nodes.iter().map(|member| {
                let (class, letter) = if !observer.up {
                    ("unknown", "")
                } else if member.state.id == observer.state.id {
                    ("self", "·")
                } else {
                    match observer.state.view().status(member.state.id) {
                        Some(Status::Alive) => ("alive", "A"),
                        Some(Status::Suspect) => ("suspect", "S"),
                        Some(Status::Dead) => ("dead", "D"),
                        None => ("unknown", ""),
                    }
                };
                html! { <td class={class}>{ letter }</td> }
            });
            html! {
                <tr data-observer={(observer.state.id.0 + 1).to_string()} class={classes!((!observer.up).then_some("down"))}>
                    <th>{ observer.state.id.to_string() }</th>{ for cells }
                </tr>
            }
        });
        html! {
            <div class="matrix-scroll">
                <table class="member-matrix">
                    <caption>{ say(lang, "Each row: what that node believes about each member (A alive, S suspect, D dead)",
                        "每一行：该节点对每个成员的判断（A 存活，S 可疑，D 死亡）") }</caption>
                    <thead><tr><td></td>{ for heads }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        }
    });
    html! {
        <div class="detection">
            <h3>{ say(lang, "Failure detection (SWIM)", "故障检测（SWIM）") }</h3>
            <p class="note">{ summary }</p>
            if !crashed.is_empty() { <ul class="detections">{ for bars }</ul> }
            { for matrix }
        </div>
    }
}

//! The run's curves, round by round, from the per-round rows the audit keeps (so they are right
//! after stepping back): the infected fraction of the followed update with the mean-field
//! prediction of the chosen mode's anti-entropy laid over it (Demers et al. §1.3;
//! [`theory::infected_points`]; for rumors an upper bound),
//! the messages each round sent, and the redundant receipts (duplicates) each round caused.

use std::rc::Rc;

use concord_core::gossip::{GossipConfig, GossipNode, Key, RoundRow, series, theory};
use concord_core::sim::Sim;
use yew::prelude::*;

use super::caption::{key_name, mode_name};
use crate::i18n::{Lang, say};
use crate::view::chart::{Chart, Line, Stroke};

/// The prediction is drawn this many rounds out at most.
const THEORY_ROUNDS: usize = 200;

/// The dashed curve is always anti-entropy's mean field. Under rumor mongering nodes stop
/// spreading, so it only bounds the run from above; a backup exchange adds contacts the curve
/// does not count, and then it is only a comparison.
fn theory_label(lang: Lang, config: &GossipConfig) -> String {
    let mode = mode_name(config.mode);
    match (lang, config.model.is_rumor(), config.backup_every > 0) {
        (Lang::En, false, _) => format!("mean field, {mode} anti-entropy"),
        (Lang::Zh, false, _) => format!("平均场理论，{mode} 反熵"),
        (Lang::En, true, false) => {
            format!("upper bound: {mode} anti-entropy's mean field (rumors stop spreading)")
        }
        (Lang::Zh, true, false) => format!("上界：{mode} 反熵的平均场（谣言会停止传播）"),
        (Lang::En, true, true) => format!("for comparison: {mode} anti-entropy's mean field"),
        (Lang::Zh, true, true) => format!("对照：{mode} 反熵的平均场"),
    }
}

pub fn charts(lang: Lang, sim: &Sim<GossipNode>, key: Key) -> Html {
    let Some(first) = sim.nodes().first() else {
        return Html::default();
    };
    let config = first.state.config;
    let audit = sim.audit();
    // Closed rounds, then the one in progress as it stands.
    let rows: Vec<RoundRow> = audit
        .rounds()
        .iter()
        .cloned()
        .chain(audit.round_now())
        .collect();
    let period = config.period() as f64;
    let now = sim.now() as f64 / period;
    let born_round = rows
        .iter()
        .rev()
        .find_map(|r| r.key(key))
        .map_or(0, |k| (k.born as f64 / period) as u64);
    // The round in progress is drawn where the run stands, not at the round's end.
    let in_progress = audit.round_now().is_some();
    let at_now = |mut points: Vec<(f64, f64)>| {
        if let Some(last) = points.last_mut().filter(|_| in_progress) {
            last.0 = now;
        }
        Rc::<[(f64, f64)]>::from(points)
    };
    let measured = at_now(
        series::points(&rows, |r| r.infected(key))
            .into_iter()
            .filter(|&(x, _)| x > born_round as f64)
            .collect(),
    );
    let n = sim.nodes().len();
    let loss = sim.network().config.loss;
    let predicted: Rc<[(f64, f64)]> = theory::infected_points(
        config.mode,
        n,
        config.fanout_for(n),
        loss,
        born_round as f64 + 1.0,
        THEORY_ROUNDS,
    )
    .into();
    let infected = vec![
        Line {
            label: format!("{} {}", say(lang, "measured", "实测"), key_name(key)).into(),
            class: "c1",
            points: measured,
            stroke: Stroke::Solid,
        },
        Line {
            label: theory_label(lang, &config).into(),
            class: "c2",
            points: predicted,
            stroke: Stroke::Dashed,
        },
    ];
    let messages = vec![Line {
        label: say(lang, "messages sent", "发送的消息").into(),
        class: "c3",
        points: at_now(series::per_round(&rows, |r| r.messages)),
        stroke: Stroke::Solid,
    }];
    let redundant = vec![Line {
        label: say(lang, "redundant receipts", "冗余接收").into(),
        class: "c4",
        points: at_now(series::per_round(&rows, |r| r.redundant)),
        stroke: Stroke::Solid,
    }];
    let round = say(lang, "round", "轮");
    html! {
        <div class="gossip-charts">
            <Chart name="infected" title={say(lang, "Nodes holding the update", "持有该更新的节点比例")}
                x_label={round} y_label={say(lang, "fraction", "比例")} lines={infected}
                y_max={Some(1.0)} now={Some(now)} whole_x=true />
            <Chart name="messages" title={say(lang, "Messages per round", "每轮消息数")}
                x_label={round} y_label={say(lang, "messages", "消息")} lines={messages} now={Some(now)} whole_x=true whole_y=true />
            <Chart name="redundant" title={say(lang, "Duplicates per round", "每轮重复接收")}
                x_label={round} y_label={say(lang, "entries", "条目")} lines={redundant} now={Some(now)} whole_x=true whole_y=true />
        </div>
    }
}

//! Push, pull and push-pull compared over many seeded runs of the chosen model, fan-out, size and
//! message loss ([`Trials`]): how many rounds until every node held the update, the messages and
//! duplicates it took, and the residue (the share never reached, for rumors). The trials run one
//! per slice between frames, so the page stays responsive while the table fills.

use std::cell::RefCell;
use std::rc::Rc;

use concord_core::gossip::trials::{Stats, TrialSetup, Trials};
use concord_core::gossip::{GossipConfig, Mode};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

use super::caption::mode_name;
use crate::i18n::{Lang, say, tr};

/// A trial that has not ended after this many rounds stops there.
const MAX_ROUNDS: u64 = 300;
const MODES: [Mode; 3] = [Mode::Push, Mode::Pull, Mode::PushPull];

/// Trials per mode: fewer for large clusters, where each takes longer.
fn trials_for(nodes: usize) -> usize {
    if nodes <= 200 { 30 } else { 10 }
}

#[derive(Properties, PartialEq)]
pub struct TrialsProps {
    pub lang: Lang,
    pub config: GossipConfig,
    pub nodes: usize,
    pub loss: f64,
}

/// What the panel holds between slices.
#[derive(Default)]
struct Batch {
    trials: Vec<Trials>,
    error: Option<String>,
    /// The panel is still on the page: slices stop when it is gone.
    mounted: bool,
}

/// Run the next trial of the first unfinished mode, redraw, and come back for the next.
fn run_slice(batch: Rc<RefCell<Batch>>, redraw: UseForceUpdateHandle) {
    let more = {
        let mut b = batch.borrow_mut();
        if !b.mounted {
            return;
        }
        let outcome = b.trials.iter_mut().find(|t| !t.done()).and_then(|t| {
            t.run_next()
                .map(|r| r.map(|_| ()).map_err(|e| e.to_string()))
        });
        match outcome {
            Some(Ok(())) => true,
            Some(Err(e)) => {
                b.error = Some(e);
                false
            }
            None => false,
        }
    };
    redraw.force_update();
    if more {
        Timeout::new(0, move || run_slice(batch, redraw)).forget();
    }
}

fn stat(s: Option<Stats>, digits: usize) -> String {
    match s {
        Some(s) => format!("{:.*} ± {:.*}", digits, s.mean, digits, s.sd),
        None => "—".to_owned(),
    }
}

#[component]
pub fn TrialsPanel(p: &TrialsProps) -> Html {
    let lang = p.lang;
    let batch = use_mut_ref(Batch::default);
    let redraw = use_force_update();
    {
        let batch = batch.clone();
        use_effect_with((), move |_| {
            batch.borrow_mut().mounted = true;
            move || batch.borrow_mut().mounted = false
        });
    }
    let count = trials_for(p.nodes);
    let on_run = {
        let (batch, redraw) = (batch.clone(), redraw.clone());
        let (config, nodes, loss) = (p.config, p.nodes, p.loss);
        Callback::from(move |_: MouseEvent| {
            {
                let mut b = batch.borrow_mut();
                b.error = None;
                b.trials = MODES
                    .iter()
                    .map(|&mode| {
                        let setup = TrialSetup {
                            config: GossipConfig { mode, ..config },
                            nodes,
                            loss,
                            max_rounds: MAX_ROUNDS,
                        };
                        Trials::new(setup, 1, count)
                    })
                    .collect();
            }
            run_slice(batch.clone(), redraw.clone());
        })
    };
    let b = batch.borrow();
    let running = b.trials.iter().any(|t| !t.done()) && b.error.is_none();
    let rows = b.trials.iter().map(|t| {
        let s = t.summary();
        let mode = t.setup.config.mode;
        html! {
            <tr data-trials={mode_name(mode)} data-done={s.trials.to_string()} data-converged={s.converged.to_string()}
                data-rounds-mean={s.rounds.map_or(String::new(), |r| format!("{:.3}", r.mean))}>
                <th>{ mode_name(mode) }</th>
                <td>{ format!("{}/{}", s.trials, t.count) }</td>
                <td>{ s.converged }</td>
                <td>{ stat(s.rounds, 2) }</td>
                <td>{ stat(s.messages, 0) }</td>
                <td>{ stat(s.duplicates, 0) }</td>
                <td>{ stat(s.residue.map(|r| Stats { mean: 100.0 * r.mean, sd: 100.0 * r.sd, ..r }), 1) }</td>
            </tr>
        }
    });
    html! {
        <details class="panel gossip-trials">
            <summary>{ say(lang, "Compare push, pull and push-pull", "比较 push、pull 和 push-pull") }</summary>
            <p class="note">{ tr!(lang, "{count} seeded runs of each mode with this run's model, fan-out, {} nodes and message loss; one node writes at time 0. Mean ± standard deviation.", "每种方式用本次运行的模型、扇出、{} 个节点和丢包率各跑 {count} 次（不同种子）；一个节点在时刻 0 写入。均值 ± 标准差。", p.nodes) }</p>
            if p.config.model.is_rumor() {
                <p class="note" data-contacts-note="">{ say(lang,
                    "A spreading node's contacts (toward losing interest after k): push counts the exchanges it starts, pull those it answers, push-pull both, so push-pull nodes stop sooner, which can leave more residue.",
                    "传播者的接触次数（满 k 次失去兴趣）：push 计它发起的交换，pull 计它应答的，push-pull 两者都计，所以 push-pull 的节点停得更早，残留可能更多。") }</p>
            }
            <button data-action="run-trials" disabled={running} onclick={on_run}>
                { if running { say(lang, "Running…", "运行中……") } else { say(lang, "Run the trials", "运行试验") } }
            </button>
            if let Some(e) = &b.error { <p class="error">{ e.clone() }</p> }
            if !b.trials.is_empty() {
                <div class="table-scroll">
                    <table class="trials">
                        <thead><tr>
                            <th>{ say(lang, "mode", "方式") }</th><th>{ say(lang, "runs", "次数") }</th>
                            <th>{ say(lang, "converged", "收敛") }</th><th>{ say(lang, "rounds to converge", "收敛轮数") }</th>
                            <th>{ say(lang, "messages", "消息") }</th><th>{ say(lang, "duplicates", "重复接收") }</th>
                            <th>{ say(lang, "residue %", "残留率 %") }</th>
                        </tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            }
        </details>
    }
}

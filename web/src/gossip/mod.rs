//! The Gossip view: how epidemic dissemination (Demers et al. 1987) and SWIM failure detection
//! (Das et al. 2002) appear in the [`Playground`](crate::playground::Playground). Each node shows
//! its SIR state for the update being followed — the latest data key written — by colour AND by
//! letter (S, I, R) and border, so the spread reads without colour. Above [`DENSE_FROM`] nodes the
//! ring gives way to a canvas grid of cells ([`dense`]), smooth at 10,000 nodes.
//!
//! - [`caption`]: each step in words, naming the rule and its source.
//! - [`inspector`]: the selected node: store, rumors, counters, its member list; crash, restart,
//!   write `key = value` here, join.
//! - [`panel`]: S/I/R counts, traffic, convergence, failure detection.
//! - [`charts`]: the infected fraction per round against the theory, messages and duplicates.
//! - [`trials`]: push, pull and push-pull compared over many seeded runs.
//! - [`dense`]: the grid for large clusters.
//! - [`settings`]: mode, model, fan-out, timing, selection rules, SWIM; how the URL holds them.

mod caption;
mod charts;
mod dense;
mod inspector;
mod panel;
mod settings;
mod tour;
mod trials;

use concord_core::gossip::{Command, GossipNode, Key, Model, Msg, Rule, Sir, Timer, Version};
use concord_core::sim::{Action, NodeId, NodeSlot, Sim, SimConfig, StepReport};
use yew::prelude::*;

use crate::i18n::{Lang, gap, say, tr};
use crate::input::{Problem, Reader};
use crate::playground::{Goal, Milestone, ProtocolView};
use crate::run::RunConfig;
use crate::view::cluster::NodeView;
use crate::view::controls::CountControl;
use crate::view::legend::Legend;
use settings::{Settings, SettingsPanel};

/// Clusters of more nodes than this are drawn as a grid of cells, not a ring of circles.
pub const DENSE_FROM: usize = 60;

/// The update the view follows: the data key written most recently, at the newest version any
/// node holds. Read from the audit's running per-round totals: O(keys), not O(n).
pub fn focus(sim: &Sim<GossipNode>) -> Option<(Key, Version)> {
    sim.audit()
        .round_now()?
        .keys
        .iter()
        .filter(|k| matches!(k.key, Key::Data(_)))
        .max_by_key(|k| (k.born, k.key))
        .map(|k| (k.key, k.latest))
}

/// A node's state for the followed update, as a CSS class and a letter.
pub fn sir_of(slot: &NodeSlot<GossipNode>, focus: Option<(Key, Version)>) -> Sir {
    match focus {
        Some((key, version)) => slot.state.sir(key, version),
        None => Sir::Susceptible,
    }
}

pub fn sir_class(sir: Sir) -> &'static str {
    match sir {
        Sir::Susceptible => "susceptible",
        Sir::Infective => "infective",
        Sir::Removed => "removed",
    }
}

pub fn sir_letter(sir: Sir) -> &'static str {
    match sir {
        Sir::Susceptible => "S",
        Sir::Infective => "I",
        Sir::Removed => "R",
    }
}

pub fn sir_name(lang: Lang, sir: Sir) -> &'static str {
    match sir {
        Sir::Susceptible => say(lang, "susceptible", "易感"),
        Sir::Infective => say(lang, "infective", "感染"),
        Sir::Removed => say(lang, "removed", "移除"),
    }
}

/// Every live node holds the latest version of every data key, and there is one: the update
/// has reached everyone it can. Noted by the audit after every step, so "until converged" can
/// ask after every step of a 10,000-node run.
pub fn converged(sim: &Sim<GossipNode>) -> bool {
    sim.audit().spread_complete()
}

/// The next event falls in a later round: the current round has run to its end.
fn round_ends(sim: &Sim<GossipNode>) -> bool {
    sim.nodes()
        .first()
        .is_none_or(|first| round_over(sim, first.state.config.round_at(sim.now())))
}

/// Round `n` is over: no event of round `n` or an earlier round is still to come.
fn round_over(sim: &Sim<GossipNode>, n: u64) -> bool {
    let Some(first) = sim.nodes().first() else {
        return true;
    };
    let config = &first.state.config;
    sim.next_event_time().is_none_or(|t| config.round_at(t) > n)
}

impl ProtocolView for GossipNode {
    type Inspector = inspector::Inspector;

    const ALGO: &'static str = "gossip";
    const NODES_RANGE: (usize, usize) = (2, 10_000);
    const DEFAULT_NODES: usize = 16;
    const QUIET_AT_REAL_TIME: bool = true;

    fn problems(run: &RunConfig) -> Vec<Problem> {
        let reader = Reader::new(&run.options);
        Settings::read(run, &reader);
        reader.finish(Self::VIEW_OPTIONS)
    }

    fn new_sim(run: &RunConfig) -> Sim<Self> {
        let settings = Settings::from_run(run);
        let sim = SimConfig {
            seed: run.seed,
            nodes: run.nodes.clamp(Self::NODES_RANGE.0, Self::NODES_RANGE.1),
            net: Default::default(),
        };
        #[allow(
            clippy::expect_used,
            reason = "input::Reader keeps every setting in its range"
        )]
        let mut sim =
            Sim::new(sim, &settings.config).expect("settings clamped to their ranges are valid");
        if settings.update_at_start {
            // Part of the starting state, like the configuration: the run opens with one update
            // to follow, written at S1 at time 0.
            let update = Action::Command(NodeId(0), Command::Update { key: 1, value: 1 });
            #[allow(
                clippy::expect_used,
                reason = "a fresh run has S1 up and nothing pending"
            )]
            sim.apply(concord_core::sim::Input::Act {
                at: 0,
                action: update,
            })
            .expect("S1 exists and nothing has happened yet");
        }
        sim
    }

    fn describe(lang: Lang, sim: &Sim<Self>) -> String {
        let n = sim.nodes().len();
        let Some(first) = sim.nodes().first() else {
            return String::new();
        };
        let c = &first.state.config;
        let model = match c.model {
            Model::AntiEntropy => say(lang, "anti-entropy", "反熵"),
            Model::Rumor { .. } => say(lang, "rumor mongering", "谣言传播"),
        };
        tr!(
            lang,
            "Gossip: {n} nodes, {model}, {}, fan-out {}",
            "Gossip：{n} 个节点，{model}，{}，扇出 {}",
            caption::mode_name(c.mode),
            c.fanout
        )
    }

    fn node_view(lang: Lang, sim: &Sim<Self>, slot: &NodeSlot<Self>, now: f64) -> NodeView {
        node_view(lang, focus(sim), slot, now)
    }

    fn dense_view(
        lang: Lang,
        sim: &Sim<Self>,
        selected: Option<usize>,
        on_select: Callback<usize>,
    ) -> Option<Html> {
        (sim.nodes().len() > DENSE_FROM).then(|| dense::dense_view(lang, sim, selected, on_select))
    }

    fn dot_class(msg: &Msg) -> &'static str {
        match msg {
            Msg::Push { .. } => "push",
            Msg::PushAck { .. } => "push-ack",
            Msg::Digest { .. } => "digest",
            Msg::Answer { .. } => "answer",
            Msg::Join { .. } | Msg::Welcome { .. } => "join",
            Msg::Ping { .. } => "ping",
            Msg::PingReq { .. } => "ping-req",
            Msg::Ack { .. } => "ack",
        }
    }

    fn timer_name(lang: Lang, timer: &Timer) -> String {
        caption::timer_name(lang, timer)
    }

    fn start_caption(lang: Lang, sim: &Sim<Self>) -> String {
        let first = match focus(sim) {
            Some((key, _)) => tr!(
                lang,
                "S1 wrote {} = 1. Each round every node that has something to tell picks \
                     peers at random and exchanges with them; watch the update spread: S \
                     (susceptible) → I (infective) → R (removed).",
                "S1 写入了 {} = 1。每一轮，有消息要传的节点随机挑选节点交换数据；看更新如何传播：S（易感）→ I（感染）→ R（移除）。",
                caption::key_name(key)
            ),
            None => say(
                lang,
                "No update yet: click a node and write key = value there to start an epidemic.",
                "还没有更新：点击一个节点，在那里写入 key = value，开始一次传播。",
            )
            .to_owned(),
        };
        [
            first.as_str(),
            say(
                lang,
                "Press play, or step one event at a time.",
                "按播放，或一次走一个事件。",
            ),
        ]
        .join(gap(lang))
    }

    fn state_panel(lang: Lang, sim: &Sim<Self>, _reports: &[StepReport<Self>]) -> Html {
        panel::state_panel(lang, sim)
    }

    fn settings_panel(
        lang: Lang,
        _sim: &Sim<Self>,
        run: &RunConfig,
        on_run: Callback<RunConfig>,
    ) -> Html {
        html! { <SettingsPanel {lang} run={run.clone()} {on_run} /> }
    }

    fn size_controls(lang: Lang, run: &RunConfig, on_run: Callback<RunConfig>) -> Html {
        let (min, max) = Self::NODES_RANGE;
        let (run, value) = (run.clone(), run.nodes);
        let on_change = Callback::from(move |nodes: usize| {
            on_run.emit(RunConfig {
                nodes: nodes.clamp(min, max),
                ..run.clone()
            })
        });
        html! {
            <CountControl label={say(lang, "Nodes", "节点")} control="nodes" {value}
                range={Self::NODES_RANGE} {on_change} />
        }
    }

    fn click_hint(lang: Lang) -> &'static str {
        say(
            lang,
            "Click a node to see its store, rumors and member list; write an update there, crash it or restart it.",
            "点击一个节点，查看它的存储、谣言和成员列表；在那里写入更新、让它宕机或重启。",
        )
    }

    fn legend(lang: Lang) -> Html {
        let nodes = vec![
            (
                "susceptible",
                say(
                    lang,
                    "S: susceptible (lacks the update)",
                    "S：易感（没有该更新）",
                ),
            ),
            (
                "infective",
                say(lang, "I: infective (spreads it)", "I：感染（正在传播）"),
            ),
            (
                "removed",
                say(
                    lang,
                    "R: removed (has it, stopped spreading)",
                    "R：移除（已有，不再传播）",
                ),
            ),
        ];
        let messages = vec![
            ("push", say(lang, "push: entries", "push：数据")),
            ("push-ack", say(lang, "push feedback", "push 反馈")),
            ("digest", say(lang, "pull digest", "pull 摘要")),
            (
                "answer",
                say(lang, "pull reply / push-back", "pull 应答 / 回推"),
            ),
            ("join", say(lang, "join / welcome", "加入 / 欢迎")),
            ("ping", "ping"),
            ("ping-req", "ping-req"),
            ("ack", "ack"),
        ];
        let notes = vec![
            say(
                lang,
                "The letter and the border say the state too: dashed S, thick I, double-ringed R.",
                "字母和边框也表示状态：虚线为 S，粗线为 I，双圈为 R。",
            ),
            say(
                lang,
                "Data messages are filled dots; SWIM's probes are rings.",
                "数据消息是实心点；SWIM 探测是空心圈。",
            ),
        ];
        html! { <Legend {lang} {nodes} {messages} {notes} /> }
    }

    /// Rounds are gossip's eras: a step belongs to the round a node starts in it.
    fn band(report: &StepReport<Self>) -> Option<u64> {
        report.rules.iter().find_map(|rule| match rule {
            Rule::Round { round, .. } => Some(*round),
            _ => None,
        })
    }

    fn band_name(lang: Lang) -> &'static str {
        say(lang, "round", "轮")
    }

    fn milestone(report: &StepReport<Self>) -> Option<Milestone> {
        report.rules.iter().find_map(|rule| match rule {
            Rule::LocalUpdate { key, .. } => Some(Milestone::of(
                report,
                "update-written",
                "key",
                caption::key_name(*key),
            )),
            Rule::ConfirmDead { member, .. } => Some(Milestone::of(
                report,
                "member-dead",
                "member",
                member.to_string(),
            )),
            Rule::Welcome { joiner } => Some(Milestone::of(
                report,
                "member-joined",
                "member",
                joiner.to_string(),
            )),
            _ => None,
        })
    }

    /// Where the update reached every live node (the audit notes it after the step that did it).
    fn state_milestones(sim: &Sim<Self>) -> Vec<u64> {
        sim.audit()
            .completions()
            .iter()
            .map(|&(step, _)| step)
            .collect()
    }

    fn goals() -> Vec<Goal<Self>> {
        vec![
            Goal {
                label: |lang| say(lang, "converged", "收敛"),
                reached: converged,
            },
            Goal {
                label: |lang| say(lang, "the round ends", "本轮结束"),
                reached: round_ends,
            },
        ]
    }
}

fn node_view(
    lang: Lang,
    focus: Option<(Key, Version)>,
    slot: &NodeSlot<GossipNode>,
    now: f64,
) -> NodeView {
    let node = &slot.state;
    let sir = sir_of(slot, focus);
    let mut class = vec![sir_class(sir)];
    let mut data = vec![("data-role", sir_class(sir).to_owned())];
    if !node.is_member() {
        class.push("outside");
        data.push(("data-member", "false".to_owned()));
    }
    let held = focus.and_then(|(key, _)| node.store().get(key));
    if let Some(r) = held {
        data.push(("data-version", r.entry.version.counter.to_string()));
    }
    let caption = if !slot.up {
        lang.text().down.to_owned()
    } else if !node.is_member() {
        say(lang, "not a member", "非成员").to_owned()
    } else {
        let rumor = focus.and_then(|(key, _)| node.rumors().get(key));
        match (held, rumor) {
            (Some(r), Some(rumor)) => format!(
                "{} {} · {}",
                caption::key_name(r.entry.key),
                caption::version_name(r.entry.version),
                rumor.count
            ),
            (Some(r), None) => format!(
                "{} {}",
                caption::key_name(r.entry.key),
                caption::version_name(r.entry.version)
            ),
            (None, _) => sir_name(lang, sir).to_owned(),
        }
    };
    let timer = slot.timers().get(&Timer::Round).map(|armed| {
        let span = (armed.fires_at - armed.set_at).max(1) as f64;
        ((armed.fires_at as f64 - now) / span, "round")
    });
    NodeView {
        id: node.id.0 + 1,
        label: node.id.to_string().into(),
        center: sir_letter(sir).into(),
        caption: caption.into(),
        class: class.join(" ").into(),
        data,
        up: slot.up,
        timer,
    }
}

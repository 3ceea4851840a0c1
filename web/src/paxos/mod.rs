//! The Paxos view: how proposers, acceptors, learners and the messages of the two phases appear in
//! the [`Playground`](crate::playground::Playground). Proposers stand on the left, acceptors in
//! the middle, learners on the right, so phase 1 and phase 2 read as traffic back and forth
//! across the middle column.
//!
//! - [`caption`]: each step in words, naming the row of seed 001's table and the section.
//! - [`inspector`]: the selected node: its state per role; propose, crash, restart.
//! - [`panel`]: the acceptor table, proposers, learners and the "chosen" banner.
//! - [`settings`]: counts per role and switches, and how the URL holds them.
//! - [`text`](mod@text): the view's interface words in English and Chinese.

mod caption;
mod inspector;
mod panel;
mod settings;
mod text;
mod tour;

use concord_core::paxos::{Msg, PaxosNode, Phase, ProposalNum, Roles, Rule, Stage, Timer};
use concord_core::sim::{NodeSlot, Sim, SimConfig, StepReport, Violation};
use yew::prelude::*;

use crate::i18n::{Lang, gap, say};
use crate::input::{Problem, Reader};
use crate::playground::{Goal, Milestone, ProtocolView};
use crate::run::RunConfig;
use crate::view::cluster::{Layout, NodeView};
use crate::view::legend::Legend;
use settings::{ACCEPTORS, Settings, SettingsPanel, SizeControls};
use text::text;

impl ProtocolView for PaxosNode {
    type Inspector = inspector::Inspector;

    fn timer_name(lang: Lang, timer: &Timer) -> String {
        match timer {
            Timer::Timeout => say(lang, "phase timeout", "阶段超时"),
            Timer::Retry => say(lang, "retry (back-off)", "重试（退避）"),
            Timer::Persist => say(lang, "write to disk", "写盘"),
        }
        .to_owned()
    }

    /// Rounds are Paxos's eras: a step belongs to the round of the Prepare it sends.
    fn band(report: &StepReport<Self>) -> Option<u64> {
        report
            .rules
            .iter()
            .filter_map(|rule| match rule {
                Rule::SendPrepare { n } => Some(n.round),
                _ => None,
            })
            .max()
    }

    fn band_name(lang: Lang) -> &'static str {
        say(lang, "round", "轮次")
    }

    fn milestone(report: &StepReport<Self>) -> Option<Milestone> {
        report.rules.iter().find_map(|rule| match rule {
            Rule::Chosen { value, .. } => Some(Milestone::of(
                report,
                "value-chosen",
                "value",
                value.clone(),
            )),
            Rule::Learn { value, .. } => Some(Milestone::of(
                report,
                "value-learned",
                "value",
                value.clone(),
            )),
            _ => None,
        })
    }

    fn goals() -> Vec<Goal<Self>> {
        vec![Goal {
            label: |lang| say(lang, "a value is chosen", "某个值被选定"),
            reached: |sim| sim.audit().chosen_value().is_some(),
        }]
    }

    const ALGO: &'static str = "paxos";
    /// `nodes` counts the acceptors; proposers and learners are options.
    const NODES_RANGE: (usize, usize) = ACCEPTORS;
    const DEFAULT_NODES: usize = 3;

    fn problems(run: &RunConfig) -> Vec<Problem> {
        let reader = Reader::new(&run.options);
        Settings::read(run, &reader);
        reader.finish(Self::VIEW_OPTIONS)
    }

    fn new_sim(run: &RunConfig) -> Sim<Self> {
        let config = Settings::from_run(run).config();
        let sim = SimConfig {
            seed: run.seed,
            nodes: config.nodes(),
            net: Default::default(),
        };
        #[allow(
            clippy::expect_used,
            reason = "input::Reader keeps every setting in its range"
        )]
        Sim::new(sim, &config).expect("settings clamped to their ranges are valid")
    }

    fn describe(lang: Lang, sim: &Sim<Self>) -> String {
        let Some(config) = sim.nodes().first().map(|slot| &slot.state.config) else {
            return String::new();
        };
        let n = sim.nodes().len();
        let (p, a, l) = (
            config.proposers(n).len(),
            config.acceptors(n).len(),
            config.learners(n).len(),
        );
        let s = |k: usize| if k == 1 { "" } else { "s" };
        match lang {
            Lang::En => format!(
                "Paxos: {p} proposer{}, {a} acceptor{}, {l} learner{}",
                s(p),
                s(a),
                s(l)
            ),
            Lang::Zh => format!("Paxos：{p} 个 proposer，{a} 个 acceptor，{l} 个 learner"),
        }
    }

    fn layout(lang: Lang, sim: &Sim<Self>) -> Layout {
        let x = text(lang);
        let column = sim
            .nodes()
            .iter()
            .map(|slot| main_role(slot.state.roles) as u8)
            .collect();
        let headings = if is_colocated(sim) {
            vec![x.proposer_acceptor_learner, x.acceptor_learner]
        } else {
            vec![x.proposers, x.acceptors, x.learners]
        };
        Layout::Columns {
            column,
            headings: headings.into_iter().map(AttrValue::from).collect(),
        }
    }

    fn node_view(lang: Lang, sim: &Sim<Self>, slot: &NodeSlot<Self>, now: f64) -> NodeView {
        node_view(lang, sim, slot, now)
    }

    fn dot_class(msg: &Msg) -> &'static str {
        match msg {
            Msg::Prepare { .. } => "prepare",
            Msg::Promise { .. } => "promise",
            Msg::Accept { .. } => "accept",
            Msg::Accepted { .. } => "accepted",
            Msg::Nack { .. } => "nack",
        }
    }

    /// The fields under the names of seed 001's table, numbers as `round.proposer`.
    fn msg_fields(_lang: Lang, msg: &Msg) -> Vec<(String, String)> {
        let field = |k: &str, v: String| (k.to_owned(), v);
        match msg {
            Msg::Prepare { n } => vec![field("n", n.to_string())],
            Msg::Promise { n, accepted } => vec![
                field("n", n.to_string()),
                field(
                    "acceptedProposal",
                    accepted.as_ref().map_or("—".into(), |p| p.n.to_string()),
                ),
                field(
                    "acceptedValue",
                    accepted.as_ref().map_or("—".into(), |p| p.value.clone()),
                ),
            ],
            Msg::Accept { n, value } | Msg::Accepted { n, value } => {
                vec![field("n", n.to_string()), field("value", value.clone())]
            }
            Msg::Nack {
                n,
                min_proposal,
                phase,
            } => vec![
                field("n", n.to_string()),
                field("minProposal", min_proposal.to_string()),
                field(
                    "phase",
                    match phase {
                        Phase::Prepare => "Prepare",
                        Phase::Accept => "Accept",
                    }
                    .into(),
                ),
            ],
        }
    }

    /// Where the roles stand, whether proposers start on their own, and how to go on.
    fn start_caption(lang: Lang, sim: &Sim<Self>) -> String {
        let x = text(lang);
        let config = sim.nodes().first().map(|slot| &slot.state.config);
        let colocated = is_colocated(sim);
        let auto = config.is_some_and(|c| c.propose_at_start);
        let parts = [
            if colocated {
                x.layout_colocated
            } else {
                x.layout_separate
            },
            if auto { x.start_auto } else { x.start_manual },
            x.press_play,
        ];
        parts.join(gap(lang))
    }

    fn state_panel(lang: Lang, sim: &Sim<Self>, reports: &[StepReport<Self>]) -> Html {
        panel::state_panel(lang, sim, reports)
    }

    fn violation_text(lang: Lang, sim: &Sim<Self>, violation: &Violation) -> String {
        panel::violation_text(lang, sim, violation)
    }

    fn size_controls(lang: Lang, run: &RunConfig, on_run: Callback<RunConfig>) -> Html {
        html! { <SizeControls {lang} run={run.clone()} {on_run} /> }
    }

    fn settings_panel(
        lang: Lang,
        _sim: &Sim<Self>,
        run: &RunConfig,
        on_run: Callback<RunConfig>,
    ) -> Html {
        html! { <SettingsPanel {lang} run={run.clone()} {on_run} /> }
    }

    fn click_hint(lang: Lang) -> &'static str {
        text(lang).click_a_node
    }

    fn legend(lang: Lang) -> Html {
        let x = text(lang);
        let nodes = vec![
            ("proposer", x.proposer),
            ("acceptor", x.acceptor),
            ("learner", x.learner),
        ];
        let messages = vec![
            ("prepare", x.prepare),
            ("promise", x.promise),
            ("accept", x.accept),
            ("accepted", x.accepted_msg),
            ("nack", x.nack),
        ];
        let notes = vec![x.request_reply_note, x.chosen_ring];
        html! { <Legend {lang} {nodes} {messages} {notes} /> }
    }
}

/// Whether some node plays several roles (the colocated layout, §2.5).
fn is_colocated(sim: &Sim<PaxosNode>) -> bool {
    sim.nodes().iter().any(|s| s.state.roles.0.count_ones() > 1)
}

/// A proposal number, or `—` for none.
fn num(n: Option<ProposalNum>) -> String {
    n.map_or("—".into(), |n| n.to_string())
}

/// A node's main role, which decides its column: proposer, then acceptor, then learner (§2.5
/// lets one process play several; a colocated server stands with the proposers if it proposes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Proposer = 0,
    Acceptor = 1,
    Learner = 2,
}

fn main_role(roles: Roles) -> Role {
    if roles.is_proposer() {
        Role::Proposer
    } else if roles.is_acceptor() {
        Role::Acceptor
    } else {
        Role::Learner
    }
}

fn role_class(role: Role) -> &'static str {
    match role {
        Role::Proposer => "proposer",
        Role::Acceptor => "acceptor",
        Role::Learner => "learner",
    }
}

fn stage_class(stage: Stage) -> &'static str {
    match stage {
        Stage::Idle => "idle",
        Stage::Waiting => "waiting",
        Stage::Preparing => "preparing",
        Stage::Accepting => "accepting",
        Stage::Done => "done",
    }
}

fn stage_name(lang: Lang, stage: Stage) -> &'static str {
    let x = text(lang);
    match stage {
        Stage::Idle => x.idle,
        Stage::Waiting => x.waiting,
        Stage::Preparing => x.preparing,
        Stage::Accepting => x.accepting,
        Stage::Done => x.done,
    }
}

/// A value short enough for the inside of a node; the table shows it whole.
fn short(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(4).collect();
    if chars.next().is_some() {
        format!("{}…", head.chars().take(3).collect::<String>())
    } else {
        head
    }
}

/// The value a proposer holds: the one it sent in phase 2, else the one it was asked to propose.
fn value_in_hand(node: &PaxosNode) -> Option<&str> {
    let p = &node.volatile.proposer;
    p.proposed.as_deref().or(p.value.as_deref())
}

fn node_view(lang: Lang, sim: &Sim<PaxosNode>, slot: &NodeSlot<PaxosNode>, now: f64) -> NodeView {
    let x = text(lang);
    let node = &slot.state;
    let role = main_role(node.roles);
    let quorum = node.quorum();
    let mut class = vec![role_class(role)];
    let mut data = vec![
        ("data-role", role_class(role).to_owned()),
        ("data-roles", node.roles.to_string()),
    ];
    let (center, caption) = match role {
        Role::Proposer => {
            let p = &node.volatile.proposer;
            class.push(stage_class(p.stage));
            data.push(("data-stage", stage_class(p.stage).to_owned()));
            if let Some(n) = p.n {
                data.push(("data-n", n.to_string()));
            }
            let n = p.n.map(|n| n.to_string()).unwrap_or_default();
            let caption = match p.stage {
                Stage::Preparing => format!("Prepare {n} · {}/{quorum}", p.promises.len()),
                Stage::Accepting => format!("Accept {n} · {}/{quorum}", p.accepted.len()),
                Stage::Done => format!("✓ {} {n}", x.done),
                stage => stage_name(lang, stage).to_owned(),
            };
            (value_in_hand(node).map_or("–".into(), short), caption)
        }
        Role::Acceptor => {
            let s = &node.persistent;
            if !panel::chosen_accepted_by(sim, node.id).is_empty() {
                class.push("in-chosen");
            }
            if let Some(value) = s.accepted_value() {
                class.push("has-accepted");
                data.push(("data-accepted-value", value.clone()));
            }
            let caption = match (s.min_proposal, s.accepted_proposal()) {
                (None, _) => x.no_promise.to_owned(),
                (Some(min), Some(acc)) if min == acc => format!("{} {acc}", x.accepted),
                (Some(min), Some(acc)) => format!("min {min} · acc {acc}"),
                (Some(min), None) => format!("{} {min}", x.promised),
            };
            (s.accepted_value().map_or("–".into(), |v| short(v)), caption)
        }
        Role::Learner => {
            let l = &node.volatile.learner;
            match &l.learned {
                Some(learned) => {
                    class.push("learned");
                    data.push(("data-learned", learned.value.clone()));
                    (short(&learned.value), format!("✓ {}", x.learned))
                }
                None => {
                    let heard = l.tallies.values().map(|t| t.acceptors.len()).max();
                    (
                        "?".into(),
                        format!("{} {}/{quorum}", x.heard, heard.unwrap_or(0)),
                    )
                }
            }
        }
    };
    // An acceptor writing what it promised or accepted holds back its answers until it is on
    // disk (§2.2: it must remember them through a crash).
    let writing = slot.up && node.writing().is_some();
    if writing {
        class.push("writing");
    }
    data.push(("data-writing", writing.to_string()));
    let caption = match (slot.up, writing) {
        (false, _) => lang.text().down.to_owned(),
        (true, true) => format!(
            "{caption} · {}",
            crate::i18n::say(lang, "writing", "写盘中")
        ),
        (true, false) => caption,
    };
    // Several roles: say which (colocated servers are `PAL` or `AL`).
    let label = if node.roles.0.count_ones() > 1 {
        format!("{} · {}", node.id, node.roles)
    } else {
        node.id.to_string()
    };
    let timer = [(Timer::Timeout, "timeout"), (Timer::Retry, "retry")]
        .into_iter()
        .find_map(|(kind, class)| {
            slot.timers().get(&kind).map(|armed| {
                let span = (armed.fires_at - armed.set_at).max(1) as f64;
                ((armed.fires_at as f64 - now) / span, class)
            })
        });
    NodeView {
        id: node.id.0 + 1,
        label: label.into(),
        center: center.into(),
        caption: caption.into(),
        class: class.join(" ").into(),
        data,
        up: slot.up,
        timer,
    }
}

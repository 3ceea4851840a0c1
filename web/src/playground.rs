//! The playground every protocol shares: one [`Player`], the cluster drawing, the caption, the
//! controls, the message inspector and the network panel. A protocol plugs in through
//! [`ProtocolView`]: how to draw its nodes and messages, how to say what a step did, and its own
//! panels and settings.

use std::rc::Rc;

use concord_core::sim::{Action, Envelope, MsgId, NodeSlot, Protocol, Sim, StepReport, Violation};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::player::{Player, PlayerAction};
use crate::view::cluster::{Cluster, Dot, Layout, NodeView};
use crate::view::controls::{Controls, CountControl};
use crate::view::frames::use_animation_frames;
use crate::view::message::{MessageInspector, MsgCommand, MsgView, serde_fields};
use crate::view::network::{NetChange, NetworkPanel};

/// What a run is made from; the URL holds it.
#[derive(Clone, PartialEq, Debug)]
pub struct RunConfig {
    pub seed: u64,
    /// The cluster's main count, as the protocol reads it: servers for Raft, acceptors for Paxos
    /// (which counts its other roles in its [`Options`]).
    pub nodes: usize,
    pub options: Options,
}

/// A protocol's own settings, as the `key=value` pairs of the URL the shell does not read
/// itself (Paxos: `proposers=2&learners=1&breaks=small_quorum`). Only the protocol interprets
/// them; a missing or malformed one takes its default, as every URL parameter does.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Options(Rc<[(String, String)]>);

impl Options {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Options(pairs.into())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// How a protocol appears in the playground.
pub trait ProtocolView: Protocol + 'static {
    /// Its name in the URL (`algo=`) and its CSS class.
    const ALGO: &'static str;
    /// Smallest and largest cluster the view draws well, and the size when the URL names none.
    const NODES_RANGE: (usize, usize);
    const DEFAULT_NODES: usize;

    fn new_sim(run: &RunConfig) -> Sim<Self>;
    /// The cluster in one phrase, for screen readers.
    fn describe(lang: Lang, sim: &Sim<Self>) -> String;
    /// Where the nodes are drawn: on a ring unless the protocol's roles read better otherwise.
    fn layout(_lang: Lang, _sim: &Sim<Self>) -> Layout {
        Layout::Ring
    }
    /// How one node looks; `sim` is the whole run, for what no single node knows (Paxos: whether
    /// an acceptor is in the majority that chose a value).
    fn node_view(lang: Lang, sim: &Sim<Self>, slot: &NodeSlot<Self>, now: f64) -> NodeView;
    /// CSS class of a message's dot (its kind).
    fn dot_class(msg: &Self::Msg) -> &'static str;
    /// A message in one line, for tooltips and the message inspector.
    fn msg_title(lang: Lang, env: &Envelope<Self::Msg>) -> String;
    /// The payload's fields as the message inspector lists them; by default as serde writes them.
    fn msg_fields(_lang: Lang, msg: &Self::Msg) -> Vec<(String, String)> {
        serde_fields(msg)
    }
    /// What a step did, in words, naming the rule that fired.
    fn caption(lang: Lang, report: &StepReport<Self>) -> String;
    /// The caption before the first step.
    fn start_caption(lang: Lang, sim: &Sim<Self>) -> String;
    /// The side panel of the selected node: its state and what a user can do to it.
    fn node_panel(
        lang: Lang,
        slot: &NodeSlot<Self>,
        now: f64,
        on_act: Callback<Action<Self>>,
        on_close: Callback<()>,
    ) -> Html;
    /// Protocol state shown under the caption (log grid, acceptor table …). `reports` are the
    /// steps that led to `sim`, for panels that say when something happened.
    fn state_panel(_lang: Lang, _sim: &Sim<Self>, _reports: &[StepReport<Self>]) -> Html {
        Html::default()
    }
    /// A broken invariant in a sentence for the banner; by default the checker's own words.
    fn violation_text(_lang: Lang, _sim: &Sim<Self>, violation: &Violation) -> String {
        violation.detail.clone()
    }
    /// The size of the run in the control bar: by default one count of servers in
    /// [`Self::NODES_RANGE`].
    fn size_controls(lang: Lang, run: &RunConfig, on_run: Callback<RunConfig>) -> Html {
        let (min, max) = Self::NODES_RANGE;
        let on_nodes = {
            let run = run.clone();
            Callback::from(move |nodes: usize| {
                on_run.emit(RunConfig {
                    nodes: nodes.clamp(min, max),
                    ..run.clone()
                })
            })
        };
        html! {
            <CountControl label={lang.text().nodes} control="nodes" value={run.nodes}
                range={Self::NODES_RANGE} on_change={on_nodes} />
        }
    }
    /// Switches of the protocol (back-off, "break it" …), in the side panel; none by default.
    fn settings_panel(_lang: Lang, _run: &RunConfig, _on_run: Callback<RunConfig>) -> Html {
        Html::default()
    }
    /// What the side panel says while nothing is selected.
    fn click_hint(lang: Lang) -> &'static str {
        lang.text().click_a_node
    }
    fn legend(lang: Lang) -> Html;
}

#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    pub lang: Lang,
    pub run: RunConfig,
    pub speed_exp: i32,
    pub autoplay: bool,
    /// The user changed the seed, the cluster size or the protocol's options.
    pub on_run: Callback<RunConfig>,
    pub on_speed: Callback<i32>,
}

/// What the side panel shows: a server or a message in flight.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Selection {
    Node(usize),
    Msg(MsgId),
}

impl Selection {
    fn node(self) -> Option<usize> {
        match self {
            Selection::Node(i) => Some(i),
            Selection::Msg(_) => None,
        }
    }

    fn msg(self) -> Option<u64> {
        match self {
            Selection::Msg(id) => Some(id.0),
            Selection::Node(_) => None,
        }
    }
}

/// One run of protocol `P`. The shell keys it by its [`RunConfig`], so a new seed or size mounts
/// a fresh one.
#[component]
pub fn Playground<P: ProtocolView>(props: &PlaygroundProps) -> Html {
    let run = props.run.clone();
    let player = use_reducer(|| Player::new(P::new_sim(&run), props.speed_exp, props.autoplay));
    let selected = use_state(|| None::<Selection>);
    let root = use_node_ref();

    {
        let root = root.clone();
        use_effect_with((), move |_| {
            if let Some(el) = root.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let playing = player.state().playing;
    {
        let player = player.dispatcher();
        use_animation_frames(
            playing,
            Callback::from(move |dt| player.dispatch(PlayerAction::Tick(dt))),
        );
    }

    let lang = props.lang;
    let t = lang.text();
    let dispatch = |action: fn() -> PlayerAction<P>| {
        let player = player.dispatcher();
        Callback::from(move |_| player.dispatch(action()))
    };
    let on_speed = {
        let (player, up) = (player.dispatcher(), props.on_speed.clone());
        Callback::from(move |exp| {
            player.dispatch(PlayerAction::SetSpeed(exp));
            up.emit(exp);
        })
    };
    let on_run = props.on_run.clone();
    let on_seed = {
        let (on_run, run) = (on_run.clone(), run.clone());
        Callback::from(move |seed| {
            on_run.emit(RunConfig {
                seed,
                ..run.clone()
            })
        })
    };
    let on_new_seed = {
        let (on_run, run) = (on_run.clone(), run.clone());
        Callback::from(move |_| {
            on_run.emit(RunConfig {
                seed: crate::url::random_seed(),
                ..run.clone()
            })
        })
    };
    let on_reset = {
        let (player, run) = (player.dispatcher(), run.clone());
        Callback::from(move |_| player.dispatch(PlayerAction::Load(Box::new(P::new_sim(&run)))))
    };
    let toggle = {
        let selected = selected.clone();
        Callback::from(move |next: Selection| {
            selected.set(if *selected == Some(next) {
                None
            } else {
                Some(next)
            })
        })
    };
    let on_select = toggle.reform(Selection::Node);
    let on_select_msg = toggle.reform(|id| Selection::Msg(MsgId(id)));
    let on_act = {
        let player = player.dispatcher();
        Callback::from(move |a: Action<P>| player.dispatch(PlayerAction::Act(a)))
    };
    let on_key = {
        let player = player.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            // Keys typed into a field, or Space on a button, belong to that control.
            let tag = e
                .target_dyn_into::<HtmlElement>()
                .map(|el| el.tag_name())
                .unwrap_or_default();
            if tag == "INPUT" || (tag == "BUTTON" && e.key() == " ") {
                return;
            }
            let action = match e.key().as_str() {
                " " => PlayerAction::TogglePlay,
                "ArrowRight" => PlayerAction::Step,
                "ArrowLeft" => PlayerAction::Back,
                _ => return,
            };
            e.prevent_default();
            player.dispatch(action);
        })
    };

    let state = player.state();
    let sim = state.sim();
    let now = state.view_time;
    let nodes: Vec<NodeView> = sim
        .nodes()
        .iter()
        .map(|slot| P::node_view(lang, sim, slot, now))
        .collect();
    let dots: Vec<Dot> = sim
        .in_flight()
        .map(|env| Dot {
            id: env.id.0,
            from: env.from.index(),
            to: env.to.index(),
            progress: (now - env.sent_at as f64) / (env.deliver_at - env.sent_at).max(1) as f64,
            class: P::dot_class(&env.msg).into(),
            title: P::msg_title(lang, env).into(),
            lost: env.lost,
        })
        .collect();
    let caption_text = match state.history.last_report() {
        Some(report) => P::caption(lang, report),
        None => P::start_caption(lang, sim),
    };
    let violation = sim.violations().first().map(|v| {
        html! {
            <div class="violation" role="alert" data-violation={v.invariant.clone()}>
                <strong>{ t.violation }{ ": " }{ v.invariant.clone() }</strong>
                { format!(" · {} {} · {}", t.step_no, v.step, P::violation_text(lang, sim, v)) }
            </div>
        }
    });
    let close = {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(None))
    };
    let inspector = match *selected {
        Some(Selection::Node(i)) => sim
            .nodes()
            .get(i)
            .map(|slot| P::node_panel(lang, slot, now, on_act.clone(), close.clone())),
        Some(Selection::Msg(id)) => sim.message(id).map(|env| {
            let on_command = on_act.reform(move |cmd| match cmd {
                MsgCommand::DeliverNow => Action::Deliver(id),
                MsgCommand::Drop => Action::Drop(id),
                MsgCommand::Duplicate => Action::Duplicate(id),
                MsgCommand::Delay(by) => Action::Delay(id, by),
            });
            let msg = MsgView::new(env, P::msg_title(lang, env), P::msg_fields(lang, &env.msg));
            html! { <MessageInspector {lang} {msg} {on_command} on_close={close.clone()} /> }
        }),
        None => None,
    };
    let net = sim.network();
    let on_net = on_act.reform(|change| match change {
        NetChange::Settings(config) => Action::SetNetwork(config),
        NetChange::Partition(groups) => Action::Partition(groups),
        NetChange::Cut(a, b) => Action::Cut(a, b),
        NetChange::Uncut(a, b) => Action::Uncut(a, b),
        NetChange::Heal => Action::Heal,
    });

    html! {
        <div class={classes!("playground", P::ALGO)} ref={root} tabindex="0" onkeydown={on_key}>
            { for violation }
            <div class="layout">
                <div class="main">
                    <Cluster layout={P::layout(lang, sim)} {nodes} {dots} {on_select} {on_select_msg}
                        selected={selected.and_then(Selection::node)} selected_msg={selected.and_then(Selection::msg)}
                        groups={net.groups().to_vec()} cuts={net.cuts().map(|(a, b)| (a.index(), b.index())).collect::<Vec<_>>()}
                        aria_label={P::describe(lang, sim)} />
                    <p class="caption" data-caption="" aria-live="polite">{ caption_text }</p>
                    if let Some(err) = state.error.clone() { <p class="error" role="status">{ err }</p> }
                    { P::state_panel(lang, sim, &state.history.reports()[..state.history.position()]) }
                    <Controls {lang} playing={state.playing} speed_exp={state.speed_exp}
                        step={state.history.position()} steps_recorded={state.history.len()} time={now}
                        seed={run.seed} size={P::size_controls(lang, &run, on_run.clone())}
                        on_play={player.dispatcher().to_callback().reform(PlayerAction::SetPlaying)} on_step={dispatch(|| PlayerAction::Step)}
                        on_back={dispatch(|| PlayerAction::Back)} {on_reset} {on_speed} {on_seed} {on_new_seed} />
                </div>
                <aside class="side">
                    if let Some(panel) = inspector { { panel } } else {
                        <p class="hint">{ P::click_hint(lang) }</p>
                    }
                    { P::settings_panel(lang, &run, on_run.clone()) }
                    <NetworkPanel {lang} config={net.config.clone()} nodes={sim.nodes().len()}
                        groups={net.groups().to_vec()} cuts={net.cuts().collect::<Vec<_>>()} on_change={on_net} />
                    { P::legend(lang) }
                </aside>
            </div>
        </div>
    }
}

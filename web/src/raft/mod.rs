//! The Raft view: the cluster ring, the caption, the inspector of the selected
//! server, and the controls, around one [`Player`].

mod caption;
mod inspector;

use concord_core::raft::{Command, Msg, RaftConfig, RaftNode, Role, Timer};
use concord_core::sim::{Action, MsgId, NodeId, Sim, SimConfig};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::player::{Player, PlayerAction};
use crate::view::cluster::{Cluster, Dot, NodeView};
use crate::view::controls::Controls;
use crate::view::frames::use_animation_frames;
use crate::view::message::{MessageInspector, MsgCommand, MsgView};
use crate::view::network::{NetChange, NetworkPanel};

pub const NODES_RANGE: (usize, usize) = (1, 9);

/// What a Raft run is made from; the URL holds it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RunConfig {
    pub seed: u64,
    pub nodes: usize,
}

pub fn new_sim(run: RunConfig) -> Sim<RaftNode> {
    let config = SimConfig {
        seed: run.seed,
        nodes: run.nodes.clamp(NODES_RANGE.0, NODES_RANGE.1),
        net: Default::default(),
    };
    Sim::new(config, &RaftConfig::default()).expect("the default settings are valid")
}

#[derive(Properties, PartialEq)]
pub struct RaftProps {
    pub lang: Lang,
    pub run: RunConfig,
    pub speed_exp: i32,
    pub autoplay: bool,
    /// The user changed seed or cluster size.
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

/// One Raft run. The shell keys it by its [`RunConfig`], so a new seed or size mounts a fresh one.
#[component]
pub fn RaftPlayground(props: &RaftProps) -> Html {
    let run = props.run;
    let player = use_reducer(|| Player::new(new_sim(run), props.speed_exp, props.autoplay));
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
    let dispatch = |action: fn() -> PlayerAction<RaftNode>| {
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
        let on_run = on_run.clone();
        Callback::from(move |seed| on_run.emit(RunConfig { seed, ..run }))
    };
    let on_new_seed = {
        let on_run = on_run.clone();
        Callback::from(move |_| {
            on_run.emit(RunConfig {
                seed: crate::url::random_seed(),
                ..run
            })
        })
    };
    let on_nodes = Callback::from(move |nodes: usize| {
        on_run.emit(RunConfig {
            nodes: nodes.clamp(NODES_RANGE.0, NODES_RANGE.1),
            ..run
        })
    });
    let on_reset = {
        let player = player.dispatcher();
        Callback::from(move |_| player.dispatch(PlayerAction::Load(Box::new(new_sim(run)))))
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
        Callback::from(move |a: Action<RaftNode>| player.dispatch(PlayerAction::Act(a)))
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
        .map(|slot| node_view(lang, slot, now))
        .collect();
    let dots: Vec<Dot> = sim
        .in_flight()
        .map(|env| Dot {
            id: env.id.0,
            from: env.from.index(),
            to: env.to.index(),
            progress: (now - env.sent_at as f64) / (env.deliver_at - env.sent_at).max(1) as f64,
            class: msg_class(&env.msg).into(),
            title: caption::msg_title(lang, env).into(),
            lost: env.lost,
        })
        .collect();
    let caption_text = match state.history.last_report() {
        Some(report) => caption::caption(lang, report),
        None => t.start_caption.to_owned(),
    };
    let violation = sim.violations().first().map(|v| {
        html! {
            <div class="violation" role="alert" data-violation={v.invariant.clone()}>
                <strong>{ t.violation }{ ": " }{ v.invariant.clone() }</strong>
                { format!(" · {} {} · {}", t.step_no, v.step, v.detail) }
            </div>
        }
    });
    let close = {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(None))
    };
    let inspector = match *selected {
        Some(Selection::Node(i)) => sim.nodes().get(i).map(|slot| {
            html! { <inspector::Inspector {lang} node={slot.clone()} now={now} on_act={on_act.clone()} on_close={close.clone()} /> }
        }),
        Some(Selection::Msg(id)) => sim.message(id).map(|env| {
            let on_command = on_act.reform(move |cmd| match cmd {
                MsgCommand::DeliverNow => Action::Deliver(id),
                MsgCommand::Drop => Action::Drop(id),
                MsgCommand::Duplicate => Action::Duplicate(id),
                MsgCommand::Delay(by) => Action::Delay(id, by),
            });
            let msg = MsgView::new(env, caption::msg_title(lang, env));
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
        <div class="playground raft" ref={root} tabindex="0" onkeydown={on_key}>
            { for violation }
            <div class="layout">
                <div class="main">
                    <Cluster {nodes} {dots} {on_select} {on_select_msg}
                        selected={selected.and_then(Selection::node)} selected_msg={selected.and_then(Selection::msg)}
                        groups={net.groups().to_vec()} cuts={net.cuts().map(|(a, b)| (a.index(), b.index())).collect::<Vec<_>>()}
                        aria_label={format!("Raft, {} servers", sim.nodes().len())} />
                    <p class="caption" data-caption="" aria-live="polite">{ caption_text }</p>
                    if let Some(err) = state.error.clone() { <p class="error" role="status">{ err }</p> }
                    <Controls {lang} playing={state.playing} speed_exp={state.speed_exp}
                        step={state.history.position()} steps_recorded={state.history.len()} time={now}
                        seed={run.seed} nodes={run.nodes} nodes_range={NODES_RANGE}
                        on_play={player.dispatcher().to_callback().reform(PlayerAction::SetPlaying)} on_step={dispatch(|| PlayerAction::Step)}
                        on_back={dispatch(|| PlayerAction::Back)} {on_reset} {on_speed} {on_seed} {on_new_seed} {on_nodes} />
                </div>
                <aside class="side">
                    if let Some(panel) = inspector { { panel } } else {
                        <p class="hint">{ t.click_a_node }</p>
                    }
                    <NetworkPanel {lang} config={net.config.clone()} nodes={sim.nodes().len()}
                        groups={net.groups().to_vec()} cuts={net.cuts().collect::<Vec<_>>()} on_change={on_net} />
                    <Legend {lang} />
                </aside>
            </div>
        </div>
    }
}

fn msg_class(msg: &Msg) -> &'static str {
    match msg {
        Msg::RequestVote { .. } => "request-vote",
        Msg::RequestVoteReply { granted: true, .. } => "vote-granted",
        Msg::RequestVoteReply { granted: false, .. } => "vote-denied",
        Msg::AppendEntries { .. } => "append-entries",
        Msg::AppendEntriesReply { .. } => "append-reply",
    }
}

fn role_class(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

fn node_view(lang: Lang, slot: &concord_core::sim::NodeSlot<RaftNode>, now: f64) -> NodeView {
    let t = lang.text();
    let node = &slot.state;
    let role = node.role();
    let caption = if !slot.up {
        t.down.to_owned()
    } else {
        match role {
            Role::Follower => t.follower.to_owned(),
            Role::Candidate => format!(
                "{} {}/{}",
                t.candidate,
                node.volatile.votes.len(),
                node.majority()
            ),
            Role::Leader => t.leader.to_owned(),
        }
    };
    let timer = [
        (Timer::Heartbeat, "heartbeat"),
        (Timer::Election, "election"),
    ]
    .into_iter()
    .find_map(|(kind, class)| {
        slot.timers().get(&kind).map(|armed| {
            let span = (armed.fires_at - armed.set_at).max(1) as f64;
            ((armed.fires_at as f64 - now) / span, class)
        })
    });
    NodeView {
        id: node.id.0 + 1,
        label: node.id.to_string().into(),
        center: node.term().to_string().into(),
        caption: caption.into(),
        class: role_class(role).into(),
        data: vec![
            ("data-role", role_class(role).to_owned()),
            ("data-term", node.term().to_string()),
        ],
        up: slot.up,
        timer,
    }
}

#[derive(Properties, PartialEq)]
struct LegendProps {
    lang: Lang,
}

#[component]
fn Legend(props: &LegendProps) -> Html {
    let t = props.lang.text();
    let dot = |class: &'static str, label: &'static str| {
        html! { <li><svg viewBox="0 0 16 16" class="swatch"><circle class={classes!("dot", class)} cx="8" cy="8" r="6" /></svg>{ label }</li> }
    };
    let role = |class: &'static str, label: &'static str| {
        html! { <li><svg viewBox="0 0 16 16" class={classes!("swatch", "node", class)}><circle class="body" cx="8" cy="8" r="6" /></svg>{ label }</li> }
    };
    html! {
        <details class="legend" open=true>
            <summary>{ t.legend }</summary>
            <ul>
                { role("follower", t.follower) }
                { role("candidate", t.candidate) }
                { role("leader", t.leader) }
                { dot("request-vote", t.request_vote) }
                { dot("vote-granted", t.vote_granted) }
                { dot("vote-denied", t.vote_denied) }
                { dot("append-entries", t.append_entries) }
                { dot("append-reply", t.append_reply) }
                <li><svg viewBox="0 0 16 16" class="swatch"><circle class="dot lost" cx="8" cy="8" r="6" /></svg>{ t.lost_message }</li>
                <li class="note">{ t.timer_ring }</li>
            </ul>
        </details>
    }
}

/// Commands a user can give a server from the inspector.
pub fn node_actions(id: NodeId, up: bool) -> Vec<(&'static str, Action<RaftNode>)> {
    if up {
        vec![
            ("timeout", Action::Command(id, Command::Timeout)),
            ("crash", Action::Crash(id)),
        ]
    } else {
        vec![("restart", Action::Restart(id))]
    }
}

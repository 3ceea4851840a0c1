//! The playground every protocol shares: one [`Player`], the cluster, the caption, the controls,
//! the timeline, the space-time diagram, the pending events, the message inspector and the
//! network panel. A protocol plugs in through [`ProtocolView`]. Embeds show the same component
//! compact: the cluster, the caption and the controls their author chose.
//!
//! The component owns its player through [`use_player`]; the pieces around it are small:
//! [`keys`] (the shortcut table behind both the key handler and the help overlay), [`jumps`]
//! (the jump bar), [`share`] (the share card), and the views in [`crate::view`].

mod bridge;
mod derive;
mod jumps;
mod keys;
mod layout;
pub mod permalink;
mod protocol_view;
mod share;

use concord_core::sim::{Action, History, MsgId, NodeId};
use web_sys::HtmlElement;
use yew::prelude::*;

pub use bridge::{Bridge, Command};
pub use permalink::tape_fragment;
pub use protocol_view::{Beside, Goal, InspectorProps, Milestone, ProtocolView};

use crate::i18n::Lang;
use crate::panic_banner;
use crate::player::{Jump, Player, PlayerAction};
use crate::run::RunConfig;
use crate::trouble::Trouble;
use crate::view::caption;
use crate::view::cluster::ClusterProps;
use crate::view::controls::{ControlSet, ControlsProps};
use crate::view::frames::{prefers_reduced_motion, use_animation_frames};
use crate::view::in_view::use_in_view;
use crate::view::message::{MessageInspectorProps, MsgCommand, MsgView};
use crate::view::network::{NetChange, NetworkProps};
use crate::view::paced::{PacedPanel, use_pace};
use crate::view::pending::{PendingKind, PendingPanel, PendingProps};
use crate::view::spacetime::SpaceTimeProps;
use crate::view::steady::use_steady_height;
use crate::view::timeline::TimelineProps;
use keys::KeyCommand;
use layout::{CompactParts, FullParts, GuidedParts, Parts, Spacetime};

#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    pub lang: Lang,
    pub run: RunConfig,
    pub speed_exp: i32,
    pub autoplay: bool,
    /// A permalink's fragment (`#tape=…`) to replay on top of `run`.
    #[prop_or_default]
    pub tape: Option<AttrValue>,
    /// The user changed seed or cluster size.
    pub on_run: Callback<RunConfig>,
    pub on_speed: Callback<i32>,
    /// Open at this step, replaying the run up to it, unless a tape says where to stand.
    #[prop_or_default]
    pub start_step: usize,
    /// An embed: only the view, the caption and these controls.
    #[prop_or_default]
    pub compact: Option<Compact>,
    /// A tour step: the view, the caption, the playback controls and the panels it asks for.
    #[prop_or_default]
    pub guided: Option<Guided>,
    /// An embed's link to its page (or a tour's to its step): commands in, events out.
    #[prop_or_default]
    pub bridge: Option<Bridge>,
}

/// Panels a guided playground shows besides the drawing, the caption and the controls.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Panels(u8);

impl Panels {
    /// The protocol's state: Raft's logs, Gossip's counts and charts, Paxos' tables.
    pub const STATE: Panels = Panels(1);
    /// What acts on the run (Raft's client).
    pub const SIDE: Panels = Panels(1 << 1);
    /// The panel beside the drawing (Raft's Figure 2).
    pub const BESIDE: Panels = Panels(1 << 2);
    pub const TIMELINE: Panels = Panels(1 << 3);
    pub const SPACETIME: Panels = Panels(1 << 4);
    pub const NETWORK: Panels = Panels(1 << 5);
    pub const SETTINGS: Panels = Panels(1 << 6);

    pub fn with(self, other: Panels) -> Panels {
        Panels(self.0 | other.0)
    }

    pub fn has(self, panel: Panels) -> bool {
        self.0 & panel.0 == panel.0 && panel.0 != 0
    }
}

/// How a tour step shows its playground.
#[derive(Clone, PartialEq, Default)]
pub struct Guided {
    /// What tells the story, drawn beside the run (above it on a phone).
    pub card: Html,
    pub panels: Panels,
    /// Nodes (0-based) and a message kind (its class) drawn to catch the eye, and a panel.
    pub nodes: Vec<usize>,
    pub message: Option<AttrValue>,
    pub panel: Panels,
    /// While set, clicking a node answers the step's question instead of selecting the node.
    pub on_pick: Option<Callback<usize>>,
    /// Playing pauses once the run reaches this many steps: where the step ends.
    pub stop_at: Option<usize>,
}

/// How an embed shows its playground.
#[derive(Clone, PartialEq)]
pub struct Compact {
    pub controls: ControlSet,
    /// The full playground's address for this configuration (its query): the link "open in full
    /// playground" adds the run's fragment when followed.
    pub full: AttrValue,
}

/// What the side panel shows: a server or a message.
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

    fn msg(self) -> Option<MsgId> {
        match self {
            Selection::Msg(id) => Some(id),
            Selection::Node(_) => None,
        }
    }
}

/// The pending list shows the earliest events only: with thousands of nodes there are thousands
/// of timers, and a frame should not name them all.
const PENDING_ROWS: usize = 40;

/// The controls a guided playground shows: the playback, not the run's settings.
const GUIDED_CONTROLS: ControlSet = ControlSet::BACK
    .with(ControlSet::PLAY)
    .with(ControlSet::STEP)
    .with(ControlSet::SPEED);

/// The space-time diagram's default span of virtual time, µs.
const SPACETIME_WINDOW: f64 = 150_000.0;

/// The player for a playground's props. Under `prefers-reduced-motion` nothing starts moving by
/// itself: autoplay waits for the reader.
fn open<P: ProtocolView>(props: &PlaygroundProps, reduced_motion: bool) -> Player<P> {
    let sim = P::new_sim(&props.run);
    let tape = props
        .tape
        .as_deref()
        .and_then(permalink::read_fragment::<P>);
    let autoplay = props.autoplay && !reduced_motion;
    let player = match tape {
        None if props.start_step > 0 => {
            Player::new(sim, props.speed_exp, autoplay).at_step(props.start_step)
        }
        None => Player::new(sim, props.speed_exp, autoplay),
        Some(Ok(tape)) => match History::replay(sim.clone(), &tape) {
            Ok(history) => Player::from_history(history, props.speed_exp, false),
            Err(e) => Player::new(sim, props.speed_exp, false)
                .with_error(Trouble::Link(permalink::LinkError::Replay(e))),
        },
        Some(Err(e)) => Player::new(sim, props.speed_exp, false).with_error(Trouble::Link(e)),
    };
    player
        .quiet_at_real_time(P::QUIET_AT_REAL_TIME)
        .stopping_at(props.guided.as_ref().and_then(|g| g.stop_at))
}

/// A playground's player: opened from its props, driven by animation frames while it plays in
/// view or fast-forwards (a jump asked for finishes out of view too), and attached to its
/// embed's bridge if it has one.
#[hook]
fn use_player<P: ProtocolView>(
    props: &PlaygroundProps,
    reduced_motion: bool,
    in_view: bool,
) -> UseReducerHandle<Player<P>> {
    let player = use_reducer(|| open::<P>(props, reduced_motion));
    bridge::use_bridge(props.bridge.clone(), &player, props.run.clone(), props.lang);
    {
        // A panic's bug report carries this run's permalink. Weak: a playground the reader
        // left must not live on for it.
        let state = std::rc::Rc::downgrade(&player.shared());
        use_effect_with((), move |_| {
            panic_banner::track_run(move || {
                let state = state.upgrade()?;
                let state = state.try_borrow().ok()?;
                Some(permalink::permalink(&state.history))
            });
        });
    }
    let panic_at = *use_memo((), |_| panic_banner::panic_at());
    let position = player.state().history.position();
    panic_banner::panic_if_asked(panic_at, position);
    let active = {
        let state = player.state();
        state.forwarding.is_some() || (state.playing && in_view)
    };
    let send = player.dispatcher();
    use_animation_frames(
        active,
        Callback::from(move |dt| send.dispatch(PlayerAction::Tick(dt))),
    );
    player
}

/// The intervention a change in the network panel asks for.
fn net_action<P: ProtocolView>(change: NetChange) -> Action<P> {
    match change {
        NetChange::Settings(config) => Action::SetNetwork(config),
        NetChange::Partition(groups) => Action::Partition(groups),
        NetChange::Cut(a, b) => Action::Cut(a, b),
        NetChange::Uncut(a, b) => Action::Uncut(a, b),
        NetChange::Heal => Action::Heal,
    }
}

/// The playground's root, and what its focus-out does. The full page takes the keyboard at once;
/// an embed waits to be tabbed to, or a page with several would scroll to the last one.
#[hook]
fn use_focus(full: bool) -> (NodeRef, Callback<FocusEvent>) {
    let root = use_node_ref();
    {
        let root = root.clone();
        use_effect_with((), move |_| {
            if let Some(el) = root.cast::<HtmlElement>().filter(|_| full) {
                // Without scrolling: the header above the playground stays in view.
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = el.focus_with_options(&options);
                // No ring for a focus the reader did not move (style.css); gone once they do.
                let _ = el.set_attribute("data-autofocused", "");
            }
        });
    }
    let on_focus_out = {
        let root = root.clone();
        Callback::from(move |_: FocusEvent| {
            if let Some(el) = root.cast::<HtmlElement>() {
                let _ = el.remove_attribute("data-autofocused");
            }
        })
    };
    (root, on_focus_out)
}

/// One run of protocol `P`. The shell keys it by its [`RunConfig`], so a new seed or size mounts
/// a fresh one.
#[component]
pub fn Playground<P: ProtocolView>(props: &PlaygroundProps) -> Html {
    let run = props.run.clone();
    let reduced_motion = *use_memo((), |_| prefers_reduced_motion());
    let (root, on_focus_out) = use_focus(props.compact.is_none() && props.guided.is_none());
    let in_view = use_in_view(&root);
    let player = use_player::<P>(props, reduced_motion, in_view);
    let active = player.state().moving();
    let pace = use_pace(active);
    let caption_node = use_steady_height(active);
    let selected = use_state(|| None::<Selection>);
    let help = use_state(|| false);
    let window = use_state(|| SPACETIME_WINDOW);
    let timeline_cache = use_mut_ref(derive::TimelineCache::default);

    let lang = props.lang;
    let t = lang.text();
    let send = player.dispatcher().to_callback();
    let on_speed = {
        let (send, up) = (send.clone(), props.on_speed.clone());
        Callback::from(move |exp| {
            send.emit(PlayerAction::SetSpeed(exp));
            up.emit(exp);
        })
    };
    let on_run = props.on_run.clone();
    let on_seed = {
        let run = run.clone();
        on_run.reform(move |seed| RunConfig {
            seed,
            ..run.clone()
        })
    };
    let on_new_seed = {
        let run = run.clone();
        on_run.reform(move |_| RunConfig {
            seed: crate::run::random_seed(),
            ..run.clone()
        })
    };
    let on_reset = {
        let run = run.clone();
        send.reform(move |_| PlayerAction::Load(Box::new(P::new_sim(&run))))
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
    let on_select = match props.guided.as_ref().and_then(|g| g.on_pick.clone()) {
        Some(pick) => pick,
        None => toggle.reform(Selection::Node),
    };
    let on_select_msg = toggle.reform(|id| Selection::Msg(MsgId(id)));
    let on_act = send.reform(PlayerAction::Act);
    let on_key = {
        let (send, selected, help) = (send.clone(), selected.clone(), help.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(command) = keys::command(&e) else {
                return;
            };
            let action = match command {
                KeyCommand::TogglePlay => PlayerAction::TogglePlay,
                KeyCommand::Step => PlayerAction::Step,
                KeyCommand::Back => PlayerAction::Back,
                KeyCommand::NextMark => {
                    PlayerAction::Jump(Jump::Mark(derive::is_marked::<P>, true))
                }
                KeyCommand::PrevMark => {
                    PlayerAction::Jump(Jump::Mark(derive::is_marked::<P>, false))
                }
                KeyCommand::Drop => match selected.and_then(Selection::msg) {
                    Some(id) => PlayerAction::Act(Action::Drop(id)),
                    None => return,
                },
                KeyCommand::Help => {
                    help.set(!*help);
                    e.prevent_default();
                    return;
                }
                KeyCommand::Escape => {
                    help.set(false);
                    selected.set(None);
                    return;
                }
            };
            e.prevent_default();
            send.emit(action);
        })
    };

    let state = player.state();
    let history = &state.history;
    let sim = state.sim();
    // With reduced motion a playing run is drawn at its last event: dots and timers move in
    // jumps, when something happens, instead of gliding.
    let now = if reduced_motion && state.playing {
        sim.now() as f64
    } else {
        state.view_time
    };
    let selected_node = selected.and_then(Selection::node);
    let selected_msg = selected.and_then(Selection::msg).map(|m| m.0);
    let dense = P::dense_view(lang, sim, selected_node, on_select.clone());
    let caption_text = match (&state.forwarding, history.last_report()) {
        (Some(_), _) => format!("{} {}", t.fast_forwarding, history.position()),
        (None, Some(report)) => caption::caption(lang, report),
        (None, None) => P::start_caption(lang, sim),
    };
    let violation = sim
        .violations()
        .first()
        .map(|v| layout::violation(lang, v, P::violation_text(lang, sim, v)));
    let close = {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(None))
    };
    let inspector = match *selected {
        Some(Selection::Node(i)) => sim
            .nodes()
            .get(i)
            .map(|slot| html! {
                <P::Inspector key={i} {lang} node={slot.clone()} {now} on_act={on_act.clone()} on_close={close.clone()} />
            }),
        Some(Selection::Msg(id)) => derive::find_message(history, id).map(|env| {
            let on_command = on_act.reform(move |cmd| match cmd {
                MsgCommand::DeliverNow => Action::Deliver(id),
                MsgCommand::Drop => Action::Drop(id),
                MsgCommand::Duplicate => Action::Duplicate(id),
                MsgCommand::Delay(by) => Action::Delay(id, by),
            });
            layout::message_inspector(MessageInspectorProps {
                lang,
                msg: MsgView::new(env, caption::title::<P>(lang, env), P::msg_fields(lang, &env.msg)),
                in_flight: sim.message(id).is_some(),
                on_command,
                on_close: close.clone(),
            })
        }),
        None => None,
    };
    let controls = ControlsProps {
        lang,
        playing: state.playing,
        speed_exp: state.speed_exp,
        step: history.position(),
        steps_recorded: history.len(),
        time: now,
        seed: run.seed,
        size: P::size_controls(lang, &run, on_run.clone()),
        on_play: send.reform(PlayerAction::SetPlaying),
        on_step: send.reform(|_| PlayerAction::Step),
        on_back: send.reform(|_| PlayerAction::Back),
        on_reset,
        on_speed,
        on_seed,
        on_new_seed,
        quiet_at_real_time: state.quiet_at_real_time,
        compact: props
            .compact
            .as_ref()
            .map(|c| c.controls)
            .or(props.guided.as_ref().map(|_| GUIDED_CONTROLS)),
    };
    let net = sim.network();
    let is_dense = dense.is_some();
    let highlighted = |i: usize| props.guided.as_ref().is_some_and(|g| g.nodes.contains(&i));
    let cluster = dense.unwrap_or_else(|| {
        let nodes = sim
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let mut view = P::node_view(lang, sim, slot, now);
                if highlighted(i) {
                    view.class = format!("{} highlight", view.class).into();
                }
                view
            })
            .collect::<Vec<_>>();
        layout::cluster(ClusterProps {
            layout: P::layout(lang, sim),
            nodes,
            dots: derive::dots(lang, sim, now),
            selected: selected_node,
            on_select,
            selected_msg,
            on_select_msg: on_select_msg.clone(),
            groups: net.groups().to_vec(),
            cuts: net.cuts().map(|(a, b)| (a.index(), b.index())).collect(),
            aria_label: P::describe(lang, sim).into(),
        })
    });
    let timeline = |branches: bool| {
        let (marks, bands) = timeline_cache.borrow_mut().update(state.rewrites, history);
        let (from, to, kept_note) = derive::kept(lang, history);
        TimelineProps {
            lang,
            len: history.len(),
            position: history.position(),
            kept: (from, to),
            kept_note: kept_note.map(AttrValue::from),
            marks: derive::with_state_marks(marks, history),
            bands,
            band_name: P::band_name(lang).into(),
            branches: match branches {
                true => history.branches().iter().map(|b| (b.fork, b.len)).collect(),
                false => Vec::new(),
            },
            on_seek: send.reform(PlayerAction::Seek),
            on_switch: send.reform(PlayerAction::SwitchBranch),
        }
    };
    let spacetime = |window: f64| {
        if is_dense {
            return Spacetime::Dense;
        }
        let (arrows, events) = derive::spacetime(lang, history, now, window);
        let labels = (0..sim.nodes().len())
            .map(|i| AttrValue::from(NodeId(i as u16).to_string()))
            .collect();
        let props = SpaceTimeProps {
            labels,
            arrows,
            events,
            now,
            window,
            selected_msg,
            on_select_msg: on_select_msg.clone(),
        };
        Spacetime::Drawn(props, derive::spacetime_note(lang, history, now - window))
    };
    let network = || NetworkProps {
        lang,
        config: net.config.clone(),
        nodes: sim.nodes().len(),
        groups: net.groups().to_vec(),
        cuts: net.cuts().collect(),
        on_change: on_act.reform(net_action),
    };
    let parts = Parts {
        lang,
        algo: P::ALGO,
        describe: P::describe(lang, sim),
        root,
        on_key,
        violation,
        cluster,
        inspector,
        caption: layout::caption(
            caption_node,
            caption_text,
            state.forwarding.is_some(),
            state.playing,
        ),
        error: state.error.as_ref().map(|trouble| trouble.text(lang)),
        controls,
        help,
    };
    let beside = || {
        pace.panel(PacedPanel::Beside, &|| {
            P::beside_cluster(Beside {
                lang,
                sim,
                reports: history.reports_so_far(),
                selected: selected_node.map(|i| NodeId(i as u16)),
                run: &run,
                on_run: on_run.clone(),
            })
        })
    };
    let state_panel = || {
        pace.panel(PacedPanel::State, &|| {
            P::state_panel(lang, sim, history.reports_so_far())
        })
    };
    let side_panel = || {
        pace.panel(PacedPanel::Side, &|| {
            P::side_panel(lang, sim, on_act.clone())
        })
    };

    if let Some(guided) = &props.guided {
        // The panels the step asks for, in the order they are shown.
        let panels: [(Panels, &dyn Fn() -> Html); 6] = [
            (Panels::STATE, &state_panel),
            (Panels::SIDE, &side_panel),
            (Panels::TIMELINE, &|| layout::timeline(timeline(false))),
            (Panels::SPACETIME, &|| {
                layout::spacetime(lang, spacetime(*window))
            }),
            (Panels::NETWORK, &|| layout::network(network())),
            (Panels::SETTINGS, &|| {
                P::settings_panel(lang, sim, &run, on_run.clone())
            }),
        ];
        let panels = panels
            .into_iter()
            .filter(|(panel, _)| guided.panels.has(*panel))
            .map(|(panel, draw)| (panel, draw()))
            .collect();
        let guided = GuidedParts {
            card: guided.card.clone(),
            panels,
            lit: guided.panel,
            message: guided.message.clone(),
            beside: guided.panels.has(Panels::BESIDE).then(beside),
        };
        return layout::guided(parts, guided);
    }

    if let Some(compact) = &props.compact {
        let full_link = compact.controls.has(ControlSet::LINK).then(|| {
            let player = player.clone();
            let fragment = Callback::from(move |_| permalink::fragment(&player.state().history));
            (compact.full.clone(), fragment)
        });
        let compact = CompactParts {
            timeline: compact
                .controls
                .has(ControlSet::TIMELINE)
                .then(|| timeline(false)),
            full_link,
        };
        return layout::compact(parts, compact);
    }
    // A protocol's own bundle serves embeds and widgets only, which are compact or guided (its
    // iframe too, `main.rs`): what only the full layout shows (the next events, the jump bar,
    // the share card, the legend) is left out of it.
    if !cfg!(feature = "app") {
        let compact = CompactParts {
            timeline: None,
            full_link: None,
        };
        return layout::compact(parts, compact);
    }

    let full = FullParts {
        on_focus_out,
        beside: beside(),
        state: state_panel(),
        jump_bar: jumps::jump_bar::<P>(lang, &send, selected_node),
        timeline: timeline(true),
        spacetime: spacetime(*window),
        window: window.clone(),
        side: side_panel(),
        hint: P::click_hint(lang),
        settings: P::settings_panel(lang, sim, &run, on_run.clone()),
        pending: pace.panel(PacedPanel::Pending, &|| {
            let rows = derive::pending(lang, sim, PENDING_ROWS);
            // A row's timer is named by its place in its node's table, which is read here, in
            // the state the rows are drawn from: while playing the run moves on before the
            // click (the panel is a pace old at most, `view::paced`), and the place may then
            // hold another timer. A timer no longer armed is refused, as a message already
            // delivered is.
            let armed: Vec<_> = rows
                .iter()
                .filter_map(|row| match row.kind {
                    PendingKind::Timer { node, timer } => {
                        let kind = sim.nodes().get(node)?.timers().keys().nth(timer)?;
                        Some(((node, timer), *kind))
                    }
                    PendingKind::Message { .. } => None,
                })
                .collect();
            let on_fire = {
                let on_act = on_act.clone();
                Callback::from(move |(node, timer): (usize, usize)| {
                    if let Some((_, kind)) = armed.iter().find(|(at, _)| *at == (node, timer)) {
                        on_act.emit(Action::Fire(NodeId(node as u16), *kind));
                    }
                })
            };
            let pending = PendingProps {
                lang,
                rows,
                total: sim.pending_count(),
                selected_msg,
                on_deliver: on_act.reform(|id| Action::Deliver(MsgId(id))),
                on_drop: on_act.reform(|id| Action::Drop(MsgId(id))),
                on_select_msg: on_select_msg.clone(),
                on_fire,
            };
            html! { <PendingPanel ..pending /> }
        }),
        network: network(),
        share: share::share_card(lang, P::ALGO, &run, &player),
        legend: P::legend(lang),
    };
    layout::full(parts, full)
}

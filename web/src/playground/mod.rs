//! The playground every protocol shares: one [`Player`], the cluster ring, the caption, the
//! controls, the timeline, the space-time diagram, the pending events, the message inspector
//! and the network panel. A protocol plugs in through [`ProtocolView`]. Embeds show the same
//! component compact: the cluster, the caption and the controls their author chose.

mod bridge;
mod derive;
mod permalink;
mod protocol_view;

use concord_core::sim::{Action, History, MsgId, NodeId};
use web_sys::HtmlElement;
use yew::prelude::*;

pub use bridge::{Bridge, Command};
pub use protocol_view::{Beside, Goal, Milestone, Options, ProtocolView, RunConfig};

use crate::i18n::Lang;
use crate::player::{Jump, Player, PlayerAction};
use crate::view::cluster::Cluster;
use crate::view::controls::{ControlSet, Controls};
use crate::view::copy::CopyButton;
use crate::view::frames::{prefers_reduced_motion, use_animation_frames};
use crate::view::full_link::FullLink;
use crate::view::message::{MessageInspector, MsgCommand, MsgView};
use crate::view::network::{NetChange, NetworkPanel};
use crate::view::pending::PendingPanel;
use crate::view::spacetime::SpaceTime;
use crate::view::timeline::Timeline;
use permalink::EmbedForm;

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
    /// An embed's link to its page: commands in, events out.
    #[prop_or_default]
    pub bridge: Option<Bridge>,
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
            Err(e) => Player::new(sim, props.speed_exp, false).with_error(format!("link: {e}")),
        },
        Some(Err(e)) => Player::new(sim, props.speed_exp, false).with_error(format!("link: {e}")),
    };
    player.quiet_at_real_time(P::QUIET_AT_REAL_TIME)
}

/// One run of protocol `P`. The shell keys it by its [`RunConfig`], so a new seed or size mounts
/// a fresh one.
#[component]
pub fn Playground<P: ProtocolView>(props: &PlaygroundProps) -> Html {
    let run = props.run.clone();
    let reduced_motion = *use_memo((), |_| prefers_reduced_motion());
    let player = use_reducer(|| open::<P>(props, reduced_motion));
    let selected = use_state(|| None::<Selection>);
    let help = use_state(|| false);
    let window = use_state(|| SPACETIME_WINDOW);
    let root = use_node_ref();
    let timeline_cache = use_mut_ref(derive::TimelineCache::default);

    {
        // The full page takes the keyboard at once; an embed waits to be tabbed to, or a page
        // with several would scroll to the last one.
        let (root, full) = (root.clone(), props.compact.is_none());
        use_effect_with((), move |_| {
            if let Some(el) = root.cast::<HtmlElement>().filter(|_| full) {
                // Without scrolling: the header above the playground stays in view.
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = el.focus_with_options(&options);
            }
        });
    }
    bridge::use_bridge(props.bridge.clone(), &player, run.clone(), props.lang);
    // Frames drive playback, and a fast-forward's slices.
    let active = player.state().playing || player.state().forwarding.is_some();
    {
        let player = player.dispatcher();
        use_animation_frames(
            active,
            Callback::from(move |dt| player.dispatch(PlayerAction::Tick(dt))),
        );
    }

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
            seed: crate::url::random_seed(),
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
    let on_select = toggle.reform(Selection::Node);
    let on_select_msg = toggle.reform(|id| Selection::Msg(MsgId(id)));
    let on_act = send.reform(PlayerAction::Act);
    let on_key = {
        let (send, selected, help) = (send.clone(), selected.clone(), help.clone());
        Callback::from(move |e: KeyboardEvent| {
            // Keys typed into a field, or Space on a button, belong to that control.
            let tag = e
                .target_dyn_into::<HtmlElement>()
                .map(|el| el.tag_name())
                .unwrap_or_default();
            if tag == "INPUT" || tag == "SELECT" || (tag == "BUTTON" && e.key() == " ") {
                return;
            }
            let action = match e.key().as_str() {
                " " => PlayerAction::TogglePlay,
                "ArrowRight" => PlayerAction::Step,
                "ArrowLeft" => PlayerAction::Back,
                "]" => PlayerAction::Jump(Jump::Mark(derive::is_marked::<P>, true)),
                "[" => PlayerAction::Jump(Jump::Mark(derive::is_marked::<P>, false)),
                "d" | "D" => match selected.and_then(Selection::msg) {
                    Some(id) => PlayerAction::Act(Action::Drop(id)),
                    None => return,
                },
                "?" => {
                    help.set(!*help);
                    e.prevent_default();
                    return;
                }
                "Escape" => {
                    help.set(false);
                    selected.set(None);
                    return;
                }
                _ => return,
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
    let dense = P::dense_view(lang, sim, selected_node, on_select.clone());
    let caption_text = match (&state.forwarding, history.last_report()) {
        (Some(_), _) => format!("{} {}", t.fast_forwarding, history.position()),
        (None, Some(report)) => P::caption(lang, report),
        (None, None) => P::start_caption(lang, sim),
    };
    let violation = sim.violations().first().map(|v| {
        html! {
            <div class="violation" role="alert" data-violation={v.invariant.clone()} data-step={v.step.to_string()}>
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
        Some(Selection::Msg(id)) => derive::find_message(history, id).map(|env| {
            let on_command = on_act.reform(move |cmd| match cmd {
                MsgCommand::DeliverNow => Action::Deliver(id),
                MsgCommand::Drop => Action::Drop(id),
                MsgCommand::Duplicate => Action::Duplicate(id),
                MsgCommand::Delay(by) => Action::Delay(id, by),
            });
            let msg = MsgView::new(env, P::msg_title(lang, env), P::msg_fields(lang, &env.msg));
            let in_flight = sim.message(id).is_some();
            html! { <MessageInspector {lang} {msg} {in_flight} {on_command} on_close={close.clone()} /> }
        }),
        None => None,
    };
    let controls = html! {
        <Controls {lang} playing={state.playing} speed_exp={state.speed_exp}
            step={history.position()} steps_recorded={history.len()} time={now}
            seed={run.seed} size={P::size_controls(lang, &run, on_run.clone())}
            on_play={send.reform(PlayerAction::SetPlaying)} on_step={send.reform(|_| PlayerAction::Step)}
            on_back={send.reform(|_| PlayerAction::Back)} {on_reset} {on_speed} {on_seed} {on_new_seed}
            quiet_at_real_time={state.quiet_at_real_time}
            compact={props.compact.as_ref().map(|c| c.controls)} />
    };
    let net = sim.network();
    let groups = net.groups().to_vec();
    let cuts = net
        .cuts()
        .map(|(a, b)| (a.index(), b.index()))
        .collect::<Vec<_>>();
    let is_dense = dense.is_some();
    let cluster = dense.unwrap_or_else(|| {
        let nodes = sim
            .nodes()
            .iter()
            .map(|slot| P::node_view(lang, sim, slot, now))
            .collect::<Vec<_>>();
        let dots = derive::dots(lang, sim, now);
        html! {
            <Cluster layout={P::layout(lang, sim)} {nodes} {dots} {on_select} on_select_msg={on_select_msg.clone()}
                selected={selected_node} selected_msg={selected.and_then(Selection::msg).map(|m| m.0)}
                groups={groups} {cuts} aria_label={P::describe(lang, sim)} />
        }
    });
    // Read out as it changes when the reader steps; while playing it would talk over itself.
    let live = if state.playing { "off" } else { "polite" };
    let caption = html! { <p class="caption" data-caption="" data-forwarding={state.forwarding.is_some().to_string()} aria-live={live}>{ caption_text }</p> };
    let error = state
        .error
        .clone()
        .map(|err| html! { <p class="error" role="status">{ err }</p> });
    let help_overlay = help.then(|| {
        let help = help.clone();
        html! { <HelpOverlay {lang} on_close={Callback::from(move |_| help.set(false))} /> }
    });
    if let Some(compact) = &props.compact {
        let timeline = compact.controls.has(ControlSet::TIMELINE).then(|| {
            let (marks, bands) = timeline_cache.borrow_mut().update(state.rewrites, history);
            let marks = derive::with_state_marks(marks, history);
            html! {
                <Timeline {lang} len={history.len()} position={history.position()} {marks} {bands}
                    band_name={P::band_name(lang)} branches={Vec::new()}
                    on_seek={send.reform(PlayerAction::Seek)} on_switch={Callback::noop()} />
            }
        });
        let full_link = compact.controls.has(ControlSet::LINK).then(|| {
            let player = player.clone();
            let fragment = Callback::from(move |_| permalink::fragment(&player.state().history));
            html! { <FullLink {lang} href={compact.full.clone()} {fragment} /> }
        });
        return html! {
            <div class={classes!("playground", "compact", P::ALGO)} ref={root} tabindex="0" onkeydown={on_key}
                role="region" aria-label={P::describe(lang, sim)} aria-keyshortcuts="Space ArrowRight ArrowLeft">
                { for violation }
                <div class="stage">
                    { cluster }
                    if let Some(panel) = inspector { <div class="overlay">{ panel }</div> }
                </div>
                { caption }
                { for error }
                { for timeline }
                <div class="bar">{ controls }{ for full_link }</div>
                { for help_overlay }
            </div>
        };
    }
    let on_net = on_act.reform(|change| match change {
        NetChange::Settings(config) => Action::SetNetwork(config),
        NetChange::Partition(groups) => Action::Partition(groups),
        NetChange::Cut(a, b) => Action::Cut(a, b),
        NetChange::Uncut(a, b) => Action::Uncut(a, b),
        NetChange::Heal => Action::Heal,
    });
    let pending = derive::pending(lang, sim, PENDING_ROWS);
    let pending_count = sim.pending_count();
    let on_fire = {
        // The timer is looked up when clicked, in the state the row was drawn from.
        let (on_act, player) = (on_act.clone(), player.clone());
        Callback::from(move |(node, timer): (usize, usize)| {
            let kind = player
                .state()
                .sim()
                .nodes()
                .get(node)
                .and_then(|slot| slot.timers().keys().nth(timer).copied());
            if let Some(kind) = kind {
                on_act.emit(Action::Fire(NodeId(node as u16), kind));
            }
        })
    };
    let (marks, bands) = timeline_cache.borrow_mut().update(state.rewrites, history);
    let marks = derive::with_state_marks(marks, history);
    let branches = history
        .branches()
        .iter()
        .map(|b| (b.fork, b.len))
        .collect::<Vec<_>>();
    // Thousands of lanes would say nothing and cost every frame: a dense cluster has none.
    let spacetime = (!is_dense).then(|| {
        let (arrows, events) = derive::spacetime(lang, history, now, *window);
        let labels = sim
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, _)| AttrValue::from(NodeId(i as u16).to_string()))
            .collect::<Vec<_>>();
        html! {
            <SpaceTime {labels} {arrows} {events} {now} window={*window}
                selected_msg={selected.and_then(Selection::msg).map(|m| m.0)} on_select_msg={on_select_msg.clone()} />
        }
    });
    // The link also goes to the address bar, where a reader whose clipboard is barred finds it.
    let link = {
        let player = player.clone();
        Callback::from(move |_| {
            let href = permalink::permalink(&player.state().history);
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
            }
            href
        })
    };
    let embed_code = |form| {
        let player = player.clone();
        Callback::from(move |_| permalink::embed_code(P::ALGO, &player.state().history, form))
    };
    let on_export = {
        let (player, send, run) = (player.clone(), send.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let exported = permalink::export(P::ALGO, &run, &player.state().history);
            if let Err(e) = exported {
                send.emit(PlayerAction::Fail(format!("export: {e}")));
            }
        })
    };
    let on_import = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let Some(file) = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            let send = send.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let address = text
                    .ok()
                    .and_then(|t| t.as_string())
                    .ok_or_else(|| "the file could not be read".to_owned())
                    .and_then(|t| permalink::address_of(&t, lang.code()));
                match address {
                    Ok(address) => permalink::open_address(&address),
                    Err(e) => send.emit(PlayerAction::Fail(format!("import: {e}"))),
                }
            });
        })
    };
    let zoom = |factor: f64| {
        let window = window.clone();
        Callback::from(move |_: MouseEvent| {
            window.set((*window * factor).clamp(20_000.0, 20_000_000.0))
        })
    };
    let jump = |make: fn() -> Jump<P>| send.reform(move |_: MouseEvent| PlayerAction::Jump(make()));
    let goals = P::goals().into_iter().map(|goal| {
        let (reached, label) = (goal.reached, (goal.label)(lang));
        html! {
            <span class="goal">
                <button class="small" data-action="since-goal" title={format!("{} {label}", t.back_to_when)}
                    aria-label={format!("{} {label}", t.back_to_when)}
                    onclick={send.reform(move |_| PlayerAction::Jump(Jump::SinceBack(reached)))}>{ "◀" }</button>
                <button class="small" data-action="until-goal" onclick={send.reform(move |_| PlayerAction::Jump(Jump::Until(reached)))}>
                    { format!("{} {label}", t.until) }
                </button>
            </span>
        }
    });

    html! {
        <div class={classes!("playground", P::ALGO)} ref={root} tabindex="0" onkeydown={on_key}>
            { for violation }
            <div class="layout">
                <div class="main">
                    <div class="stage-row">
                        { cluster }
                        { P::beside_cluster(Beside { lang, sim, reports: history.reports_so_far(),
                            selected: selected_node.map(|i| NodeId(i as u16)), run: &run, on_run: on_run.clone() }) }
                    </div>
                    { caption }
                    { for error }
                    { P::state_panel(lang, sim, history.reports_so_far()) }
                    { controls }
                    <div class="jumps" role="group" aria-label={t.step_by}>
                        <span class="note">{ t.step_by }</span>
                        <button class="small" data-action="back-10ms" onclick={jump(|| Jump::Time(-10_000))}>{ "−10 ms" }</button>
                        <button class="small" data-action="forward-10ms" onclick={jump(|| Jump::Time(10_000))}>{ "+10 ms" }</button>
                        if let Some(i) = selected_node {
                            <button class="small" data-action="prev-delivery"
                                onclick={send.reform(move |_| PlayerAction::Jump(Jump::DeliveryTo(NodeId(i as u16), false)))}>
                                { format!("◀ {} {}", t.delivery_to, NodeId(i as u16)) }</button>
                            <button class="small" data-action="next-delivery"
                                onclick={send.reform(move |_| PlayerAction::Jump(Jump::DeliveryTo(NodeId(i as u16), true)))}>
                                { format!("{} {} ▶", t.delivery_to, NodeId(i as u16)) }</button>
                        }
                        { for goals }
                        <button class="small" data-action="until-violation" onclick={jump(|| Jump::Violation)}>{ t.until_violation }</button>
                    </div>
                    <Timeline {lang} len={history.len()} position={history.position()} {marks} {bands}
                        band_name={P::band_name(lang)} {branches}
                        on_seek={send.reform(PlayerAction::Seek)} on_switch={send.reform(PlayerAction::SwitchBranch)} />
                    <details class="panel spacetime-panel" open=true>
                        <summary>{ t.spacetime }</summary>
                        <div class="zoom">
                            <button class="small" aria-label={t.zoom_in} onclick={zoom(0.5)}>{ "+" }</button>
                            <button class="small" aria-label={t.zoom_out} onclick={zoom(2.0)}>{ "−" }</button>
                            <span class="note">{ format!("{:.0} ms", *window / 1000.0) }</span>
                        </div>
                        { spacetime.unwrap_or_else(|| html! { <p class="note">{ t.spacetime_dense }</p> }) }
                    </details>
                </div>
                <aside class="side">
                    { P::side_panel(lang, sim, on_act.clone()) }
                    if let Some(panel) = inspector { { panel } } else {
                        <p class="hint">{ P::click_hint(lang) }</p>
                    }
                    { P::settings_panel(lang, sim, &run, on_run.clone()) }
                    <PendingPanel {lang} rows={pending} total={pending_count} selected_msg={selected.and_then(Selection::msg).map(|m| m.0)}
                        on_deliver={on_act.reform(|id| Action::Deliver(MsgId(id)))} on_drop={on_act.reform(|id| Action::Drop(MsgId(id)))}
                        on_select_msg={on_select_msg.clone()} {on_fire} />
                    <NetworkPanel {lang} config={net.config.clone()} nodes={sim.nodes().len()}
                        groups={net.groups().to_vec()} cuts={net.cuts().collect::<Vec<_>>()} on_change={on_net} />
                    <div class="panel share">
                        <CopyButton action="copy-link" labels={[t.copy_link, t.link_copied, t.copy_failed]} text={link} />
                        <CopyButton action="copy-embed" labels={[t.copy_embed, t.embed_copied, t.embed_copy_failed]}
                            text={embed_code(EmbedForm::Iframe)} show=true />
                        <CopyButton action="copy-widget" labels={[t.copy_widget, t.widget_copied, t.embed_copy_failed]}
                            text={embed_code(EmbedForm::Widget)} show=true />
                        <CopyButton action="copy-mdbook" labels={[t.copy_mdbook, t.mdbook_copied, t.embed_copy_failed]}
                            text={embed_code(EmbedForm::Mdbook)} show=true />
                        <button data-action="export" onclick={on_export}>{ t.export_run }</button>
                        <label class="import">
                            <span>{ t.import_run }</span>
                            <input type="file" accept=".json,application/json" data-control="import" onchange={on_import} />
                        </label>
                    </div>
                    { P::legend(lang) }
                </aside>
            </div>
            { for help_overlay }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct HelpProps {
    lang: Lang,
    on_close: Callback<()>,
}

/// Every keyboard shortcut, opened with `?`.
#[component]
fn HelpOverlay(p: &HelpProps) -> Html {
    let t = p.lang.text();
    let keys = [
        ("Space", t.key_play),
        ("→", t.key_step),
        ("←", t.key_back),
        ("]", t.key_next_mark),
        ("[", t.key_prev_mark),
        ("D", t.key_drop),
        ("Esc", t.key_escape),
        ("?", t.key_help),
    ];
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="help" role="dialog" aria-modal="true" aria-label={t.shortcuts} data-help="">
            <div class="card">
                <h2>{ t.shortcuts }</h2>
                <dl>{ for keys.iter().map(|(k, what)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></> }) }</dl>
                <button data-action="close-help" onclick={close}>{ t.close }</button>
            </div>
        </div>
    }
}

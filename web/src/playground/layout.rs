//! The three ways a playground is laid out — guided (a tour step), compact (an embed) and full —
//! over pieces the protocol has already drawn. Nothing here is generic, so a bundle holding
//! several protocols compiles the layouts once instead of once for each protocol.

use concord_core::sim::Violation;
use yew::prelude::*;

use super::Panels;
use super::keys::{self, HelpOverlay};
use crate::i18n::Lang;
use crate::view::cluster::{Cluster, ClusterProps};
use crate::view::controls::{Controls, ControlsProps};
use crate::view::full_link::FullLink;
use crate::view::message::{MessageInspector, MessageInspectorProps};
use crate::view::network::{NetworkPanel, NetworkProps};
use crate::view::spacetime::{SpaceTime, SpaceTimeProps};
use crate::view::timeline::{Timeline, TimelineProps};

/// What every layout shows: the protocol's parts, drawn or as the props of shared components.
pub struct Parts {
    pub lang: Lang,
    /// The protocol's name, a class of the root for the stylesheet.
    pub algo: &'static str,
    /// The run in words: the region's accessible name.
    pub describe: String,
    pub root: NodeRef,
    pub on_key: Callback<KeyboardEvent>,
    pub violation: Option<Html>,
    pub cluster: Html,
    pub inspector: Option<Html>,
    pub caption: Html,
    pub error: Option<String>,
    pub controls: ControlsProps,
    pub help: UseStateHandle<bool>,
}

/// A guided playground's own parts: the tour step's card and the panels it asks for.
pub struct GuidedParts {
    pub card: Html,
    /// The panels shown, in order, each with its drawing.
    pub panels: Vec<(Panels, Html)>,
    /// The panel drawn to catch the eye.
    pub lit: Panels,
    /// The message kind drawn to catch the eye (its class).
    pub message: Option<AttrValue>,
    pub beside: Option<Html>,
}

/// A compact playground's own parts: the timeline and the link its author chose.
pub struct CompactParts {
    pub timeline: Option<TimelineProps>,
    pub full_link: Option<(AttrValue, Callback<(), String>)>,
}

/// The full playground's own parts.
pub struct FullParts {
    pub on_focus_out: Callback<FocusEvent>,
    pub beside: Html,
    pub state: Html,
    pub jump_bar: Html,
    pub timeline: TimelineProps,
    pub spacetime: Spacetime,
    /// The space-time diagram's span of virtual time, µs, which the zoom buttons change.
    pub window: UseStateHandle<f64>,
    pub side: Html,
    pub hint: &'static str,
    pub settings: Html,
    pub pending: Html,
    pub network: NetworkProps,
    pub share: Html,
    pub legend: Html,
}

/// The space-time diagram, or why there is none.
pub enum Spacetime {
    /// Thousands of lanes would say nothing and cost every frame: a dense cluster has none.
    Dense,
    /// The diagram, and a note when the history no longer holds its left edge.
    Drawn(SpaceTimeProps, Option<String>),
}

/// The first invariant a run broke, as an alert above the drawing.
pub fn violation(lang: Lang, violation: &Violation, text: String) -> Html {
    let t = lang.text();
    html! {
        <div class="violation" role="alert" data-violation={violation.invariant.clone()} data-step={violation.step.to_string()}>
            <strong>{ t.violation }{ ": " }{ violation.invariant.clone() }</strong>
            { format!(" · {} {} · {}", t.step_no, violation.step, text) }
        </div>
    }
}

/// The caption under the drawing: read out as it changes when the reader steps; while playing
/// it would talk over itself. `node` holds its height while the run plays (`view::steady`).
pub fn caption(node: NodeRef, text: String, forwarding: bool, playing: bool) -> Html {
    let live = if playing { "off" } else { "polite" };
    html! { <p class="caption" ref={node} data-caption="" data-forwarding={forwarding.to_string()} aria-live={live}>{ text }</p> }
}

pub fn cluster(props: ClusterProps) -> Html {
    html! { <Cluster ..props /> }
}

pub fn message_inspector(props: MessageInspectorProps) -> Html {
    html! { <MessageInspector ..props /> }
}

pub fn timeline(props: TimelineProps) -> Html {
    html! { <Timeline ..props /> }
}

pub fn spacetime(lang: Lang, spacetime: Spacetime) -> Html {
    match spacetime {
        Spacetime::Dense => html! { <p class="note">{ lang.text().spacetime_dense }</p> },
        Spacetime::Drawn(props, note) => html! {
            <>
            <SpaceTime ..props />
            if let Some(note) = note { <p class="note" data-kept-note="">{ note }</p> }
            </>
        },
    }
}

pub fn network(props: NetworkProps) -> Html {
    html! { <NetworkPanel ..props /> }
}

/// A panel's name, as `data-panel` says it to tests and tours.
fn panel_name(panel: Panels) -> &'static str {
    [
        (Panels::STATE, "state"),
        (Panels::SIDE, "side"),
        (Panels::BESIDE, "beside"),
        (Panels::TIMELINE, "timeline"),
        (Panels::SPACETIME, "spacetime"),
        (Panels::NETWORK, "network"),
        (Panels::SETTINGS, "settings"),
    ]
    .into_iter()
    .find_map(|(p, name)| (p == panel).then_some(name))
    .unwrap_or_default()
}

/// The pieces every layout draws the same way, and the frame they go in.
struct Drawn {
    lang: Lang,
    algo: &'static str,
    describe: String,
    root: NodeRef,
    on_key: Callback<KeyboardEvent>,
    violation: Option<Html>,
    cluster: Html,
    inspector: Option<Html>,
    caption: Html,
    error: Option<Html>,
    controls: Html,
    help: Option<Html>,
}

impl Parts {
    fn draw(self) -> Drawn {
        let lang = self.lang;
        let help = self.help.then(|| {
            let help = self.help.clone();
            html! { <HelpOverlay {lang} on_close={Callback::from(move |_| help.set(false))} /> }
        });
        let controls = self.controls;
        Drawn {
            lang,
            algo: self.algo,
            describe: self.describe,
            root: self.root,
            on_key: self.on_key,
            violation: self.violation,
            cluster: self.cluster,
            inspector: self.inspector,
            caption: self.caption,
            error: self
                .error
                .map(|err| html! { <p class="error" role="status">{ err }</p> }),
            controls: html! { <Controls ..controls /> },
            help,
        }
    }
}

pub fn guided(parts: Parts, guided: GuidedParts) -> Html {
    let parts = parts.draw();
    let panels = guided
        .panels
        .into_iter()
        .map(|(panel, inner)| {
            let lit = guided.lit.has(panel).then_some("highlight");
            html! { <div class={classes!("guided-panel", lit)} data-panel={panel_name(panel)}>{ inner }</div> }
        });
    let message = guided.message.map(|kind| format!("highlight-{kind}"));
    html! {
        <div class={classes!("playground", "guided", parts.algo)} ref={parts.root} tabindex="0" onkeydown={parts.on_key}
            role="region" aria-label={parts.describe} aria-keyshortcuts={keys::aria_shortcuts()}>
            <div class="guided-side">
                { guided.card }
                <div class="guided-panels">{ for panels }</div>
            </div>
            <div class="guided-main">
                { for parts.violation }
                <div class="stage-row">
                    <div class={classes!("stage", message)}>
                        { parts.cluster }
                        if let Some(panel) = parts.inspector { <div class="overlay">{ panel }</div> }
                    </div>
                    { for guided.beside }
                </div>
                { parts.caption }
                { for parts.error }
                <div class="bar">{ parts.controls }</div>
            </div>
            { for parts.help }
        </div>
    }
}

pub fn compact(parts: Parts, compact: CompactParts) -> Html {
    let parts = parts.draw();
    let lang = parts.lang;
    let timeline = compact.timeline.map(timeline);
    let full_link = compact
        .full_link
        .map(|(href, fragment)| html! { <FullLink {lang} {href} {fragment} /> });
    html! {
        <div class={classes!("playground", "compact", parts.algo)} ref={parts.root} tabindex="0" onkeydown={parts.on_key}
            role="region" aria-label={parts.describe} aria-keyshortcuts={keys::aria_shortcuts()}>
            { for parts.violation }
            <div class="stage">
                { parts.cluster }
                if let Some(panel) = parts.inspector { <div class="overlay">{ panel }</div> }
            </div>
            { parts.caption }
            { for parts.error }
            { for timeline }
            <div class="bar">{ parts.controls }{ for full_link }</div>
            { for parts.help }
        </div>
    }
}

pub fn full(parts: Parts, full: FullParts) -> Html {
    let parts = parts.draw();
    let lang = parts.lang;
    let t = lang.text();
    let zoom = |factor: f64| {
        let window = full.window.clone();
        Callback::from(move |_: MouseEvent| {
            window.set((*window * factor).clamp(20_000.0, 20_000_000.0))
        })
    };
    html! {
        <div class={classes!("playground", parts.algo)} ref={parts.root} tabindex="0" onkeydown={parts.on_key}
            onfocusout={full.on_focus_out} role="region" aria-label={parts.describe} aria-keyshortcuts={keys::aria_shortcuts()}>
            { for parts.violation }
            <div class="layout">
                <div class="main">
                    <div class="stage-row">
                        { parts.cluster }
                        { full.beside }
                    </div>
                    { parts.caption }
                    { for parts.error }
                    { full.state }
                    { parts.controls }
                    { full.jump_bar }
                    { timeline(full.timeline) }
                    <details class="panel spacetime-panel" open=true>
                        <summary>{ t.spacetime }</summary>
                        <div class="zoom">
                            <button class="small" aria-label={t.zoom_in} onclick={zoom(0.5)}>{ "+" }</button>
                            <button class="small" aria-label={t.zoom_out} onclick={zoom(2.0)}>{ "−" }</button>
                            <span class="note">{ format!("{:.0} ms", *full.window / 1000.0) }</span>
                        </div>
                        { spacetime(lang, full.spacetime) }
                    </details>
                </div>
                <aside class="side">
                    { full.side }
                    if let Some(panel) = parts.inspector { { panel } } else {
                        <p class="hint">{ full.hint }</p>
                    }
                    { full.settings }
                    { full.pending }
                    { network(full.network) }
                    { full.share }
                    { full.legend }
                </aside>
            </div>
            { for parts.help }
        </div>
    }
}

//! How a protocol plugs into the [`Playground`](super::Playground).

use concord_core::sim::{Action, Envelope, NodeId, NodeSlot, Protocol, Sim, StepReport};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::view::cluster::NodeView;

/// What a run is made from; the URL holds it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RunConfig {
    pub seed: u64,
    pub nodes: usize,
    pub switches: Switches,
}

/// "Break it" switches, as the URL names them (`switches=vote_twice`): each turns one safety
/// rule off on purpose, so a reader can watch what the rule prevents. A set over the switch
/// names of every protocol; each protocol reads its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Switches(u32);

impl Switches {
    /// Every protocol's switches. A bit set keeps [`RunConfig`] `Copy`.
    const NAMES: [&'static str; 1] = ["vote_twice"];

    /// A comma-separated list; unknown names are ignored, like any malformed URL parameter.
    pub fn parse(list: &str) -> Switches {
        let bits = list
            .split(',')
            .filter_map(|name| Self::NAMES.iter().position(|known| *known == name.trim()))
            .fold(0, |bits, i| bits | 1 << i);
        Switches(bits)
    }

    pub fn has(self, name: &str) -> bool {
        self.names().any(|on| on == name)
    }

    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & 1 << i != 0)
            .map(|(_, name)| name)
    }

    /// The URL's form: `vote_twice,…`, empty when none is on.
    pub fn to_param(self) -> String {
        self.names().collect::<Vec<_>>().join(",")
    }
}

/// A moment worth announcing: the timeline marks it and the JavaScript API sends it to
/// subscribers as an event `{ type: kind, step, time, node, …details }`.
pub struct Milestone {
    /// The event's type: `leader-elected`, `value-chosen` …
    pub kind: &'static str,
    pub node: Option<NodeId>,
    /// What else the event says (Raft: the term), as JSON fields.
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// A condition "step until …" can stop at.
pub struct Goal<P: Protocol> {
    pub label: fn(Lang) -> &'static str,
    pub reached: fn(&Sim<P>) -> bool,
}

pub trait ProtocolView: Protocol + 'static {
    /// Its name in the URL (`algo=`) and its CSS class.
    const ALGO: &'static str;
    /// Smallest and largest cluster the view draws well.
    const NODES_RANGE: (usize, usize);

    fn new_sim(run: RunConfig) -> Sim<Self>;
    /// The cluster in one phrase, for screen readers.
    fn describe(lang: Lang, sim: &Sim<Self>) -> String;
    fn node_view(lang: Lang, slot: &NodeSlot<Self>, now: f64) -> NodeView;
    /// CSS class of a message's dot and arrow (its kind).
    fn dot_class(msg: &Self::Msg) -> &'static str;
    /// A message in one line, for tooltips, the pending list and the message inspector.
    fn msg_title(lang: Lang, env: &Envelope<Self::Msg>) -> String;
    fn timer_name(lang: Lang, timer: &Self::Timer) -> String;
    /// What a step did, in words, naming the rule that fired.
    fn caption(lang: Lang, report: &StepReport<Self>) -> String;
    /// The caption before the first step.
    fn start_caption(lang: Lang) -> &'static str;
    /// The side panel of the selected node: its state and what a user can do to it.
    fn node_panel(
        lang: Lang,
        slot: &NodeSlot<Self>,
        now: f64,
        on_act: Callback<Action<Self>>,
        on_close: Callback<()>,
    ) -> Html;
    /// Protocol state shown under the caption (log grid, acceptor table …).
    fn state_panel(_lang: Lang, _sim: &Sim<Self>) -> Html {
        Html::default()
    }
    fn legend(lang: Lang) -> Html;
    /// The era a step belongs to, if it says (Raft: the term), for the timeline's bands.
    fn band(_report: &StepReport<Self>) -> Option<u64> {
        None
    }
    /// What the band number is called (`term`).
    fn band_name(_lang: Lang) -> &'static str {
        ""
    }
    /// The milestone this step reached, if any (a leader elected, a value chosen).
    fn milestone(_report: &StepReport<Self>) -> Option<Milestone> {
        None
    }
    /// Conditions "step until …" offers.
    fn goals() -> Vec<Goal<Self>> {
        Vec::new()
    }
}

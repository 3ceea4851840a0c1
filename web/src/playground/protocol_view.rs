//! How a protocol plugs into the [`Playground`](super::Playground).

use concord_core::sim::{Action, Envelope, NodeSlot, Protocol, Sim, StepReport};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::view::cluster::NodeView;

/// What a run is made from; the URL holds it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RunConfig {
    pub seed: u64,
    pub nodes: usize,
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
    /// A panel beside the cluster that acts on the run (Raft: the client), above the
    /// selected node's panel. Nothing by default.
    fn side_panel(_lang: Lang, _sim: &Sim<Self>, _on_act: Callback<Action<Self>>) -> Html {
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
    /// Whether the timeline marks this step as a milestone (a leader elected, a value chosen).
    fn milestone(_report: &StepReport<Self>) -> bool {
        false
    }
    /// Conditions "step until …" offers.
    fn goals() -> Vec<Goal<Self>> {
        Vec::new()
    }
}

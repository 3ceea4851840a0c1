//! How a protocol plugs into the [`Playground`](super::Playground).

use concord_core::sim::{Action, NodeId, NodeSlot, Protocol, Sim, StepReport, Violation};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::input::Problem;
use crate::run::RunConfig;
use crate::view::caption::CaptionWords;
use crate::view::cluster::{Layout, NodeView};
use crate::view::controls::CountControl;
use crate::view::message::serde_fields;

/// A moment worth announcing: the timeline marks it and the JavaScript API sends it to
/// subscribers as an event `{ type: kind, step, time, node, …details }`.
pub struct Milestone {
    /// The event's type: `leader-elected`, `value-chosen` …
    pub kind: &'static str,
    pub node: Option<NodeId>,
    /// What else the event says (Raft: the term), as JSON fields.
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl Milestone {
    /// The milestone `kind` reached by the step `report`, saying one more thing (`key: value`).
    pub fn of<P: Protocol>(
        report: &StepReport<P>,
        kind: &'static str,
        key: &str,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        Milestone {
            kind,
            node: report.node(),
            details: [(key.to_owned(), value.into())].into_iter().collect(),
        }
    }
}

/// What a panel beside the cluster is given.
pub struct Beside<'a, P: Protocol> {
    pub lang: Lang,
    pub sim: &'a Sim<P>,
    /// The steps that led to `sim`: the last one is the step on screen.
    pub reports: &'a [StepReport<P>],
    /// The node the reader selected, if any.
    pub selected: Option<NodeId>,
    /// The run, and how to change its options (a view option keeps the run: see
    /// [`ProtocolView::VIEW_OPTIONS`]).
    pub run: &'a RunConfig,
    pub on_run: Callback<RunConfig>,
}

/// A condition "step until …" can stop at.
pub struct Goal<P: Protocol> {
    pub label: fn(Lang) -> &'static str,
    pub reached: fn(&Sim<P>) -> bool,
}

/// What the inspector of the selected node is given: the node, and how to act on it or close it.
#[derive(Properties, PartialEq)]
pub struct InspectorProps<P: Protocol> {
    pub lang: Lang,
    pub node: NodeSlot<P>,
    pub now: f64,
    pub on_act: Callback<Action<P>>,
    pub on_close: Callback<()>,
}

/// How a protocol is drawn and worded; its captions come from [`CaptionWords`].
pub trait ProtocolView: CaptionWords + 'static {
    /// Its name in the URL (`algo=`) and its CSS class.
    const ALGO: &'static str;
    /// Smallest and largest cluster the view draws well, and the size when the URL names none.
    const NODES_RANGE: (usize, usize);
    const DEFAULT_NODES: usize;
    /// Options that change only how the run is shown (Raft: `figure2`): the URL keeps them, and
    /// changing one keeps the run on screen instead of starting a new one.
    const VIEW_OPTIONS: &'static [&'static str] = &[];
    /// While no message is in flight, playing runs the clock at real time at least (up to the next
    /// event): for timers far longer than a message's flight (Gossip's one-second rounds beside
    /// 10–20 ms of latency), whose silences the slow speeds that show messages flying would
    /// stretch to minutes.
    const QUIET_AT_REAL_TIME: bool = false;

    /// The side panel of the selected node: its state and what a user can do to it. The
    /// playground keys it by node, so what is typed for one node is not offered to another.
    type Inspector: BaseComponent<Properties = InspectorProps<Self>>;

    fn new_sim(run: &RunConfig) -> Sim<Self>;
    /// What `new_sim` could not use of the run's options, read by the same code, for the reader.
    fn problems(run: &RunConfig) -> Vec<Problem>;
    /// The cluster in one phrase, for screen readers.
    fn describe(lang: Lang, sim: &Sim<Self>) -> String;
    /// Where the nodes are drawn: on a ring unless the protocol's roles read better otherwise.
    fn layout(_lang: Lang, _sim: &Sim<Self>) -> Layout {
        Layout::Ring
    }
    /// How one node looks; `sim` is the whole run, for what no single node knows (Paxos: whether
    /// an acceptor is in the majority that chose a value).
    fn node_view(lang: Lang, sim: &Sim<Self>, slot: &NodeSlot<Self>, now: f64) -> NodeView;
    /// A drawing of the whole cluster for sizes one circle per node cannot show (Gossip's
    /// thousands of nodes), in place of the ring. When it gives one, the playground computes no
    /// per-node views, dots or space-time lanes, so a frame costs what this drawing costs.
    fn dense_view(
        _lang: Lang,
        _sim: &Sim<Self>,
        _selected: Option<usize>,
        _on_select: Callback<usize>,
    ) -> Option<Html> {
        None
    }
    /// CSS class of a message's dot and arrow (its kind).
    fn dot_class(msg: &Self::Msg) -> &'static str;
    /// The payload's fields as the message inspector lists them; by default as serde writes them.
    fn msg_fields(_lang: Lang, msg: &Self::Msg) -> Vec<(String, String)> {
        serde_fields(msg)
    }
    fn timer_name(lang: Lang, timer: &Self::Timer) -> String;
    /// The caption before the first step.
    fn start_caption(lang: Lang, sim: &Sim<Self>) -> String;
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
    fn settings_panel(
        _lang: Lang,
        _sim: &Sim<Self>,
        _run: &RunConfig,
        _on_run: Callback<RunConfig>,
    ) -> Html {
        Html::default()
    }
    /// What the side panel says while nothing is selected.
    fn click_hint(lang: Lang) -> &'static str {
        lang.text().click_a_node
    }
    /// A panel beside the cluster that acts on the run (Raft: the client), above the
    /// selected node's panel. Nothing by default.
    fn side_panel(_lang: Lang, _sim: &Sim<Self>, _on_act: Callback<Action<Self>>) -> Html {
        Html::default()
    }
    /// A panel beside the cluster (Raft: the paper's Figure 2); nothing by default.
    fn beside_cluster(_ctx: Beside<'_, Self>) -> Html {
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
    /// Milestones of the state that no single step's report shows (Gossip: the spread of an
    /// update completing), as the engine's step numbers (`StepReport::step`) up to the current
    /// state; the timeline marks them.
    fn state_milestones(_sim: &Sim<Self>) -> Vec<u64> {
        Vec::new()
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

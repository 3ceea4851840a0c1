//! Every protocol the app knows, one row each: its `algo=` name, its tab label, its sizes, the
//! options that only change how it is shown, its switches and how to mount its playground. The
//! shell, the URL, the embeds and the tours read this table instead of matching on names.

#[cfg(feature = "gossip")]
use concord_core::gossip::GossipNode;
#[cfg(feature = "paxos")]
use concord_core::paxos::PaxosNode;
#[cfg(feature = "raft")]
use concord_core::raft::RaftNode;
use yew::prelude::*;

use crate::i18n::{Lang, tr};
use crate::input::Problem;
use crate::playground::{Bridge, Playground, PlaygroundProps, ProtocolView};
use crate::run::RunConfig;
use crate::tour::plan::TourProtocol;
use crate::tour::view::{TourProps, TourView};
use crate::view::notice::UnknownAlgo;

/// One protocol.
pub struct Protocol {
    /// Its name in the URL (`algo=raft`) and its CSS class.
    pub algo: &'static str,
    /// Its tab's label, the same in both languages.
    pub label: &'static str,
    /// The cluster size when the URL names none, and the sizes it may have.
    pub default_nodes: usize,
    pub nodes_range: (usize, usize),
    /// Options that change only how a run is shown: changing one keeps the run on screen.
    pub view_options: &'static [&'static str],
    /// What its settings could not use of a run's options (see [`crate::input`]).
    pub problems: fn(&RunConfig) -> Vec<Problem>,
    /// Its playground for `props`, keyed by `key` (a new key mounts a fresh one).
    pub mount: fn(key: String, props: PlaygroundProps) -> Html,
    /// A tour of it.
    pub tour: fn(props: TourProps) -> Html,
}

impl Protocol {
    const fn of<P: TourProtocol>(label: &'static str) -> Protocol {
        Protocol {
            algo: P::ALGO,
            label,
            default_nodes: P::DEFAULT_NODES,
            nodes_range: P::NODES_RANGE,
            problems: P::problems,
            view_options: P::VIEW_OPTIONS,
            mount: playground::<P>,
            tour: tour::<P>,
        }
    }

    /// What keys a playground of this protocol: the run without the options that only change its
    /// view, so toggling one of those keeps the run on screen.
    pub fn run_key(&self, run: &RunConfig) -> String {
        let options = run
            .options
            .pairs()
            .filter(|(k, _)| !self.view_options.contains(k))
            .collect::<Vec<_>>();
        format!("{}/{}/{options:?}", run.seed, run.nodes)
    }
}

fn playground<P: ProtocolView>(key: String, props: PlaygroundProps) -> Html {
    html! { <Playground<P> {key} ..props /> }
}

fn tour<P: TourProtocol>(props: TourProps) -> Html {
    html! { <TourView<P> ..props /> }
}

/// The protocols, in the order the tabs list them.
pub const PROTOCOLS: &[Protocol] = &[
    #[cfg(feature = "raft")]
    Protocol::of::<RaftNode>("Raft"),
    #[cfg(feature = "gossip")]
    Protocol::of::<GossipNode>("Gossip"),
    #[cfg(feature = "paxos")]
    Protocol::of::<PaxosNode>("Paxos"),
];

/// The protocol called `algo`, if there is one.
pub fn find(algo: &str) -> Option<&'static Protocol> {
    PROTOCOLS.iter().find(|p| p.algo == algo)
}

/// The playground of the protocol called `algo`, keyed by `key`, or a notice that there is none.
pub fn mount(algo: &str, key: String, props: PlaygroundProps) -> Html {
    match find(algo) {
        Some(protocol) => (protocol.mount)(key, props),
        None => html! { <UnknownAlgo algo={algo.to_owned()} lang={props.lang} /> },
    }
}

/// Where a tour stands: its step and the steps it may move between (0-based, across the tour).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TourAt {
    pub step: usize,
    pub first: usize,
    pub last: usize,
}

/// What mounting a tour needs besides the tour's name.
pub struct TourMount {
    pub lang: Lang,
    /// Open at this chapter; an embed shows only its steps.
    pub chapter: Option<String>,
    /// The step asked for (1-based; 0: the chapter's first, or the tour's).
    pub step: usize,
    /// Only the chapter's steps.
    pub only_chapter: bool,
    pub on_step: Callback<usize>,
    pub embedded: bool,
    pub bridge: Option<Bridge>,
}

/// The tour called `name` at the step `mount` asks for, and where it stands; or a notice saying
/// why there is none (no such tour, a tour file that does not read).
pub fn mount_tour(name: &str, mount: TourMount) -> (Html, Option<TourAt>) {
    let lang = mount.lang;
    let Some(file) = crate::tour::find(name) else {
        let names = crate::tour::TOURS
            .iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
            .join(", ");
        let text = tr!(
            lang,
            "There is no tour {name:?}. The tours are {names}.",
            "没有名为 {name:?} 的导览。可选的导览有 {names}。"
        );
        return (
            html! { <div class="notice" role="status" data-unknown-tour={name.to_owned()}>{ text }</div> },
            None,
        );
    };
    let tour = match crate::tour::load(file) {
        Ok(tour) => tour,
        Err(e) => {
            return (
                html! { <div class="notice" role="alert" data-tour-error="">{ e.to_string() }</div> },
                None,
            );
        }
    };
    let Some(protocol) = find(&tour.algo) else {
        let text = format!("{}: there is no protocol {:?}", file.file, tour.algo);
        return (
            html! { <div class="notice" role="alert" data-tour-error="">{ text }</div> },
            None,
        );
    };
    let chapter = mount
        .chapter
        .as_deref()
        .and_then(|id| tour.chapters.iter().position(|c| c.id == id));
    let range = match chapter.filter(|_| mount.only_chapter) {
        Some(c) => tour.chapter_steps(c),
        None => 0..tour.len(),
    };
    let step = match (mount.step, chapter) {
        (0, Some(c)) => tour.chapter_steps(c).start,
        (step, _) => step.saturating_sub(1),
    }
    .clamp(range.start, range.end.saturating_sub(1));
    let at = TourAt {
        step,
        first: range.start,
        last: range.end.saturating_sub(1),
    };
    let view = (protocol.tour)(TourProps {
        file,
        tour,
        lang,
        step,
        range: at.first..=at.last,
        on_step: mount.on_step,
        embedded: mount.embedded,
        bridge: mount.bridge,
    });
    (view, Some(at))
}

/// The protocol a run names, or the first (Raft) for a name that is none: the URL code uses it
/// for defaults, while the shell tells the reader the name is unknown.
pub fn or_default(algo: &str) -> &'static Protocol {
    find(algo).unwrap_or(FIRST)
}

/// The first protocol of the bundle.
// Evaluated while compiling: a bundle without a protocol (no feature `raft`, `gossip` or `paxos`)
// does not build.
#[allow(clippy::indexing_slicing)]
const FIRST: &Protocol = &PROTOCOLS[0];

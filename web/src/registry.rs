//! Every protocol the app knows, one row each: its `algo=` name, its tab label, its sizes, the
//! options that only change how it is shown, its switches and how to mount its playground. The
//! shell, the URL, the embeds and the tours read this table instead of matching on names.

use concord_core::gossip::GossipNode;
use concord_core::paxos::PaxosNode;
use concord_core::raft::RaftNode;
use yew::prelude::*;

use crate::playground::{Playground, PlaygroundProps, ProtocolView};
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
    /// The cluster size when the URL names none.
    pub default_nodes: usize,
    /// Options that change only how a run is shown: changing one keeps the run on screen.
    pub view_options: &'static [&'static str],
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
pub const PROTOCOLS: [Protocol; 3] = [
    Protocol::of::<RaftNode>("Raft"),
    Protocol::of::<GossipNode>("Gossip"),
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

/// The protocol a run names, or the first (Raft) for a name that is none: the URL code uses it
/// for defaults, while the shell tells the reader the name is unknown.
pub fn or_default(algo: &str) -> &'static Protocol {
    find(algo).unwrap_or(&PROTOCOLS[0])
}

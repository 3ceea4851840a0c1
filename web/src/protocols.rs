//! Every protocol the playground knows, by its `algo=` name: the one place where a name becomes
//! a protocol's view, for the full page and for embeds alike.

use concord_core::gossip::GossipNode;
use concord_core::paxos::PaxosNode;
use concord_core::raft::RaftNode;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::playground::{Playground, PlaygroundProps, ProtocolView, RunConfig};

/// The protocols, as the tabs list them: (`algo=` name, tab label).
pub const PROTOCOLS: [(&str, &str); 3] = [
    (RaftNode::ALGO, "Raft"),
    (GossipNode::ALGO, "Gossip"),
    (PaxosNode::ALGO, "Paxos"),
];

/// The cluster size of a run of `algo` when the URL names none (Raft's for an unknown one).
pub fn default_nodes(algo: &str) -> usize {
    match algo {
        PaxosNode::ALGO => PaxosNode::DEFAULT_NODES,
        GossipNode::ALGO => GossipNode::DEFAULT_NODES,
        _ => RaftNode::DEFAULT_NODES,
    }
}

/// What keys the full page's playground: the run without the options that only change its view,
/// so toggling one of those keeps the run on screen.
pub fn run_key(algo: &str, run: &RunConfig) -> String {
    let view_options = match algo {
        RaftNode::ALGO => RaftNode::VIEW_OPTIONS,
        GossipNode::ALGO => GossipNode::VIEW_OPTIONS,
        PaxosNode::ALGO => PaxosNode::VIEW_OPTIONS,
        _ => &[],
    };
    let options = run
        .options
        .pairs()
        .filter(|(k, _)| !view_options.contains(k))
        .collect::<Vec<_>>();
    format!("{}/{}/{options:?}", run.seed, run.nodes)
}

/// The playground of the protocol named `algo`, keyed by `key`, or a notice saying there is none.
pub fn playground(algo: &str, key: String, props: PlaygroundProps) -> Html {
    match algo {
        RaftNode::ALGO => html! { <Playground<RaftNode> {key} ..props /> },
        GossipNode::ALGO => html! { <Playground<GossipNode> {key} ..props /> },
        PaxosNode::ALGO => html! { <Playground<PaxosNode> {key} ..props /> },
        _ => html! { <Unknown algo={algo.to_owned()} lang={props.lang} /> },
    }
}

#[derive(Properties, PartialEq)]
struct UnknownProps {
    algo: AttrValue,
    lang: Lang,
}

#[component]
fn Unknown(p: &UnknownProps) -> Html {
    html! {
        <div class="notice" role="status" data-unknown-algo={p.algo.clone()}>{ p.lang.text().unknown_algo }</div>
    }
}

//! Every protocol the playground knows, by its `algo=` name: the one place where a name becomes
//! a protocol's view, for the full page and for embeds alike.

use concord_core::paxos::PaxosNode;
use concord_core::raft::RaftNode;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::playground::{Playground, PlaygroundProps, ProtocolView, RunConfig};

/// Protocols whose view is still being built, with their names as shown: a page that embeds one
/// gets a notice saying so, not a silent failure.
const COMING: [(&str, &str); 1] = [("gossip", "Gossip")];

/// The protocols with a view, as the tabs list them: (`algo=` name, tab label).
pub const PROTOCOLS: [(&str, &str); 2] = [(RaftNode::ALGO, "Raft"), (PaxosNode::ALGO, "Paxos")];

/// The cluster size of a run of `algo` when the URL names none (Raft's for an unknown one).
pub fn default_nodes(algo: &str) -> usize {
    match algo {
        PaxosNode::ALGO => PaxosNode::DEFAULT_NODES,
        _ => RaftNode::DEFAULT_NODES,
    }
}

/// What keys the full page's playground: the run without the options that only change its view,
/// so toggling one of those keeps the run on screen.
pub fn run_key(algo: &str, run: &RunConfig) -> String {
    let view_options = match algo {
        RaftNode::ALGO => RaftNode::VIEW_OPTIONS,
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

/// The playground of the protocol named `algo`, keyed by `key`, or a notice saying why there is
/// none.
pub fn playground(algo: &str, key: String, props: PlaygroundProps) -> Html {
    match algo {
        RaftNode::ALGO => html! { <Playground<RaftNode> {key} ..props /> },
        PaxosNode::ALGO => html! { <Playground<PaxosNode> {key} ..props /> },
        _ => html! { <Unavailable algo={algo.to_owned()} lang={props.lang} /> },
    }
}

#[derive(Properties, PartialEq)]
struct UnavailableProps {
    algo: AttrValue,
    lang: Lang,
}

#[component]
fn Unavailable(p: &UnavailableProps) -> Html {
    let t = p.lang.text();
    match COMING.iter().find(|(algo, _)| *algo == p.algo.as_str()) {
        Some((algo, name)) => html! {
            <div class="notice coming" role="status" data-coming={*algo}>
                <strong>{ *name }</strong>{ " · " }{ t.coming }
            </div>
        },
        None => html! {
            <div class="notice" role="status" data-unknown-algo={p.algo.clone()}>{ t.unknown_algo }</div>
        },
    }
}

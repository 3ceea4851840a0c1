//! The shell: header, language, and the protocol view named by the URL.

use yew::prelude::*;

use concord_core::paxos::PaxosNode;
use concord_core::raft::RaftNode;

use crate::playground::{Playground, ProtocolView, RunConfig};
use crate::url::UrlState;

/// The protocols with a view, as the tabs list them: (`algo=` name, tab label).
const PROTOCOLS: [(&str, &str); 2] = [(RaftNode::ALGO, "Raft"), (PaxosNode::ALGO, "Paxos")];

#[component]
pub fn App() -> Html {
    let url = use_state(|| UrlState::read(default_nodes));
    {
        let url = (*url).clone();
        use_effect_with(url, |url| url.write());
    }
    let lang = url.lang;
    let t = lang.text();
    let known_algo = PROTOCOLS.iter().any(|&(algo, _)| algo == url.algo);
    let on_speed = {
        let url = url.clone();
        Callback::from(move |speed_exp| {
            url.set(UrlState {
                speed_exp,
                ..(*url).clone()
            })
        })
    };
    let on_lang = {
        let url = url.clone();
        Callback::from(move |_: MouseEvent| {
            url.set(UrlState {
                lang: url.lang.other(),
                ..(*url).clone()
            })
        })
    };
    let tabs = PROTOCOLS.iter().map(|&(algo, label)| {
        // An unknown protocol shows Raft, so Raft's tab is the active one then.
        let active = url.algo == algo || (!known_algo && algo == RaftNode::ALGO);
        html! {
            <a class={classes!("tab", active.then_some("active"))} aria-current={active.then_some("page")}
                href={format!("?algo={algo}&lang={}", lang.code())}>{ label }</a>
        }
    });
    let playground = match url.algo.as_str() {
        PaxosNode::ALGO => playground::<PaxosNode>(&url, on_speed),
        _ => playground::<RaftNode>(&url, on_speed),
    };
    html! {
        <div class="concord" lang={if lang == crate::i18n::Lang::Zh { "zh-CN" } else { "en" }}>
            <header class="topbar">
                <h1>{ "Concord" }<small>{ t.tagline }</small></h1>
                <nav aria-label="protocols">{ for tabs }</nav>
                <button class="lang" data-action="lang" onclick={on_lang}>{ lang.other().text().language_name }</button>
            </header>
            if !known_algo { <p class="notice">{ t.unknown_algo }</p> }
            { playground }
        </div>
    }
}

/// The cluster size of a run of `algo` when the URL names none (Raft's for an unknown one, which
/// shows Raft).
fn default_nodes(algo: &str) -> usize {
    match algo {
        PaxosNode::ALGO => PaxosNode::DEFAULT_NODES,
        _ => RaftNode::DEFAULT_NODES,
    }
}

/// The playground of protocol `P` for the run the URL names. It is keyed by that run, so a new
/// seed, size or option mounts a fresh one.
fn playground<P: ProtocolView>(url: &UseStateHandle<UrlState>, on_speed: Callback<i32>) -> Html {
    let run = RunConfig {
        seed: url.seed,
        nodes: url.nodes,
        options: url.options.clone(),
    };
    let on_run = {
        let url = url.clone();
        Callback::from(move |run: RunConfig| {
            url.set(UrlState {
                seed: run.seed,
                nodes: run.nodes,
                options: run.options,
                tape: None,
                ..(*url).clone()
            })
        })
    };
    let key = format!("{}-{}-{:?}", run.seed, run.nodes, run.options);
    html! {
        <Playground<P> {key} lang={url.lang} {run} speed_exp={url.speed_exp} autoplay={url.autoplay}
            tape={url.tape.clone().map(AttrValue::from)} {on_run} {on_speed} />
    }
}

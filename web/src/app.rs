//! The shell: header, language, and the protocol view named by the URL.

use yew::prelude::*;

use concord_core::raft::RaftNode;

use crate::playground::{Playground, RunConfig};
use crate::url::UrlState;

#[component]
pub fn App() -> Html {
    let url = use_state(UrlState::read);
    {
        let url = (*url).clone();
        use_effect_with(url, |url| url.write());
    }
    let lang = url.lang;
    let t = lang.text();
    let known_algo = url.algo == "raft";
    let run = RunConfig {
        seed: url.seed,
        nodes: url.nodes,
    };
    let on_run = {
        let url = url.clone();
        Callback::from(move |run: RunConfig| {
            url.set(UrlState {
                seed: run.seed,
                nodes: run.nodes,
                tape: None,
                ..(*url).clone()
            })
        })
    };
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
    html! {
        <div class="concord" lang={if lang == crate::i18n::Lang::Zh { "zh-CN" } else { "en" }}>
            <header class="topbar">
                <h1>{ "Concord" }<small>{ t.tagline }</small></h1>
                <nav aria-label="protocols">
                    <a class="tab active" aria-current="page" href={format!("?algo=raft&lang={}", lang.code())}>{ "Raft" }</a>
                </nav>
                <button class="lang" data-action="lang" onclick={on_lang}>{ lang.other().text().language_name }</button>
            </header>
            if !known_algo { <p class="notice">{ t.unknown_algo }</p> }
            <Playground<RaftNode> key={format!("{}-{}", run.seed, run.nodes)} {lang} {run} speed_exp={url.speed_exp} autoplay={url.autoplay} tape={url.tape.clone().map(AttrValue::from)} {on_run} {on_speed} />
        </div>
    }
}

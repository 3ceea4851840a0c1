//! The shell: header, protocol tabs, language, and the protocol view named by the URL.

use yew::prelude::*;

use crate::playground::PlaygroundProps;
use crate::registry::{self, PROTOCOLS};
use crate::run::RunConfig;
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
    let run = url.run();
    let on_run = {
        let url = url.clone();
        Callback::from(move |run: RunConfig| {
            url.set(UrlState {
                seed: run.seed,
                nodes: run.nodes,
                options: run.options,
                tape: None,
                step: 0,
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
    let tabs = PROTOCOLS.iter().map(|protocol| {
        let (algo, label) = (protocol.algo, protocol.label);
        let active = url.algo == algo;
        html! {
            <a class={classes!("tab", active.then_some("active"))} aria-current={active.then_some("page")}
                href={format!("?algo={algo}&lang={}", lang.code())}>{ label }</a>
        }
    });
    html! {
        <div class="concord" lang={if lang == crate::i18n::Lang::Zh { "zh-CN" } else { "en" }}>
            <header class="topbar">
                <h1>{ "Concord" }<small>{ t.tagline }</small></h1>
                <nav aria-label="protocols">{ for tabs }</nav>
                <button class="lang" data-action="lang" onclick={on_lang}>{ lang.other().text().language_name }</button>
            </header>
            { registry::mount(&url.algo, registry::or_default(&url.algo).run_key(&run), PlaygroundProps {
                lang, run, speed_exp: url.speed_exp, autoplay: url.autoplay,
                tape: url.tape.clone().map(AttrValue::from), on_run, on_speed,
                start_step: url.step, compact: None, bridge: None,
            }) }
        </div>
    }
}

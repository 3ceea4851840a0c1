//! The shell: header, protocol tabs, tours, the Lab, language, and what the URL names — the
//! welcome page, a tour's step, an experiment of the Lab, or a protocol's playground. The URL is the shell's state: every change is
//! written back to the address bar, and remembered so a returning reader lands where they left
//! off.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::i18n::{Lang, say};
use crate::lab::Lab;
use crate::playground::PlaygroundProps;
use crate::registry::{self, PROTOCOLS, TourMount};
use crate::run::RunConfig;
use crate::url::UrlState;
use crate::view::notice::Problems;
use crate::welcome::{self, Welcome};

/// The state the page opens in: the URL's, or for an address naming nothing, where this reader
/// left off last time.
fn opening() -> UrlState {
    let url = UrlState::read();
    // `?welcome=1` asks for the welcome page itself.
    let asked = crate::address::query_pairs(&crate::address::search())
        .iter()
        .any(|(key, _)| key == "welcome");
    match welcome::last_address().filter(|_| url.welcome && !asked) {
        Some(last) => {
            let (query, fragment) = match last.split_once('#') {
                Some((q, f)) => (q.to_owned(), Some(format!("#{f}"))),
                None => (last, None),
            };
            UrlState::from_params(&crate::address::query_pairs(&query), fragment)
        }
        None => url,
    }
}

#[component]
pub fn App() -> Html {
    let url = use_state(opening);
    {
        let url = (*url).clone();
        use_effect_with(url, |url| {
            url.write();
            if !url.welcome {
                welcome::remember(&url.address());
            }
        });
    }
    {
        // A link that differs from the address only in its fragment (a permalink pasted over
        // the same page) loads nothing: read the address again when the fragment changes.
        let url = url.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || url.set(UrlState::read()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let lang = url.lang;
    let t = lang.text();
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
        let active = !url.welcome && url.tour.is_none() && url.lab.is_none() && url.algo == algo;
        html! {
            <a class={classes!("tab", active.then_some("active"))} aria-current={active.then_some("page")}
                href={format!("?algo={algo}&lang={}", lang.code())}>{ label }</a>
        }
    });
    let tours_active = url.welcome || url.tour.is_some();
    let lab_active = url.lab.is_some();
    let body = if url.welcome {
        html! { <Welcome {lang} /> }
    } else if let Some(name) = &url.tour {
        tour(&url, name)
    } else if let Some(name) = &url.lab {
        lab(&url, name)
    } else {
        playground(&url)
    };
    html! {
        <div class={classes!("concord", tours_active.then_some("touring"))} lang={if lang == Lang::Zh { "zh-CN" } else { "en" }}>
            <header class="topbar">
                <h1><a href={format!("?welcome=1&lang={}", lang.code())} data-action="home">{ "Concord" }</a><small>{ t.tagline }</small></h1>
                <nav aria-label="protocols">
                    <a class={classes!("tab", "tours", tours_active.then_some("active"))}
                        href={format!("?welcome=1&lang={}", lang.code())}>{ say(lang, "Tours", "导览") }</a>
                    { for tabs }
                    <a class={classes!("tab", "lab-tab", lab_active.then_some("active"))} aria-current={lab_active.then_some("page")}
                        href={format!("?lab=&lang={}", lang.code())}>{ say(lang, "Lab", "实验") }</a>
                </nav>
                <button class="lang" data-action="lang" onclick={on_lang}>{ lang.other().text().language_name }</button>
            </header>
            // Laid out as if it were not there (style.css): the body's parts stay children of
            // the page's grid and flex rules.
            <main>
                <Problems problems={url.problems.clone()} {lang} />
                { body }
            </main>
        </div>
    }
}

/// The playground the URL names.
fn playground(url: &UseStateHandle<UrlState>) -> Html {
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
                problems: Vec::new(),
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
    // A new permalink on the same run (its fragment changed) opens a fresh playground too.
    let key = format!(
        "{}{}",
        registry::or_default(&url.algo).run_key(&run),
        url.tape.as_deref().unwrap_or_default()
    );
    registry::mount(
        &url.algo,
        key,
        PlaygroundProps {
            lang: url.lang,
            run,
            speed_exp: url.speed_exp,
            autoplay: url.autoplay,
            tape: url.tape.clone().map(AttrValue::from),
            on_run,
            on_speed,
            start_step: url.step,
            compact: None,
            guided: None,
            bridge: None,
        },
    )
}

/// The Lab: the experiment the URL names, with its setup, or the list.
fn lab(url: &UseStateHandle<UrlState>, name: &str) -> Html {
    let on_setup = {
        let url = url.clone();
        Callback::from(move |(options, seed)| {
            url.set(UrlState {
                options,
                seed,
                ..(*url).clone()
            })
        })
    };
    html! {
        <Lab lang={url.lang} name={name.to_owned()} options={url.options.clone()} seed={url.seed} {on_setup} />
    }
}

/// The tour the URL names, at its step (or its chapter's first).
fn tour(url: &UseStateHandle<UrlState>, name: &str) -> Html {
    let on_step = {
        let url = url.clone();
        Callback::from(move |step: usize| {
            url.set(UrlState {
                step: step + 1,
                chapter: None,
                ..(*url).clone()
            })
        })
    };
    let mount = TourMount {
        lang: url.lang,
        chapter: url.chapter.clone(),
        step: url.step,
        only_chapter: false,
        on_step,
        embedded: false,
        bridge: None,
    };
    registry::mount_tour(name, mount).0
}

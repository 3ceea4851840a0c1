//! Notices: in place of something the page cannot show, or above what it shows, saying why.

use yew::prelude::*;

use crate::i18n::{Lang, say};
use crate::input::Problem;

#[derive(Properties, PartialEq)]
pub struct UnknownAlgoProps {
    pub algo: AttrValue,
    pub lang: Lang,
}

/// The URL names a protocol there is none of.
#[component]
pub fn UnknownAlgo(p: &UnknownAlgoProps) -> Html {
    html! {
        <div class="notice" role="status" data-unknown-algo={p.algo.clone()}>{ p.lang.text().unknown_algo }</div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub problems: Vec<Problem>,
    pub lang: Lang,
}

/// What the page could not use of the settings it was given, each with what it used instead;
/// the reader may close it. Nothing when there is nothing to say.
#[component]
pub fn Problems(p: &ProblemsProps) -> Html {
    let closed = use_state(|| false);
    if p.problems.is_empty() || *closed {
        return html! {};
    }
    let close = Callback::from(move |_: MouseEvent| closed.set(true));
    let lang = p.lang;
    html! {
        <div class="notice problems" role="status" data-problems={p.problems.len().to_string()}>
            <p>{ say(lang, "Some settings could not be used as given:", "有些设置无法照原样使用：") }</p>
            <ul>
                { for p.problems.iter().map(|problem| html! {
                    <li data-param={problem.key.clone()}>{ problem.text(lang) }</li>
                }) }
            </ul>
            <button class="close" data-action="close-problems" onclick={close}
                aria-label={say(lang, "Close", "关闭")}>{ "×" }</button>
        </div>
    }
}

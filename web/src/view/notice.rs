//! A notice in place of something the page cannot show, saying why.

use yew::prelude::*;

use crate::i18n::Lang;

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

//! An embed's "Open in full playground" link: the full page with the embed's configuration and,
//! added when the link is used, the run itself (its permalink fragment), so the full page opens
//! exactly where the reader stands.

use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct FullLinkProps {
    pub lang: Lang,
    /// The full page's address for the embed's configuration.
    pub href: AttrValue,
    /// The run's fragment (`#tape=…`) as it is now; it changes with every step, so it is asked
    /// for when the link is about to be followed (hovered, focused, clicked).
    pub fragment: Callback<(), String>,
}

#[component]
pub fn FullLink(p: &FullLinkProps) -> Html {
    let with_run = {
        let (href, fragment) = (p.href.clone(), p.fragment.clone());
        Callback::from(move |e: Event| {
            if let Some(a) = e.target_dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&format!("{href}{}", fragment.emit(())));
            }
        })
    };
    html! {
        <a class="full-link" data-action="open-full" href={p.href.clone()} target="_blank" rel="noopener"
            onclick={with_run.reform(Event::from)} onmouseenter={with_run.reform(Event::from)}
            onfocus={with_run.reform(Event::from)}>{ p.lang.text().open_full }</a>
    }
}

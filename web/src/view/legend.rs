//! The legend every protocol view shows: how its nodes look, what each message colour means,
//! and a few notes. The protocol names the entries; the drawing is the same for all.

use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub lang: Lang,
    /// Node looks: (CSS classes of the node, label); the class `square` draws a rounded square,
    /// as the cluster does.
    pub nodes: Vec<(&'static str, &'static str)>,
    /// Message kinds: (CSS class of the dot, label).
    pub messages: Vec<(&'static str, &'static str)>,
    /// Lines of explanation under the swatches.
    pub notes: Vec<&'static str>,
}

#[component]
pub fn Legend(p: &LegendProps) -> Html {
    let t = p.lang.text();
    let node = |&(class, label): &(&'static str, &'static str)| {
        let body = if class.split_whitespace().any(|c| c == "square") {
            html! { <rect class="body" x="2" y="2" width="12" height="12" rx="3" /> }
        } else {
            html! { <circle class="body" cx="8" cy="8" r="6" /> }
        };
        html! { <li><svg viewBox="0 0 16 16" class={classes!("swatch", "node", class.split_whitespace().collect::<Vec<_>>())}>{ body }</svg>{ label }</li> }
    };
    let dot = |&(class, label): &(&'static str, &'static str)| {
        html! { <li><svg viewBox="0 0 16 16" class="swatch"><circle class={classes!("dot", class)} cx="8" cy="8" r="5.5" /></svg>{ label }</li> }
    };
    html! {
        <details class="legend" open=true>
            <summary>{ t.legend }</summary>
            <ul>
                { for p.nodes.iter().map(node) }
                { for p.messages.iter().map(dot) }
                { dot(&("lost", t.lost_message)) }
                { for p.notes.iter().map(|note| html! { <li class="note">{ *note }</li> }) }
            </ul>
        </details>
    }
}

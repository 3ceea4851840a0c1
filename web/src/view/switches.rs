//! A protocol's switches as checkboxes: one per row of its table ([`crate::switches`]), and the
//! "Break it" fieldset every protocol shows the same way.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{Lang, say};
use crate::switches::Switch;

/// A checkbox for `switch` in `config`; ticking it emits the changed configuration. A break-it
/// switch names the invariants that should catch it.
pub fn checkbox<C: Clone + 'static>(
    lang: Lang,
    switch: &'static Switch<C>,
    config: &C,
    on_change: Callback<C>,
) -> Html {
    let onchange = {
        let config = config.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut next = config.clone();
            (switch.set)(&mut next, input.checked());
            on_change.emit(next);
        })
    };
    let caught_by = (!switch.caught_by().is_empty()).then(|| {
        let by = say(lang, "caught by", "由此发现");
        html! { <>{ " " }<em>{ format!("({by} {})", switch.caught_by().join(", ")) }</em></> }
    });
    let help = switch.help(lang);
    html! {
        <li class="switch">
            <label title={help}>
                <input type="checkbox" data-switch={switch.key} checked={(switch.get)(config)} {onchange} />
                { switch.label(lang) }
            </label>
            <span class="note">{ help }{ for caught_by }</span>
        </li>
    }
}

/// The "Break it" fieldset: every break-it switch of `table`.
pub fn breaks<C: Clone + 'static>(
    lang: Lang,
    table: &'static [Switch<C>],
    config: &C,
    on_change: Callback<C>,
) -> Html {
    let rows = table
        .iter()
        .filter(|s| s.is_break())
        .map(|s| checkbox(lang, s, config, on_change.clone()));
    html! {
        <fieldset class="breaks">
            <legend>{ say(lang, "Break it", "破坏规则") }</legend>
            <p class="note">{ say(lang,
                "Each switch turns off one rule of the paper. The invariant checker should then catch a violation: the run pauses under a red banner.",
                "每个开关关闭论文中的一条规则。不变式检查器应当发现违反：运行会暂停并显示红色横幅。") }</p>
            <ul>{ for rows }</ul>
        </fieldset>
    }
}

/// The keys of the break-it switches on in `config`, for a badge: `vote-twice, no-truncate`.
pub fn broken<C>(table: &[Switch<C>], config: &C) -> Option<String> {
    let on: Vec<&str> = table
        .iter()
        .filter(|s| s.is_break() && (s.get)(config))
        .map(|s| s.key)
        .collect();
    (!on.is_empty()).then(|| on.join(", "))
}

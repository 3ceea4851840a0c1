//! The share panel's copy buttons: "Copy link" (the address of exactly what is on screen) and
//! the embed code for the same run in another page, in each form it comes in (an iframe, a
//! widget with its loader, an mdBook directive: `permalink::EmbedForm`). Each builds its text
//! when pressed, puts it on the clipboard and says whether that worked; embed code also stays on
//! screen to be read or selected by hand.

use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The button's `data-action`; the text shown after a press carries it as `data-copied`.
    pub action: AttrValue,
    /// The button's label: idle, after a copy, after a failed copy.
    pub labels: [&'static str; 3],
    /// Builds the text when the button is pressed.
    pub text: Callback<(), String>,
    /// Show the text under the button once pressed.
    #[prop_or_default]
    pub show: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Idle,
    Copied,
    Failed,
}

#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let status = use_state(|| Status::Idle);
    let shown = use_state(|| None::<String>);
    // The confirmation fades after two seconds; dropping the handle cancels a pending reset.
    let reset = use_mut_ref(|| None::<Timeout>);
    let onclick = {
        let (status, shown, text) = (status.clone(), shown.clone(), props.text.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let text = text.emit(());
            let promise = window.navigator().clipboard().write_text(&text);
            shown.set(Some(text));
            let (status, reset) = (status.clone(), reset.clone());
            spawn_local(async move {
                let copied = JsFuture::from(promise).await.is_ok();
                status.set(if copied {
                    Status::Copied
                } else {
                    Status::Failed
                });
                let status = status.clone();
                *reset.borrow_mut() = Some(Timeout::new(2_000, move || status.set(Status::Idle)));
            });
        })
    };
    let [idle, copied, failed] = props.labels;
    let label = match *status {
        Status::Idle => idle,
        Status::Copied => copied,
        Status::Failed => failed,
    };
    let shown = (*shown).clone().filter(|_| props.show);
    html! {
        <>
            <button class="copy" data-action={props.action.clone()} aria-live="polite" {onclick}>{ label }</button>
            if let Some(text) = shown {
                // One click selects it all (`user-select: all`), for when the clipboard is barred.
                <pre class="copied" data-copied={props.action.clone()}><code>{ text }</code></pre>
            }
        </>
    }
}

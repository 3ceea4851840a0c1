//! "Copy link": the address of exactly what is on screen (configuration in the query, the
//! run's interventions and step in the fragment). The address bar shows it too.

use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    pub lang: Lang,
    /// Builds the link when the button is pressed.
    pub link: Callback<(), String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Idle,
    Copied,
    Failed,
}

#[component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let t = props.lang.text();
    let status = use_state(|| Status::Idle);
    // The confirmation fades after two seconds; dropping the handle cancels a pending reset.
    let reset = use_mut_ref(|| None::<Timeout>);
    let onclick = {
        let (status, link) = (status.clone(), props.link.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let href = link.emit(());
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
            }
            let promise = window.navigator().clipboard().write_text(&href);
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
    let label = match *status {
        Status::Idle => t.copy_link,
        Status::Copied => t.link_copied,
        Status::Failed => t.copy_failed,
    };
    html! {
        <button class="copy-link" data-action="copy-link" aria-live="polite" {onclick}>{ label }</button>
    }
}

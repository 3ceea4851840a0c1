//! What the node inspectors of every protocol share: buttons that act on the run, and a text
//! field that keeps what is typed into it.

use concord_core::sim::{Action, Protocol};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A click that does `action` to the run.
pub fn act<P: Protocol + 'static>(
    on_act: &Callback<Action<P>>,
    action: Action<P>,
) -> Callback<MouseEvent>
where
    Action<P>: Clone,
{
    let on_act = on_act.clone();
    Callback::from(move |_: MouseEvent| on_act.emit(action.clone()))
}

/// The text of a field, `initial` until the reader types, and the callback that keeps what they
/// type.
#[hook]
pub fn use_text(initial: String) -> (UseStateHandle<String>, Callback<InputEvent>) {
    let text = use_state(move || initial);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                text.set(input.value());
            }
        })
    };
    (text, on_input)
}

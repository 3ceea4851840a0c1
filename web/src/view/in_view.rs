//! Whether an element is in the window, by an `IntersectionObserver` (in an iframe, the window of
//! the page around it). A playing run scrolled out of view waits there: a reader who pressed play
//! and read on down the page pays for no frames nobody sees, which on a phone are the frames its
//! scrolling needs.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry};
use yew::prelude::*;

/// Whether any of `element` is in the window; true until the browser has said otherwise.
#[hook]
pub fn use_in_view(element: &NodeRef) -> bool {
    let in_view = use_state_eq(|| true);
    {
        let (element, in_view) = (element.clone(), in_view.clone());
        use_effect_with((), move |_| {
            let watch = element.cast::<Element>().and_then(|element| {
                let on_change =
                    Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                        // Reported oldest first: the last change is the one that holds.
                        if let Some(last) = entries.length().checked_sub(1) {
                            let entry: IntersectionObserverEntry =
                                entries.get(last).unchecked_into();
                            in_view.set(entry.is_intersecting());
                        }
                    });
                let observer =
                    IntersectionObserver::new(on_change.as_ref().unchecked_ref()).ok()?;
                observer.observe(&element);
                Some((observer, on_change))
            });
            move || {
                if let Some((observer, _)) = watch {
                    observer.disconnect();
                }
            }
        });
    }
    *in_view
}

//! The caption's height held while the run plays.
//!
//! Each step's sentence has its own length, from one line to six (a leader sending to eight
//! followers). Fitted to its words, the caption would change height several times a second and
//! move everything under it: the pause button out from under the reader's pointer, and every
//! panel below, which the browser would then lay out and paint anew each frame (BENCHMARKS.md,
//! "Browser"). So while the run plays it keeps the tallest height it has had since playing
//! started; paused, it fits its words again.

use std::cell::Cell;

use web_sys::HtmlElement;
use yew::prelude::*;

use super::resized::Resized;

/// The node to hold: while `playing`, its height only grows.
#[hook]
pub fn use_steady_height(playing: bool) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(playing, move |&playing| {
            let held = node.cast::<HtmlElement>().filter(|_| playing);
            // A ResizeObserver reads the height after the browser has laid the page out, so
            // holding it costs no layout of its own but when the caption grows.
            let observer = held.clone().and_then(|el| {
                let tallest = Cell::new(0);
                let target = el.clone();
                Resized::watch(&el, move || {
                    let height = target.offset_height();
                    if height > tallest.get() {
                        tallest.set(height);
                        let _ = target
                            .style()
                            .set_property("min-height", &format!("{height}px"));
                    }
                })
            });
            move || {
                drop(observer);
                if let Some(el) = held {
                    let _ = el.style().remove_property("min-height");
                }
            }
        });
    }
    node
}

//! A requestAnimationFrame loop as a hook: while `active`, `on_frame` gets the
//! wall time (ms) since the previous frame. And whether the reader wants less motion.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

type FrameFn = Closure<dyn FnMut(f64)>;

#[hook]
pub fn use_animation_frames(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |&active| {
        let running = Rc::new(RefCell::new(None::<i32>));
        let frame: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
        if active && let Some(window) = web_sys::window() {
            let last = Rc::new(RefCell::new(None::<f64>));
            let (running_in, frame_in) = (Rc::clone(&running), Rc::clone(&frame));
            *frame.borrow_mut() = Some(Closure::new(move |now: f64| {
                let dt = last.borrow().map_or(0.0, |prev| now - prev);
                *last.borrow_mut() = Some(now);
                on_frame.emit(dt);
                if let Some(f) = frame_in.borrow().as_ref() {
                    let id = web_sys::window()
                        .and_then(|w| w.request_animation_frame(f.as_ref().unchecked_ref()).ok());
                    *running_in.borrow_mut() = id;
                }
            }));
            if let Some(f) = frame.borrow().as_ref() {
                *running.borrow_mut() = window
                    .request_animation_frame(f.as_ref().unchecked_ref())
                    .ok();
            }
        }
        move || {
            if let (Some(id), Some(w)) = (running.borrow_mut().take(), web_sys::window()) {
                let _ = w.cancel_animation_frame(id);
            }
            // Dropping the closure ends the loop even if a frame was already queued.
            frame.borrow_mut().take();
        }
    });
}

/// Whether the reader asked their system for less motion (`prefers-reduced-motion: reduce`).
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

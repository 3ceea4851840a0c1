//! Being told when an element's size changes, by a `ResizeObserver`: the browser calls it after
//! laying the page out, so what the call reads or writes there costs no layout of its own.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, ResizeObserver};

/// Calls its function when the element's size changes (and once when it starts watching),
/// until dropped.
pub struct Resized {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut()>,
}

impl Resized {
    pub fn watch(element: &Element, on_resize: impl FnMut() + 'static) -> Option<Resized> {
        let on_resize = Closure::<dyn FnMut()>::new(on_resize);
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(Resized {
            observer,
            _on_resize: on_resize,
        })
    }
}

impl Drop for Resized {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

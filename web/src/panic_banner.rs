//! A panic must never leave a frozen page: show what happened, offer a reload, and a bug report
//! to copy: the permalink of the run on screen, the panic message and the build's version.
//!
//! A panic aborts the wasm, so everything the banner's buttons do is prepared in the hook and
//! touches no state the panic may have left half-changed.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::address;

/// The banner styles itself: on a page with widgets, Concord's stylesheet lives only inside
/// their shadow roots.
const STYLE: &str = "position:fixed;top:0;left:0;right:0;z-index:2147483647;background:#c92a2a;\
                     color:#fff;padding:10px 16px;font:14px/1.4 system-ui,sans-serif;\
                     white-space:pre-wrap";

/// The address parameter that panics on purpose when the run reaches a step (`panic-at=3`): how
/// a reader, or the browser tests, see this banner and its bug report.
const PANIC_AT: &str = "panic-at";

/// What this build calls itself in a bug report.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The run's permalink, read from the playground that was opened last; `None` when its state
/// is in the middle of a change (the panic came from inside a step).
type RunLink = Box<dyn Fn() -> Option<String>>;

thread_local! {
    static RUN_LINK: RefCell<Option<RunLink>> = const { RefCell::new(None) };
}

/// The playground on screen says how to read its run's permalink for the bug report.
pub fn track_run(link: impl Fn() -> Option<String> + 'static) {
    RUN_LINK.with(|l| *l.borrow_mut() = Some(Box::new(link)));
}

/// The step at which the address asks for a panic (`panic-at=N`), if it does.
pub fn panic_at() -> Option<usize> {
    address::query_pairs(&address::search())
        .into_iter()
        .find(|(key, _)| key == PANIC_AT)
        .and_then(|(_, step)| step.parse().ok())
}

/// Panics once the run reaches the step the address asked for (`asked`, from [`panic_at`]).
#[allow(
    clippy::panic,
    reason = "panic-at=N asks for one, to show this banner and its bug report"
)]
pub fn panic_if_asked(asked: Option<usize>, position: usize) {
    if let Some(at) = asked.filter(|&at| position >= at) {
        panic!(
            "panic-at={at}: the address asked for a panic at step {at} (the run is at {position})"
        );
    }
}

/// The bug report: the build, the run, what went wrong.
fn bug_report(message: &str) -> String {
    let run = RUN_LINK
        .try_with(|l| l.try_borrow().ok()?.as_ref()?())
        .ok()
        .flatten();
    let run = run.unwrap_or_else(|| {
        format!(
            "{}{}{} (the address only: the run stopped in the middle of a step)",
            address::base(),
            address::search(),
            address::hash()
        )
    });
    format!("Concord {VERSION}\n{run}\n{message}\n")
}

pub fn install() {
    // Through Yew: a plain `std::panic::set_hook` would be replaced by Yew's own on the first
    // render.
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        show(&message);
    }));
}

fn show(message: &str) -> Option<()> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let body = document.body()?;
    let banner = document.create_element("div").ok()?;
    banner.set_class_name("concord-panic");
    // Through the CSSOM: a `style` attribute is refused under `style-src 'self'`.
    if let Some(banner) = banner.dyn_ref::<web_sys::HtmlElement>() {
        banner.style().set_css_text(STYLE);
    }
    banner.set_attribute("role", "alert").ok();
    let lang = document
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default();
    let t = crate::i18n::Lang::from_tag(&lang)
        .unwrap_or(crate::i18n::Lang::En)
        .text();
    let report = bug_report(message);
    // Built from text nodes, never HTML, so the message cannot inject markup.
    let title = document.create_element("strong").ok()?;
    title.set_text_content(Some(t.panic_title));
    banner.append_child(&title).ok()?;
    let pre = document.create_element("pre").ok()?;
    pre.set_attribute("data-bug-report", "").ok();
    pre.set_text_content(Some(&report));
    banner.append_child(&pre).ok()?;
    // Listeners rather than `onclick` attributes, which a page's `script-src 'self'` refuses.
    // They live as long as the page: a stopped page has nothing to free them for.
    let reload = document.create_element("button").ok()?;
    reload.set_text_content(Some(t.reload));
    let on_reload = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    reload
        .add_event_listener_with_callback("click", on_reload.as_ref().unchecked_ref())
        .ok()?;
    on_reload.forget();
    let copy = document.create_element("button").ok()?;
    copy.set_attribute("data-action", "copy-bug-report").ok();
    copy.set_text_content(Some(t.copy_bug_report));
    let on_copy = {
        let copy = copy.clone();
        Closure::<dyn Fn()>::new(move || {
            let promise = window.navigator().clipboard().write_text(&report);
            // A promise's callbacks, not a future: the executor may be what panicked.
            let (done, failed) = (copy.clone(), copy.clone());
            let done = Closure::<dyn FnMut(_)>::new(move |_| {
                done.set_text_content(Some(t.bug_report_copied));
            });
            let failed = Closure::<dyn FnMut(_)>::new(move |_| {
                failed.set_text_content(Some(t.bug_report_copy_failed));
            });
            let _ = promise.then2(&done, &failed);
            done.forget();
            failed.forget();
        })
    };
    copy.add_event_listener_with_callback("click", on_copy.as_ref().unchecked_ref())
        .ok()?;
    on_copy.forget();
    banner.append_child(&copy).ok()?;
    banner.append_child(&reload).ok()?;
    body.prepend_with_node_1(&banner).ok()
}

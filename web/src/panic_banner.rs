//! A panic must never leave a frozen page: show what happened and offer a reload.

use wasm_bindgen::JsCast;

/// The banner styles itself: on a page with widgets, Concord's stylesheet lives only inside
/// their shadow roots.
const STYLE: &str = "position:fixed;top:0;left:0;right:0;z-index:2147483647;background:#c92a2a;\
                     color:#fff;padding:10px 16px;font:14px/1.4 system-ui,sans-serif;\
                     white-space:pre-wrap";

pub fn install() {
    // Through Yew: a plain `std::panic::set_hook` would be replaced by Yew's own on the first
    // render.
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = document.body() else {
            return;
        };
        let Ok(banner) = document.create_element("div") else {
            return;
        };
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
        // Built from text nodes, never HTML, so the message cannot inject markup.
        let title = document.create_element("strong").ok();
        if let Some(title) = &title {
            title.set_text_content(Some(t.panic_title));
            banner.append_child(title).ok();
        }
        let pre = document.create_element("pre").ok();
        if let Some(pre) = &pre {
            pre.set_text_content(Some(&message));
            banner.append_child(pre).ok();
        }
        if let Ok(button) = document.create_element("button") {
            button.set_text_content(Some(t.reload));
            button.set_attribute("onclick", "location.reload()").ok();
            banner.append_child(&button).ok();
        }
        body.prepend_with_node_1(&banner).ok();
    }));
}

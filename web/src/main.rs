//! Concord in the browser: a Yew app over `concord-core`.
//!
//! The same wasm serves three hosts: the full playground (`index.html`), an iframe embed (the
//! same page with `?embed=1`) and widgets in other pages, which the loader script mounts through
//! [`embed::widget::mount`].
//!
//! Nothing a visitor types, links, imports or posts may stop the page, so what can panic is
//! denied outside tests; where it truly cannot fire, an `allow` says why on the spot.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing
)]

mod address;
mod app;
mod embed;
mod gossip;
mod i18n;
mod input;
mod panic_banner;
mod paxos;
mod player;
mod playground;
mod raft;
mod registry;
mod run;
mod style;
mod switches;
mod theme;
mod tour;
mod url;
mod view;
mod welcome;

fn main() {
    panic_banner::install();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // A page with widgets runs this too when the loader starts the wasm: it has no app root,
    // and the loader mounts the widgets.
    let Ok(Some(root)) = document.query_selector("[data-concord-app]") else {
        return;
    };
    let _ = style::install_in_document(&document);
    // The full page and an iframe follow the reader's system theme (and `data-theme` on
    // `<html>`), for as long as the page lives.
    if let Some(html) = document.document_element() {
        std::mem::forget(theme::follow(html.clone(), html));
    }
    if url::UrlState::read().embed {
        embed::frame::start(root);
    } else {
        yew::Renderer::<app::App>::with_root(root).render();
    }
}

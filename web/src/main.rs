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
// A protocol's own bundle (a cargo feature each, see Cargo.toml) leaves unused what only the app
// and the other protocols use. The full build, the default that clippy checks, still warns.
#![cfg_attr(
    not(all(
        feature = "app",
        feature = "raft",
        feature = "gossip",
        feature = "paxos"
    )),
    allow(dead_code, unused_imports)
)]

mod address;
#[cfg(feature = "app")]
mod app;
mod download;
mod embed;
#[cfg(feature = "gossip")]
#[cfg(all(
    test,
    feature = "app",
    feature = "raft",
    feature = "gossip",
    feature = "paxos"
))]
mod fuzz;
mod gossip;
#[cfg(feature = "heap-count")]
mod heap;
mod i18n;
mod input;
#[cfg(feature = "app")]
mod lab;
mod panic_banner;
#[cfg(feature = "paxos")]
mod paxos;
mod player;
mod playground;
#[cfg(feature = "raft")]
mod raft;
mod refusal;
mod registry;
mod run;
mod style;
mod switches;
mod theme;
mod tour;
mod trouble;
mod url;
mod view;
#[cfg(feature = "app")]
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
    #[cfg(feature = "app")]
    if !url::UrlState::read().embed {
        yew::Renderer::<app::App>::with_root(root).render();
        return;
    }
    // An iframe embed. A bundle without the app (a protocol's own) is loaded only for those.
    embed::frame::start(root);
}

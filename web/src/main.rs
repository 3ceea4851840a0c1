//! Concord in the browser: a Yew app over `concord-core`.

mod app;
mod i18n;
mod panic_banner;
mod paxos;
mod player;
mod playground;
mod raft;
mod url;
mod view;

fn main() {
    panic_banner::install();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document
        .get_element_by_id("concord")
        .expect("index.html has #concord");
    yew::Renderer::<app::App>::with_root(root).render();
}

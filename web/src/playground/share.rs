//! The share card: copy a link to exactly what is on screen, copy embed code for it (an iframe, a
//! widget with its loader, an mdBook directive), export the run to a file, import one.

use concord_core::sim::Protocol;
use yew::prelude::*;

use super::permalink::{self, EmbedForm, LinkError};
use crate::i18n::Lang;
use crate::player::{Player, PlayerAction};
use crate::run::RunConfig;
use crate::trouble::Trouble;
use crate::view::copy::CopyButton;

/// The share card of a playground running `algo`.
pub fn share_card<P: Protocol + 'static>(
    lang: Lang,
    algo: &'static str,
    run: &RunConfig,
    player: &UseReducerHandle<Player<P>>,
) -> Html {
    let t = lang.text();
    let send = player.dispatcher().to_callback();
    // The link also goes to the address bar, where a reader whose clipboard is barred finds it.
    let link = {
        let player = player.clone();
        Callback::from(move |_| {
            let href = permalink::permalink(&player.state().history);
            crate::address::replace(&href);
            href
        })
    };
    let embed_code = |form| {
        let player = player.clone();
        Callback::from(move |_| permalink::embed_code(algo, &player.state().history, form))
    };
    let on_export = {
        let (player, send, run) = (player.clone(), send.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let exported = permalink::export(algo, &run, &player.state().history);
            if let Err(e) = exported {
                send.emit(PlayerAction::Fail(Trouble::Export(e)));
            }
        })
    };
    let on_import = Callback::from(move |e: Event| {
        let Some(file) = e
            .target_dyn_into::<web_sys::HtmlInputElement>()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        let send = send.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let address = text
                .ok()
                .and_then(|t| t.as_string())
                .ok_or(LinkError::NotARunFile)
                .and_then(|t| permalink::address_of(&t, lang));
            match address {
                Ok(address) => crate::address::open(&address),
                Err(e) => send.emit(PlayerAction::Fail(Trouble::Link(e))),
            }
        });
    });
    html! {
        <div class="panel share">
            <CopyButton action="copy-link" labels={[t.copy_link, t.link_copied, t.copy_failed]} text={link} />
            <CopyButton action="copy-embed" labels={[t.copy_embed, t.embed_copied, t.embed_copy_failed]}
                text={embed_code(EmbedForm::Iframe)} show=true />
            <CopyButton action="copy-widget" labels={[t.copy_widget, t.widget_copied, t.embed_copy_failed]}
                text={embed_code(EmbedForm::Widget)} show=true />
            <CopyButton action="copy-mdbook" labels={[t.copy_mdbook, t.mdbook_copied, t.embed_copy_failed]}
                text={embed_code(EmbedForm::Mdbook)} show=true />
            <button data-action="export" onclick={on_export}>{ t.export_run }</button>
            <label class="import">
                <span>{ t.import_run }</span>
                <input type="file" accept=".json,application/json" data-control="import" onchange={on_import} />
            </label>
        </div>
    }
}

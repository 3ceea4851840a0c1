//! The keyboard: one table of shortcuts, read both by the key handler and by the help overlay
//! (`?`), so a shortcut cannot work without being listed, nor be listed without working.

use yew::prelude::*;

use crate::i18n::{Lang, Text};

/// What a shortcut does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyCommand {
    TogglePlay,
    Step,
    Back,
    NextMark,
    PrevMark,
    /// Drop the selected message.
    Drop,
    /// Close the help and the selection.
    Escape,
    Help,
}

pub struct Shortcut {
    /// The `KeyboardEvent.key` values that press it.
    keys: &'static [&'static str],
    /// How the help overlay shows the key.
    pub shown: &'static str,
    pub label: fn(&Text) -> &'static str,
    pub command: KeyCommand,
}

/// One row per shortcut: the keys that press it, how the help shows them, what the help says,
/// what it does.
pub const SHORTCUTS: [Shortcut; 8] = [
    Shortcut::new(&[" "], "Space", |t| t.key_play, KeyCommand::TogglePlay),
    Shortcut::new(&["ArrowRight"], "→", |t| t.key_step, KeyCommand::Step),
    Shortcut::new(&["ArrowLeft"], "←", |t| t.key_back, KeyCommand::Back),
    Shortcut::new(&["]"], "]", |t| t.key_next_mark, KeyCommand::NextMark),
    Shortcut::new(&["["], "[", |t| t.key_prev_mark, KeyCommand::PrevMark),
    Shortcut::new(&["d", "D"], "D", |t| t.key_drop, KeyCommand::Drop),
    Shortcut::new(&["Escape"], "Esc", |t| t.key_escape, KeyCommand::Escape),
    Shortcut::new(&["?"], "?", |t| t.key_help, KeyCommand::Help),
];

impl Shortcut {
    const fn new(
        keys: &'static [&'static str],
        shown: &'static str,
        label: fn(&Text) -> &'static str,
        command: KeyCommand,
    ) -> Shortcut {
        Shortcut {
            keys,
            shown,
            label,
            command,
        }
    }
}

/// The command a key press means, unless it belongs to the control it was typed into (a field,
/// a menu, Space on a button, Enter or Space on a node or message that took it already).
pub fn command(e: &KeyboardEvent) -> Option<KeyCommand> {
    if e.default_prevented() {
        return None;
    }
    let tag = e
        .target_dyn_into::<web_sys::HtmlElement>()
        .map(|el| el.tag_name())
        .unwrap_or_default();
    let key = e.key();
    if tag == "INPUT" || tag == "SELECT" || (tag == "BUTTON" && key == " ") {
        return None;
    }
    SHORTCUTS
        .iter()
        .find(|s| s.keys.contains(&key.as_str()))
        .map(|s| s.command)
}

/// The keys the playground answers, for `aria-keyshortcuts`.
pub fn aria_shortcuts() -> String {
    SHORTCUTS
        .iter()
        .flat_map(|s| s.keys.first())
        .map(|k| if *k == " " { "Space" } else { k })
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub lang: Lang,
    pub on_close: Callback<()>,
}

/// Every keyboard shortcut, opened with `?`.
#[component]
pub fn HelpOverlay(p: &HelpProps) -> Html {
    let t = p.lang.text();
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="help" role="dialog" aria-modal="true" aria-label={t.shortcuts} data-help="">
            <div class="card">
                <h2>{ t.shortcuts }</h2>
                <dl>{ for SHORTCUTS.iter().map(|s| html! { <><dt><kbd>{ s.shown }</kbd></dt><dd>{ (s.label)(t) }</dd></> }) }</dl>
                <button data-action="close-help" onclick={close}>{ t.close }</button>
            </div>
        </div>
    }
}

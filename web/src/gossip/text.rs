//! The Gossip view's words. Each phrase is written where it is used, in both languages at once,
//! so the English and the Chinese cannot drift apart: `say(lang, "round", "轮")`.

use crate::i18n::Lang;

/// The phrase in the reader's language.
pub fn say(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// What goes between two sentences: a space in English, nothing in Chinese.
pub fn gap(lang: Lang) -> &'static str {
    say(lang, " ", "")
}

//! English and Simplified Chinese. Interface words live in one [`Text`] per
//! language; captions, which take parameters, are written where they are used, both languages
//! side by side ([`say`], [`tr!`]).

mod en;
mod zh;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The language a tag names (`zh-CN`, `en`), if it is one of ours.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &en::TEXT,
            Lang::Zh => &zh::TEXT,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }
}

/// A phrase in the reader's language, written where it is used in both languages at once, so the
/// English and the Chinese cannot drift apart: `say(lang, "round", "轮")`.
pub fn say(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// A sentence with parameters in the reader's language, written in both languages at once like
/// [`say`]; only the reader's is formatted: `tr!(lang, "{n} crashed.", "{n} 宕机。")`. Arguments
/// after the two templates serve both, and each template must use every one of them.
macro_rules! tr {
    ($lang:expr, $en:literal, $zh:literal $(, $($arg:tt)*)?) => {
        match $lang {
            $crate::i18n::Lang::En => format!($en $(, $($arg)*)?),
            $crate::i18n::Lang::Zh => format!($zh $(, $($arg)*)?),
        }
    };
}
pub(crate) use tr;

/// What goes between two sentences: a space in English, nothing in Chinese.
pub fn gap(lang: Lang) -> &'static str {
    say(lang, " ", "")
}

/// Every fixed string of the interface.
pub struct Text {
    pub tagline: &'static str,
    pub language_name: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub step: &'static str,
    pub back: &'static str,
    pub reset: &'static str,
    pub speed: &'static str,
    pub seed: &'static str,
    pub new_seed: &'static str,
    pub nodes: &'static str,
    pub time: &'static str,
    pub step_no: &'static str,
    pub crash: &'static str,
    pub restart: &'static str,
    pub force_timeout: &'static str,
    pub close: &'static str,
    pub follower: &'static str,
    pub candidate: &'static str,
    pub leader: &'static str,
    pub down: &'static str,
    pub term: &'static str,
    pub voted_for: &'static str,
    pub nobody: &'static str,
    pub leader_known: &'static str,
    pub unknown: &'static str,
    pub votes: &'static str,
    pub commit_index: &'static str,
    pub election_timer: &'static str,
    pub heartbeat_timer: &'static str,
    pub fires_in: &'static str,
    pub no_timer: &'static str,
    pub click_a_node: &'static str,
    pub legend: &'static str,
    pub request_vote: &'static str,
    pub vote_granted: &'static str,
    pub vote_denied: &'static str,
    pub append_entries: &'static str,
    pub append_reply: &'static str,
    pub lost_message: &'static str,
    pub timer_ring: &'static str,
    pub start_caption: &'static str,
    pub keys_hint: &'static str,
    pub violation: &'static str,
    pub panic_title: &'static str,
    pub reload: &'static str,
    pub copy_bug_report: &'static str,
    pub bug_report_copied: &'static str,
    pub bug_report_copy_failed: &'static str,
    pub route: &'static str,
    pub sent_at: &'static str,
    pub arrives_at: &'static str,
    pub deliver_now: &'static str,
    pub drop_msg: &'static str,
    pub duplicate_msg: &'static str,
    pub delay_msg: &'static str,
    pub network: &'static str,
    pub loss: &'static str,
    pub duplication: &'static str,
    pub latency: &'static str,
    pub partition_help: &'static str,
    /// Before the range `S1 … Sk` that forms one side, in clusters too large to tick each node.
    pub partition_first: &'static str,
    pub partition: &'static str,
    pub cut_link: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub one_way: &'static str,
    pub both_ways: &'static str,
    pub restore: &'static str,
    pub heal: &'static str,
    pub pending: &'static str,
    pub pending_help: &'static str,
    pub fire_now: &'static str,
    pub timeline: &'static str,
    pub branches: &'static str,
    pub branch_from: &'static str,
    pub steps: &'static str,
    pub spacetime: &'static str,
    /// Said instead of the space-time diagram for a cluster drawn dense.
    pub spacetime_dense: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub step_by: &'static str,
    pub delivery_to: &'static str,
    pub until: &'static str,
    /// Shown while a far jump in a large cluster runs, before the step number reached.
    pub fast_forwarding: &'static str,
    pub until_violation: &'static str,
    pub shortcuts: &'static str,
    pub key_play: &'static str,
    pub key_step: &'static str,
    pub key_back: &'static str,
    pub key_next_mark: &'static str,
    pub key_prev_mark: &'static str,
    pub key_drop: &'static str,
    pub key_escape: &'static str,
    pub key_help: &'static str,
    pub delivered_already: &'static str,
    pub export_run: &'static str,
    pub import_run: &'static str,
    pub back_to_when: &'static str,
    pub client_request: &'static str,
    pub unknown_algo: &'static str,
    pub open_full: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    pub copy_failed: &'static str,
    pub copy_embed: &'static str,
    pub embed_copied: &'static str,
    pub embed_copy_failed: &'static str,
    pub copy_widget: &'static str,
    pub widget_copied: &'static str,
    pub copy_mdbook: &'static str,
    pub mdbook_copied: &'static str,
    pub volatile_lost: &'static str,
}

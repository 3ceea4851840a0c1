//! What the status line says went wrong. The player keeps what happened, not a sentence, so the
//! view words it in the page's language when it draws it, and again if the reader switches
//! language.

use concord_core::sim::SimError;

use crate::i18n::{Lang, tr};
use crate::playground::permalink::LinkError;
use crate::refusal;

#[derive(Debug, PartialEq)]
pub enum Trouble {
    /// The simulator refused a step, an action or a branch.
    Refused(SimError),
    /// A jump forward found no step it was looking for within this many steps.
    NotAhead(usize),
    /// A jump back found no such step between here and the run's start.
    NotBefore,
    /// The link or run file the page was opened with (or given) could not be played.
    Link(LinkError),
    /// Saving the run as a file failed, for the browser's or the encoder's reason (not a sentence
    /// of ours, so not translated).
    Export(String),
}

impl Trouble {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Trouble::Refused(error) => {
                let why = refusal::sim_error(lang, error);
                tr!(lang, "Refused: {why}.", "无法执行：{why}。")
            }
            Trouble::NotAhead(steps) => tr!(
                lang,
                "Not found in the next {steps} steps.",
                "在接下来的 {steps} 步中没有找到。"
            ),
            Trouble::NotBefore => tr!(
                lang,
                "Not found between here and the start of the run.",
                "从这里到运行开始都没有找到。"
            ),
            Trouble::Link(error) => error.text(lang),
            Trouble::Export(reason) => tr!(
                lang,
                "The run could not be saved as a file: {reason}",
                "无法把这次运行保存为文件：{reason}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_core::sim::NodeId;

    fn every_kind() -> Vec<Trouble> {
        vec![
            Trouble::Refused(SimError::Idle),
            Trouble::Refused(SimError::NodeDown(NodeId(2))),
            Trouble::NotAhead(200_000),
            Trouble::NotBefore,
            Trouble::Link(LinkError::Damaged),
            Trouble::Export("quota exceeded".into()),
        ]
    }

    #[test]
    fn every_trouble_is_said_in_both_languages() {
        for trouble in every_kind() {
            let (en, zh) = (trouble.text(Lang::En), trouble.text(Lang::Zh));
            assert!(!en.is_empty() && !zh.is_empty(), "{trouble:?}");
            assert_ne!(en, zh, "{trouble:?}");
            // The export's reason is the browser's own words; nothing else stays in English.
            // (A node's name, "n2", is not a word.)
            let words = zh.split(|c: char| !c.is_ascii_alphabetic());
            if !matches!(trouble, Trouble::Export(_)) {
                assert!(
                    words.filter(|w| w.len() > 2).count() == 0,
                    "English left in the Chinese: {zh}"
                );
            }
        }
    }

    #[test]
    fn a_refusal_says_the_cores_reason_in_the_readers_language() {
        let idle = Trouble::Refused(SimError::Idle);
        assert_eq!(idle.text(Lang::En), "Refused: nothing is left to happen.");
        assert_eq!(idle.text(Lang::Zh), "无法执行：已经没有待发生的事件。");
    }
}

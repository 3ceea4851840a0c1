//! Switches: a protocol's feature toggles and "break it" switches, one row each in a table of
//! [`Switch`]es kept beside the protocol's settings (`raft::settings::SWITCHES`, …). A row says
//! everything about its switch: its one spelling in the URL and the older ones still accepted,
//! its label and what it does in both languages, which invariant should catch it if it breaks a
//! rule, and how it reads and sets the protocol's configuration.
//!
//! In the URL every protocol lists the switches that are on the same way:
//! `switches=vote-twice,no-truncate`. The parameter, when present, is the complete list (a switch
//! it does not name is off); when absent, every switch keeps its default. Links made before the
//! protocols shared this spelling (`breaks=ignore_accepted`, `switches=vote-guard`) still open.

use crate::i18n::Lang;
use crate::input::Reader;
use crate::run::Options;

/// The parameter listing the switches that are on.
pub const PARAM: &str = "switches";
/// The parameter Gossip's and Paxos' break-it switches were listed in before.
const OLD_PARAM: &str = "breaks";

/// What turning a switch on does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effect {
    /// Turns on a mechanism the protocol may use (a no-op on election, PreVote …).
    Feature,
    /// Turns off one rule of the paper, to show what it prevents: the named invariants should
    /// catch the run going wrong.
    Breaks { caught_by: &'static [&'static str] },
}

/// One switch of a protocol whose configuration is a `C`.
pub struct Switch<C> {
    /// Its name in the URL's `switches` list.
    pub key: &'static str,
    /// Older names that still turn it on.
    pub aliases: &'static [&'static str],
    /// Its label, English and Chinese.
    pub label: [&'static str; 2],
    /// What it does, English and Chinese (for a break: which rule it turns off, and what can
    /// then go wrong).
    pub help: [&'static str; 2],
    pub effect: Effect,
    pub get: fn(&C) -> bool,
    pub set: fn(&mut C, bool),
}

/// How a switch reads and sets its configuration: usually one `bool` field, [`flag!`].
pub type Access<C> = (fn(&C) -> bool, fn(&mut C, bool));

/// The [`Access`] of one `bool` field of the configuration: `flag!(breaks.vote_twice)`.
macro_rules! flag {
    ($($field:ident).+) => {
        (|c| c.$($field).+, |c, on| c.$($field).+ = on)
    };
}
pub(crate) use flag;

impl<C> Switch<C> {
    /// A mechanism the protocol may use, named `key` in the URL; `label` and `help` in English
    /// and Chinese.
    pub const fn feature(
        key: &'static str,
        label: [&'static str; 2],
        help: [&'static str; 2],
        (get, set): Access<C>,
    ) -> Self {
        Switch {
            key,
            aliases: &[],
            label,
            help,
            effect: Effect::Feature,
            get,
            set,
        }
    }

    /// A rule of the paper turned off, which the invariants `caught_by` should catch.
    pub const fn breaks(
        key: &'static str,
        caught_by: &'static [&'static str],
        label: [&'static str; 2],
        help: [&'static str; 2],
        access: Access<C>,
    ) -> Self {
        Switch {
            effect: Effect::Breaks { caught_by },
            ..Switch::feature(key, label, help, access)
        }
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        pick(lang, self.label)
    }

    pub fn help(&self, lang: Lang) -> &'static str {
        pick(lang, self.help)
    }

    /// The invariants that should catch a run with this switch on (none for a feature).
    pub fn caught_by(&self) -> &'static [&'static str] {
        match self.effect {
            Effect::Feature => &[],
            Effect::Breaks { caught_by } => caught_by,
        }
    }

    pub fn is_break(&self) -> bool {
        matches!(self.effect, Effect::Breaks { .. })
    }

    fn is_named(&self, name: &str) -> bool {
        self.key == name || self.aliases.contains(&name)
    }
}

fn pick(lang: Lang, [en, zh]: [&'static str; 2]) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The switch of `table` called `name` (its key or an older name).
pub fn find<'t, C>(table: &'t [Switch<C>], name: &str) -> Option<&'t Switch<C>> {
    table.iter().find(|s| s.is_named(name))
}

/// Set `config`'s switches from the options `reader` reads: when they list switches
/// (`switches=`, or the older `breaks=`), exactly the listed ones are on; otherwise `config` keeps
/// its own. A listed name that is no switch of the table is told to the reader.
pub fn read<C>(table: &[Switch<C>], reader: &Reader, config: &mut C) {
    let keys: Vec<&str> = table.iter().map(|s| s.key).collect();
    let lists: Vec<Vec<&str>> = [PARAM, OLD_PARAM]
        .into_iter()
        .filter_map(|param| reader.names(param, |name| find(table, name).is_some(), &keys))
        .collect();
    if lists.is_empty() {
        return;
    }
    for switch in table {
        let on = lists.iter().flatten().any(|name| switch.is_named(name));
        (switch.set)(config, on);
    }
}

/// The `switches` value naming the switches on in `config`.
pub fn list<C>(table: &[Switch<C>], config: &C) -> String {
    table
        .iter()
        .filter(|s| (s.get)(config))
        .map(|s| s.key)
        .collect::<Vec<_>>()
        .join(",")
}

/// `options` with `config`'s switches written in the one spelling: no parameter when every
/// switch is as in `default`, so links stay short.
pub fn write<C>(table: &[Switch<C>], options: &Options, config: &C, default: &C) -> Options {
    let on = list(table, config);
    let value = (on != list(table, default)).then_some(on);
    options.with(OLD_PARAM, None).with(PARAM, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Config {
        a: bool,
        b: bool,
    }

    const TABLE: [Switch<Config>; 2] = [
        Switch {
            aliases: &["a_on"],
            ..Switch::feature("a-on", ["a", "甲"], ["turns a on", "打开甲"], flag!(a))
        },
        Switch::breaks(
            "b-off",
            &["b-holds"],
            ["b", "乙"],
            ["breaks b", "破坏乙"],
            flag!(b),
        ),
    ];

    #[test]
    fn a_list_names_exactly_the_switches_that_are_on() {
        let mut c = Config { a: true, b: false };
        let o = Options::of([("switches", "b-off")]);
        let reader = Reader::new(&o);
        read(&TABLE, &reader, &mut c);
        assert_eq!(reader.finish(&[]), vec![]);
        assert_eq!(c, Config { a: false, b: true });
    }

    #[test]
    fn no_list_keeps_the_defaults() {
        let mut c = Config { a: true, b: false };
        read(&TABLE, &Reader::new(&Options::of([("seed", "3")])), &mut c);
        assert_eq!(c, Config { a: true, b: false });
    }

    #[test]
    fn older_spellings_still_turn_switches_on() {
        let mut c = Config::default();
        read(
            &TABLE,
            &Reader::new(&Options::of([("breaks", "a_on")])),
            &mut c,
        );
        assert!(c.a);
    }

    #[test]
    fn unknown_names_are_told_and_the_rest_used() {
        let mut c = Config::default();
        let o = Options::of([("switches", "a-on, zzz")]);
        let reader = Reader::new(&o);
        read(&TABLE, &reader, &mut c);
        assert!(c.a);
        let told: Vec<String> = reader
            .finish(&[])
            .iter()
            .map(|p| p.text(Lang::En))
            .collect();
        assert_eq!(
            told,
            [
                "switches=a-on, zzz: there is nothing called zzz, so it is left out; the names are a-on, b-off."
            ]
        );
    }

    #[test]
    fn writing_uses_the_one_spelling_and_leaves_defaults_out() {
        let old = Options::of([("breaks", "a_on"), ("seed", "3")]);
        let c = Config { a: true, b: true };
        let written = write(&TABLE, &old, &c, &Config::default());
        assert_eq!(written.get("switches"), Some("a-on,b-off"));
        assert_eq!(written.get("breaks"), None);
        assert_eq!(written.get("seed"), Some("3"));
        let back = write(&TABLE, &written, &Config::default(), &Config::default());
        assert_eq!(back.get("switches"), None);
    }

    #[test]
    fn breaks_name_their_invariants() {
        assert!(TABLE[1].is_break() && !TABLE[0].is_break());
        assert_eq!(TABLE[1].caught_by(), ["b-holds"]);
        assert_eq!(TABLE[0].label(Lang::Zh), "甲");
    }
}

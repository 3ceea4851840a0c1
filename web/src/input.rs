//! The front door for settings from outside: the URL's parameters, a widget's `data-*`
//! attributes and the JavaScript options that stand for them all reach the app as `key=value`
//! pairs, and are read here. A value that cannot be used as given is a [`Problem`]: the page tells
//! the reader which parameter, what was wrong and what it used instead, in their language, and
//! runs with the rest.

use std::cell::RefCell;

use crate::i18n::{Lang, tr};
use crate::run::Options;

/// One parameter the page could not use as given.
#[derive(Clone, PartialEq, Debug)]
pub struct Problem {
    pub key: String,
    pub value: String,
    pub why: Why,
}

/// What was wrong with a value, and what the page used instead (`using`, already written out:
/// `5`, `150–300 ms`).
#[derive(Clone, PartialEq, Debug)]
pub enum Why {
    NotANumber {
        using: String,
    },
    OutOfRange {
        min: String,
        max: String,
        using: String,
    },
    /// Not a range written `lo-hi`.
    NotARange {
        using: String,
    },
    /// A range whose low end is above its high end.
    EmptyRange {
        using: String,
    },
    /// None of the names this parameter takes.
    NotAChoice {
        choices: String,
        using: String,
    },
    /// Names in a list (`switches=a,b`) that name nothing; the rest of the list is used.
    UnknownNames {
        names: String,
        known: String,
    },
    /// The parameter is given more than once.
    Repeated,
    /// Nothing in this view reads it.
    Unused,
}

impl Problem {
    pub fn new(key: &str, value: &str, why: Why) -> Problem {
        Problem {
            key: key.to_owned(),
            value: value.to_owned(),
            why,
        }
    }

    /// The reader's sentence: `election=999-1: the range is empty; using 150–300 ms.`
    pub fn text(&self, lang: Lang) -> String {
        let what = match &self.why {
            Why::NotANumber { using } => {
                tr!(
                    lang,
                    "not a whole number; using {using}",
                    "不是整数；改用 {using}"
                )
            }
            Why::OutOfRange { min, max, using } => tr!(
                lang,
                "must be from {min} to {max}; using {using}",
                "应在 {min} 到 {max} 之间；改用 {using}"
            ),
            Why::NotARange { using } => tr!(
                lang,
                "not a range like 150-300; using {using}",
                "不是形如 150-300 的范围；改用 {using}"
            ),
            Why::EmptyRange { using } => tr!(
                lang,
                "the range is empty (its low end is above its high end); using {using}",
                "范围为空（下限高于上限）；改用 {using}"
            ),
            Why::NotAChoice { choices, using } => tr!(
                lang,
                "must be one of {choices}; using {using}",
                "只能是 {choices} 之一；改用 {using}"
            ),
            Why::UnknownNames { names, known } => tr!(
                lang,
                "there is nothing called {names}, so it is left out; the names are {known}",
                "没有名为 {names} 的项，已略去；可用的名称有 {known}"
            ),
            Why::Repeated => tr!(
                lang,
                "given more than once; the first one is used",
                "出现了不止一次；使用第一个"
            ),
            Why::Unused => tr!(
                lang,
                "this view has no such setting, so it is ignored",
                "此视图没有这个设置，已忽略"
            ),
        };
        let (key, value) = (&self.key, &self.value);
        tr!(lang, "{key}={value}: {what}.", "{key}={value}：{what}。")
    }
}

/// A whole number a parameter may hold (`nodes=5`, `speed=-6`).
pub trait Whole: std::str::FromStr + std::fmt::Display + PartialOrd + Copy {}
impl<T: std::str::FromStr + std::fmt::Display + PartialOrd + Copy> Whole for T {}

/// Every parameter given more than once, once each (the first is the one used).
pub fn repeated(pairs: &[(String, String)]) -> Vec<Problem> {
    pairs
        .iter()
        .enumerate()
        .filter(|(i, (key, _))| {
            let earlier = pairs.iter().take(*i).filter(|(k, _)| k == key).count();
            earlier == 1
        })
        .map(|(_, (key, value))| Problem::new(key, value, Why::Repeated))
        .collect()
}

/// Reads a protocol's options, noting every value it cannot use and every option it never
/// reads. Each protocol reads its settings through one of these, so what it runs and what it
/// tells the reader come from the same code.
pub struct Reader<'a> {
    options: &'a Options,
    problems: RefCell<Vec<Problem>>,
    read: RefCell<Vec<&'static str>>,
}

impl<'a> Reader<'a> {
    pub fn new(options: &'a Options) -> Self {
        Reader {
            options,
            problems: RefCell::default(),
            read: RefCell::default(),
        }
    }

    /// The value of `key`, as given; the key counts as read.
    pub fn get(&self, key: &'static str) -> Option<&'a str> {
        self.read.borrow_mut().push(key);
        self.options.get(key)
    }

    /// Note a problem with `key`'s value.
    pub fn problem(&self, key: &str, value: &str, why: Why) {
        self.problems
            .borrow_mut()
            .push(Problem::new(key, value, why));
    }

    /// A whole number within `min..=max` (`default` when absent or unusable). A range may
    /// depend on another setting (a jitter shorter than the period read before it), so the
    /// default is brought within it too.
    pub fn number<T: Whole>(&self, key: &'static str, (min, max): (T, T), default: T) -> T {
        self.number_in(key, (min, max), default, "")
    }

    /// A number of milliseconds within `min..=max`.
    pub fn ms(&self, key: &'static str, (min, max): (u64, u64), default: u64) -> u64 {
        self.number_in(key, (min, max), default, " ms")
    }

    fn number_in<T: Whole>(
        &self,
        key: &'static str,
        (min, max): (T, T),
        default: T,
        unit: &str,
    ) -> T {
        let default = if default < min {
            min
        } else if default > max {
            max
        } else {
            default
        };
        let Some(value) = self.get(key) else {
            return default;
        };
        match value.trim().parse::<T>() {
            Ok(n) if (min..=max).contains(&n) => n,
            Ok(n) => {
                let using = if n < min { min } else { max };
                let why = Why::OutOfRange {
                    min: min.to_string(),
                    max: max.to_string(),
                    using: format!("{using}{unit}"),
                };
                self.problem(key, value, why);
                using
            }
            Err(_) => {
                let using = format!("{default}{unit}");
                self.problem(key, value, Why::NotANumber { using });
                default
            }
        }
    }

    /// One of `choices` by its name (`default` when absent or unknown).
    pub fn choice<T: Copy + PartialEq>(
        &self,
        key: &'static str,
        choices: &[(&'static str, T)],
        default: T,
    ) -> T {
        let Some(value) = self.get(key) else {
            return default;
        };
        if let Some(&(_, chosen)) = choices.iter().find(|(name, _)| *name == value.trim()) {
            return chosen;
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let using = choices
            .iter()
            .find(|(_, c)| *c == default)
            .map_or("", |(name, _)| name);
        let why = Why::NotAChoice {
            choices: names.join(", "),
            using: using.to_owned(),
        };
        self.problem(key, value, why);
        default
    }

    /// The names of a comma-separated list (`switches=noop, pre-vote`), if given; a name
    /// `known` does not accept is told, with the names `shown` as the ones there are.
    pub fn names(
        &self,
        key: &'static str,
        known: impl Fn(&str) -> bool,
        shown: &[&str],
    ) -> Option<Vec<&'a str>> {
        let list = self.get(key)?;
        let names: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .collect();
        let unknown: Vec<&str> = names.iter().copied().filter(|n| !known(n)).collect();
        if !unknown.is_empty() {
            let why = Why::UnknownNames {
                names: unknown.join(", "),
                known: shown.join(", "),
            };
            self.problem(key, list, why);
        }
        Some(names)
    }

    /// A switch written `on` or `off`.
    pub fn flag(&self, key: &'static str, default: bool) -> bool {
        self.choice(key, &[("on", true), ("off", false)], default)
    }

    /// A range of milliseconds written `lo-hi` (`election=150-300`), each end within
    /// `min..=max`; `default` when absent or unusable.
    pub fn range_ms(
        &self,
        key: &'static str,
        (min, max): (u64, u64),
        default: (u64, u64),
    ) -> (u64, u64) {
        let Some(value) = self.get(key) else {
            return default;
        };
        let using = format!("{}–{} ms", default.0, default.1);
        let parsed = value.split_once('-').and_then(|(lo, hi)| {
            Some((
                lo.trim().parse::<u64>().ok()?,
                hi.trim().parse::<u64>().ok()?,
            ))
        });
        match parsed {
            None => {
                self.problem(key, value, Why::NotARange { using });
                default
            }
            Some((lo, hi)) if lo > hi => {
                self.problem(key, value, Why::EmptyRange { using });
                default
            }
            Some((lo, hi)) if lo < min || hi > max => {
                let (lo, hi) = (lo.clamp(min, max), hi.clamp(min, max));
                let why = Why::OutOfRange {
                    min: min.to_string(),
                    max: max.to_string(),
                    using: format!("{lo}–{hi} ms"),
                };
                self.problem(key, value, why);
                (lo, hi)
            }
            Some(range) => range,
        }
    }

    /// The problems noted.
    pub fn problems(self) -> Vec<Problem> {
        self.problems.into_inner()
    }

    /// The problems noted, and one for each option nothing read (but `view`, the options that
    /// only change how a run is shown).
    pub fn finish(self, view: &[&str]) -> Vec<Problem> {
        let read = self.read.into_inner();
        let mut problems = self.problems.into_inner();
        for (key, value) in self.options.pairs() {
            let known = read.contains(&key) || view.contains(&key);
            let reported = problems.iter().any(|p| p.key == key);
            if !known && !reported {
                problems.push(Problem::new(key, value, Why::Unused));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_value_is_used_and_says_nothing() {
        let o = Options::of([("k", "3"), ("mode", "pull"), ("election", "150-300")]);
        let r = Reader::new(&o);
        assert_eq!(r.number("k", (1, 8), 2), 3);
        assert_eq!(r.choice("mode", &[("push", 1), ("pull", 2)], 1), 2);
        assert_eq!(r.range_ms("election", (1, 10_000), (150, 300)), (150, 300));
        assert_eq!(r.finish(&[]), vec![]);
    }

    #[test]
    fn each_bad_value_says_what_was_wrong_and_what_is_used() {
        let o = Options::of([
            ("k", "abc"),
            ("fanout", "99"),
            ("mode", "shout"),
            ("election", "999-1"),
            ("persist", "x"),
            ("zzz", "1"),
        ]);
        let r = Reader::new(&o);
        assert_eq!(r.number("k", (1, 8), 2), 2);
        assert_eq!(r.number("fanout", (1, 8), 3), 8);
        assert_eq!(r.choice("mode", &[("push", 1), ("pull", 2)], 1), 1);
        assert_eq!(r.range_ms("election", (1, 10_000), (150, 300)), (150, 300));
        assert_eq!(r.range_ms("persist", (0, 10_000), (0, 0)), (0, 0));
        let texts: Vec<String> = r.finish(&[]).iter().map(|p| p.text(Lang::En)).collect();
        assert_eq!(
            texts,
            [
                "k=abc: not a whole number; using 2.",
                "fanout=99: must be from 1 to 8; using 8.",
                "mode=shout: must be one of push, pull; using push.",
                "election=999-1: the range is empty (its low end is above its high end); using 150–300 ms.",
                "persist=x: not a range like 150-300; using 0–0 ms.",
                "zzz=1: this view has no such setting, so it is ignored.",
            ]
        );
    }

    #[test]
    fn options_a_view_only_shows_are_not_unused() {
        let o = Options::of([("figure2", "on")]);
        assert_eq!(Reader::new(&o).finish(&["figure2"]), vec![]);
    }

    #[test]
    fn a_repeated_key_is_told_once() {
        let pairs: Vec<(String, String)> = [("seed", "1"), ("seed", "2"), ("seed", "3")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let problems = repeated(&pairs);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].text(Lang::Zh),
            "seed=2：出现了不止一次；使用第一个。"
        );
    }
}

//! An experiment's parameters as the command line and a page's address give them: `name value`
//! pairs of strings, read once into typed values, with what was wrong said in words.
//!
//! Each experiment lists its parameters ([`ParamSpec`]: name, default, help); a [`Reader`]
//! refuses a name the experiment does not take, falls back to the default for one not given,
//! and parses values with the few shared syntaxes below:
//!
//! - a number: `1000`, `0.25`;
//! - a duration in milliseconds, to the microsecond: `150`, `2.5`;
//! - a range of milliseconds: `150-300` (or one value, `150`, for `150-150`);
//! - a comma-separated list of any of these: `0,0.1,0.2`, `150-150,150-300`;
//! - a switch: `true` / `false` (also `on` / `off`, `yes` / `no`, `1` / `0`).

use std::fmt;

use concord_core::sim::Time;
use serde::Serialize;

/// One parameter an experiment takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    /// The value used when none is given, in the parameter's own syntax.
    pub default: &'static str,
    /// One line for `--help` and the page: what it sets, in which unit.
    pub help: &'static str,
}

/// Bad outside input: an unknown parameter, a value that does not parse or is out of range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError(pub String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

/// Parameters as given, in order; a name given twice takes its last value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new() -> Self {
        Params::default()
    }

    /// Set `name` to `value`, replacing an earlier value.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(pair) => pair.1 = value.to_owned(),
            None => self.0.push((name.to_owned(), value.to_owned())),
        }
    }

    /// With `name` set to `value`.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.set(name, value);
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

/// Reads one experiment's parameters.
pub struct Reader<'a> {
    params: &'a Params,
    specs: &'static [ParamSpec],
    experiment: &'static str,
}

impl<'a> Reader<'a> {
    /// Refuses a parameter `experiment` does not take, naming the ones it does.
    pub fn new(
        experiment: &'static str,
        specs: &'static [ParamSpec],
        params: &'a Params,
    ) -> Result<Self, ParamError> {
        if let Some(unknown) = params
            .names()
            .find(|name| !specs.iter().any(|s| s.name == *name))
        {
            let known: Vec<String> = specs.iter().map(|s| format!("--{}", s.name)).collect();
            return Err(ParamError(format!(
                "{experiment} takes no parameter --{unknown}; it takes {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
        Ok(Reader {
            params,
            specs,
            experiment,
        })
    }

    fn spec(&self, name: &str) -> &'static ParamSpec {
        self.specs
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{} reads --{name} but does not list it", self.experiment))
    }

    /// The value given for `name`, else its default.
    pub fn raw(&self, name: &str) -> &str {
        self.params
            .get(name)
            .unwrap_or_else(|| self.spec(name).default)
    }

    /// Every parameter with the value in use, in the experiment's order (for the report).
    pub fn resolved(&self) -> Vec<(String, String)> {
        self.specs
            .iter()
            .map(|s| (s.name.to_owned(), self.raw(s.name).to_owned()))
            .collect()
    }

    fn wrap<T>(&self, name: &str, parsed: Result<T, String>) -> Result<T, ParamError> {
        parsed.map_err(|why| {
            ParamError(format!(
                "--{name} {}: {why} ({})",
                self.raw(name),
                self.spec(name).help
            ))
        })
    }

    /// Parse the value of `name` with `parse`.
    pub fn get<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<T, ParamError> {
        self.wrap(name, parse(self.raw(name).trim()))
    }

    /// Parse a comma-separated list, each item with `parse`; at least one item.
    pub fn list<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<Vec<T>, ParamError> {
        let items: Result<Vec<T>, String> = self
            .raw(name)
            .split(',')
            .map(|item| parse(item.trim()))
            .collect();
        let items = self.wrap(name, items)?;
        if items.is_empty() {
            return self.wrap(name, Err("give at least one value".into()));
        }
        Ok(items)
    }
}

/// A whole number.
pub fn count(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .map_err(|_| "not a whole number".to_owned())
}

/// A probability, `0` to `1`.
pub fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(_) => Err("a probability lies between 0 and 1".into()),
        Err(_) => Err("not a number".into()),
    }
}

/// A switch.
pub fn switch(s: &str) -> Result<bool, String> {
    match s {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err("a switch is true or false".into()),
    }
}

/// Milliseconds with up to three decimals, as virtual microseconds. Exact: no floating point,
/// so `2.5` is 2,500 µs on every platform.
pub fn millis(s: &str) -> Result<Time, String> {
    let bad = || format!("`{s}` is not a duration in milliseconds (e.g. 150 or 2.5)");
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: Time = whole.parse().map_err(|_| bad())?;
    let frac: Time = format!("{frac:0<3}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(1_000)
        .and_then(|us| us.checked_add(frac))
        .ok_or_else(bad)
}

/// A range of milliseconds `lo-hi` (or one value), as microseconds; `lo ≤ hi`.
pub fn millis_range(s: &str) -> Result<(Time, Time), String> {
    let (lo, hi) = s.split_once('-').unwrap_or((s, s));
    let (lo, hi) = (millis(lo.trim())?, millis(hi.trim())?);
    if lo > hi {
        return Err(format!("the range {s} runs backwards"));
    }
    Ok((lo, hi))
}

/// `lo-hi` in milliseconds, as it reads in tables and legends: `150-300`, `2.5-3`.
pub fn show_millis_range((lo, hi): (Time, Time)) -> String {
    format!("{}-{}", show_millis(lo), show_millis(hi))
}

/// Microseconds as milliseconds without trailing zeros: `150`, `2.5`.
pub fn show_millis(t: Time) -> String {
    let (ms, us) = (t / 1_000, t % 1_000);
    if us == 0 {
        ms.to_string()
    } else {
        format!("{ms}.{us:03}").trim_end_matches('0').to_owned()
    }
}

/// One of a fixed set of words.
pub fn choice<T: Copy>(s: &str, choices: &[(&str, T)]) -> Result<T, String> {
    choices
        .iter()
        .find(|(word, _)| *word == s)
        .map(|&(_, value)| value)
        .ok_or_else(|| {
            let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
            format!("`{s}` is not one of {}", words.join(", "))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "loss",
            default: "0,0.1",
            help: "message loss",
        },
        ParamSpec {
            name: "latency",
            default: "2-3",
            help: "one-way latency, ms",
        },
    ];

    #[test]
    fn durations_are_exact_microseconds() {
        assert_eq!(millis("150"), Ok(150_000));
        assert_eq!(millis("2.5"), Ok(2_500));
        assert_eq!(millis("0.001"), Ok(1));
        assert!(millis("0.0001").is_err() && millis("-1").is_err() && millis(".5").is_err());
        assert_eq!(millis_range("150-300"), Ok((150_000, 300_000)));
        assert_eq!(millis_range("150"), Ok((150_000, 150_000)));
        assert!(millis_range("300-150").is_err());
        assert_eq!(show_millis_range((2_500, 3_000)), "2.5-3");
        assert_eq!(show_millis(12_340), "12.34");
    }

    #[test]
    fn defaults_fill_in_and_unknown_names_are_refused() {
        let params = Params::new().with("loss", "0.2, 0.3");
        let r = Reader::new("test", SPECS, &params).unwrap();
        assert_eq!(r.list("loss", probability), Ok(vec![0.2, 0.3]));
        assert_eq!(r.get("latency", millis_range), Ok((2_000, 3_000)));
        assert_eq!(
            r.resolved(),
            vec![
                ("loss".to_owned(), "0.2, 0.3".to_owned()),
                ("latency".to_owned(), "2-3".to_owned())
            ]
        );
        let bad = Params::new().with("los", "1");
        let err = Reader::new("test", SPECS, &bad).err().unwrap();
        assert!(
            err.0.contains("--los") && err.0.contains("--loss, --latency"),
            "{err}"
        );
        let out_of_range = Params::new().with("loss", "0.2,1.5");
        let r = Reader::new("test", SPECS, &out_of_range).unwrap();
        let err = r.list("loss", probability).unwrap_err();
        assert!(err.0.contains("between 0 and 1"), "{err}");
    }
}

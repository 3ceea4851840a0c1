//! What the address asks the Lab for: an experiment, the parameters the reader set, the trials
//! per row and the first seed. Read once from the URL's options into typed values; written back
//! as options, so a link reproduces the setup, and as the `cargo xtask lab` command that gives
//! the same report.

use concord_lab::{Entry, Params, Run};

use crate::run::Options;

/// The option holding the trials per row; every other option is one of the experiment's
/// parameters.
pub const TRIALS_KEY: &str = "trials";

/// More trials than this per row is a typo, not a run (the paper's figure took 1,000).
pub const MAX_TRIALS: usize = 100_000;

/// One experiment's setup.
#[derive(Clone)]
pub struct Setup {
    pub entry: &'static Entry,
    /// The parameters given, in their order; the others take their defaults.
    pub params: Params,
    pub trials: usize,
    pub seed: u64,
    /// What the address held that could not be used (a `trials` that is not a count).
    pub problem: Option<String>,
}

/// Setups are equal when they name the same experiment with the same values.
impl PartialEq for Setup {
    fn eq(&self, other: &Self) -> bool {
        (
            self.entry.name,
            &self.params,
            self.trials,
            self.seed,
            &self.problem,
        ) == (
            other.entry.name,
            &other.params,
            other.trials,
            other.seed,
            &other.problem,
        )
    }
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("experiment", &self.entry.name)
            .field("params", &self.params)
            .field("trials", &self.trials)
            .field("seed", &self.seed)
            .field("problem", &self.problem)
            .finish()
    }
}

impl Setup {
    /// The setup `options` (from the address) and `seed` name for `entry`.
    pub fn read(entry: &'static Entry, options: &Options, seed: u64) -> Setup {
        let mut params = Params::new();
        for (key, value) in options.pairs().filter(|(k, _)| *k != TRIALS_KEY) {
            params.set(key, value);
        }
        let (trials, problem) = match options.get(TRIALS_KEY) {
            None => (entry.trials, None),
            Some(text) => match parse_trials(text) {
                Ok(n) => (n, None),
                Err(why) => (entry.trials, Some(format!("trials={text}: {why}"))),
            },
        };
        Setup {
            entry,
            params,
            trials,
            seed,
            problem,
        }
    }

    /// The options that name this setup in the address: the trials, then the parameters set.
    pub fn options(&self) -> Options {
        let trials = (TRIALS_KEY.to_owned(), self.trials.to_string());
        let params = self
            .params
            .names()
            .filter_map(|name| Some((name.to_owned(), self.params.get(name)?.to_owned())));
        Options::new(std::iter::once(trials).chain(params).collect())
    }

    /// The value shown for parameter `name`: the one given, else the default.
    pub fn value(&self, name: &str) -> &str {
        self.params.get(name).unwrap_or_else(|| {
            self.entry
                .params
                .iter()
                .find(|p| p.name == name)
                .map_or("", |p| p.default)
        })
    }

    /// With parameter `name` set to `value`; set back to its default, it is left out.
    pub fn with_param(&self, name: &str, value: &str) -> Setup {
        let default = self.entry.params.iter().find(|p| p.name == name);
        let mut params = Params::new();
        for given in self.params.names().filter(|n| *n != name) {
            params.set(given, self.params.get(given).unwrap_or_default());
        }
        if default.is_none_or(|p| p.default != value.trim()) {
            params.set(name, value.trim());
        }
        Setup {
            params,
            ..self.clone()
        }
    }

    /// Every parameter at its default.
    pub fn defaults(&self) -> Setup {
        Setup {
            params: Params::new(),
            trials: self.entry.trials,
            problem: None,
            ..self.clone()
        }
    }

    /// A run of this setup, or why there can be none (a parameter the experiment refuses).
    pub fn start(&self) -> Result<Box<dyn Run>, String> {
        self.entry
            .start(&self.params, self.seed, self.trials)
            .map_err(|e| e.to_string())
    }

    /// The command that prints the same report: `cargo xtask lab raft-figure16 --trials 100
    /// --seed 1 --latency 5-8 --json`.
    pub fn command(&self) -> String {
        let mut out = format!(
            "cargo xtask lab {} --trials {} --seed {}",
            self.entry.name, self.trials, self.seed
        );
        for name in self.params.names() {
            let value = self.params.get(name).unwrap_or_default();
            out.push_str(&format!(" --{name} {}", shell_word(value)));
        }
        out.push_str(" --json");
        out
    }
}

/// A count of trials: a whole number from 1 to [`MAX_TRIALS`].
pub fn parse_trials(text: &str) -> Result<usize, &'static str> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_TRIALS).contains(&n) => Ok(n),
        Ok(_) => Err("from 1 to 100,000 trials per row"),
        Err(_) => Err("not a whole number"),
    }
}

/// `value` as one word of a shell command: quoted when it holds anything but the characters
/// parameters are made of.
fn shell_word(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || ",.-_".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure16() -> &'static Entry {
        concord_lab::find("raft-figure16").unwrap()
    }

    #[test]
    fn the_address_names_trials_and_parameters_and_a_link_gives_them_back() {
        let setup = Setup::read(
            figure16(),
            &Options::of([("latency", "5-8"), ("trials", "100")]),
            3,
        );
        assert_eq!(
            (setup.trials, setup.seed, setup.problem.as_deref()),
            (100, 3, None)
        );
        assert_eq!(setup.value("latency"), "5-8");
        assert_eq!(setup.value("servers"), "5");
        let again = Setup::read(figure16(), &setup.options(), 3);
        assert_eq!(again, setup);
        assert_eq!(
            setup.command(),
            "cargo xtask lab raft-figure16 --trials 100 --seed 3 --latency 5-8 --json"
        );
    }

    #[test]
    fn a_parameter_set_back_to_its_default_leaves_the_address() {
        let setup = Setup::read(figure16(), &Options::of::<&str>([]), 1);
        assert_eq!(setup.trials, figure16().trials);
        let set = setup.with_param("persist", " 1-2 ");
        assert_eq!(set.params.get("persist"), Some("1-2"));
        let back = set.with_param("persist", "0");
        assert_eq!(back.params, Params::new());
        assert_eq!(back.options().pairs().count(), 1);
    }

    #[test]
    fn bad_input_is_said_in_words_and_the_defaults_used() {
        let setup = Setup::read(figure16(), &Options::of([("trials", "lots")]), 1);
        assert_eq!(setup.trials, figure16().trials);
        assert!(setup.problem.unwrap().contains("not a whole number"));
        let wrong = Setup::read(figure16(), &Options::of([("ranges", "300-150")]), 1);
        assert!(wrong.start().err().unwrap().contains("runs backwards"));
        assert_eq!(parse_trials("0"), Err("from 1 to 100,000 trials per row"));
        assert_eq!(shell_word("150-155,12-24"), "150-155,12-24");
        assert_eq!(shell_word("a b"), "'a b'");
    }

    #[test]
    fn no_experiment_takes_a_parameter_the_shell_or_the_lab_reads_itself() {
        for entry in concord_lab::EXPERIMENTS {
            for p in entry.params {
                assert!(
                    p.name != TRIALS_KEY && !crate::url::SHELL_KEYS.contains(&p.name),
                    "{}: --{} would be read by the shell, not the experiment",
                    entry.name,
                    p.name
                );
            }
        }
    }
}

//! What a run is made of — its seed, its size, the protocol's own options — and the speed it is
//! played at. A leaf: it imports no view code, so the URL, the registry, the playground, the
//! tours and the Lab can all name a run without importing each other.

use std::rc::Rc;

/// What a run is made from; the URL holds it.
#[derive(Clone, PartialEq, Debug)]
pub struct RunConfig {
    pub seed: u64,
    /// The cluster's main count, as the protocol reads it: servers for Raft, acceptors for Paxos
    /// (which counts its other roles in its [`Options`]).
    pub nodes: usize,
    pub options: Options,
}

/// A protocol's own settings, as the `key=value` pairs of the URL the shell does not read
/// itself (Paxos: `proposers=2&learners=1&switches=small-quorum`). Only the protocol interprets
/// them; a missing or malformed one takes its default, as every URL parameter does.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Options(Rc<[(String, String)]>);

impl Options {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Options(pairs.into())
    }

    /// Options from `("key", "value")` pairs, as a protocol writes its settings back.
    pub fn of<V: Into<String>>(pairs: impl IntoIterator<Item = (&'static str, V)>) -> Self {
        Options::new(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.into()))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// These options with `key` set to `value` (or removed, with `None`), the others kept in
    /// their order.
    pub fn with(&self, key: &str, value: Option<String>) -> Options {
        let mut pairs: Vec<(String, String)> = self
            .pairs()
            .filter(|(k, _)| *k != key)
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        pairs.extend(value.map(|v| (key.to_owned(), v)));
        Options::new(pairs)
    }
}

/// Slowest and fastest speed, as powers of two of real time (1/1024× … 1×).
pub const SPEED_MIN_EXP: i32 = -10;
pub const SPEED_MAX_EXP: i32 = 0;
/// About one second of wall time per hop at the default 10–20 ms latency.
pub const SPEED_DEFAULT_EXP: i32 = -6;

/// `1/64×`, `1/2×`, `1×`.
pub fn speed_label(exp: i32) -> String {
    if exp >= 0 {
        format!("{}×", 1u64 << exp)
    } else {
        format!("1/{}×", 1u64 << -exp)
    }
}

/// A seed for a run whose URL names none: short, so people can read it out.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => 1 + u64::from(u32::from_le_bytes(bytes)) % 99_999,
        Err(_) => 1,
    }
}

//! The replicated state machine: a small key-value store, and what clients get back.
//!
//! Every server applies the same committed entries in the same order, so every
//! server's store goes through the same states (§5: "Replicated state machines").
//! Client sessions live inside the state machine (thesis §6.3): each client's last
//! sequence number and answer, so a retried command is recognised and answered from
//! the session instead of being applied twice, on every server alike. As in the
//! thesis, a client is expected to have one request outstanding at a time: a request
//! older than its last applied one is skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::membership::Refusal;
use super::message::{Entry, EntryKind};
use crate::sim::{NodeId, Time};

/// Identifies a client; with a sequence number it names one request.
pub type ClientId = u32;

/// A command of the key-value store. Values are integers so that `add` has meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// `set k v`: the value becomes `v`. Answers `v`.
    Set { key: String, value: i64 },
    /// `add k n`: the value (0 when absent) grows by `n`. Answers the new value.
    /// Not idempotent: applying it twice shows at once.
    Add { key: String, delta: i64 },
    /// `del k`: the key is removed. Answers the removed value, if there was one.
    Del { key: String },
    /// `get k`: changes nothing. Answers the value, if there is one. Reads go through the log.
    Get { key: String },
}

impl Op {
    pub fn key(&self) -> &str {
        match self {
            Op::Set { key, .. } | Op::Add { key, .. } | Op::Del { key } | Op::Get { key } => key,
        }
    }

    pub fn set(key: &str, value: i64) -> Self {
        Op::Set {
            key: key.into(),
            value,
        }
    }

    pub fn add(key: &str, delta: i64) -> Self {
        Op::Add {
            key: key.into(),
            delta,
        }
    }

    pub fn del(key: &str) -> Self {
        Op::Del { key: key.into() }
    }

    pub fn get(key: &str) -> Self {
        Op::Get { key: key.into() }
    }
}

/// As typed: `set x 3`, `add x -1`, `del x`, `get x`.
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Set { key, value } => write!(f, "set {key} {value}"),
            Op::Add { key, delta } => write!(f, "add {key} {delta}"),
            Op::Del { key } => write!(f, "del {key}"),
            Op::Get { key } => write!(f, "get {key}"),
        }
    }
}

/// Why a typed command is not one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpParseError {
    /// Not `set`, `add`, `del` or `get`, or no key.
    Unknown(String),
    /// `set` and `add` need an integer after the key; `del` and `get` take nothing after it.
    BadArgument(String),
}

impl fmt::Display for OpParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpParseError::Unknown(s) => write!(
                f,
                "`{s}` is not a command: try `set k 1`, `add k 2`, `del k` or `get k`"
            ),
            OpParseError::BadArgument(s) => write!(f, "`{s}`: wrong argument"),
        }
    }
}

impl std::error::Error for OpParseError {}

/// Parses what [`Display`](fmt::Display) writes.
impl FromStr for Op {
    type Err = OpParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let bad = || OpParseError::BadArgument(s.trim().to_owned());
        let number = |w: &str| w.parse::<i64>().map_err(|_| bad());
        match words.as_slice() {
            ["set", key, v] => Ok(Op::set(key, number(v)?)),
            ["add", key, n] => Ok(Op::add(key, number(n)?)),
            ["del", key] => Ok(Op::del(key)),
            ["get", key] => Ok(Op::get(key)),
            ["set" | "add", _] | ["set" | "add" | "del" | "get", _, ..] => Err(bad()),
            _ => Err(OpParseError::Unknown(s.trim().to_owned())),
        }
    }
}

/// A client's session: its last request applied and the answer it got (thesis §6.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub last_seq: u64,
    /// The log index at which that request was applied.
    pub index: u64,
    pub value: Option<i64>,
}

/// What applying one entry did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Applied {
    Noop,
    /// The command ran; `value` is its answer.
    Executed {
        client: ClientId,
        seq: u64,
        value: Option<i64>,
    },
    /// The client's session shows this very request applied already: the command did not run
    /// again; `value` is the answer remembered from the first time.
    Duplicate {
        client: ClientId,
        seq: u64,
        value: Option<i64>,
    },
    /// The client's session shows a later request applied: this one is skipped and there is no
    /// answer to give (a client has one request outstanding at a time, thesis §6.3).
    Stale {
        client: ClientId,
        seq: u64,
    },
}

/// The key-value store with its client sessions. Volatile: a restarted server rebuilds it by
/// applying its committed entries again.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StateMachine {
    pub data: BTreeMap<String, i64>,
    pub sessions: BTreeMap<ClientId, Session>,
}

impl StateMachine {
    /// Apply the entry at `index`.
    pub fn apply(&mut self, index: u64, entry: &Entry) -> Applied {
        let EntryKind::Command { client, seq, op } = &entry.kind else {
            return Applied::Noop;
        };
        let (client, seq) = (*client, *seq);
        if let Some(s) = self.sessions.get(&client) {
            if seq == s.last_seq {
                let value = s.value;
                return Applied::Duplicate { client, seq, value };
            }
            if seq < s.last_seq {
                return Applied::Stale { client, seq };
            }
        }
        let value = self.execute(op);
        self.sessions.insert(
            client,
            Session {
                last_seq: seq,
                index,
                value,
            },
        );
        Applied::Executed { client, seq, value }
    }

    fn execute(&mut self, op: &Op) -> Option<i64> {
        match op {
            Op::Set { key, value } => {
                self.data.insert(key.clone(), *value);
                Some(*value)
            }
            Op::Add { key, delta } => {
                let v = self.data.entry(key.clone()).or_insert(0);
                *v = v.saturating_add(*delta);
                Some(*v)
            }
            Op::Del { key } => self.data.remove(key),
            Op::Get { key } => self.data.get(key).copied(),
        }
    }

    /// The remembered answer to `(client, seq)` if it is the client's last applied request.
    pub fn answered(&self, client: ClientId, seq: u64) -> Option<&Session> {
        self.sessions.get(&client).filter(|s| s.last_seq == seq)
    }

    /// The last sequence number applied for `client` (0 when none).
    pub fn last_seq(&self, client: ClientId) -> u64 {
        self.sessions.get(&client).map_or(0, |s| s.last_seq)
    }
}

/// What a client was told, and when. Servers keep every answer they gave (outside their
/// persistent and volatile state: it is the client's record), so the view can show the latency
/// from request to reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientReply {
    pub client: ClientId,
    pub seq: u64,
    /// When the request first reached a server.
    pub requested_at: Time,
    pub replied_at: Time,
    /// The server that answered.
    pub by: NodeId,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied at `index`; `value` is the command's answer.
    Done { index: u64, value: Option<i64> },
    /// This server is not the leader and cannot pass the request on; try `hint` if there is one.
    NotLeader { hint: Option<NodeId> },
    /// A membership change the server would not make, and why (thesis §4.1–§4.2).
    Refused { reason: Refusal },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_print_and_parse_back() {
        for op in [
            Op::set("x", 3),
            Op::add("y", -2),
            Op::del("x"),
            Op::get("z"),
        ] {
            assert_eq!(op.to_string().parse::<Op>(), Ok(op));
        }
        assert!(matches!(
            "put x 1".parse::<Op>(),
            Err(OpParseError::Unknown(_))
        ));
        assert!(matches!(
            "set x one".parse::<Op>(),
            Err(OpParseError::BadArgument(_))
        ));
        assert!(matches!(
            "get x 1".parse::<Op>(),
            Err(OpParseError::BadArgument(_))
        ));
        assert!(matches!("".parse::<Op>(), Err(OpParseError::Unknown(_))));
    }

    #[test]
    fn commands_run_once_per_client_sequence_number() {
        let mut sm = StateMachine::default();
        let add = Entry::command(1, 7, 1, Op::add("x", 5));
        assert_eq!(
            sm.apply(1, &add),
            Applied::Executed {
                client: 7,
                seq: 1,
                value: Some(5)
            }
        );
        assert_eq!(
            sm.apply(2, &add),
            Applied::Duplicate {
                client: 7,
                seq: 1,
                value: Some(5)
            }
        );
        assert_eq!(sm.data["x"], 5);
        assert_eq!(sm.apply(3, &Entry::noop(1)), Applied::Noop);
        let later = Entry::command(1, 7, 3, Op::add("x", 1));
        let mut ahead = sm.clone();
        ahead.apply(3, &later);
        assert_eq!(
            ahead.apply(4, &Entry::command(1, 7, 2, Op::del("x"))),
            Applied::Stale { client: 7, seq: 2 }
        );
        let del = Entry::command(1, 7, 2, Op::del("x"));
        assert!(matches!(
            sm.apply(4, &del),
            Applied::Executed { value: Some(5), .. }
        ));
        let get = Entry::command(1, 8, 1, Op::get("x"));
        assert!(matches!(
            sm.apply(5, &get),
            Applied::Executed { value: None, .. }
        ));
        assert!(sm.data.is_empty());
    }

    #[test]
    fn add_saturates_instead_of_overflowing() {
        let mut sm = StateMachine::default();
        sm.apply(1, &Entry::command(1, 1, 1, Op::set("x", i64::MAX)));
        sm.apply(2, &Entry::command(1, 1, 2, Op::add("x", 1)));
        assert_eq!(sm.data["x"], i64::MAX);
    }
}

//! Linearizability of what clients saw (Herlihy & Wing 1990), checked after every step.
//!
//! Raft's promise to clients (thesis §6) is that the cluster behaves like one store
//! that runs each operation at some instant between its request and its answer. The
//! checker collects every operation from the clients' records on the servers (the
//! requests they were given and the answers they gave) and from the committed log
//! (a write takes effect once applied, even if its answer was lost), and asks whether
//! some order of them, consistent with real time, gives every answer the clients got.
//!
//! The store is a map of independent registers, so each key's history is checked on
//! its own (linearizability is local: Herlihy & Wing, Theorem 1). The search is Wing
//! & Gong's (1993): repeatedly pick an operation that no pending one must precede,
//! run it on the sequential register, and check its answer; states already explored
//! (which operations are done, and the register's value) are remembered and not
//! explored again (Lowe 2017). It suits small histories: a key is checked while it has
//! at most [`MAX_OPS`] operations.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::kv::{Applied, ClientId, Op, Outcome, StateMachine};
use super::message::{Entry, EntryKind};
use super::node::RaftNode;
use crate::sim::{NodeId, Time, Violation};

/// "Each operation appears to take effect instantaneously at some point between its
/// invocation and its response" (Herlihy & Wing 1990), here per key of the store.
pub const LINEARIZABILITY: &str = "linearizability";

/// A key with more operations than this is no longer checked (the search is exponential in
/// the worst case); its verdict says so.
pub const MAX_OPS: usize = 64;

/// Search states explored before a key is given up on.
const MAX_STATES: usize = 200_000;

/// What the checker remembers across steps.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Histories {
    /// Per server: how many of its invocations and replies were taken in.
    seen: BTreeMap<NodeId, Seen>,
    /// Each request's first invocation: when, and what it asked. (An index, not shown.)
    #[serde(skip)]
    invoked: BTreeMap<(ClientId, u64), (Time, Op)>,
    /// The committed entries replayed so far, and the store they built: which commands
    /// ran (a duplicate does not run again, thesis §6.3).
    replayed: usize,
    replay: StateMachine,
    /// Each key's operations.
    pub keys: BTreeMap<String, KeyHistory>,
    /// Where each request's operation is: its key and position there. (An index, not shown.)
    #[serde(skip)]
    located: BTreeMap<(ClientId, u64), (String, usize)>,
}

/// How many of one server's records were taken in.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize)]
struct Seen {
    invocations: usize,
    replies: usize,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct KeyHistory {
    pub ops: Vec<Operation>,
    pub verdict: Verdict,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub enum Verdict {
    /// Some order explains every answer so far.
    #[default]
    Linearizable,
    /// No order does (reported once, then the key is no longer checked).
    Violated,
    /// Too many operations to search.
    TooLong,
}

/// One client operation on one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Operation {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    /// When the request first reached a server.
    pub call: Time,
    /// When the client got its answer; `None`: no answer (yet), but it took effect.
    pub ret: Option<Time>,
    /// The answer, when there is one.
    pub output: Option<Option<i64>>,
    /// The server that answered.
    pub by: Option<NodeId>,
}

/// Take in what changed since the last step and check every key whose history grew.
/// `applied` is the sequence of committed entries the other checks agreed on.
pub fn check(
    h: &mut Histories,
    applied: &[(Entry, NodeId)],
    nodes: &[&RaftNode],
    found: &mut Vec<Violation>,
) {
    // A server's records only grow: what was taken in is skipped.
    for node in nodes {
        let seen = h.seen.entry(node.id).or_default();
        for inv in node.invocations.iter().skip(seen.invocations) {
            let first = h
                .invoked
                .entry((inv.client, inv.seq))
                .or_insert((inv.at, inv.op.clone()));
            first.0 = first.0.min(inv.at);
        }
        seen.invocations = node.invocations.len();
    }
    let mut grown: BTreeSet<String> = BTreeSet::new();
    // Writes take effect when applied, answered or not.
    for (index, (entry, _)) in applied.iter().enumerate().skip(h.replayed) {
        let applied = h.replay.apply(index as u64 + 1, entry);
        let EntryKind::Command { client, seq, op } = &entry.kind else {
            continue;
        };
        if matches!(op, Op::Get { .. }) || !matches!(applied, Applied::Executed { .. }) {
            continue;
        }
        let call = h.invoked.get(&(*client, *seq)).map_or(0, |(at, _)| *at);
        let op = Operation {
            client: *client,
            seq: *seq,
            op: op.clone(),
            call,
            ret: None,
            output: None,
            by: None,
        };
        grown.insert(h.add(op));
    }
    h.replayed = applied.len();
    // Answers: a write's answer completes it; a read exists only once answered.
    for node in nodes {
        let from = h.seen.get(&node.id).map_or(0, |s| s.replies);
        for reply in node.replies.iter().skip(from) {
            let Outcome::Done { value, .. } = reply.outcome else {
                continue;
            };
            let request = (reply.client, reply.seq);
            if let Some((key, at)) = h.located.get(&request) {
                // `add` records where it puts each operation, and none is ever removed.
                let op = h.keys.get_mut(key).and_then(|k| k.ops.get_mut(*at));
                if let Some(op) = op.filter(|op| op.ret.is_none()) {
                    op.ret = Some(reply.replied_at);
                    op.output = Some(value);
                    op.by = Some(reply.by);
                    grown.insert(key.clone());
                }
                continue;
            }
            let Some((call, op @ Op::Get { .. })) = h.invoked.get(&request).cloned() else {
                continue;
            };
            let op = Operation {
                client: reply.client,
                seq: reply.seq,
                op,
                call,
                ret: Some(reply.replied_at),
                output: Some(value),
                by: Some(reply.by),
            };
            grown.insert(h.add(op));
        }
        h.seen.entry(node.id).or_default().replies = node.replies.len();
    }
    for key in grown {
        // `add` made the key's history.
        let Some(history) = h.keys.get_mut(&key) else {
            continue;
        };
        if history.verdict != Verdict::Linearizable {
            continue;
        }
        if history.ops.len() > MAX_OPS {
            history.verdict = Verdict::TooLong;
            continue;
        }
        match linearizable(&history.ops) {
            Some(true) => {}
            None => history.verdict = Verdict::TooLong,
            Some(false) => {
                history.verdict = Verdict::Violated;
                found.push(violation(&key, &history.ops));
            }
        }
    }
}

impl Histories {
    /// About how many bytes it owns: one record per request in each index, and the
    /// operations of each key.
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let per_request = size_of::<((ClientId, u64), (Time, Op))>()
            + size_of::<((ClientId, u64), (String, usize))>()
            + 32;
        let ops: usize = self.keys.values().map(|k| k.ops.len()).sum();
        self.invoked.len() * per_request + ops * size_of::<Operation>()
    }

    /// Add an operation to its key's history; returns the key.
    fn add(&mut self, op: Operation) -> String {
        let key = op.op.key().to_owned();
        let history = self.keys.entry(key.clone()).or_default();
        self.located
            .insert((op.client, op.seq), (key.clone(), history.ops.len()));
        history.ops.push(op);
        key
    }
}

/// The register as one server would run it: the new value and the answer.
fn run(op: &Op, value: Option<i64>) -> (Option<i64>, Option<i64>) {
    match op {
        Op::Set { value: v, .. } => (Some(*v), Some(*v)),
        Op::Add { delta, .. } => {
            let v = value.unwrap_or(0).saturating_add(*delta);
            (Some(v), Some(v))
        }
        Op::Del { .. } => (None, value),
        Op::Get { .. } => (value, value),
    }
}

/// Whether some order of `ops`, respecting real time, gives every answer: `None` if there are
/// more than [`MAX_OPS`] or the search was too large to finish. Operation `j` must precede `i`
/// when `j` was answered before `i` was requested; an unanswered write may go anywhere after
/// its request.
pub fn linearizable(ops: &[Operation]) -> Option<bool> {
    let n = ops.len();
    if n > MAX_OPS {
        return None;
    }
    let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let mut seen: BTreeSet<(u64, Option<i64>)> = BTreeSet::new();
    let mut stack = vec![(0u64, None)];
    while let Some((done, value)) = stack.pop() {
        if done == all {
            return Some(true);
        }
        let open = ops
            .iter()
            .enumerate()
            .filter(|&(i, _)| done & (1 << i) == 0);
        // No operation requested after this instant can be next.
        let first_answer = open.clone().filter_map(|(_, op)| op.ret).min();
        for (i, op) in open {
            if first_answer.is_some_and(|t| op.call > t) {
                continue;
            }
            let (next, answer) = run(&op.op, value);
            if op.output.is_some_and(|o| o != answer) {
                continue;
            }
            let state = (done | 1 << i, next);
            if seen.insert(state) {
                if seen.len() > MAX_STATES {
                    return None;
                }
                stack.push(state);
            }
        }
    }
    Some(false)
}

fn ms(t: Time) -> String {
    format!("{:.1} ms", t as f64 / 1000.0)
}

/// Name the latest answer, which no order explains together with the earlier ones.
fn violation(key: &str, ops: &[Operation]) -> Violation {
    let Some(last) = ops.iter().filter(|o| o.ret.is_some()).max_by_key(|o| o.ret) else {
        // Without an answer every order explains the history; said rather than assumed.
        let detail = format!(
            "no order of the {} operations on `{key}` fits when they were requested, though none was answered",
            ops.len()
        );
        return Violation::new(LINEARIZABILITY, Vec::new(), detail);
    };
    let answer = match last.output {
        Some(Some(v)) => v.to_string(),
        _ => "nothing".into(),
    };
    let by = last.by.map_or(String::new(), |b| format!(" by {b}"));
    let detail = format!(
        "client {}'s `{}` (#{}, requested at {}) was answered {answer}{by} at {}, but no order of the {} operations on `{key}` that respects when they were requested and answered gives every answer the clients got",
        last.client,
        last.op,
        last.seq,
        ms(last.call),
        ms(last.ret.unwrap_or(0)),
        ops.len()
    );
    Violation::new(LINEARIZABILITY, last.by.into_iter().collect(), detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(op: &str, call: Time, ret: Option<Time>, output: Option<Option<i64>>) -> Operation {
        Operation {
            client: 1,
            seq: call,
            op: op.parse().unwrap(),
            call,
            ret,
            output,
            by: None,
        }
    }

    #[test]
    fn a_read_after_a_write_must_see_it() {
        let write = op("set x 1", 0, Some(10), Some(Some(1)));
        let fresh = op("get x", 20, Some(30), Some(Some(1)));
        let stale = op("get x", 20, Some(30), Some(None));
        assert_eq!(linearizable(&[write.clone(), fresh]), Some(true));
        assert_eq!(linearizable(&[write, stale]), Some(false));
    }

    #[test]
    fn concurrent_operations_may_go_either_way() {
        let write = op("set x 1", 0, Some(30), Some(Some(1)));
        let before = op("get x", 10, Some(20), Some(None));
        let after = op("get x", 12, Some(22), Some(Some(1)));
        assert_eq!(linearizable(&[write.clone(), before.clone()]), Some(true));
        assert_eq!(linearizable(&[write.clone(), after.clone()]), Some(true));
        // Once one read saw the write, a read that starts after it ended cannot miss it.
        let later_miss = op("get x", 25, Some(28), Some(None));
        assert_eq!(linearizable(&[write, after, later_miss]), Some(false));
    }

    #[test]
    fn an_unanswered_write_may_take_effect_late() {
        let write = op("add x 5", 0, None, None);
        let miss = op("get x", 10, Some(20), Some(None));
        let hit = op("get x", 30, Some(40), Some(Some(5)));
        assert_eq!(linearizable(&[write, miss, hit]), Some(true));
    }

    #[test]
    fn answers_of_writes_are_checked_too() {
        // Two adds answered 1 and 1: one of them must have seen the other.
        let a = op("add x 1", 0, Some(10), Some(Some(1)));
        let b = op("add x 1", 20, Some(30), Some(Some(1)));
        assert_eq!(linearizable(&[a.clone(), b]), Some(false));
        let b = op("add x 1", 5, Some(30), Some(Some(2)));
        assert_eq!(linearizable(&[a, b]), Some(true));
    }
}

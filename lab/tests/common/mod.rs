//! What the Lab's test suites share: each experiment with parameters small enough for the
//! default `cargo test`, and reading a report's cells.

#![allow(dead_code)]

use concord_lab::{Cell, Params, Report, Table};

/// An experiment's name, parameters and trials per row.
pub type Setup = (&'static str, &'static [(&'static str, &'static str)], usize);

/// Every experiment with small parameters and a trial count: a second or so in a debug build.
pub const SMALL: &[Setup] = &[
    ("raft-figure16", &[("ranges", "150-155,12-24")], 5),
    (
        "raft-availability",
        &[
            ("guards", "plain,prevote"),
            ("loss", "0,0.2"),
            ("duration", "5000"),
        ],
        2,
    ),
    ("raft-rejoin", &[("guards", "plain,prevote")], 3),
    ("gossip-spread", &[("n", "10,50"), ("fanout", "2")], 3),
    ("gossip-rumor", &[("n", "200"), ("k", "1,2")], 3),
    (
        "gossip-swim",
        &[
            ("n", "10"),
            ("loss", "0,0.2"),
            ("watch", "10000"),
            ("cap", "30000"),
        ],
        2,
    ),
    ("paxos-duels", &[("proposers", "1,3")], 20),
];

pub fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .fold(Params::new(), |p, (name, value)| p.with(name, value))
}

/// Run every trial; panics with the error.
pub fn run(name: &str, pairs: &[(&str, &str)], seed: u64, trials: usize) -> Report {
    concord_lab::run(name, &params(pairs), seed, trials)
        .unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"))
}

/// The cell of column `key` in the first row whose leading cells read `lead` (as text).
pub fn cell<'a>(table: &'a Table, lead: &[&str], key: &str) -> &'a Cell {
    let column = table
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("{}: no column {key}", table.name));
    let row = table
        .rows
        .iter()
        .find(|row| {
            lead.iter()
                .zip(row.iter())
                .all(|(want, got)| show(got) == *want)
        })
        .unwrap_or_else(|| panic!("{}: no row {lead:?}", table.name));
    &row[column]
}

pub fn num(table: &Table, lead: &[&str], key: &str) -> f64 {
    match cell(table, lead, key) {
        Cell::Num(x) => *x,
        Cell::Int(n) => *n as f64,
        other => panic!("{}: {lead:?} {key} is {other:?}", table.name),
    }
}

pub fn text<'a>(table: &'a Table, lead: &[&str], key: &str) -> &'a str {
    match cell(table, lead, key) {
        Cell::Text(s) => s,
        other => panic!("{}: {lead:?} {key} is {other:?}", table.name),
    }
}

fn show(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Num(x) => x.to_string(),
        Cell::Empty => String::new(),
    }
}

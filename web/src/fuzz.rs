//! Fuzz targets for what reaches a page from outside (issue 16), on stable Rust: proptest draws
//! inputs through concord-check's runner, as the simulation targets do. Each target starts from
//! the golden links and run files of every protocol (`web/tests/golden/`) and edits them — a
//! value replaced by anything JSON can hold, a key dropped or repeated, the text cut short or
//! changed — or writes parameters from the names the page reads and values of every shape.
//!
//! - `link`: a page's or a widget's parameters and its `#tape=` fragment, read as the page reads
//!   them ([`UrlState::from_params`]), then the run they name started and its tape replayed (or
//!   the Lab's experiment set up).
//! - `run-file`: an imported run file ([`permalink::read_run_file`]), then opened as its address
//!   would open it.
//! - `posted`: a message posted to an iframe embed ([`frame::read`]); a `load` among them opens
//!   its options as the embed does.
//!
//! An input fails on a panic anywhere on the way: a setting assumed valid, a tape assumed to fit,
//! a value assumed to have a shape. `cargo xtask test` runs a short pass of each (below);
//! `cargo xtask fuzz link --minutes 10` a long one (RELIABILITY.md has the figures).

use concord_check::fuzz::{Tally, Target, run_inputs};
use concord_core::gossip::GossipNode;
use concord_core::paxos::PaxosNode;
use concord_core::raft::RaftNode;
use concord_core::sim::History;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

use crate::embed::frame::{self, Posted};
use crate::embed::params_from_json;
use crate::playground::ProtocolView;
use crate::playground::permalink::{self, LinkError};
use crate::url::UrlState;

pub const TARGETS: &[Target] = &[
    Target {
        name: "link",
        about: "a page's or widget's parameters and #tape= fragment, edited from the golden \
                links or written from the names the page reads, opened as the page opens them",
        kinds: || OPENED.to_vec(),
        run: |cases, seed, tally| run_inputs(&link(), cases, seed, |l| open_link(l, tally)),
    },
    Target {
        name: "run-file",
        about: "imported run files, edited from the golden ones, opened as their address opens",
        kinds: || {
            let read = ["not a run file", "newer", "unknown"];
            [&OPENED[..5], &read].concat()
        },
        run: |cases, seed, tally| run_inputs(&run_file(), cases, seed, |f| open_file(f, tally)),
    },
    Target {
        name: "posted",
        about: "messages posted to an iframe embed: commands, edited commands, any JSON; a load \
                opens its options",
        kinds: || [&OPENED[..5], &["command", "malformed", "other"]].concat(),
        run: |cases, seed, tally| run_inputs(&posted(), cases, seed, |m| read_posted(m, tally)),
    },
];

/// What opening a link came to, counted by every target (as kinds of its tally); a run file or
/// a load reaches the Lab or a tour only by an unlikely edit, so their tallies leave out the
/// last two.
const OPENED: [&str; 7] = [
    "run",
    "told",
    "replayed",
    "refused",
    "damaged",
    "lab",
    "elsewhere",
];

fn count(tally: &Tally, kind: &str) {
    if let Some(k) = tally.kinds.iter().position(|&known| known == kind) {
        tally.count(k, true);
    }
}

// ---------------------------------------------------------------------------------------------
// Opening, as the page does

/// Open the page these parameters and fragment name: read them, start the run (its settings
/// checked: a problem is told, never assumed away) and replay its tape, or set up the Lab's
/// experiment.
fn open(pairs: &[(String, String)], fragment: Option<String>, tally: &Tally) -> Result<(), String> {
    let url = UrlState::from_params(pairs, fragment);
    count(
        tally,
        if url.problems.is_empty() {
            "run"
        } else {
            "told"
        },
    );
    if let Some(name) = &url.lab {
        if let Some(entry) = concord_lab::find(name) {
            // Set up, not run: the Lab's trials are concord-lab's, fuzzed by its own tests.
            let _ = crate::lab::setup::Setup::read(entry, &url.options, url.seed).start();
            count(tally, "lab");
        }
        return Ok(());
    }
    if url.tour.is_some() || url.welcome {
        count(tally, "elsewhere");
        return Ok(());
    }
    match url.algo.as_str() {
        "raft" => open_run::<RaftNode>(&url, tally),
        "gossip" => open_run::<GossipNode>(&url, tally),
        "paxos" => open_run::<PaxosNode>(&url, tally),
        _ => {
            count(tally, "elsewhere");
            Ok(())
        }
    }
}

/// Longest tape replayed: a longer one replays the same code over more steps (and a link may
/// hold a million), which only slows the search down.
const REPLAYED_AT_MOST: u64 = 5_000;

fn open_run<P: ProtocolView>(url: &UrlState, tally: &Tally) -> Result<(), String> {
    let sim = P::new_sim(&url.run());
    match url.tape.as_deref().and_then(permalink::read_fragment::<P>) {
        None => {}
        Some(Err(_)) => count(tally, "damaged"),
        Some(Ok(tape)) if tape.len() > REPLAYED_AT_MOST => {}
        Some(Ok(tape)) => match History::replay(sim, &tape) {
            Ok(_) => count(tally, "replayed"),
            Err(_) => count(tally, "refused"),
        },
    }
    Ok(())
}

fn open_link(link: &Link, tally: &Tally) -> Result<(), String> {
    tally.case();
    open(&link.pairs, link.fragment.clone(), tally)
}

fn open_file(text: &str, tally: &Tally) -> Result<(), String> {
    tally.case();
    match permalink::read_run_file(text) {
        Err(LinkError::NotARunFile) => count(tally, "not a run file"),
        Err(LinkError::Newer(_)) => count(tally, "newer"),
        Err(LinkError::UnknownProtocol(_)) => count(tally, "unknown"),
        Err(other) => return Err(format!("a run file read as {other:?}")),
        Ok(file) => {
            // Its address, as `permalink::address_of` writes it, without the percent-encoding.
            let (pairs, fragment) = permalink::opening(&file).map_err(|e| format!("{e:?}"))?;
            open(&pairs, Some(fragment), tally)?;
        }
    }
    Ok(())
}

fn read_posted(message: &Value, tally: &Tally) -> Result<(), String> {
    tally.case();
    match frame::read(message.clone()) {
        Posted::Command(crate::playground::Command::Load { options }) => {
            count(tally, "command");
            let pairs: Vec<(String, String)> = params_from_json(options).into_iter().collect();
            open(&pairs, None, tally)?;
        }
        Posted::Command(_) => count(tally, "command"),
        Posted::Malformed(_) => count(tally, "malformed"),
        Posted::Other => count(tally, "other"),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Inputs

const GOLDEN: [&str; 3] = [
    include_str!("../tests/golden/raft.json"),
    include_str!("../tests/golden/gossip.json"),
    include_str!("../tests/golden/paxos.json"),
];

fn golden(field: &str) -> Vec<Value> {
    GOLDEN
        .iter()
        .filter_map(|text| {
            serde_json::from_str::<Value>(text)
                .ok()?
                .get(field)
                .cloned()
        })
        .collect()
}

/// The parameters a page reads, and a few it does not.
const KEYS: [&str; 53] = [
    "algo",
    "nodes",
    "seed",
    "speed",
    "lang",
    "autoplay",
    "tape",
    "step",
    "embed",
    "controls",
    "origin",
    "tour",
    "chapter",
    "lab",
    "welcome",
    "switches",
    "breaks",
    "election",
    "heartbeat",
    "snapshot",
    "read",
    "persist",
    "learners",
    "members",
    "spare",
    "jitter",
    "batch",
    "fanout",
    "mode",
    "model",
    "k",
    "feedback",
    "period",
    "select",
    "swim",
    "probe",
    "probe-timeout",
    "indirect",
    "suspicion",
    "health",
    "backoff",
    "update",
    "start",
    "proposers",
    "roles",
    "backup",
    "trials",
    "figure2",
    "format",
    "x",
    "seed ",
    "NODES",
    "",
];

/// Values of every shape the page meets: words it knows, numbers and ranges (negative, huge,
/// empty), lists, markup, anything.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        select(
            &[
                "raft",
                "gossip",
                "paxos",
                "zab",
                "en",
                "zh",
                "zh-CN",
                "1",
                "0",
                "true",
                "on",
                "off",
                "all",
                "none",
                "pre-vote,check-quorum",
                "vote-twice",
                "push-pull",
                "pull",
                "rumor",
                "anti-entropy",
                "colocated",
                "election",
                "-0",
                "1e9",
                "NaN",
                "<img src=x onerror=alert(1)>",
            ][..]
        )
        .prop_map(str::to_owned),
        select(
            concord_lab::EXPERIMENTS
                .iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
        )
        .prop_map(str::to_owned),
        any::<i64>().prop_map(|n| n.to_string()),
        (0u32..2_000).prop_map(|n| n.to_string()),
        ((0u32..1_000), (0u32..1_000)).prop_map(|(a, b)| format!("{a}-{b}")),
        "[a-z,-]{0,24}",
        ".{0,12}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(&KEYS[..]).prop_map(str::to_owned),
        1 => "[a-z-]{1,8}",
    ]
}

#[derive(Clone, Debug)]
struct Link {
    pairs: Vec<(String, String)>,
    fragment: Option<String>,
}

/// An edit of a parameter list: its `at`-th pair (modulo its length) replaced, dropped or
/// repeated, or a pair added.
#[derive(Clone, Debug)]
enum PairEdit {
    Value(usize, String),
    Drop(usize),
    Repeat(usize),
    Add(String, String),
}

fn pair_edit() -> impl Strategy<Value = PairEdit> {
    prop_oneof![
        (any::<usize>(), value()).prop_map(|(at, v)| PairEdit::Value(at, v)),
        any::<usize>().prop_map(PairEdit::Drop),
        any::<usize>().prop_map(PairEdit::Repeat),
        (key(), value()).prop_map(|(k, v)| PairEdit::Add(k, v)),
    ]
}

fn edit_pairs(pairs: &mut Vec<(String, String)>, edit: &PairEdit) {
    if let PairEdit::Add(key, value) = edit {
        pairs.push((key.clone(), value.clone()));
        return;
    }
    let n = pairs.len().max(1);
    match edit {
        PairEdit::Value(at, value) => {
            if let Some(pair) = pairs.get_mut(at % n) {
                pair.1 = value.clone();
            }
        }
        PairEdit::Drop(at) if at % n < pairs.len() => {
            pairs.remove(at % n);
        }
        PairEdit::Repeat(at) => {
            if let Some(pair) = pairs.get(at % n).cloned() {
                pairs.push(pair);
            }
        }
        PairEdit::Drop(_) | PairEdit::Add(..) => {}
    }
}

/// The query of a golden link as pairs, and its fragment.
fn golden_link(link: &Value) -> (Vec<(String, String)>, String) {
    let link = link.as_str().unwrap_or_default();
    let (query, fragment) = link.split_once('#').unwrap_or((link, ""));
    let pairs = query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (pairs, format!("#{fragment}"))
}

/// An edit of a JSON document: the value at a path (each step taken modulo the length of the
/// object or array it is in) replaced by another, removed, or its array entry repeated; or a
/// field added to the object there.
#[derive(Clone, Debug)]
enum JsonEdit {
    Replace(Vec<usize>, Value),
    Remove(Vec<usize>),
    Repeat(Vec<usize>),
    Add(Vec<usize>, String, Value),
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u32..100).prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        value().prop_map(Value::from),
        // A setting as a run file lists it.
        (key(), value()).prop_map(|(k, v)| Value::from(vec![k, v])),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((key(), inner), 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let path = || prop::collection::vec(any::<usize>(), 0..6);
    prop_oneof![
        3 => (path(), any_json()).prop_map(|(p, v)| JsonEdit::Replace(p, v)),
        1 => path().prop_map(JsonEdit::Remove),
        1 => path().prop_map(JsonEdit::Repeat),
        1 => (path(), key(), any_json()).prop_map(|(p, k, v)| JsonEdit::Add(p, k, v)),
    ]
}

fn edit_json(document: &mut Value, edit: &JsonEdit) {
    let (JsonEdit::Replace(path, _)
    | JsonEdit::Remove(path)
    | JsonEdit::Repeat(path)
    | JsonEdit::Add(path, ..)) = edit;
    edit_at(document, path, edit);
}

/// Walk `path` down from `at` while there is somewhere to go, then edit the entry its last step
/// names (or `at` itself, when the walk ends on a plain value).
fn edit_at(at: &mut Value, path: &[usize], edit: &JsonEdit) {
    if let (JsonEdit::Add(_, key, v), Value::Object(fields)) = (edit, &mut *at)
        && (path.is_empty() || fields.is_empty())
    {
        fields.insert(key.clone(), v.clone());
        return;
    }
    let Some((&step, rest)) = path.split_first() else {
        if let JsonEdit::Replace(_, v) = edit {
            *at = v.clone();
        }
        return;
    };
    let filled = match at {
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
        _ => false,
    };
    match at {
        Value::Array(items) if filled && !rest.is_empty() => {
            let n = items.len();
            if let Some(child) = items.get_mut(step % n) {
                edit_at(child, rest, edit);
            }
        }
        Value::Object(fields) if filled && !rest.is_empty() => {
            let n = fields.len();
            if let Some(child) = fields.values_mut().nth(step % n) {
                edit_at(child, rest, edit);
            }
        }
        Value::Array(items) if filled => {
            let i = step % items.len();
            match edit {
                JsonEdit::Replace(_, v) => {
                    if let Some(slot) = items.get_mut(i) {
                        *slot = v.clone();
                    }
                }
                JsonEdit::Remove(_) => {
                    items.remove(i);
                }
                JsonEdit::Repeat(_) => {
                    if let Some(item) = items.get(i).cloned() {
                        items.insert(i, item);
                    }
                }
                JsonEdit::Add(..) => {}
            }
        }
        Value::Object(fields) if filled => {
            let Some(key) = fields.keys().nth(step % fields.len()).cloned() else {
                return;
            };
            match edit {
                JsonEdit::Replace(_, v) => {
                    fields.insert(key, v.clone());
                }
                JsonEdit::Remove(_) => {
                    fields.remove(&key);
                }
                JsonEdit::Repeat(_) | JsonEdit::Add(..) => {}
            }
        }
        leaf => {
            if let JsonEdit::Replace(_, v) = edit {
                *leaf = v.clone();
            }
        }
    }
}

/// Text cut short at `cut` (modulo its length, on a character boundary) or with the character
/// there replaced.
#[derive(Clone, Debug)]
enum TextEdit {
    Keep,
    Cut(usize),
    Change(usize, char),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        3 => Just(TextEdit::Keep),
        1 => any::<usize>().prop_map(TextEdit::Cut),
        1 => (any::<usize>(), any::<char>()).prop_map(|(at, c)| TextEdit::Change(at, c)),
    ]
}

fn edit_text(text: &str, edit: &TextEdit) -> String {
    let n = text.chars().count().max(1);
    match edit {
        TextEdit::Keep => text.to_owned(),
        TextEdit::Cut(at) => text.chars().take(at % n).collect(),
        TextEdit::Change(at, c) => text
            .chars()
            .enumerate()
            .map(|(i, old)| if i == at % n { *c } else { old })
            .collect(),
    }
}

/// A fragment made from a golden link's tape: its JSON edited, then its text.
fn tape_fragment(fragment: &str, edits: &[JsonEdit], text: &TextEdit) -> String {
    let decoded = permalink::tape_bytes(fragment)
        .and_then(Result::ok)
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let fragment = match decoded {
        Some(mut tape) if !edits.is_empty() => {
            edits.iter().for_each(|e| edit_json(&mut tape, e));
            permalink::encode_fragment(&tape.to_string())
        }
        _ => fragment.to_owned(),
    };
    edit_text(&fragment, text)
}

fn link() -> impl Strategy<Value = Link> {
    let links = golden("link");
    let edited = (
        select(links),
        prop::collection::vec(pair_edit(), 0..5),
        prop::collection::vec(json_edit(), 0..3),
        text_edit(),
        0..3u8,
    )
        .prop_map(|(link, pair_edits, tape_edits, text, keep)| {
            let (mut pairs, fragment) = golden_link(&link);
            pair_edits.iter().for_each(|e| edit_pairs(&mut pairs, e));
            // Kept, edited, or gone (a widget's `data-tape` may stand for it).
            let fragment = match keep {
                0 => None,
                _ => Some(tape_fragment(&fragment, &tape_edits, &text)),
            };
            Link { pairs, fragment }
        });
    let written = (
        prop::collection::vec((key(), value()), 0..8),
        prop::option::of(".{0,40}"),
    )
        .prop_map(|(pairs, fragment)| Link {
            pairs,
            fragment: fragment.map(|f| format!("#tape={f}")),
        });
    prop_oneof![3 => edited, 1 => written]
}

fn run_file() -> impl Strategy<Value = String> {
    let files = golden("run_file");
    let edited = (
        select(files),
        0u32..4,
        prop::option::weighted(0.2, value()),
        prop::collection::vec(json_edit(), 0..4),
        text_edit(),
    )
        .prop_map(|(mut file, format, algo, edits, text)| {
            // A format number (this release's, an older or a later one), perhaps a protocol
            // named anew, then anything.
            if let Some(fields) = file.as_object_mut() {
                fields.insert("format".into(), format.into());
                if let Some(algo) = algo {
                    fields.insert("algo".into(), algo.into());
                }
            }
            edits.iter().for_each(|e| edit_json(&mut file, e));
            edit_text(&file.to_string(), &text)
        });
    prop_oneof![6 => edited, 1 => any_json().prop_map(|v| v.to_string()), 1 => ".{0,40}"]
}

fn posted() -> impl Strategy<Value = Value> {
    let command = select(
        &[
            "play",
            "pause",
            "step",
            "back",
            "reset",
            "seek",
            "load",
            "tour-next",
            "tour-back",
            "tour-goto",
            "state",
            "event",
            "nothing",
        ][..],
    );
    // A link's parameters (and its tape, as `tape`) as the options of a load, or anything.
    let options = prop_oneof![
        3 => link().prop_map(|link| {
            let tape = link.fragment.map(|f| ("tape".to_owned(), f));
            let fields = link.pairs.into_iter().chain(tape);
            Value::Object(fields.map(|(k, v)| (k, Value::from(v))).collect())
        }),
        1 => prop::collection::vec((key(), any_json()), 0..6)
            .prop_map(|fields| Value::Object(fields.into_iter().collect())),
    ];
    let commands = (command, any_json(), options, any::<bool>()).prop_map(
        |(name, step, options, with_options)| {
            let mut message = Map::new();
            message.insert("concord".into(), name.into());
            message.insert("step".into(), step);
            if with_options {
                message.insert("options".into(), options);
            }
            Value::Object(message)
        },
    );
    prop_oneof![4 => commands, 1 => any_json()]
}

/// The short pass `cargo xtask test` runs: each target's inputs from a fixed seed, and
/// every kind of outcome reached, so a target cannot quietly stop reaching what it fuzzes.
#[test]
fn a_short_pass_of_each_target_finds_nothing_and_reaches_every_outcome() {
    for target in TARGETS {
        let tally = Tally::new((target.kinds)());
        (target.run)(512, 0, &tally).unwrap_or_else(|why| panic!("{}: {why}", target.name));
        assert!(
            tally.never_taken().is_empty(),
            "{}: never reached {:?}",
            target.name,
            tally.never_taken()
        );
    }
}

/// A long run: `cargo xtask fuzz link --minutes 10` runs this with `CONCORD_FUZZ` set to
/// `target minutes seed threads`, and prints what it ran.
#[test]
#[ignore = "a long fuzz run: cargo xtask fuzz <target> --minutes N"]
fn long() {
    let spec = std::env::var("CONCORD_FUZZ").unwrap_or_else(|_| "link 1 0 1".into());
    let mut words = spec.split_whitespace();
    let name = words.next().unwrap_or("link");
    let mut number = |default| words.next().and_then(|w| w.parse().ok()).unwrap_or(default);
    let (minutes, seed, threads) = (number(1), number(0), number(1));
    let target = TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target {name} in the web crate"));
    std::panic::set_hook(Box::new(|_| {}));
    let clean = concord_check::fuzz::run_and_print(
        target,
        minutes,
        seed,
        usize::try_from(threads).unwrap_or(1),
    );
    assert!(clean, "{name}: a failing input, above");
}

//! A tour as its author writes it: a JSON file under `web/tours/`, chapters of steps, every text
//! in English and Chinese side by side. This module reads and checks a file on its own terms
//! (both languages present, a run set up first, a question well formed) and names the nodes a
//! step refers to, for planning to check against the nodes its run draws; what the simulation
//! does with it is [`super::plan`]'s.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::i18n::Lang;

/// A text in both languages. `*words*` marks a term, shown emphasized.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub en: String,
    pub zh: String,
}

impl Words {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tour {
    /// The protocol the tour runs (`raft`, `gossip`, `paxos`).
    pub algo: String,
    pub title: Words,
    /// One sentence for the welcome page.
    pub summary: Words,
    /// The speed steps play at unless they say otherwise (a power of two of real time).
    pub speed: i32,
    pub chapters: Vec<Chapter>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// Its name in links and embeds (`chapter=election`).
    pub id: String,
    pub title: Words,
    pub steps: Vec<Step>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// One idea, a sentence or two.
    pub caption: Words,
    /// A new run; without one the step continues the previous step's run where it ended.
    #[serde(default)]
    pub setup: Option<Setup>,
    /// What happens to the run as the step begins, in order.
    #[serde(default)]
    pub actions: Vec<Act>,
    /// What the step plays until; `continue` waits for the reader.
    #[serde(default)]
    pub wait: Condition,
    /// This step's speed, if not the tour's.
    #[serde(default)]
    pub speed: Option<i32>,
    #[serde(default)]
    pub highlight: Highlight,
    /// The panels shown beside the drawing.
    #[serde(default)]
    pub panels: Vec<Panel>,
    /// A question the simulation is about to answer; the step waits for the reader's guess.
    #[serde(default)]
    pub predict: Option<Predict>,
}

/// A fresh run: the protocol's own options as in its URL (`switches`, `election` …).
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    pub seed: u64,
    pub nodes: usize,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

/// Something done to the run. Nodes are numbered as the drawing shows them: 1 is S1.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Act {
    Crash(usize),
    Restart(usize),
    /// Split the cluster: each list is a group; unlisted nodes form one more.
    Partition(Vec<Vec<usize>>),
    Heal,
    /// Cut the link `[from, to]` one way.
    Cut([usize; 2]),
    /// Set the network: loss and duplication as probabilities, one-way latency in ms.
    Network {
        loss: f64,
        #[serde(default)]
        duplicate: f64,
        latency_ms: [u64; 2],
    },
    /// Drop the message in flight to this node that would arrive first.
    DropNext(usize),
    /// Raft: the node's election timeout runs out now.
    Timeout(usize),
    /// Raft: a client sends `op` (`set x 3`) to a server, by default the leader.
    Client {
        op: String,
        #[serde(default)]
        to: Option<usize>,
    },
    /// Paxos: a proposer proposes a value.
    Propose {
        node: usize,
        value: String,
    },
    /// Gossip: a node writes `x<key> = value`.
    Write {
        node: usize,
        key: u32,
        value: u64,
    },
}

/// What a step plays until, or what a predicted choice claims.
#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Nothing plays: the reader reads, pokes, and presses Continue.
    #[default]
    Continue,
    /// This many steps have been taken.
    Steps(u64),
    /// This much virtual time has passed, ms.
    TimeMs(u64),
    /// A message of this kind (its class in the legend, `request-vote`) was delivered, to this
    /// node if one is named.
    Delivered {
        kind: String,
        #[serde(default)]
        to: Option<usize>,
    },
    /// An invariant broke.
    Violation,
    /// Raft: a server is a candidate.
    Candidate,
    /// Raft: a server is leader.
    Leader,
    /// Raft: this server is leader.
    LeaderIs(usize),
    /// Raft: the entry at this index is committed by the leader, stored on a majority.
    Committed(u64),
    /// Raft: the leader has committed an entry holding this client command (`set x 2`).
    OpCommitted(String),
    /// Paxos: a value is chosen.
    Chosen,
    /// Paxos: this value is chosen.
    ChosenValue(String),
    /// Paxos: this proposer has issued a proposal for its latest number n: phase 1 had a
    /// quorum of promises and it sent Accept(n, v) — with this value v, if one is named (table
    /// rows 4–5, §2.2). It stays so while the proposer waits for acceptances, knows v is
    /// chosen, or backs off from n; a new number (table row 1) starts phase 1 again.
    Proposed {
        node: usize,
        #[serde(default)]
        value: Option<String>,
    },
    /// Paxos: this proposer knows its proposal is chosen: a quorum of acceptors answered its
    /// Accept(n, v) and none refused (table row 7, §2.2).
    ProposerKnows(usize),
    /// Paxos: some learner has learned a value: it heard a quorum of acceptors accept one
    /// proposal (§2.3). Chosen comes first; learned follows, or never, if the news is lost.
    Learned,
    /// Paxos: this proposer has retried its current value at least `count` times, each time
    /// with a higher number after backing off (the proposers' Retries column, §2.4).
    Retries { node: usize, count: u32 },
    /// Gossip: every live node has the latest update.
    Converged,
    /// Gossip: round `n` is over: no event of round `n` or an earlier round is still to come
    /// (round `n` covers virtual time `[n·period, (n+1)·period)`; the update written as a run
    /// starts is written in round 0 and first spread in round 1).
    RoundOver(u64),
    /// Gossip: every live node has the latest update ([`Condition::Converged`]), and the spread
    /// took from `lo` to `hi` rounds, both included: the round in which it completed, less the
    /// round in which the followed update was written.
    ConvergedIn([u64; 2]),
    /// Gossip: at least this percentage of the live nodes hold the followed update (infective
    /// or removed).
    Holding(u32),
    /// Gossip: no live node spreads the followed update any more (none is infective). Under
    /// rumor mongering the epidemic is over and whoever is still susceptible is its residue;
    /// under anti-entropy every holder spreads forever, so this never holds.
    SpreadStopped,
    /// Gossip (SWIM): some live member other than this node believes it suspect or dead.
    Suspected(usize),
    /// Gossip (SWIM): every live member other than this node believes it dead.
    KnownDead(usize),
    /// The condition does not hold.
    Not(Box<Condition>),
}

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    #[serde(default)]
    pub nodes: Vec<usize>,
    /// A message kind, as the legend names it.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub panel: Option<Panel>,
}

/// A panel a step can show beside the drawing.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    /// The protocol's state: Raft's logs, Gossip's counts and charts, Paxos' tables.
    State,
    /// What acts on the run: Raft's client.
    Side,
    /// The panel beside the cluster: Raft's Figure 2.
    Beside,
    Timeline,
    Spacetime,
    Network,
    Settings,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Predict {
    pub question: Words,
    pub answer: Answer,
    /// Why the simulation did what it did, shown once it has.
    pub explain: Words,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// The reader clicks a node; the right one is named by the protocol (Raft: `leader`).
    Node(String),
    /// The reader picks one; the right one is the choice whose condition holds when the step
    /// ends (exactly one must).
    Choice(Vec<Choice>),
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub label: Words,
    pub holds: Condition,
}

/// Where a tour file is wrong: the file, the step (1-based, across chapters) and the field.
#[derive(Debug, PartialEq)]
pub struct TourError {
    pub file: &'static str,
    pub step: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(step) => write!(
                f,
                "{}, step {step}, {}: {}",
                self.file, self.field, self.message
            ),
            None => write!(f, "{}, {}: {}", self.file, self.field, self.message),
        }
    }
}

impl Tour {
    /// The steps in order, across chapters, each with its chapter's index.
    pub fn steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.chapters
            .iter()
            .enumerate()
            .flat_map(|(c, chapter)| chapter.steps.iter().map(move |s| (c, s)))
    }

    pub fn len(&self) -> usize {
        self.chapters.iter().map(|c| c.steps.len()).sum()
    }

    /// The range of step indexes of chapter `c`.
    pub fn chapter_steps(&self, c: usize) -> std::ops::Range<usize> {
        let start: usize = self.chapters.iter().take(c).map(|c| c.steps.len()).sum();
        start..start + self.chapters.get(c).map_or(0, |c| c.steps.len())
    }
}

/// Read and check a tour file: JSON that fits the format, every text in both languages, chapter
/// names unique, a run set up before anything happens in it, one speed in range. What needs the
/// simulation (nodes within the run, conditions reached, answers unique) is checked by planning.
pub fn parse(file: &'static str, source: &str) -> Result<Tour, TourError> {
    let tour: Tour = serde_json::from_str(source).map_err(|e| TourError {
        file,
        step: None,
        field: format!("line {}, column {}", e.line(), e.column()),
        message: e.to_string(),
    })?;
    let error = |step: Option<usize>, field: &str, message: String| TourError {
        file,
        step,
        field: field.to_owned(),
        message,
    };
    words(&tour.title).map_err(|m| error(None, "title", m))?;
    words(&tour.summary).map_err(|m| error(None, "summary", m))?;
    speed(tour.speed).map_err(|m| error(None, "speed", m))?;
    if tour.len() == 0 {
        return Err(error(
            None,
            "chapters",
            "a tour needs at least one step".into(),
        ));
    }
    for (i, chapter) in tour.chapters.iter().enumerate() {
        words(&chapter.title).map_err(|m| error(None, &format!("chapters[{i}].title"), m))?;
        if chapter.id.is_empty() || tour.chapters.iter().take(i).any(|c| c.id == chapter.id) {
            return Err(error(
                None,
                &format!("chapters[{i}].id"),
                format!("chapter name {:?} is empty or used twice", chapter.id),
            ));
        }
    }
    let mut set_up = false;
    for (i, (_, step)) in tour.steps().enumerate() {
        let at = Some(i + 1);
        words(&step.caption).map_err(|m| error(at, "caption", m))?;
        set_up |= step.setup.is_some();
        if !set_up {
            return Err(error(
                at,
                "setup",
                "the first step must set up a run".into(),
            ));
        }
        if let Some(s) = step.speed {
            speed(s).map_err(|m| error(at, "speed", m))?;
        }
        if let Some(predict) = &step.predict {
            words(&predict.question).map_err(|m| error(at, "predict.question", m))?;
            words(&predict.explain).map_err(|m| error(at, "predict.explain", m))?;
            if step.wait == Condition::Continue {
                return Err(error(
                    at,
                    "wait",
                    "a question needs the step to play until something happens".into(),
                ));
            }
            if let Answer::Choice(choices) = &predict.answer {
                if choices.len() < 2 {
                    return Err(error(
                        at,
                        "predict.answer",
                        "a choice needs two options at least".into(),
                    ));
                }
                for (c, choice) in choices.iter().enumerate() {
                    words(&choice.label)
                        .map_err(|m| error(at, &format!("predict.answer.choice[{c}]"), m))?;
                }
            }
        }
    }
    Ok(tour)
}

/// Whether every node `step` names — in its actions, its wait, its highlights and its question's
/// choices — is one of the `drawn` nodes of its run; if not, the field and what is wrong. Only
/// the protocol knows how many nodes a run draws (Paxos' `nodes` counts only its acceptors), so
/// planning checks this.
pub fn check_nodes(step: &Step, drawn: usize) -> Result<(), (String, String)> {
    let at = |field: String| move |m: String| (field, m);
    for (a, act) in step.actions.iter().enumerate() {
        act_nodes(act)
            .into_iter()
            .try_for_each(|n| node(n, drawn))
            .map_err(at(format!("actions[{a}]")))?;
    }
    condition_nodes(&step.wait, drawn).map_err(at("wait".into()))?;
    for n in &step.highlight.nodes {
        node(*n, drawn).map_err(at("highlight.nodes".into()))?;
    }
    if let Some(Predict {
        answer: Answer::Choice(choices),
        ..
    }) = &step.predict
    {
        for (c, choice) in choices.iter().enumerate() {
            condition_nodes(&choice.holds, drawn)
                .map_err(at(format!("predict.answer.choice[{c}]")))?;
        }
    }
    Ok(())
}

fn words(w: &Words) -> Result<(), String> {
    match (w.en.trim().is_empty(), w.zh.trim().is_empty()) {
        (false, false) => Ok(()),
        (true, _) => Err("the English text is missing".into()),
        (_, true) => Err("the Chinese text is missing".into()),
    }
}

fn speed(exp: i32) -> Result<(), String> {
    use crate::run::{SPEED_MAX_EXP, SPEED_MIN_EXP};
    if (SPEED_MIN_EXP..=SPEED_MAX_EXP).contains(&exp) {
        Ok(())
    } else {
        Err(format!(
            "speed {exp} is outside {SPEED_MIN_EXP}..={SPEED_MAX_EXP} (powers of two of real time)"
        ))
    }
}

fn node(n: usize, nodes: usize) -> Result<(), String> {
    if (1..=nodes).contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "there is no node {n}: the run has nodes 1 to {nodes}"
        ))
    }
}

fn act_nodes(act: &Act) -> Vec<usize> {
    match act {
        Act::Crash(n) | Act::Restart(n) | Act::DropNext(n) | Act::Timeout(n) => vec![*n],
        Act::Partition(groups) => groups.iter().flatten().copied().collect(),
        Act::Cut([a, b]) => vec![*a, *b],
        Act::Client { to, .. } => to.iter().copied().collect(),
        Act::Propose { node, .. } | Act::Write { node, .. } => vec![*node],
        Act::Heal | Act::Network { .. } => Vec::new(),
    }
}

fn condition_nodes(condition: &Condition, nodes: usize) -> Result<(), String> {
    match condition {
        Condition::Delivered { to: Some(n), .. } | Condition::LeaderIs(n) => node(*n, nodes),
        Condition::Proposed { node: n, .. }
        | Condition::ProposerKnows(n)
        | Condition::Retries { node: n, .. } => node(*n, nodes),
        Condition::Suspected(n) | Condition::KnownDead(n) => node(*n, nodes),
        Condition::Not(inner) => condition_nodes(inner, nodes),
        Condition::Continue
        | Condition::Steps(_)
        | Condition::TimeMs(_)
        | Condition::Delivered { to: None, .. }
        | Condition::Violation
        | Condition::Candidate
        | Condition::Leader
        | Condition::Committed(_)
        | Condition::OpCommitted(_)
        | Condition::Chosen
        | Condition::ChosenValue(_)
        | Condition::Learned
        | Condition::Converged
        | Condition::RoundOver(_)
        | Condition::ConvergedIn(_)
        | Condition::Holding(_)
        | Condition::SpreadStopped => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
        "algo": "raft", "speed": -6,
        "title": {"en": "T", "zh": "标题"}, "summary": {"en": "S", "zh": "概要"},
        "chapters": [{"id": "one", "title": {"en": "One", "zh": "一"}, "steps": [
            {"caption": {"en": "Hello", "zh": "你好"}, "setup": {"seed": 1, "nodes": 3}},
            {"caption": {"en": "Crash", "zh": "宕机"}, "actions": [{"crash": 2}], "wait": "leader"}
        ]}]
    }"#;

    #[test]
    fn a_good_file_reads() {
        let tour = parse("small.json", SMALL).unwrap();
        assert_eq!(tour.len(), 2);
        assert_eq!(tour.chapter_steps(0), 0..2);
        let (_, step) = tour.steps().nth(1).unwrap();
        assert_eq!(step.actions, vec![Act::Crash(2)]);
        assert_eq!(step.wait, Condition::Leader);
    }

    #[test]
    fn a_missing_translation_names_its_step_and_field() {
        let bad = SMALL.replace(r#""zh": "宕机""#, r#""zh": " ""#);
        let e = parse("small.json", &bad).unwrap_err();
        assert_eq!((e.step, e.field.as_str()), (Some(2), "caption"));
        assert!(e.message.contains("Chinese"), "{e}");
    }

    #[test]
    fn a_node_outside_the_run_is_refused() {
        let bad = SMALL.replace(r#"{"crash": 2}"#, r#"{"crash": 4}"#);
        let tour = parse("small.json", &bad).unwrap();
        let (_, step) = tour.steps().nth(1).unwrap();
        assert_eq!(check_nodes(step, 4), Ok(()));
        assert_eq!(
            check_nodes(step, 3),
            Err((
                "actions[0]".into(),
                "there is no node 4: the run has nodes 1 to 3".into()
            ))
        );
    }

    #[test]
    fn an_unknown_field_or_action_is_a_precise_error() {
        let bad = SMALL.replace(r#"{"crash": 2}"#, r#"{"explode": 2}"#);
        let e = parse("small.json", &bad).unwrap_err();
        assert_eq!(e.step, None);
        assert!(e.field.starts_with("line "), "{e}");
        assert!(e.message.contains("explode"), "{e}");
    }

    #[test]
    fn the_first_step_must_set_up_a_run() {
        let bad = SMALL.replace(r#", "setup": {"seed": 1, "nodes": 3}"#, "");
        let e = parse("small.json", &bad).unwrap_err();
        assert_eq!((e.step, e.field.as_str()), (Some(1), "setup"));
    }
}

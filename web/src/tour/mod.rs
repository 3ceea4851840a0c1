//! Guided tours: each protocol told step by step on a live simulation, in English and Chinese.
//!
//! A tour is data — a JSON file under `web/tours/`, compiled into the bundle — read and checked
//! by [`script`], played through once headless by [`plan`] (so every step's start is an exact
//! state, and every question's answer is what the simulation then does), and shown by [`view`]
//! around a guided [`Playground`](crate::playground::Playground).

pub mod plan;
pub mod script;
pub mod view;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use script::{Tour, TourError};

/// A tour file compiled into the bundle.
#[derive(PartialEq, Debug)]
pub struct TourFile {
    /// Its name in the URL (`tour=raft`).
    pub name: &'static str,
    /// Where it lives, for error messages.
    pub file: &'static str,
    pub source: &'static str,
}

impl TourFile {
    pub fn read(&self) -> Result<Tour, TourError> {
        script::parse(self.file, self.source)
    }
}

/// Every tour, in the order the welcome page offers them.
pub const TOURS: [TourFile; 3] = [
    TourFile {
        name: "raft",
        file: "web/tours/raft.json",
        source: include_str!("../../tours/raft.json"),
    },
    TourFile {
        name: "gossip",
        file: "web/tours/gossip.json",
        source: include_str!("../../tours/gossip.json"),
    },
    TourFile {
        name: "paxos",
        file: "web/tours/paxos.json",
        source: include_str!("../../tours/paxos.json"),
    },
];

/// A tour file as read: the tour, or where it is wrong.
pub type Loaded = Result<Rc<Tour>, Rc<TourError>>;

/// A tour file, read once per page.
pub fn load(file: &'static TourFile) -> Loaded {
    thread_local! {
        static READ: RefCell<BTreeMap<&'static str, Loaded>> = RefCell::default();
    }
    READ.with(|read| {
        read.borrow_mut()
            .entry(file.name)
            .or_insert_with(|| file.read().map(Rc::new).map_err(Rc::new))
            .clone()
    })
}

pub fn find(name: &str) -> Option<&'static TourFile> {
    TOURS.iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use concord_core::gossip::GossipNode;
    use concord_core::paxos::PaxosNode;
    use concord_core::raft::RaftNode;
    use concord_core::sim::History;

    use super::plan::{StepPlan, TourProtocol, plan};
    use super::*;
    use crate::i18n::Lang;

    /// Every step of `tour` as planned, each with the captions of the simulation's steps it
    /// plays, in `lang`.
    fn walk<P: TourProtocol>(
        file: &'static str,
        tour: &Tour,
        lang: Lang,
    ) -> Vec<(StepPlan<P>, Vec<String>)> {
        let steps = plan::<P>(file, tour).unwrap_or_else(|e| panic!("{e}"));
        steps
            .into_iter()
            .map(|step| {
                let history = History::replay(P::new_sim(&step.run), &step.tape)
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                let said = history.reports()[step.start..step.end]
                    .iter()
                    .map(|r| crate::view::caption::caption(lang, r))
                    .collect();
                (step, said)
            })
            .collect()
    }

    fn walk_any(file: &TourFile, lang: Lang) -> Vec<(usize, usize, Vec<String>)> {
        let tour = file.read().unwrap_or_else(|e| panic!("{e}"));
        fn strip<P: TourProtocol>(
            w: Vec<(StepPlan<P>, Vec<String>)>,
        ) -> Vec<(usize, usize, Vec<String>)> {
            w.into_iter()
                .map(|(s, said)| (s.start, s.end, said))
                .collect()
        }
        match tour.algo.as_str() {
            "raft" => strip(walk::<RaftNode>(file.file, &tour, lang)),
            "gossip" => strip(walk::<GossipNode>(file.file, &tour, lang)),
            "paxos" => strip(walk::<PaxosNode>(file.file, &tour, lang)),
            other => panic!("{}: no protocol {other}", file.file),
        }
    }

    /// Every tour reads, and runs headless from its first step to its last: each wait is
    /// reached within the bound, each question has exactly one right answer (what the simulation
    /// then does), and each step's start replays exactly from its tape.
    #[test]
    fn every_tour_runs_to_its_end() {
        for file in &TOURS {
            let steps = walk_any(file, Lang::En);
            assert_eq!(steps.len(), file.read().unwrap().len(), "{}", file.file);
        }
    }

    /// What each tour step plays, for authors: `cargo test -p concord-web tour_walkthrough --
    /// --ignored --nocapture` (set `TOUR=raft` for one tour).
    #[test]
    #[ignore]
    fn tour_walkthrough() {
        let only = std::env::var("TOUR").ok();
        for file in TOURS
            .iter()
            .filter(|f| only.as_deref().is_none_or(|o| o == f.name))
        {
            let tour = file.read().unwrap();
            let captions = tour
                .steps()
                .map(|(_, s)| s.caption.en.clone())
                .collect::<Vec<_>>();
            for (i, (start, end, said)) in walk_any(file, Lang::En).into_iter().enumerate() {
                println!(
                    "== {} step {} [{start}..{end}]: {}",
                    file.name,
                    i + 1,
                    captions[i]
                );
                for line in said {
                    println!("     {line}");
                }
            }
        }
    }
}

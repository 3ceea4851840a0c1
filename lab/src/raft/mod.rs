//! Raft experiments: Figure 16's time to replace a crashed leader ([`figure16`]), leader
//! availability under message loss ([`availability`]) and the disruption a partitioned server,
//! or one removed while cut off, causes when the network heals ([`rejoin`]); and what they share:
//! who leads, and stepping a run.

pub mod availability;
pub mod figure16;
pub mod rejoin;

use crate::params::{ParamError, choice};
use concord_core::raft::{RaftConfig, RaftNode, Term};
use concord_core::sim::{NodeId, Sim};

/// The leader that every other live server follows in its own term, with that term.
pub(crate) fn leader_known_by_all(sim: &Sim<RaftNode>) -> Option<(NodeId, Term)> {
    let nodes = sim.nodes();
    let leader = nodes
        .iter()
        .filter(|s| s.up && s.state.is_leader())
        .max_by_key(|s| s.state.term())?;
    let (id, term) = (leader.state.id, leader.state.term());
    nodes
        .iter()
        .filter(|s| s.up && s.state.id != id)
        .all(|s| s.state.term() == term && s.state.volatile.leader == Some(id))
        .then_some((id, term))
}

/// A leader that can commit: a majority of the voters, itself included, are up, in its term and
/// follow it (their `leader` is it: they took an AppendEntries of this term from it). Its
/// AppendEntries would be accepted by a majority, so a client's write would commit once the
/// messages arrive.
pub(crate) fn leader_with_quorum(sim: &Sim<RaftNode>) -> Option<NodeId> {
    let nodes = sim.nodes();
    nodes
        .iter()
        .filter(|s| s.up && s.state.is_leader())
        .find(|leader| {
            let (id, term) = (leader.state.id, leader.state.term());
            let followers = nodes
                .iter()
                .filter(|s| {
                    s.up && s.state.id != id
                        && s.state.term() == term
                        && s.state.volatile.leader == Some(id)
                })
                .count();
            1 + followers >= leader.state.majority()
        })
        .map(|leader| leader.state.id)
}

/// The highest term any live server holds.
pub(crate) fn max_term(sim: &Sim<RaftNode>) -> Term {
    sim.nodes()
        .iter()
        .filter(|s| s.up)
        .map(|s| s.state.term())
        .max()
        .unwrap_or(0)
}

/// PreVote and CheckQuorum (thesis §9.6, §6.2 with §4.2.3), each on or off: a row of the
/// availability and rejoin tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guards {
    pub pre_vote: bool,
    pub check_quorum: bool,
}

impl Guards {
    const ALL: [(&'static str, Guards); 4] = [
        (
            "plain",
            Guards {
                pre_vote: false,
                check_quorum: false,
            },
        ),
        (
            "prevote",
            Guards {
                pre_vote: true,
                check_quorum: false,
            },
        ),
        (
            "checkquorum",
            Guards {
                pre_vote: false,
                check_quorum: true,
            },
        ),
        (
            "both",
            Guards {
                pre_vote: true,
                check_quorum: true,
            },
        ),
    ];

    pub fn parse(s: &str) -> Result<Guards, String> {
        choice(s, &Guards::ALL)
    }

    pub fn name(self) -> &'static str {
        Guards::ALL
            .iter()
            .find(|(_, g)| *g == self)
            .map(|(name, _)| *name)
            .expect("every combination has a name")
    }

    pub fn apply(self, config: RaftConfig) -> RaftConfig {
        RaftConfig {
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
            ..config
        }
    }
}

/// Raft's own check of a configuration, as a parameter error.
pub(crate) fn check_config(config: &RaftConfig) -> Result<(), ParamError> {
    match config.problem() {
        Some(why) => Err(ParamError(why.to_string())),
        None => Ok(()),
    }
}

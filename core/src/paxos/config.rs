//! Who plays which role, timing, and the "break it" switches.
//!
//! Roles are given per node, as a small bitset, so a node may hold several
//! (Paxos Made Simple §2.5: "each process plays the role of proposer, acceptor,
//! and learner"). Two layouts have constructors:
//!
//! - [`PaxosConfig::separate`]`(p, a, l)`: one role per node, numbered in the
//!   order of the seed's table: proposers `S1..Sp`, then `a` acceptors, then
//!   `l` learners. This is the default (2 proposers, 3 acceptors, 1 learner).
//! - [`PaxosConfig::colocated`]`(n, p)`: `n` servers, each an acceptor and a
//!   learner; the first `p` are proposers too.
//!
//! The simulation's cluster size should be [`PaxosConfig::nodes`]; nodes past
//! the end of `roles` have no role, roles past the cluster size are ignored.
//!
//! Settings come from outside (a link, a run file, a page's options): nothing here may panic on
//! them, and `problem` says what is wrong with them for [`crate::sim::Sim::new`] to refuse.

use std::fmt;
use std::ops::BitOr;

use serde::{Deserialize, Serialize};

use crate::sim::{ConfigProblem, NodeId, Time, ms};

/// The roles of one node, as a bitset (`1` proposer, `2` acceptor, `4` learner);
/// serialized as that number, which keeps URLs short.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Roles(pub u8);

impl Roles {
    pub const NONE: Roles = Roles(0);
    pub const PROPOSER: Roles = Roles(1);
    pub const ACCEPTOR: Roles = Roles(2);
    pub const LEARNER: Roles = Roles(4);
    pub const ALL: Roles = Roles(7);

    pub fn contains(self, other: Roles) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_proposer(self) -> bool {
        self.contains(Roles::PROPOSER)
    }

    pub fn is_acceptor(self) -> bool {
        self.contains(Roles::ACCEPTOR)
    }

    pub fn is_learner(self) -> bool {
        self.contains(Roles::LEARNER)
    }
}

impl BitOr for Roles {
    type Output = Roles;
    fn bitor(self, rhs: Roles) -> Roles {
        Roles(self.0 | rhs.0)
    }
}

/// Short label for the view: `P`, `A`, `L`, or several (`PAL`); `-` for none.
impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 & 7 == 0 {
            return f.write_str("-");
        }
        for (role, letter) in [
            (Roles::PROPOSER, "P"),
            (Roles::ACCEPTOR, "A"),
            (Roles::LEARNER, "L"),
        ] {
            if self.contains(role) {
                f.write_str(letter)?;
            }
        }
        Ok(())
    }
}

/// "Break it" switches. Each turns off one rule of the algorithm; the invariant
/// checker must then find a violation (each has a test proving it does).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Breaks {
    /// After phase 1 a proposer sends its own value even when some acceptor has already
    /// accepted one (breaks §2.2's P2c: "v is the value of the highest-numbered proposal among
    /// all proposals numbered less than n accepted by the acceptors in S").
    #[serde(default)]
    pub ignore_accepted: bool,
    /// An acceptor accepts an Accept(n, v) even after promising a higher number
    /// (breaks §2.2's P1a: accept n "if and only if it has not responded to a prepare
    /// request having a number greater than n").
    #[serde(default)]
    pub accept_below_promise: bool,
    /// Proposers and learners count one acceptor fewer than a majority as enough, so
    /// two quorums need not share an acceptor (breaks the majority of §2.2 that makes
    /// any two sets of acceptors intersect).
    #[serde(default)]
    pub small_quorum: bool,
}

impl Breaks {
    pub fn any(&self) -> bool {
        self.ignore_accepted || self.accept_below_promise || self.small_quorum
    }
}

/// Every field has a default, so a partial JSON (from a URL, say) fills in the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaxosConfig {
    /// Roles of node `i` at index `i`.
    pub roles: Vec<Roles>,
    /// When true, every proposer starts with a value of its own ([`default_value`]) and sends
    /// its first Prepare after one retry delay; when false, proposers wait for a
    /// `Command::Propose`.
    pub propose_at_start: bool,
    /// A proposer whose phase has not reached a quorum within this time abandons the
    /// proposal number and retries with a higher one (messages may be lost, §2.1).
    pub phase_timeout: Time,
    /// How long a proposer waits before retrying with a higher number. When true, the wait
    /// is drawn uniformly from `backoff_min..=backoff_max` (§2.4: progress needs
    /// "randomness or real time"); when false it is always `retry_delay`, and two proposers
    /// can keep pre-empting each other (livelock).
    pub randomized_backoff: bool,
    pub backoff_min: Time,
    pub backoff_max: Time,
    /// The fixed wait used when `randomized_backoff` is off.
    pub retry_delay: Time,
    /// How long a write to stable storage takes (µs), drawn uniformly from this range for each
    /// write from the node's own stream. An acceptor that promised or accepted, or a proposer
    /// that took a new round, sends nothing until the write completes (§2.2: an acceptor "must
    /// remember this information even if it fails and then restarts"), and a crash before then
    /// loses the change. 0 and 0 (the default): writes take no time.
    #[serde(skip_serializing_if = "is_zero")]
    pub persist_delay_min: Time,
    #[serde(skip_serializing_if = "is_zero")]
    pub persist_delay_max: Time,
    pub breaks: Breaks,
}

fn is_zero(t: &Time) -> bool {
    *t == 0
}

impl Default for PaxosConfig {
    fn default() -> Self {
        PaxosConfig::separate(2, 3, 1)
    }
}

impl PaxosConfig {
    /// One role per node: proposers `0..p`, acceptors `p..p+a`, learners `p+a..p+a+l`.
    pub fn separate(proposers: usize, acceptors: usize, learners: usize) -> Self {
        let roles = std::iter::repeat_n(Roles::PROPOSER, proposers)
            .chain(std::iter::repeat_n(Roles::ACCEPTOR, acceptors))
            .chain(std::iter::repeat_n(Roles::LEARNER, learners))
            .collect();
        PaxosConfig::with_roles(roles)
    }

    /// `servers` nodes, each acceptor and learner; the first `proposers` also propose.
    pub fn colocated(servers: usize, proposers: usize) -> Self {
        let roles = (0..servers)
            .map(|i| {
                let base = Roles::ACCEPTOR | Roles::LEARNER;
                if i < proposers {
                    base | Roles::PROPOSER
                } else {
                    base
                }
            })
            .collect();
        PaxosConfig::with_roles(roles)
    }

    /// Any layout, with the default timing.
    pub fn with_roles(roles: Vec<Roles>) -> Self {
        PaxosConfig {
            roles,
            propose_at_start: true,
            phase_timeout: ms(150),
            randomized_backoff: true,
            backoff_min: ms(10),
            backoff_max: ms(150),
            retry_delay: ms(1),
            persist_delay_min: 0,
            persist_delay_max: 0,
            breaks: Breaks::default(),
        }
    }

    /// The cluster size this layout is meant for.
    pub fn nodes(&self) -> usize {
        self.roles.len()
    }

    /// Roles of `id` (none when the layout does not mention it).
    pub fn roles_of(&self, id: NodeId) -> Roles {
        self.roles.get(id.index()).copied().unwrap_or_default()
    }

    /// Ids below `cluster` whose roles include `role`, in id order.
    pub fn with_role(&self, role: Roles, cluster: usize) -> impl Iterator<Item = NodeId> + '_ {
        NodeId::all(cluster.min(self.roles.len()))
            .filter(move |&id| self.roles_of(id).contains(role))
    }

    pub fn proposers(&self, cluster: usize) -> Vec<NodeId> {
        self.with_role(Roles::PROPOSER, cluster).collect()
    }

    pub fn acceptors(&self, cluster: usize) -> Vec<NodeId> {
        self.with_role(Roles::ACCEPTOR, cluster).collect()
    }

    pub fn learners(&self, cluster: usize) -> Vec<NodeId> {
        self.with_role(Roles::LEARNER, cluster).collect()
    }

    /// How many acceptors a proposer or learner waits for: a majority of the acceptors
    /// (§2.2), or one fewer with the `small_quorum` break (never below one).
    pub fn quorum(&self, cluster: usize) -> usize {
        let majority = majority(self.with_role(Roles::ACCEPTOR, cluster).count());
        if self.breaks.small_quorum {
            (majority - 1).max(1)
        } else {
            majority
        }
    }

    /// Why these settings cannot run a cluster of `cluster` nodes, if they cannot: besides
    /// [`problem`](Self::problem), the nodes the run has must include an acceptor and a
    /// proposer (roles past the cluster size are ignored).
    pub fn problem_in(&self, cluster: usize) -> Option<ConfigProblem> {
        self.problem().or_else(|| {
            if self.with_role(Roles::ACCEPTOR, cluster).next().is_none() {
                Some(ConfigProblem::NoAcceptorAmong { cluster })
            } else if self.with_role(Roles::PROPOSER, cluster).next().is_none() {
                Some(ConfigProblem::NoProposerAmong { cluster })
            } else {
                None
            }
        })
    }

    /// Why these settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<ConfigProblem> {
        let count = |role| self.roles.iter().filter(|r| r.contains(role)).count();
        if count(Roles::ACCEPTOR) == 0 {
            Some(ConfigProblem::NoAcceptor)
        } else if count(Roles::PROPOSER) == 0 {
            Some(ConfigProblem::NoProposer)
        } else if self.roles.len() > u16::MAX as usize {
            Some(ConfigProblem::TooManyRoles {
                nodes: self.roles.len(),
            })
        } else if self.phase_timeout == 0 {
            Some(ConfigProblem::PhaseTimeoutZero)
        } else if self.backoff_min > self.backoff_max {
            Some(ConfigProblem::BackOff {
                min: self.backoff_min,
                max: self.backoff_max,
            })
        } else {
            None
        }
    }
}

/// More than half of `acceptors` (at least one).
pub fn majority(acceptors: usize) -> usize {
    acceptors / 2 + 1
}

/// The value a proposer starts with when `propose_at_start` is on: `A` for the first
/// proposer, `B` for the second …; `v27`, `v28` … past `Z`.
pub fn default_value(proposer_index: usize) -> String {
    match u8::try_from(proposer_index) {
        Ok(i) if i < 26 => char::from(b'A' + i).to_string(),
        _ => format!("v{}", proposer_index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_layout_numbers_proposers_then_acceptors_then_learners() {
        let c = PaxosConfig::separate(2, 3, 1);
        assert_eq!(c.nodes(), 6);
        let ids = |v: Vec<NodeId>| v.iter().map(|id| id.0).collect::<Vec<_>>();
        assert_eq!(ids(c.proposers(6)), vec![0, 1]);
        assert_eq!(ids(c.acceptors(6)), vec![2, 3, 4]);
        assert_eq!(ids(c.learners(6)), vec![5]);
        // A smaller simulation only sees the roles of the nodes it has.
        assert_eq!(ids(c.acceptors(3)), vec![2]);
        assert_eq!(c.roles_of(NodeId(99)), Roles::NONE);
    }

    #[test]
    fn roles_show_as_letters() {
        assert_eq!(Roles::ALL.to_string(), "PAL");
        assert_eq!((Roles::ACCEPTOR | Roles::LEARNER).to_string(), "AL");
        assert_eq!(Roles::NONE.to_string(), "-");
        assert!(Roles::ALL.is_proposer() && Roles::ALL.is_acceptor() && Roles::ALL.is_learner());
    }

    /// §2.2: a majority of the acceptors; the `small_quorum` break takes one fewer, which lets
    /// two quorums miss each other for every size from two acceptors up.
    #[test]
    fn quorum_is_a_majority_unless_broken() {
        for (acceptors, majority, small) in [
            (1, 1, 1),
            (2, 2, 1),
            (3, 2, 1),
            (4, 3, 2),
            (5, 3, 2),
            (7, 4, 3),
        ] {
            let mut c = PaxosConfig::separate(1, acceptors, 0);
            let n = c.nodes();
            assert_eq!(c.quorum(n), majority, "{acceptors} acceptors");
            c.breaks.small_quorum = true;
            assert_eq!(c.quorum(n), small, "{acceptors} acceptors, broken");
            if acceptors >= 2 {
                assert!(2 * small <= acceptors, "two small quorums can be disjoint");
            }
        }
    }

    #[test]
    fn problems_are_named() {
        assert_eq!(PaxosConfig::default().problem(), None);
        assert!(PaxosConfig::separate(1, 0, 1).problem().is_some());
        assert!(PaxosConfig::separate(0, 3, 1).problem().is_some());
        let c = PaxosConfig {
            backoff_min: 5,
            backoff_max: 1,
            ..PaxosConfig::default()
        };
        assert!(c.problem().is_some());
    }

    #[test]
    fn default_values_are_letters() {
        assert_eq!(default_value(0), "A");
        assert_eq!(default_value(25), "Z");
        assert_eq!(default_value(26), "v27");
    }

    #[test]
    fn config_round_trips_through_json() {
        let c = PaxosConfig::colocated(5, 2);
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"roles\":[7,7,6,6,6]"), "{json}");
        assert_eq!(serde_json::from_str::<PaxosConfig>(&json).unwrap(), c);
        let partial: PaxosConfig =
            serde_json::from_str(r#"{"breaks":{"small_quorum":true}}"#).unwrap();
        assert_eq!(partial.roles, PaxosConfig::default().roles);
        assert!(partial.breaks.small_quorum && !partial.breaks.ignore_accepted);
    }
}

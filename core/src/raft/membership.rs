//! Cluster membership changes, one server at a time (Ongaro's thesis, chapter 4).
//!
//! - A configuration (its voters and its learners) is an entry of the log. Every server uses
//!   the latest configuration in its log, committed or not (§4.1); a restarted server finds it
//!   again by reading its log. Before any configuration entry, servers use the initial one,
//!   which every server knows from the run's settings: the first `cluster - spare` slots vote,
//!   the rest are spares, outside the configuration until added.
//! - Majorities (votes, commitment) are majorities of the voters of that configuration, never
//!   of the slot count. Only voters start elections; learners (§4.2.1, "non-voting members")
//!   receive the log and count for nothing.
//! - A leader takes a change (add a voter, add a learner, promote a learner, remove a server)
//!   only when the previous one is committed, and only once it has committed an entry of its
//!   own term; each change adds or removes one voter (§4.2). It answers the client once the
//!   new configuration is committed.
//! - With `catch_up_first`, a server asked to join as voter joins as learner and the leader
//!   promotes it once it has caught up (§4.2.1: rounds of replication, the last one shorter
//!   than an election timeout).
//! - A leader removed from the configuration keeps leading until the change commits, without
//!   counting itself, then steps down (§4.2.2).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::kv::{ClientId, Outcome};
use super::message::{Entry, EntryKind};
use super::node::{Cx, RaftNode, Timer};
use super::progress::PeerProgress;
use super::rule::Rule;
use super::state::{Role, Term};
use crate::sim::{NodeId, Time, Violation};

/// Who votes and who only listens (§4.1, §4.2.1). A server is in at most one of the two sets.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Configuration {
    pub voters: BTreeSet<NodeId>,
    #[serde(default)]
    pub learners: BTreeSet<NodeId>,
}

impl Configuration {
    /// The configuration a run starts with: slots `0..cluster - spare` vote (at least one).
    pub fn initial(cluster: usize, spare: usize) -> Self {
        let voters = cluster.saturating_sub(spare).max(1);
        Configuration {
            voters: NodeId::all(voters).collect(),
            learners: BTreeSet::new(),
        }
    }

    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id)
    }

    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.contains(&id)
    }

    pub fn is_member(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// Voters and learners, in id order.
    pub fn members(&self) -> impl Iterator<Item = NodeId> + '_ {
        let mut all: Vec<NodeId> = self.voters.union(&self.learners).copied().collect();
        all.sort_unstable();
        all.into_iter()
    }

    /// Votes (or replicas) needed: a majority of the voters.
    pub fn majority(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// How many of `ids` are voters.
    pub fn count_voters<'a>(&self, ids: impl IntoIterator<Item = &'a NodeId>) -> usize {
        ids.into_iter().filter(|id| self.is_voter(**id)).count()
    }

    /// This configuration after `change`, or why the change cannot be made.
    pub fn after(&self, change: Change, cluster: usize) -> Result<Configuration, Refusal> {
        let id = change.server();
        if id.index() >= cluster {
            return Err(Refusal::NoSuchServer);
        }
        let mut next = self.clone();
        match change {
            Change::AddVoter(_) if self.is_voter(id) => return Err(Refusal::AlreadyVoter),
            // Adding a learner as voter is promoting it.
            Change::AddVoter(_) | Change::Promote(_) => {
                if matches!(change, Change::Promote(_)) && !self.is_learner(id) {
                    return Err(Refusal::NotLearner);
                }
                next.learners.remove(&id);
                next.voters.insert(id);
            }
            Change::AddLearner(_) if self.is_member(id) => return Err(Refusal::AlreadyMember),
            Change::AddLearner(_) => {
                next.learners.insert(id);
            }
            Change::Remove(_) if !self.is_member(id) => return Err(Refusal::NotMember),
            Change::Remove(_) if self.voters.len() == 1 && self.is_voter(id) => {
                return Err(Refusal::LastVoter);
            }
            Change::Remove(_) => {
                next.voters.remove(&id);
                next.learners.remove(&id);
            }
        }
        Ok(next)
    }
}

/// `voters {S1,S2,S3} learners {S4}`, or without learners `voters {S1,S2,S3}`.
impl fmt::Display for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |set: &BTreeSet<NodeId>| {
            set.iter()
                .map(NodeId::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        write!(f, "voters {{{}}}", list(&self.voters))?;
        if !self.learners.is_empty() {
            write!(f, " learners {{{}}}", list(&self.learners))?;
        }
        Ok(())
    }
}

/// A membership change a client asks the leader for. Each adds or removes at most one voter
/// (§4.2), so any majority of the old voters and any majority of the new ones overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", content = "server", rename_all = "kebab-case")]
pub enum Change {
    /// Add a voter (with `catch_up_first`: as learner, promoted once caught up).
    AddVoter(NodeId),
    /// Add a learner: it receives the log, never votes nor counts (§4.2.1).
    AddLearner(NodeId),
    /// Make a learner a voter.
    Promote(NodeId),
    /// Remove a voter or a learner (§4.2.2 when it is the leader itself).
    Remove(NodeId),
}

impl Change {
    pub fn server(self) -> NodeId {
        match self {
            Change::AddVoter(id)
            | Change::AddLearner(id)
            | Change::Promote(id)
            | Change::Remove(id) => id,
        }
    }
}

/// Why a server refused a membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// Only the leader changes the configuration; the reply names the leader known, if any.
    NotLeader,
    /// The previous change is not committed yet (§4.1: one change at a time).
    ChangePending,
    /// The leader has not committed an entry of its own term yet, so it cannot know the
    /// previous change is committed (the correction to §4.1 Ongaro posted to raft-dev in 2015).
    NoCommitInTerm,
    AlreadyVoter,
    AlreadyMember,
    NotMember,
    NotLearner,
    /// A configuration needs at least one voter.
    LastVoter,
    /// No such slot in this run.
    NoSuchServer,
    /// The new server did not catch up within the rounds allowed (§4.2.1); it stays a learner.
    CatchUpFailed,
}

/// A configuration entry the leader appended for a client, to answer once it commits; or a
/// server catching up as learner, to promote once it has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Changing {
    /// The leader's term when it took the change; stale once the term moves on.
    pub term: Term,
    pub client: ClientId,
    pub seq: u64,
    pub requested_at: Time,
    /// The index of the configuration entry the client waits for.
    pub index: u64,
    pub catch_up: Option<CatchUp>,
}

/// §4.2.1: "The replication of entries to the new server is split into rounds … each round
/// replicates all the log entries present in the leader's log at the start of the round."
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CatchUp {
    pub server: NodeId,
    pub round: u32,
    /// The leader's last index when the round started: the round ends when the learner has it.
    pub round_end: u64,
    pub round_started: Time,
}

/// Rounds a learner gets to catch up before the leader gives up (§4.2.1 suggests ten).
pub const CATCH_UP_ROUNDS: u32 = 10;

/// A server's membership state: the latest configuration in its log (persistent, as the log
/// is, and found again in it after a restart), and on a leader the change it is making.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Membership {
    pub config: Configuration,
    /// Index of the entry holding `config`; 0 for the initial configuration.
    pub index: u64,
    /// Leader only.
    pub changing: Option<Changing>,
}

impl Membership {
    pub fn initial(cluster: usize, spare: usize) -> Self {
        Membership {
            config: Configuration::initial(cluster, spare),
            index: 0,
            changing: None,
        }
    }
}

/// "At most one configuration change is uncommitted in a leader's log" (§4.1). Committed here
/// means known committed by any server so far (`committed`, the highest commit index seen): a
/// leader appends a change only once it knows the previous one committed, so two uncommitted
/// ones in a log mean some leader took a change while another was pending.
pub const ONE_CHANGE_AT_A_TIME: &str = "one-change-at-a-time";

/// The configuration entries of `node`'s log past index `committed`, if it leads and holds more
/// than one.
pub fn check_one_change(node: &RaftNode, committed: u64) -> Option<Violation> {
    if node.role() != Role::Leader {
        return None;
    }
    let p = &node.persistent;
    let pending: Vec<u64> = (committed + 1..=p.last_log_index())
        .filter(|&i| matches!(p.entry(i).map(|e| &e.kind), Some(EntryKind::Config(_))))
        .collect();
    (pending.len() > 1).then(|| {
        Violation::new(
            ONE_CHANGE_AT_A_TIME,
            vec![node.id],
            format!(
                "{}, leader of term {}, holds configuration entries at indexes {pending:?}, none known committed past index {committed}",
                node.id,
                node.term()
            ),
        )
    })
}

impl RaftNode {
    /// The configuration this server uses now (§4.1: the latest in its log).
    pub fn configuration(&self) -> &Configuration {
        &self.membership.config
    }

    pub fn is_voter(&self) -> bool {
        self.membership.config.is_voter(self.id)
    }

    /// Voters start elections; learners and spares never do. A server removed from its latest
    /// configuration campaigns only while that removal is not known committed: "it might still
    /// be needed until the Cnew entry is committed", and it does not count its own vote
    /// (thesis §4.2.2).
    pub fn may_campaign(&self) -> bool {
        let c = &self.membership.config;
        c.is_voter(self.id)
            || (!c.is_learner(self.id) && self.membership.index > self.volatile.commit_index)
    }

    /// Find the latest configuration in the log again (after a restart, an InstallSnapshot, or
    /// when a truncation removed the entry it came from).
    pub(super) fn reread_configuration(&mut self) {
        let (index, config) = self.configuration_as_of(self.persistent.last_log_index());
        self.membership.index = index;
        self.membership.config = config;
    }

    /// The latest configuration at or before `index`, with the index of its entry: from the
    /// entries still in the log, else from the snapshot that replaced them (thesis §5.1: the
    /// snapshot keeps the last configuration it covers), else the initial one (index 0).
    pub(super) fn configuration_as_of(&self, index: u64) -> (u64, Configuration) {
        let p = &self.persistent;
        let in_log = p
            .log
            .indexed()
            .rev()
            .filter(|(i, _)| *i <= index)
            .find_map(|(i, e)| match &e.kind {
                EntryKind::Config(c) => Some((i, c.clone())),
                _ => None,
            });
        in_log
            .or_else(|| {
                let s = p.snapshot.as_ref()?;
                Some((s.configuration_index, s.configuration.clone()))
            })
            .unwrap_or_else(|| (0, Configuration::initial(self.cluster, self.config.spare)))
    }

    /// The log changed from index `from` on (appended, or truncated and appended; 0 after an
    /// InstallSnapshot replaced its start): take up the
    /// latest configuration in it (§4.1: "a server always uses the latest configuration in its
    /// log, regardless of whether the entry is committed"), and do what it implies: a server
    /// that becomes a voter arms its election timer, one that stops being one disarms it; a
    /// leader starts replicating to new members.
    pub(super) fn log_changed(&mut self, from: u64, cx: &mut Cx) {
        let before = (self.membership.index, self.membership.config.clone());
        let could_campaign = self.may_campaign();
        if self.membership.index >= from {
            self.reread_configuration();
        } else {
            let p = &self.persistent;
            for i in from..=p.last_log_index() {
                if let Some(EntryKind::Config(c)) = p.entry(i).map(|e| &e.kind) {
                    self.membership.index = i;
                    self.membership.config = c.clone();
                }
            }
        }
        if (self.membership.index, &self.membership.config) == (before.0, &before.1) {
            return;
        }
        cx.explain(Rule::UseConfiguration {
            index: self.membership.index,
            config: self.membership.config.clone(),
        });
        if self.is_leader() {
            self.add_peers();
        } else if self.may_campaign() != could_campaign {
            self.reset_election_timer(cx);
        }
    }

    /// A leader replicates to every member of its configuration, new ones starting in probe
    /// from the configuration entry that added them, which goes out at once.
    fn add_peers(&mut self) {
        let next_index = self.membership.index.max(1);
        let me = self.id;
        let members: Vec<NodeId> = self.membership.config.members().collect();
        let Some(ls) = &mut self.volatile.leader_state else {
            return;
        };
        for id in members.into_iter().filter(|&id| id != me) {
            ls.peers
                .entry(id)
                .or_insert_with(|| PeerProgress::new(next_index));
        }
    }

    /// A client asks this server for a membership change.
    pub(super) fn on_change_request(
        &mut self,
        client: ClientId,
        seq: u64,
        change: Change,
        cx: &mut Cx,
    ) {
        let now = cx.now();
        if !self.is_leader() {
            // Thesis §6.2: a server that is not the leader names the leader it knows.
            let hint = self.volatile.leader.filter(|&l| l != self.id);
            cx.explain(Rule::RefuseChange {
                client,
                seq,
                change,
                reason: Refusal::NotLeader,
            });
            self.answer(client, seq, now, Outcome::NotLeader { hint }, now);
            return;
        }
        let result = self.admit_change().and_then(|()| {
            let catch_up = self.config.catch_up_first
                && matches!(change, Change::AddVoter(id) if !self.configuration().is_learner(id));
            let target = if catch_up {
                Change::AddLearner(change.server())
            } else {
                change
            };
            self.configuration()
                .after(target, self.cluster)
                .map(|c| (c, catch_up))
        });
        let (config, catch_up) = match result {
            Ok(next) => next,
            Err(reason) => {
                cx.explain(Rule::RefuseChange {
                    client,
                    seq,
                    change,
                    reason,
                });
                self.answer(client, seq, now, Outcome::Refused { reason }, now);
                return;
            }
        };
        let index = self.append_configuration(config, cx);
        self.membership.changing = Some(Changing {
            term: self.term(),
            client,
            seq,
            requested_at: now,
            index,
            catch_up: catch_up.then_some(CatchUp {
                server: change.server(),
                round: 1,
                round_end: index,
                round_started: now,
            }),
        });
    }

    /// §4.1: a leader takes a change only when the previous one is committed, and (the 2015
    /// correction) once an entry of its own term is committed.
    fn admit_change(&self) -> Result<(), Refusal> {
        if self.config.breaks.concurrent_changes {
            return Ok(());
        }
        let commit = self.volatile.commit_index;
        let busy = self
            .membership
            .changing
            .as_ref()
            .is_some_and(|c| c.term == self.term() && c.catch_up.is_some());
        if self.membership.index > commit || busy {
            Err(Refusal::ChangePending)
        } else if self.persistent.term_at(commit) != Some(self.term()) {
            Err(Refusal::NoCommitInTerm)
        } else {
            Ok(())
        }
    }

    /// Append a configuration entry; the leader uses it at once (§4.1), replicates it and, when
    /// its voters are few enough, may commit at once.
    fn append_configuration(&mut self, config: Configuration, cx: &mut Cx) -> u64 {
        let term = self.term();
        let index = self.append(Entry {
            term,
            kind: EntryKind::Config(config.clone()),
        });
        cx.explain(Rule::AppendConfiguration {
            index,
            term,
            config,
        });
        self.log_changed(index, cx);
        self.replicate(cx);
        self.maybe_commit(cx);
        index
    }

    /// After a round of heartbeats: a removed server that has the configuration removing it
    /// has just been sent a commit index covering it, which silences it (see
    /// [`RaftNode::may_campaign`]); the leader stops replicating to it.
    pub(super) fn release_removed_peers(&mut self) {
        let (index, commit) = (self.membership.index, self.volatile.commit_index);
        let config = &self.membership.config;
        if let Some(ls) = &mut self.volatile.leader_state
            && index <= commit
        {
            ls.peers
                .retain(|id, p| config.is_member(*id) || p.match_index < index);
        }
    }

    /// After the commit index moved: answer the client whose change committed, go on catching a
    /// learner up, and (§4.2.2) step down when this
    /// leader is no longer a voter in its committed configuration.
    pub(super) fn after_commit(&mut self, cx: &mut Cx) {
        if !self.is_leader() {
            // A removed server learning its removal committed falls silent.
            if !self.is_voter() && !self.may_campaign() {
                cx.cancel_timer(Timer::Election);
            }
            return;
        }
        let committed = self.membership.index <= self.volatile.commit_index;
        if !committed {
            return;
        }
        let now = cx.now();
        if let Some(ch) = self
            .membership
            .changing
            .clone()
            .filter(|c| c.term == self.term())
            && ch.catch_up.is_none()
            && ch.index <= self.volatile.commit_index
        {
            self.membership.changing = None;
            cx.explain(Rule::ChangeCommitted {
                client: ch.client,
                seq: ch.seq,
                index: ch.index,
                requested_at: ch.requested_at,
            });
            let outcome = Outcome::Done {
                index: ch.index,
                value: None,
            };
            self.answer(ch.client, ch.seq, ch.requested_at, outcome, now);
        }
        if !self.is_voter() {
            self.step_down_removed(cx);
            return;
        }
        self.catch_up(cx);
    }

    /// §4.2.2: "the leader steps down once the Cnew entry is committed." Outside the
    /// configuration it starts no elections.
    fn step_down_removed(&mut self, cx: &mut Cx) {
        self.volatile.role = Role::Follower;
        self.volatile.leader = None;
        self.volatile.leader_state = None;
        self.membership.changing = None;
        cx.cancel_timer(Timer::Heartbeat);
        cx.cancel_timer(Timer::Election);
        cx.explain(Rule::StepDownRemoved {
            term: self.term(),
            index: self.membership.index,
        });
    }

    /// §4.2.1, checked when a learner being caught up acknowledges entries and when the commit
    /// index moves: when a round ends, promote the learner if the round took less than an
    /// election timeout (and its learner entry is committed); else start another round, or give
    /// up after [`CATCH_UP_ROUNDS`].
    pub(super) fn catch_up(&mut self, cx: &mut Cx) {
        let Some(ch) = self
            .membership
            .changing
            .clone()
            .filter(|c| c.term == self.term())
        else {
            return;
        };
        let Some(mut cu) = ch.catch_up else {
            return;
        };
        let matched = self
            .volatile
            .leader_state
            .as_ref()
            .and_then(|ls| ls.peers.get(&cu.server))
            .map_or(0, |p| p.match_index);
        if !self.configuration().is_learner(cu.server) {
            return;
        }
        let now = cx.now();
        let quick = now - cu.round_started < self.config.election_timeout_min;
        if quick && matched < cu.round_end {
            // The round goes on.
            return;
        }
        if quick {
            if self.membership.index > self.volatile.commit_index {
                return;
            }
            cx.explain(Rule::CaughtUp {
                server: cu.server,
                round: cu.round,
            });
            let Ok(config) = self
                .configuration()
                .after(Change::Promote(cu.server), self.cluster)
            else {
                return;
            };
            let index = self.append_configuration(config, cx);
            if let Some(c) = &mut self.membership.changing {
                c.index = index;
                c.catch_up = None;
            }
        } else if cu.round >= CATCH_UP_ROUNDS {
            self.membership.changing = None;
            let reason = Refusal::CatchUpFailed;
            cx.explain(Rule::RefuseChange {
                client: ch.client,
                seq: ch.seq,
                change: Change::AddVoter(cu.server),
                reason,
            });
            self.answer(
                ch.client,
                ch.seq,
                ch.requested_at,
                Outcome::Refused { reason },
                now,
            );
        } else {
            cu.round += 1;
            cu.round_end = self.persistent.last_log_index();
            cu.round_started = now;
            cx.explain(Rule::CatchUpRound {
                server: cu.server,
                round: cu.round,
                until: cu.round_end,
            });
            if let Some(c) = &mut self.membership.changing {
                c.catch_up = Some(cu);
            }
        }
    }
}

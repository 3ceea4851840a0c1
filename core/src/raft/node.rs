//! [`RaftNode`]: one server. Handlers follow the "Rules for Servers" of Figure 2;
//! each cites the section it implements and explains the rule it fired.
//!
//! This file holds the server itself, elections (§5.2, §5.4.1) and the dispatch of
//! inputs; log replication and commitment are in `replication.rs`, client
//! requests and the state machine's side in `client.rs`.
//!
//! [`Sim::new`](crate::sim::Sim::new) builds and starts every node here, and every step
//! enters through this dispatch: what can panic is denied.

use serde::{Deserialize, Serialize};

use super::config::RaftConfig;
use super::invariants::{self, Audit};
use super::kv::{ClientId, ClientReply, Op, Session};
use super::membership::{Change, Membership};
use super::message::{ClientRead, ClientRequest, Msg, RequestVote, RequestVoteReply};
use super::read::ReadMode;
use super::rule::{DenyReason, Rule};
use super::state::{Persistent, Role, Term, Volatile};
use crate::sim::{
    ConfigProblem, Context, Disk, NodeId, NodeSlot, Protocol, Time, Violation, Write,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Timer {
    /// Followers and candidates: start an election when it fires (§5.2).
    Election,
    /// Leaders: send the next round of heartbeats (§5.2).
    Heartbeat,
    /// Take a snapshot now: the applied entries reached the threshold (§7).
    Snapshot,
    /// The write to stable storage under way completes (Figure 2), when writes take time.
    Persist,
}

/// What a user can ask a server to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Let the election timeout elapse now.
    Timeout,
    /// A client's request, given to this server. The leader appends it and answers once it is
    /// applied; a follower passes it on to the leader it knows, or turns the client away.
    /// `(client, seq)` names the request: sending it again is a retry, applied at most once.
    Client { client: ClientId, seq: u64, op: Op },
    /// A client asks for a membership change (thesis §4.1–§4.2). The leader answers once the
    /// new configuration is committed, or refuses with the reason; another server answers that
    /// it is not the leader.
    Change {
        client: ClientId,
        seq: u64,
        change: Change,
    },
    /// A client's read of `key`, answered as `mode` says (thesis §6.4), whatever the
    /// configured read mode for `get` commands.
    Read {
        client: ClientId,
        seq: u64,
        key: String,
        mode: ReadMode,
    },
    /// Leader only: hand leadership to `to` (thesis §3.10).
    Transfer { to: NodeId },
}

/// A client request as it reached the cluster: what and when, for the linearizability
/// checker (a request may take effect even if its answer is lost).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invocation {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    pub at: Time,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftNode {
    pub id: NodeId,
    /// Number of slots in the run: servers in the configuration and spares (see
    /// [`Membership`]).
    pub cluster: usize,
    pub config: RaftConfig,
    pub persistent: Persistent,
    pub volatile: Volatile,
    /// The configuration in use, found in the log (thesis §4.1).
    pub membership: Membership,
    /// Every answer this server gave a client, in order. Neither persistent nor volatile
    /// server state: it is the clients' record, kept for the view (request → reply latency).
    pub replies: Vec<ClientReply>,
    /// Every client request given to this server directly, in order: the clients' record too.
    pub invocations: Vec<Invocation>,
    /// Stable storage when writes take time (`persist_delay_max` > 0): what is on disk, the
    /// write under way and the messages waiting for it. `None`: writes are instantaneous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<Disk<Persistent, Msg>>,
}

pub(super) type Cx<'a> = Context<'a, RaftNode>;

impl RaftNode {
    pub fn role(&self) -> Role {
        self.volatile.role
    }

    pub fn term(&self) -> Term {
        self.persistent.current_term
    }

    pub fn is_leader(&self) -> bool {
        self.volatile.role == Role::Leader
    }

    /// The write to stable storage under way, if any: when it started and completes, the state
    /// it writes, and the messages waiting for it. Always `None` when writes take no time.
    pub fn writing(&self) -> Option<&Write<Persistent, Msg>> {
        self.disk.as_ref()?.write()
    }

    /// The persistent state a crash now would leave: what is on disk. The same as
    /// `persistent` when writes take no time.
    pub fn durable(&self) -> &Persistent {
        self.disk.as_ref().map_or(&self.persistent, |d| d.durable())
    }

    /// Votes (and replicas) needed: a majority of the voters of the configuration in use
    /// (thesis §4.1), not of the slots.
    pub fn majority(&self) -> usize {
        self.membership.config.majority()
    }

    /// Send `msg` to every other voter of the configuration in use (thesis §4.1: only their
    /// votes count).
    pub(super) fn send_to_voters(&self, msg: &Msg, cx: &mut Cx) {
        let voters = &self.membership.config.voters;
        for &to in voters.iter().filter(|&&v| v != self.id) {
            cx.send(to, msg.clone());
        }
    }

    /// Only a server that may campaign has its election timer armed (see
    /// [`RaftNode::may_campaign`]).
    pub(super) fn reset_election_timer(&self, cx: &mut Cx) {
        if !self.may_campaign() {
            cx.cancel_timer(Timer::Election);
            return;
        }
        let c = &self.config;
        let timeout = cx
            .rng()
            .between(c.election_timeout_min, c.election_timeout_max);
        cx.set_timer(Timer::Election, timeout);
    }

    /// §5.1: "If RPC request or response contains term T > currentTerm: set currentTerm = T,
    /// convert to follower." Returns whether it stepped down.
    pub(super) fn observe_term(&mut self, term: Term, cx: &mut Cx) -> bool {
        if term <= self.persistent.current_term {
            return false;
        }
        let was = self.volatile.role;
        self.persistent.current_term = term;
        self.persistent.voted_for = None;
        self.volatile.role = Role::Follower;
        self.volatile.leader = None;
        self.volatile.votes.clear();
        self.volatile.leader_state = None;
        if was == Role::Leader {
            cx.cancel_timer(Timer::Heartbeat);
            self.reset_election_timer(cx);
        }
        cx.explain(Rule::AdoptTerm { was, term });
        true
    }

    /// §5.2: "If election timeout elapses without receiving AppendEntries RPC from current
    /// leader or granting vote to candidate: convert to candidate", which increments
    /// currentTerm, votes for itself, resets the election timer and sends RequestVote to all.
    /// `transfer`: the leader asked for it (TimeoutNow, thesis §3.10).
    pub(super) fn start_election(&mut self, forced: bool, transfer: bool, cx: &mut Cx) {
        let p = &mut self.persistent;
        p.current_term += 1;
        p.voted_for = Some(self.id);
        let term = p.current_term;
        self.volatile.role = Role::Candidate;
        self.volatile.leader = None;
        self.volatile.votes = [self.id].into();
        cx.explain(Rule::StartElection { term, forced });
        self.reset_election_timer(cx);
        // Thesis §4.1: the candidate's own configuration decides whose votes count.
        let request = Msg::RequestVote(RequestVote {
            term,
            last_log_index: self.persistent.last_log_index(),
            last_log_term: self.persistent.last_log_term(),
            transfer,
        });
        self.send_to_voters(&request, cx);
        // A cluster of one is its own majority.
        self.maybe_become_leader(cx);
    }

    /// Granted votes from voters of the configuration in use.
    fn votes(&self) -> usize {
        self.membership.config.count_voters(&self.volatile.votes)
    }

    fn maybe_become_leader(&mut self, cx: &mut Cx) {
        let votes = self.votes();
        if self.volatile.role == Role::Candidate && votes >= self.majority() {
            self.volatile.role = Role::Leader;
            self.volatile.leader = Some(self.id);
            cx.explain(Rule::BecomeLeader {
                term: self.term(),
                votes,
            });
            cx.cancel_timer(Timer::Election);
            self.start_term_as_leader(cx);
        }
    }

    /// RequestVote receiver (Figure 2, §5.2, §5.4.1).
    fn on_request_vote(&mut self, candidate: NodeId, request: RequestVote, cx: &mut Cx) {
        let RequestVote {
            term,
            last_log_index,
            last_log_term,
            ..
        } = request;
        let current = self.term();
        let breaks = &self.config.breaks;
        let deny = if term < current {
            // §5.1: "Reply false if term < currentTerm."
            Some(DenyReason::StaleTerm)
        } else if let Some(other) = self
            .persistent
            .voted_for
            .filter(|&v| v != candidate && !breaks.vote_twice)
        {
            // §5.2: "each server will vote for at most one candidate in a given term".
            Some(DenyReason::AlreadyVoted(other))
        } else if !breaks.skip_up_to_date_check
            && !self.log_is_behind_or_equal(last_log_index, last_log_term)
        {
            // §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of
            // the candidate."
            Some(DenyReason::LogBehind)
        } else {
            None
        };
        match deny {
            Some(reason) => cx.explain(Rule::DenyVote {
                candidate,
                term,
                reason,
            }),
            None => {
                self.persistent.voted_for = Some(candidate);
                cx.explain(Rule::GrantVote { candidate, term });
                // Granting a vote resets the election timer (Figure 2, Followers).
                self.reset_election_timer(cx);
            }
        }
        let reply = RequestVoteReply {
            term: self.term(),
            granted: deny.is_none(),
        };
        cx.send(candidate, Msg::RequestVoteReply(reply));
    }

    /// §5.4.1: "If the logs have last entries with different terms, then the log with the later
    /// term is more up-to-date. If the logs end with the same term, then whichever log is longer
    /// is more up-to-date." True when the candidate's log is at least as up-to-date as ours.
    pub(super) fn log_is_behind_or_equal(&self, last_log_index: u64, last_log_term: Term) -> bool {
        let (my_index, my_term) = (
            self.persistent.last_log_index(),
            self.persistent.last_log_term(),
        );
        (last_log_term, last_log_index) >= (my_term, my_index)
    }

    fn record_invocation(&mut self, client: ClientId, seq: u64, op: Op, at: Time) {
        self.invocations.push(Invocation {
            client,
            seq,
            op,
            at,
        });
    }

    fn on_request_vote_reply(&mut self, from: NodeId, reply: RequestVoteReply, cx: &mut Cx) {
        let RequestVoteReply { term, granted } = reply;
        if self.volatile.role != Role::Candidate || term < self.term() {
            cx.explain(Rule::IgnoreStale { from, term });
            return;
        }
        if granted {
            self.volatile.votes.insert(from);
        }
        cx.explain(Rule::CountVote {
            from,
            granted,
            votes: self.votes(),
            needed: self.majority(),
        });
        self.maybe_become_leader(cx);
    }
}

impl Protocol for RaftNode {
    type Config = RaftConfig;
    type Msg = Msg;
    type Timer = Timer;
    type Command = Command;
    type Rule = Rule;
    type Audit = Audit;

    fn config_problem(config: &RaftConfig, _cluster: usize) -> Option<ConfigProblem> {
        config.problem()
    }

    fn new(id: NodeId, cluster: usize, config: &RaftConfig) -> Self {
        let mut node = RaftNode {
            id,
            cluster,
            config: config.clone(),
            persistent: Persistent::default(),
            volatile: Volatile::default(),
            membership: Membership::initial(cluster, config.spare),
            replies: Vec::new(),
            invocations: Vec::new(),
            disk: None,
        };
        node.disk = node.new_disk();
        node
    }

    /// §5.2: "When servers start up, they begin as followers."
    fn on_start(&mut self, cx: &mut Cx) {
        self.reset_election_timer(cx);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx) {
        self.handle_message(from, msg, cx);
        self.sync_disk(cx);
    }

    fn on_timer(&mut self, timer: Timer, cx: &mut Cx) {
        self.handle_timer(timer, cx);
        self.sync_disk(cx);
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.handle_command(cmd, cx);
        self.sync_disk(cx);
    }

    /// Figure 2: currentTerm, votedFor and log are persistent (as on disk: a write under way
    /// is lost); everything else starts afresh:
    /// commitIndex and lastApplied are 0 again, the state machine is empty and is rebuilt by
    /// applying the committed entries again as the server learns the commit index. With a
    /// snapshot (also persistent, §7), the state machine starts from it instead.
    fn on_restart(&mut self, cx: &mut Cx) {
        self.reload_from_disk(cx);
        self.volatile = Volatile::default();
        // Thesis §4.1: the configuration is the latest one in the log.
        self.reread_configuration();
        self.membership.changing = None;
        cx.explain(Rule::Restart { term: self.term() });
        self.restore_snapshot(cx);
        self.reset_election_timer(cx);
        self.after_restart(cx);
    }

    /// The parts that grow with a run: the log (and its copy on disk while a write is under
    /// way), the state machine, the client's invocations and replies. An entry's key is
    /// counted as a short string.
    fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let on_disk = self
            .disk
            .as_ref()
            .map_or(0, |d| d.durable().log.heap_size());
        let sm = &self.volatile.state_machine;
        self.persistent.log.heap_size()
            + on_disk
            + sm.data.len() * (size_of::<(String, i64)>() + 16)
            + sm.sessions.len() * size_of::<(ClientId, Session)>()
            + self.replies.len() * size_of::<ClientReply>()
            + self.invocations.len() * size_of::<Invocation>()
    }

    fn audit_heap_size(audit: &Audit) -> usize {
        audit.heap_size()
    }

    fn check(audit: &mut Audit, nodes: &[NodeSlot<Self>]) -> Vec<Violation> {
        invariants::check(audit, nodes)
    }
}

/// Dispatch: each input to the handler of the rule it falls under. The [`Protocol`] methods
/// above wrap these with the write to stable storage.
impl RaftNode {
    fn handle_message(&mut self, from: NodeId, msg: Msg, cx: &mut Cx) {
        // Thesis §4.2.3 (with CheckQuorum): a RequestVote that arrives while a leader is heard
        // from is dropped before its term is looked at.
        if self.ignores_vote_request(from, &msg, cx) {
            return;
        }
        if msg.carries_term() {
            self.observe_term(msg.term(), cx);
        }
        match msg {
            Msg::RequestVote(m) => self.on_request_vote(from, m, cx),
            Msg::RequestVoteReply(m) => self.on_request_vote_reply(from, m, cx),
            Msg::AppendEntries(m) => self.on_append_entries(from, m, cx),
            Msg::AppendEntriesReply(m) => self.on_append_entries_reply(from, m, cx),
            Msg::InstallSnapshot(m) => self.on_install_snapshot(from, m, cx),
            Msg::InstallSnapshotReply(m) => self.on_install_snapshot_reply(from, m, cx),
            Msg::ClientRequest(m) => self.on_client_request(m, cx),
            Msg::ClientRead(m) => self.on_read(m, cx),
            Msg::PreVote(m) => self.on_pre_vote(from, m, cx),
            Msg::PreVoteReply(m) => self.on_pre_vote_reply(from, m, cx),
            Msg::TimeoutNow(m) => self.on_timeout_now(from, m, cx),
        }
    }

    fn handle_timer(&mut self, timer: Timer, cx: &mut Cx) {
        match (timer, self.volatile.role) {
            (Timer::Election, Role::Follower | Role::Candidate) if self.may_campaign() => {
                self.election_timeout(false, cx)
            }
            (Timer::Heartbeat, Role::Leader) => {
                self.heartbeat_timeout(cx);
                self.release_removed_peers();
                // A learner catching up that stopped answering: its round times out.
                self.catch_up(cx);
            }
            (Timer::Snapshot, _) => self.take_snapshot(cx),
            (Timer::Persist, _) => self.write_done(cx),
            // A timer of a role this node no longer holds: nothing to do.
            _ => {}
        }
    }

    fn handle_command(&mut self, cmd: Command, cx: &mut Cx) {
        match cmd {
            Command::Timeout if !self.may_campaign() => {
                cx.explain(Rule::NotVoter { term: self.term() })
            }
            Command::Timeout => {
                if self.volatile.role != Role::Leader {
                    self.election_timeout(true, cx);
                }
            }
            Command::Change {
                client,
                seq,
                change,
            } => self.on_change_request(client, seq, change, cx),
            // A `get` given as a command is a read, answered as the read mode says.
            Command::Client {
                client,
                seq,
                op: Op::Get { key },
            } if self.config.read != ReadMode::Log => {
                let mode = self.config.read;
                self.handle_command(
                    Command::Read {
                        client,
                        seq,
                        key,
                        mode,
                    },
                    cx,
                )
            }
            Command::Client { client, seq, op } => {
                let now = cx.now();
                self.record_invocation(client, seq, op.clone(), now);
                let request = ClientRequest {
                    term: self.term(),
                    client,
                    seq,
                    op,
                    requested_at: now,
                    hops: 0,
                };
                self.on_client_request(request, cx)
            }
            Command::Read {
                client,
                seq,
                key,
                mode,
            } => {
                let now = cx.now();
                self.record_invocation(client, seq, Op::Get { key: key.clone() }, now);
                let read = ClientRead {
                    term: self.term(),
                    client,
                    seq,
                    key,
                    mode,
                    requested_at: now,
                    hops: 0,
                };
                self.on_read(read, cx)
            }
            Command::Transfer { to } => self.transfer_leadership(to, cx),
        }
    }
}

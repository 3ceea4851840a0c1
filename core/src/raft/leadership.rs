//! Keeping leadership where it belongs (Ongaro's thesis): PreVote (§9.6), CheckQuorum
//! (§6.2, with §4.2.3's rule for voters) and leadership transfer (§3.10). Each is a switch
//! or a command; with the switches off and no transfer asked for, Raft runs as in the paper.
//! All of them count the voters of the configuration in use (§4.1): only voters are asked for
//! pre-votes, only theirs count, a leader's quorum is a majority of voters, and leadership is
//! handed only to a voter.

use serde::{Deserialize, Serialize};

use super::kv::{ClientId, Outcome};
use super::message::{Msg, PreVote, PreVoteReply, RequestVote, TimeoutNow};
use super::node::{Cx, RaftNode, Timer};
use super::rule::{DenyReason, Rule};
use super::state::Role;
use crate::sim::{NodeId, Time};

/// What a leader keeps for CheckQuorum and leadership transfer.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Leadership {
    /// When this server became leader.
    pub since: Time,
    /// When each follower last answered an RPC of this term.
    pub heard_at: std::collections::BTreeMap<NodeId, Time>,
    /// A transfer under way.
    pub transfer: Option<Transfer>,
}

impl Leadership {
    pub fn new(since: Time) -> Self {
        Leadership {
            since,
            ..Leadership::default()
        }
    }
}

/// Leadership being handed to `to` (thesis §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub to: NodeId,
    pub since: Time,
    /// TimeoutNow has been sent.
    pub sent: bool,
}

impl RaftNode {
    /// The election timeout elapsed (or a user forced it). With PreVote (thesis §9.6) the
    /// server first asks whether it could win, keeping its term; without, it starts an
    /// election at once (§5.2).
    pub(super) fn election_timeout(&mut self, forced: bool, cx: &mut Cx) {
        if !self.config.pre_vote {
            self.start_election(forced, false, cx);
            return;
        }
        let term = self.term() + 1;
        self.volatile.pre_votes = Some((term, [self.id].into()));
        cx.explain(Rule::StartPreVote { term, forced });
        self.reset_election_timer(cx);
        let request = Msg::PreVote(PreVote {
            term,
            last_log_index: self.persistent.last_log_index(),
            last_log_term: self.persistent.last_log_term(),
        });
        self.send_to_voters(&request, cx);
        self.maybe_end_pre_vote(cx);
    }

    /// Thesis §9.6: a server grants a pre-vote when it would grant the vote itself: the term is
    /// newer than its own and the candidate's log at least as up-to-date (§5.4.1); and, as in
    /// §4.2.3, only when it has not heard from a leader within the minimum election timeout.
    /// A pre-vote changes nothing on the voter: no term, no votedFor, no timer.
    pub(super) fn on_pre_vote(&mut self, candidate: NodeId, request: PreVote, cx: &mut Cx) {
        let PreVote {
            term,
            last_log_index,
            last_log_term,
        } = request;
        let deny = if term <= self.term() {
            Some(DenyReason::StaleTerm)
        } else if self.leader_heard_recently(cx.now()) {
            Some(DenyReason::LeaderAlive)
        } else if !self.log_is_behind_or_equal(last_log_index, last_log_term) {
            Some(DenyReason::LogBehind)
        } else {
            None
        };
        match deny {
            Some(reason) => cx.explain(Rule::DenyPreVote {
                candidate,
                term,
                reason,
            }),
            None => cx.explain(Rule::GrantPreVote { candidate, term }),
        }
        let reply = PreVoteReply {
            term: self.term(),
            granted: deny.is_none(),
        };
        cx.send(candidate, Msg::PreVoteReply(reply));
    }

    pub(super) fn on_pre_vote_reply(&mut self, from: NodeId, reply: PreVoteReply, cx: &mut Cx) {
        let PreVoteReply { term, granted } = reply;
        let asked = self.term() + 1;
        let needed = self.majority();
        let Some((_, votes)) = self
            .volatile
            .pre_votes
            .as_mut()
            .filter(|(t, _)| *t == asked && self.volatile.role != Role::Leader)
        else {
            cx.explain(Rule::IgnoreStale { from, term });
            return;
        };
        if granted {
            votes.insert(from);
        }
        let votes = self.membership.config.count_voters(votes.iter());
        cx.explain(Rule::CountPreVote {
            from,
            granted,
            votes,
            needed,
        });
        self.maybe_end_pre_vote(cx);
    }

    /// Pre-votes from a majority of the voters: now the real election (§5.2).
    fn maybe_end_pre_vote(&mut self, cx: &mut Cx) {
        let config = &self.membership.config;
        let won = self
            .volatile
            .pre_votes
            .as_ref()
            .is_some_and(|(_, votes)| config.count_voters(votes) >= config.majority());
        if won {
            self.volatile.pre_votes = None;
            self.start_election(false, false, cx);
        }
    }

    /// This server heard from a leader of its term within the minimum election timeout, or is
    /// the leader.
    fn leader_heard_recently(&self, now: Time) -> bool {
        self.volatile.role == Role::Leader
            || self
                .volatile
                .heard_leader_at
                .is_some_and(|at| now < at + self.config.election_timeout_min)
    }

    /// Thesis §4.2.3 (with CheckQuorum): "if a server receives a RequestVote request within the
    /// minimum election timeout of hearing from a current leader, it does not update its term
    /// or grant its vote." It keeps a removed server that missed its removal from deposing the
    /// leader (§4.2.3), and holds elections off while a lease runs (§6.4.1). A vote asked for
    /// by a leadership transfer is answered (§3.10).
    pub(super) fn ignores_vote_request(&self, from: NodeId, msg: &Msg, cx: &mut Cx) -> bool {
        let Msg::RequestVote(RequestVote {
            term,
            transfer: false,
            ..
        }) = *msg
        else {
            return false;
        };
        let ignore =
            self.config.check_quorum && term > self.term() && self.leader_heard_recently(cx.now());
        if ignore {
            cx.explain(Rule::IgnoreVoteRequest {
                candidate: from,
                term,
            });
        }
        ignore
    }

    /// A server back from a crash does not know when it last heard from a leader: with
    /// CheckQuorum it assumes just now, so that it cannot help elect a new leader while a
    /// lease it granted before the crash may still hold (thesis §6.4.1).
    pub(super) fn after_restart(&mut self, cx: &mut Cx) {
        if self.config.check_quorum {
            self.volatile.heard_leader_at = Some(cx.now());
        }
    }

    /// The leader's heartbeat timer: check the quorum and the transfer, then the next round.
    pub(super) fn heartbeat_timeout(&mut self, cx: &mut Cx) {
        let now = cx.now();
        if self.config.check_quorum && !self.check_quorum(now, cx) {
            return;
        }
        let ls = self.volatile.leader_state.as_mut();
        if let Some(transfer) = ls.as_ref().and_then(|ls| ls.leadership.transfer)
            && now >= transfer.since + self.config.election_timeout_max
        {
            // Thesis §3.10: "the prior leader should abort the transfer" if the target does not
            // take over within an election timeout, and accept requests again.
            cx.explain(Rule::AbortTransfer { to: transfer.to });
            if let Some(ls) = self.volatile.leader_state.as_mut() {
                ls.leadership.transfer = None;
            }
        }
        self.send_heartbeats(cx);
    }

    /// Thesis §6.2: "a leader steps down if an election timeout elapses without a successful
    /// round of heartbeats to a majority of its cluster." Returns whether it stays leader.
    fn check_quorum(&mut self, now: Time, cx: &mut Cx) -> bool {
        let window = self.leader_clock(self.config.election_timeout_min);
        let Some(ls) = &self.volatile.leader_state else {
            return true;
        };
        if now < ls.leadership.since + window {
            return true;
        }
        // Thesis §4.1: a majority of the voters; a leader removed from them does not count
        // itself (§4.2.2).
        let config = &self.membership.config;
        let heard = usize::from(config.is_voter(self.id))
            + ls.leadership
                .heard_at
                .iter()
                .filter(|&(id, &at)| config.is_voter(*id) && at + window > now)
                .count();
        let needed = self.majority();
        if heard >= needed {
            return true;
        }
        cx.explain(Rule::StepDown {
            term: self.term(),
            heard,
            needed,
        });
        self.volatile.role = Role::Follower;
        self.volatile.leader = None;
        self.volatile.leader_state = None;
        cx.cancel_timer(Timer::Heartbeat);
        self.reset_election_timer(cx);
        false
    }

    /// A span of time as this leader's clock measures it, in real time: twice as long when
    /// its clock runs at half speed (the `slow_leader_clock` break).
    pub(super) fn leader_clock(&self, span: Time) -> Time {
        if self.config.breaks.slow_leader_clock {
            2 * span
        } else {
            span
        }
    }

    /// A follower answered an RPC of this term: note when (CheckQuorum), the heartbeat round
    /// it acknowledged (reads), and whether a transfer target is now up to date.
    pub(super) fn follower_answered(&mut self, from: NodeId, round: u64, cx: &mut Cx) {
        let now = cx.now();
        let Some(ls) = self.volatile.leader_state.as_mut() else {
            return;
        };
        ls.leadership.heard_at.insert(from, now);
        self.round_acked(from, round, cx);
        self.maybe_send_timeout_now(cx);
    }

    /// Thesis §3.10: the leader stops accepting new client requests, brings the target's log
    /// up to date, then sends it TimeoutNow. The target must be a voter: a learner or an
    /// outsider could not win the election (§4.1).
    pub(super) fn transfer_leadership(&mut self, to: NodeId, cx: &mut Cx) {
        let now = cx.now();
        let last = self.persistent.last_log_index();
        let voter = self.membership.config.is_voter(to);
        let Some((match_index, ls)) = self
            .volatile
            .leader_state
            .as_mut()
            .filter(|_| voter)
            .and_then(|ls| Some((ls.peers.get(&to)?.match_index, ls)))
        else {
            cx.explain(Rule::CannotTransfer { to });
            return;
        };
        ls.leadership.transfer = Some(Transfer {
            to,
            since: now,
            sent: false,
        });
        cx.explain(Rule::StartTransfer {
            to,
            match_index,
            last,
        });
        self.maybe_send_timeout_now(cx);
        // Catching up starts now, not at the next heartbeat.
        self.send_append(to, true, cx);
    }

    fn maybe_send_timeout_now(&mut self, cx: &mut Cx) {
        let last = self.persistent.last_log_index();
        let term = self.term();
        let Some(ls) = self.volatile.leader_state.as_mut() else {
            return;
        };
        let Some(transfer) = ls.leadership.transfer.as_mut().filter(|t| !t.sent) else {
            return;
        };
        if ls.peers.get(&transfer.to).map(|p| p.match_index) != Some(last) {
            return;
        }
        transfer.sent = true;
        let to = transfer.to;
        cx.explain(Rule::SendTimeoutNow { to });
        cx.send(to, Msg::TimeoutNow(TimeoutNow { term }));
    }

    /// Thesis §3.10: "the target server … starts an election" on TimeoutNow, without waiting
    /// for its election timeout and without PreVote, and its RequestVote says so, so that
    /// voters who heard from the leader just now still answer (§4.2.3).
    pub(super) fn on_timeout_now(&mut self, from: NodeId, timeout: TimeoutNow, cx: &mut Cx) {
        let TimeoutNow { term } = timeout;
        if term < self.term() || self.volatile.role == Role::Leader {
            cx.explain(Rule::IgnoreStale { from, term });
            return;
        }
        if !self.is_voter() {
            // A learner or a removed server never campaigns (thesis §4.1, §4.2.1).
            cx.explain(Rule::NotVoter { term: self.term() });
            return;
        }
        cx.explain(Rule::TransferElection { from, term });
        self.start_election(true, true, cx);
    }

    /// Thesis §3.10: while handing leadership over, the leader turns new requests away,
    /// naming the server it hands over to. Returns whether it did.
    pub(super) fn refuses_during_transfer(
        &mut self,
        client: ClientId,
        seq: u64,
        requested_at: Time,
        cx: &mut Cx,
    ) -> bool {
        let Some(transfer) = self
            .volatile
            .leader_state
            .as_ref()
            .and_then(|ls| ls.leadership.transfer)
        else {
            return false;
        };
        let to = transfer.to;
        cx.explain(Rule::RefuseDuringTransfer { client, seq, to });
        let outcome = Outcome::NotLeader { hint: Some(to) };
        self.answer(client, seq, requested_at, outcome, cx.now());
        true
    }
}

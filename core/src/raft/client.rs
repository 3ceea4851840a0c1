//! Clients (§8; thesis §6): requests reaching any server, the leader appending and
//! answering them once applied, and duplicate suppression by `(client, seq)`.

use super::kv::{Applied, ClientId, ClientReply, Op, Outcome};
use super::message::{ClientRequest, Entry, Msg};
use super::node::{Cx, RaftNode};
use super::rule::Rule;
use super::state::{Role, Waiting};
use crate::sim::Time;

impl RaftNode {
    /// A client request, given to this server directly (`hops` 0) or passed on by another.
    pub(super) fn on_client_request(&mut self, request: ClientRequest, cx: &mut Cx) {
        if self.volatile.role == Role::Leader {
            let ClientRequest {
                client,
                seq,
                op,
                requested_at,
                ..
            } = request;
            self.lead_request(client, seq, op, requested_at, cx);
            return;
        }
        match self.volatile.leader {
            // Thesis §6.2: a server that is not the leader may forward the request to the
            // leader it knows. The hop count stops a request circling between servers whose
            // ideas of the leader are out of date.
            Some(leader) if leader != self.id && usize::from(request.hops) < self.cluster => {
                cx.explain(Rule::ForwardRequest {
                    client: request.client,
                    seq: request.seq,
                    leader,
                });
                let forwarded = ClientRequest {
                    term: self.term(),
                    hops: request.hops + 1,
                    ..request
                };
                cx.send(leader, Msg::ClientRequest(forwarded));
            }
            _ => self.not_leader(request.client, request.seq, request.requested_at, cx),
        }
    }

    /// §8: "If the client's first choice is not the leader, that server will reject the
    /// client's request and supply information about the most recent leader it has heard
    /// from." Knowing none, it names the candidate it voted for in its term.
    pub(super) fn not_leader(
        &mut self,
        client: ClientId,
        seq: u64,
        requested_at: Time,
        cx: &mut Cx,
    ) {
        let hint = self.persistent.voted_for.filter(|&v| v != self.id);
        cx.explain(Rule::NotLeader { client, seq, hint });
        self.answer(
            client,
            seq,
            requested_at,
            Outcome::NotLeader { hint },
            cx.now(),
        );
    }

    /// Figure 2, Leaders: "If command received from client: append entry to local log, respond
    /// after entry applied to state machine (§5.3)", once per `(client, seq)` (thesis §6.3).
    fn lead_request(
        &mut self,
        client: ClientId,
        seq: u64,
        op: Op,
        requested_at: Time,
        cx: &mut Cx,
    ) {
        // Thesis §3.10: a leader handing over leadership takes no new requests.
        if self.refuses_during_transfer(client, seq, requested_at, cx) {
            return;
        }
        let sm = &self.volatile.state_machine;
        if let Some(session) = sm.answered(client, seq) {
            // Applied before: answer from the session, do not apply again.
            let (index, value) = (session.index, session.value);
            cx.explain(Rule::ReplyClient {
                client,
                seq,
                index,
                value,
                requested_at,
                cached: true,
            });
            let outcome = Outcome::Done { index, value };
            self.answer(client, seq, requested_at, outcome, cx.now());
            return;
        }
        let last_seq = sm.last_seq(client);
        if seq < last_seq {
            cx.explain(Rule::IgnoreOldRequest {
                client,
                seq,
                last_seq,
            });
            return;
        }
        let waiting = Waiting {
            client,
            seq,
            requested_at,
        };
        // Already in the log, not applied yet: wait for that entry.
        let p = &self.persistent;
        let in_log = (self.volatile.last_applied + 1..=p.last_log_index())
            .rev()
            .find(|&i| p.entry(i).and_then(Entry::request) == Some((client, seq)));
        if let Some(index) = in_log {
            cx.explain(Rule::RequestInLog { client, seq, index });
            if let Some(ls) = &mut self.volatile.leader_state {
                ls.waiting.entry(index).or_insert(waiting);
            }
            return;
        }
        let term = self.term();
        let index = self.append(Entry::command(term, client, seq, op.clone()));
        cx.explain(Rule::AppendCommand {
            client,
            seq,
            op,
            index,
            term,
        });
        if let Some(ls) = &mut self.volatile.leader_state {
            ls.waiting.insert(index, waiting);
        }
        self.replicate(cx);
        // A cluster of one commits on its own.
        self.maybe_commit(cx);
    }

    /// Figure 2, All Servers: "If commitIndex > lastApplied: increment lastApplied, apply
    /// log[lastApplied] to state machine (§5.3)." A leader then answers the clients waiting for
    /// these entries.
    pub(super) fn apply_committed(&mut self, cx: &mut Cx) {
        let (first, last) = (self.volatile.last_applied + 1, self.volatile.commit_index);
        if last < first {
            return;
        }
        cx.explain(Rule::ApplyEntries { first, last });
        for index in first..=last {
            let Some(entry) = self.persistent.entry(index) else {
                break;
            };
            let applied = self.volatile.state_machine.apply(index, entry);
            self.volatile.last_applied = index;
            let value = match applied {
                Applied::Noop => continue,
                Applied::Executed { value, .. } => Some(value),
                Applied::Duplicate { client, seq, value } => {
                    cx.explain(Rule::SkipDuplicate { index, client, seq });
                    Some(value)
                }
                Applied::Stale { client, seq } => {
                    cx.explain(Rule::SkipDuplicate { index, client, seq });
                    None
                }
            };
            let request = entry.request();
            let Some(waiting) = self
                .volatile
                .leader_state
                .as_mut()
                .and_then(|ls| ls.waiting.remove(&index))
                .filter(|w| Some((w.client, w.seq)) == request)
            else {
                continue;
            };
            // Skipped as older than the client's last request: nothing to answer.
            let Some(value) = value else {
                continue;
            };
            let Waiting {
                client,
                seq,
                requested_at,
            } = waiting;
            cx.explain(Rule::ReplyClient {
                client,
                seq,
                index,
                value,
                requested_at,
                cached: false,
            });
            let outcome = Outcome::Done { index, value };
            self.answer(client, seq, requested_at, outcome, cx.now());
        }
        self.after_commit(cx);
        self.schedule_snapshot(cx);
        // Reads waiting for their read index to be applied (thesis §6.4, step 3).
        self.serve_reads(cx);
    }

    pub(super) fn answer(
        &mut self,
        client: ClientId,
        seq: u64,
        requested_at: Time,
        outcome: Outcome,
        now: Time,
    ) {
        self.replies.push(ClientReply {
            client,
            seq,
            requested_at,
            replied_at: now,
            by: self.id,
            outcome,
        });
    }
}

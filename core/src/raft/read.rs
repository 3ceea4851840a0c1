//! Reads without the log (Ongaro's thesis §6.4).
//!
//! A `get` in the log is linearizable but costs an entry, a replication round and a
//! disk write. The thesis answers reads without the log in four steps:
//!
//! 1. the leader records its commit index as the read index, once an entry of its
//!    own term is committed (before that it cannot know the latest commit index);
//! 2. it checks it is still leader: a round of heartbeats acknowledged by a majority,
//!    sent after the read arrived;
//! 3. it waits until its state machine has applied the read index;
//! 4. it answers from its state machine.
//!
//! Step 2 needs to know which heartbeat a reply answers: once a leader serves a read,
//! it numbers its heartbeat rounds and followers echo the number (`round` in
//! AppendEntries and its reply). A lease (§6.4.1) skips step 2: a majority that
//! acknowledged a round sent at time `t` will not elect another leader before
//! `t` + the minimum election timeout, since with CheckQuorum each of them ignores
//! RequestVote that long (§4.2.3); less a margin for clock drift, the leader answers
//! on its own until then. A stale read lets any server answer from its own state
//! machine at once, to show what the steps prevent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kv::{ClientId, Op, Outcome};
use super::message::{ClientRead, ClientRequest, Msg};
use super::node::{Cx, RaftNode};
use super::rule::Rule;
use super::state::Role;
use crate::sim::{NodeId, Time};

/// How a read is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadMode {
    /// The `get` is a command in the log like any other (§8): linearizable, costs an entry.
    #[default]
    Log,
    /// ReadIndex: the leader confirms its leadership with a heartbeat round (thesis §6.4).
    ReadIndex,
    /// The leader answers while its lease holds, else as ReadIndex (thesis §6.4.1). Without
    /// CheckQuorum nothing keeps followers from electing another leader: no lease.
    Lease,
    /// Whichever server is asked answers from its own state machine: not linearizable.
    Stale,
}

impl ReadMode {
    pub const ALL: [ReadMode; 4] = [
        ReadMode::ReadIndex,
        ReadMode::Lease,
        ReadMode::Stale,
        ReadMode::Log,
    ];

    /// Its name in URLs and data attributes.
    pub fn key(self) -> &'static str {
        match self {
            ReadMode::Log => "log",
            ReadMode::ReadIndex => "read-index",
            ReadMode::Lease => "lease",
            ReadMode::Stale => "stale",
        }
    }

    pub fn from_key(key: &str) -> Option<ReadMode> {
        ReadMode::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// A leader's heartbeat rounds and the reads waiting for them.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Reads {
    /// Set by the first read this leader takes: from then on every heartbeat round is
    /// numbered. Until then AppendEntries carry round 0, exactly as without reads.
    pub numbering: bool,
    /// The last heartbeat round sent.
    pub round: u64,
    /// When each round not yet acknowledged by a majority was sent.
    pub sent_at: BTreeMap<u64, Time>,
    /// The highest round each follower acknowledged.
    pub acked: BTreeMap<NodeId, u64>,
    /// The highest round a majority acknowledged (the leader counts itself).
    pub confirmed: u64,
    /// When that round was sent: the lease runs from there (thesis §6.4.1).
    pub lease_from: Option<Time>,
    /// Reads not answered yet, in arrival order.
    pub pending: Vec<PendingRead>,
}

/// A read the leader has taken and not answered yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRead {
    pub client: ClientId,
    pub seq: u64,
    pub key: String,
    pub requested_at: Time,
    /// The commit index when the read was taken; `None` while no entry of the leader's term
    /// is committed.
    pub read_index: Option<u64>,
    /// The heartbeat round a majority must acknowledge before the answer.
    pub round: u64,
}

/// Clocks may run this much apart (in tenths): a lease lasts the minimum election timeout
/// less this share (thesis §6.4.1, "bounded clock drift").
const DRIFT_TENTHS: u64 = 1;

impl RaftNode {
    /// A read, given to this server directly (`hops` 0) or passed on by another.
    pub(super) fn on_read(&mut self, read: ClientRead, cx: &mut Cx) {
        let ClientRead {
            term,
            client,
            seq,
            key,
            mode,
            requested_at,
            hops,
        } = read;
        match mode {
            ReadMode::Log => {
                let request = ClientRequest {
                    term,
                    client,
                    seq,
                    op: Op::Get { key },
                    requested_at,
                    hops,
                };
                self.on_client_request(request, cx)
            }
            ReadMode::Stale => self.stale_read(client, seq, key, requested_at, cx),
            ReadMode::ReadIndex | ReadMode::Lease if self.volatile.role == Role::Leader => {
                self.lead_read(client, seq, key, mode, requested_at, cx)
            }
            ReadMode::ReadIndex | ReadMode::Lease => match self.volatile.leader {
                // Passed on to the leader like a command (thesis §6.2).
                Some(leader) if leader != self.id && usize::from(hops) < self.cluster => {
                    cx.explain(Rule::ForwardRequest {
                        client,
                        seq,
                        leader,
                    });
                    let forwarded = ClientRead {
                        term: self.term(),
                        client,
                        seq,
                        key,
                        mode,
                        requested_at,
                        hops: hops + 1,
                    };
                    cx.send(leader, Msg::ClientRead(forwarded));
                }
                _ => self.not_leader(client, seq, requested_at, cx),
            },
        }
    }

    /// What goes wrong without the steps: the server answers from whatever it has applied.
    fn stale_read(
        &mut self,
        client: ClientId,
        seq: u64,
        key: String,
        requested_at: Time,
        cx: &mut Cx,
    ) {
        let value = self.volatile.state_machine.data.get(&key).copied();
        let applied = self.volatile.last_applied;
        cx.explain(Rule::StaleRead {
            client,
            seq,
            key,
            value,
            applied,
        });
        let outcome = Outcome::Done {
            index: applied,
            value,
        };
        self.answer(client, seq, requested_at, outcome, cx.now());
    }

    /// Thesis §6.4, steps 1 and 2 (or §6.4.1's lease).
    fn lead_read(
        &mut self,
        client: ClientId,
        seq: u64,
        key: String,
        mode: ReadMode,
        requested_at: Time,
        cx: &mut Cx,
    ) {
        if self.refuses_during_transfer(client, seq, requested_at, cx) {
            return;
        }
        let now = cx.now();
        let commit = self.volatile.commit_index;
        let mut read = PendingRead {
            client,
            seq,
            key,
            requested_at,
            read_index: None,
            round: 0,
        };
        if !self.committed_in_term() {
            // Step 1: the read index is set once an entry of this term commits, and confirmed
            // by the round after that.
            cx.explain(Rule::ReadWaitForTerm { client, seq });
            self.wait_for_round(read, cx);
            return;
        }
        read.read_index = Some(commit);
        let lease_left = self.lease_left(now).filter(|_| mode == ReadMode::Lease);
        if let Some(left) = lease_left {
            cx.explain(Rule::ReadLease {
                client,
                seq,
                read_index: commit,
                left,
            });
            // The round already confirmed covers it.
            read.round = self.reads_mut().map_or(0, |reads| reads.confirmed);
        } else {
            read.round = self.read_round(now, cx);
            cx.explain(Rule::ReadIndex {
                client,
                seq,
                read_index: commit,
                round: read.round,
            });
        }
        self.wait_for_round(read, cx);
        self.confirm_rounds(cx);
    }

    /// Keep `read` until its round is confirmed. Only a leader keeps reads (`on_read` hands
    /// them to `lead_read` only while leading); any other server says it is not the leader.
    fn wait_for_round(&mut self, read: PendingRead, cx: &mut Cx) {
        let (client, seq, requested_at) = (read.client, read.seq, read.requested_at);
        match self.reads_mut() {
            Some(reads) => reads.pending.push(read),
            None => self.not_leader(client, seq, requested_at, cx),
        }
    }

    /// A heartbeat round sent after now, for a read to wait on: one sent at this very moment
    /// serves every read that arrives with it; otherwise a new round goes out at once.
    fn read_round(&mut self, now: Time, cx: &mut Cx) -> u64 {
        let Some(reads) = self.reads_mut() else {
            return 0;
        };
        if reads.numbering && reads.sent_at.get(&reads.round) == Some(&now) {
            return reads.round;
        }
        reads.numbering = true;
        self.send_heartbeats(cx);
        self.current_round()
    }

    /// Called as a leader sends a heartbeat round: the round's number once reads began, else 0.
    pub(super) fn next_round(&mut self, now: Time) -> u64 {
        let Some(ls) = self.volatile.leader_state.as_mut() else {
            return 0;
        };
        let reads = &mut ls.reads;
        if !reads.numbering {
            return 0;
        }
        reads.round += 1;
        reads.sent_at.insert(reads.round, now);
        reads.round
    }

    /// The round number AppendEntries carry now.
    pub(super) fn current_round(&self) -> u64 {
        self.volatile
            .leader_state
            .as_ref()
            .map_or(0, |ls| ls.reads.round)
    }

    /// A follower answered an AppendEntries of round `round` in this term: it still follows
    /// this leader.
    pub(super) fn round_acked(&mut self, from: NodeId, round: u64, cx: &mut Cx) {
        if round == 0 {
            return;
        }
        let Some(reads) = self.reads_mut() else {
            return;
        };
        let acked = reads.acked.entry(from).or_default();
        if round > *acked {
            *acked = round;
            self.confirm_rounds(cx);
        }
    }

    /// The highest round a majority acknowledged; the lease starts when it was sent. Then
    /// answer what can be answered.
    fn confirm_rounds(&mut self, cx: &mut Cx) {
        let majority = self.majority();
        let Some(ls) = self.volatile.leader_state.as_mut() else {
            return;
        };
        let reads = &mut ls.reads;
        // Thesis §4.1: a majority of the configuration's voters; learners do not count, nor
        // does a leader removed from the voters (§4.2.2).
        let config = &self.membership.config;
        let mut acks: Vec<u64> = ls
            .peers
            .keys()
            .filter(|p| config.is_voter(**p))
            .map(|p| reads.acked.get(p).copied().unwrap_or(0))
            .collect();
        if config.is_voter(self.id) {
            acks.push(reads.round);
        }
        acks.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(&confirmed) = acks.get(majority - 1)
            && confirmed > reads.confirmed
        {
            reads.confirmed = confirmed;
            reads.lease_from = reads.sent_at.get(&confirmed).copied();
            reads.sent_at.retain(|&r, _| r > confirmed);
        }
        self.serve_reads(cx);
    }

    /// Thesis §6.4, steps 3 and 4: answer every read whose round is confirmed and whose read
    /// index is applied. Reads that waited for an entry of this term get their read index now
    /// and wait for the next round.
    pub(super) fn serve_reads(&mut self, cx: &mut Cx) {
        let in_term = self.committed_in_term();
        let (commit, applied) = (self.volatile.commit_index, self.volatile.last_applied);
        let Some(ls) = self.volatile.leader_state.as_mut() else {
            return;
        };
        let reads = &mut ls.reads;
        if reads.pending.is_empty() {
            return;
        }
        let mut ready = Vec::new();
        let mut later = Vec::new();
        for mut read in std::mem::take(&mut reads.pending) {
            if read.read_index.is_none() && in_term {
                read.read_index = Some(commit);
                reads.numbering = true;
                read.round = reads.round + 1;
                cx.explain(Rule::ReadIndex {
                    client: read.client,
                    seq: read.seq,
                    read_index: commit,
                    round: read.round,
                });
            }
            match read.read_index {
                Some(index) if index <= applied && read.round <= reads.confirmed => {
                    ready.push((read, index))
                }
                _ => later.push(read),
            }
        }
        reads.pending = later;
        for (read, read_index) in ready {
            let value = self.volatile.state_machine.data.get(&read.key).copied();
            cx.explain(Rule::ReplyRead {
                client: read.client,
                seq: read.seq,
                key: read.key,
                value,
                read_index,
                requested_at: read.requested_at,
            });
            let outcome = Outcome::Done {
                index: read_index,
                value,
            };
            self.answer(read.client, read.seq, read.requested_at, outcome, cx.now());
        }
    }

    /// Thesis §6.4, step 1: an entry of the leader's own term is committed.
    fn committed_in_term(&self) -> bool {
        self.persistent.term_at(self.volatile.commit_index) == Some(self.term())
    }

    /// How long the lease still holds at `now`, if it does. Only with CheckQuorum (followers
    /// then ignore RequestVote for the minimum election timeout after a heartbeat, §4.2.3) and
    /// not while handing leadership over (the target's election does not wait, §3.10).
    fn lease_left(&self, now: Time) -> Option<Time> {
        let ls = self.volatile.leader_state.as_ref()?;
        if !self.config.check_quorum || ls.leadership.transfer.is_some() {
            return None;
        }
        let until = ls.reads.lease_from? + self.lease_span();
        (now < until).then(|| until - now)
    }

    /// The lease, as long as this leader's clock measures it in real time: the minimum
    /// election timeout less the drift margin; twice that if its clock runs at half speed.
    fn lease_span(&self) -> Time {
        let min = self.config.election_timeout_min;
        self.leader_clock(min - min * DRIFT_TENTHS / 10)
    }

    /// The reads a leader holds; `None` on any other server.
    fn reads_mut(&mut self) -> Option<&mut Reads> {
        self.volatile.leader_state.as_mut().map(|ls| &mut ls.reads)
    }
}

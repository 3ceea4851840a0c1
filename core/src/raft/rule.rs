//! The rules of the paper a step can fire. The web turns each into a caption,
//! in English or Chinese, with the section it comes from.

use serde::{Deserialize, Serialize};

use super::kv::{ClientId, Op};
use super::membership::{Change, Configuration, Refusal};
use super::state::{Role, Term};
use crate::sim::{NodeId, Time};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule")]
pub enum Rule {
    /// No word from a leader within the election timeout: become candidate, vote for self,
    /// ask everyone else for votes.
    StartElection {
        term: Term,
        forced: bool,
    },
    /// An RPC carried a newer term: adopt it and become (or stay) follower.
    AdoptTerm {
        was: Role,
        term: Term,
    },
    GrantVote {
        candidate: NodeId,
        term: Term,
    },
    DenyVote {
        candidate: NodeId,
        term: Term,
        reason: DenyReason,
    },
    /// A candidate counts a reply to its RequestVote.
    CountVote {
        from: NodeId,
        granted: bool,
        votes: usize,
        needed: usize,
    },
    /// Votes from a majority: become leader.
    BecomeLeader {
        term: Term,
        votes: usize,
    },
    /// A leader sends AppendEntries (heartbeats when there is nothing new) to every follower.
    SendHeartbeats {
        term: Term,
    },
    /// AppendEntries from the leader of the current term: follow it and reset the election timer.
    FollowLeader {
        leader: NodeId,
        term: Term,
        was: Role,
    },
    /// AppendEntries from a leader of an older term is refused.
    RejectStaleLeader {
        leader: NodeId,
        term: Term,
    },
    /// The log has no entry at prevLogIndex whose term is prevLogTerm.
    RejectLogMismatch {
        prev_log_index: u64,
        prev_log_term: Term,
    },
    /// A reply from an older term, or to a role this node no longer holds, changes nothing.
    IgnoreStale {
        from: NodeId,
        term: Term,
    },
    /// Back after a crash with only the persistent state.
    Restart {
        term: Term,
    },

    // Log replication (§5.3).
    /// A new leader appends a no-op entry to start its term (§8).
    AppendNoop {
        index: u64,
        term: Term,
    },
    /// The leader appends a client's command to its log as a new entry (§5.3).
    AppendCommand {
        client: ClientId,
        seq: u64,
        op: Op,
        index: u64,
        term: Term,
    },
    /// The leader sends entries `first..=last` to a follower (§5.3).
    SendEntries {
        to: NodeId,
        first: u64,
        last: u64,
    },
    /// A follower appends the entries `first..=last` it did not have (§5.3).
    AppendLog {
        leader: NodeId,
        first: u64,
        last: u64,
    },
    /// A follower's entry conflicts with the leader's (same index, different term): it deletes
    /// it and all that follow (§5.3).
    TruncateLog {
        index: u64,
        old_term: Term,
        new_term: Term,
        removed: u64,
    },
    /// Break `no_truncate`: the conflicting entry is overwritten but the `kept` entries after it
    /// stay.
    OverwriteKeepSuffix {
        index: u64,
        old_term: Term,
        new_term: Term,
        kept: u64,
    },
    /// The leader learns that a follower's log matches its own up to `match_index` (§5.3).
    AckEntries {
        follower: NodeId,
        match_index: u64,
        next_index: u64,
    },
    /// A follower refused AppendEntries: the leader backs up `next_index` and will retry (§5.3).
    /// `hint`: it skipped using the follower's conflict term and index.
    BackUp {
        follower: NodeId,
        next_index: u64,
        hint: bool,
    },
    /// The follower's log matches: stop probing, send entries as they come (etcd's progress).
    StartReplicate {
        follower: NodeId,
        match_index: u64,
    },
    /// A refusal while replicating: probe again from `next_index`, one message at a time.
    StartProbe {
        follower: NodeId,
        next_index: u64,
    },

    // Commitment (§5.3, §5.4.2).
    /// A majority stores the entry at `index`; it is of the leader's term, so it (and every entry
    /// before it) is committed. Under `commit_previous_terms`, `entry_term` may be older.
    AdvanceCommit {
        index: u64,
        entry_term: Term,
        term: Term,
        replicas: usize,
    },
    /// A majority stores the entry at `index`, but it is from an earlier term: it is not
    /// committed by counting replicas, only once an entry of the current term is (§5.4.2).
    WaitForCurrentTerm {
        index: u64,
        entry_term: Term,
        term: Term,
    },
    /// A follower learns from the leader's commit index that entries up to `commit_index` are
    /// committed (§5.3).
    LearnCommit {
        commit_index: u64,
    },
    /// Entries `first..=last` are applied to the state machine, in log order (Figure 2).
    ApplyEntries {
        first: u64,
        last: u64,
    },
    /// The entry at `index` repeats a request the client's session shows applied (or is older
    /// than one it shows applied): it does not run again (thesis §6.3).
    SkipDuplicate {
        index: u64,
        client: ClientId,
        seq: u64,
    },

    // Clients (§8; thesis §6).
    /// The leader answers the client once the command is applied (or at once, from the
    /// session, when it was applied before: `cached`).
    ReplyClient {
        client: ClientId,
        seq: u64,
        index: u64,
        value: Option<i64>,
        requested_at: Time,
        cached: bool,
    },
    /// A server that is not leader passes the request on to the leader it knows.
    ForwardRequest {
        client: ClientId,
        seq: u64,
        leader: NodeId,
    },
    /// A server that is not leader and knows no leader turns the client away, with a hint
    /// (the candidate it voted for in its term) when it has one.
    NotLeader {
        client: ClientId,
        seq: u64,
        hint: Option<NodeId>,
    },
    /// The leader already has this request in its log at `index`: it waits for that entry
    /// instead of appending it again (thesis §6.3).
    RequestInLog {
        client: ClientId,
        seq: u64,
        index: u64,
    },
    /// A request older than the client's last applied one: the client has moved on; ignored.
    IgnoreOldRequest {
        client: ClientId,
        seq: u64,
        last_seq: u64,
    },

    // Membership changes (thesis chapter 4).
    /// The log now ends with a different latest configuration (appended, or a truncation
    /// removed one): the server uses it at once, committed or not (thesis §4.1).
    UseConfiguration {
        index: u64,
        config: Configuration,
    },
    /// The leader appends a configuration entry for a membership change (thesis §4.1).
    AppendConfiguration {
        index: u64,
        term: Term,
        config: Configuration,
    },
    /// The leader will not make the change, and says why.
    RefuseChange {
        client: ClientId,
        seq: u64,
        change: Change,
        reason: Refusal,
    },
    /// The configuration entry a client waited for is committed: the change is done.
    ChangeCommitted {
        client: ClientId,
        seq: u64,
        index: u64,
        requested_at: Time,
    },
    /// A leader no longer in the committed configuration steps down (thesis §4.2.2).
    StepDownRemoved {
        term: Term,
        index: u64,
    },
    /// A learner finished a round of replication within an election timeout: the leader
    /// promotes it to voter (thesis §4.2.1).
    CaughtUp {
        server: NodeId,
        round: u32,
    },
    /// A round took an election timeout or more: another round, up to the leader's last index.
    CatchUpRound {
        server: NodeId,
        round: u32,
        until: u64,
    },
    /// Told to time out, but a server outside the voters starts no elections (thesis §4.1).
    NotVoter {
        term: Term,
    },

    // Log compaction (§7, Figure 13).
    /// A server replaces the entries up to `index` (the last of term `term`) by a snapshot of
    /// its state machine, of about `size` bytes; `compacted` entries leave its log.
    TakeSnapshot {
        index: u64,
        term: Term,
        compacted: u64,
        size: u64,
    },
    /// Back after a crash, a server restores its state machine from its snapshot.
    RestoreSnapshot {
        index: u64,
        term: Term,
    },
    /// The entry a follower needs next is compacted: the leader sends its snapshot instead.
    SendSnapshot {
        to: NodeId,
        index: u64,
        term: Term,
        size: u64,
    },
    /// A follower installs the leader's snapshot: its log keeps the `kept` entries after the
    /// snapshot when they follow a matching entry, else it is discarded whole.
    InstallSnapshot {
        leader: NodeId,
        index: u64,
        term: Term,
        kept: u64,
    },
    /// A snapshot that covers nothing beyond what this server has committed changes nothing.
    IgnoreSnapshot {
        index: u64,
        commit_index: u64,
    },

    // Reads without the log (thesis §6.4).
    /// A leader with no entry of its own term committed yet cannot know the latest commit
    /// index: the read waits until one is (thesis §6.4, step 1).
    ReadWaitForTerm {
        client: ClientId,
        seq: u64,
    },
    /// The leader records its commit index as the read index and checks it is still leader
    /// with a round of heartbeats (thesis §6.4, steps 1–2).
    ReadIndex {
        client: ClientId,
        seq: u64,
        read_index: u64,
        round: u64,
    },
    /// The lease from the last heartbeat round a majority acknowledged still holds: no round
    /// needed (thesis §6.4.1). `left`: how much of it remains.
    ReadLease {
        client: ClientId,
        seq: u64,
        read_index: u64,
        left: Time,
    },
    /// The read index is applied and leadership confirmed: the leader answers from its state
    /// machine (thesis §6.4, steps 3–4).
    ReplyRead {
        client: ClientId,
        seq: u64,
        key: String,
        value: Option<i64>,
        read_index: u64,
        requested_at: Time,
    },
    /// A server answers a read from its own state machine, applied up to `applied`, without
    /// asking anyone: possibly stale (not linearizable).
    StaleRead {
        client: ClientId,
        seq: u64,
        key: String,
        value: Option<i64>,
        applied: u64,
    },

    // PreVote (thesis §9.6).
    /// Before a real election, ask whether a majority would vote in `term`; the term stays.
    StartPreVote {
        term: Term,
        forced: bool,
    },
    GrantPreVote {
        candidate: NodeId,
        term: Term,
    },
    DenyPreVote {
        candidate: NodeId,
        term: Term,
        reason: DenyReason,
    },
    CountPreVote {
        from: NodeId,
        granted: bool,
        votes: usize,
        needed: usize,
    },

    // CheckQuorum (thesis §6.2, §4.2.3).
    /// A RequestVote that arrives within the minimum election timeout of hearing from a leader
    /// is dropped: its term is not adopted and no vote is granted (thesis §4.2.3).
    IgnoreVoteRequest {
        candidate: NodeId,
        term: Term,
    },
    /// The leader has not heard from a majority within an election timeout: it steps down
    /// (thesis §6.2).
    StepDown {
        term: Term,
        heard: usize,
        needed: usize,
    },

    // Leadership transfer (thesis §3.10).
    /// The leader stops taking requests and brings `to` up to date.
    StartTransfer {
        to: NodeId,
        match_index: u64,
        last: u64,
    },
    /// `to`'s log matches the leader's: it is told to start an election now.
    SendTimeoutNow {
        to: NodeId,
    },
    /// TimeoutNow from the leader: start an election at once.
    TransferElection {
        from: NodeId,
        term: Term,
    },
    /// The transfer did not finish within an election timeout: the leader takes requests again.
    AbortTransfer {
        to: NodeId,
    },
    /// A request reaching a leader that is handing over leadership is turned away.
    RefuseDuringTransfer {
        client: ClientId,
        seq: u64,
        to: NodeId,
    },
    /// Only a leader can hand over leadership, and only to another server.
    CannotTransfer {
        to: NodeId,
    },

    // Stable storage (Figure 2: "updated on stable storage before responding to RPCs"), when
    // writes take time (`persist_delay_max` > 0).
    /// The persistent state changed: the server starts writing it, done at `done_at`; the
    /// `held` messages of this step wait for the write (a vote, a RequestVote, an
    /// acknowledgement …).
    WriteStarted {
        state: Stored,
        held: usize,
        done_at: Time,
    },
    /// The write completed: `state` is on disk, and the `released` messages that waited for it
    /// leave.
    Persisted {
        state: Stored,
        released: usize,
    },
    /// Back from a crash during a write: the server has what was on disk (`kept`); what it had
    /// only in memory (`lost`) is gone, and so are the messages that waited for it.
    WriteLost {
        kept: Stored,
        lost: Stored,
    },
}

/// What a write to stable storage holds, in short: currentTerm, votedFor and the log's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub last_log_index: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DenyReason {
    /// The candidate's term is older than ours (§5.1).
    StaleTerm,
    /// We already voted for someone else in this term (§5.2).
    AlreadyVoted(NodeId),
    /// The candidate's log is less up-to-date than ours (§5.4.1).
    LogBehind,
    /// This server heard from a leader within the minimum election timeout (PreVote, thesis
    /// §9.6 with §4.2.3).
    LeaderAlive,
}

impl Rule {
    /// The rule's name, as its variant is spelled (and as the `rule` tag of its JSON): for a
    /// view that names a rule it has nothing more to say about, without serialising it.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::StartElection { .. } => "StartElection",
            Rule::AdoptTerm { .. } => "AdoptTerm",
            Rule::GrantVote { .. } => "GrantVote",
            Rule::DenyVote { .. } => "DenyVote",
            Rule::CountVote { .. } => "CountVote",
            Rule::BecomeLeader { .. } => "BecomeLeader",
            Rule::SendHeartbeats { .. } => "SendHeartbeats",
            Rule::FollowLeader { .. } => "FollowLeader",
            Rule::RejectStaleLeader { .. } => "RejectStaleLeader",
            Rule::RejectLogMismatch { .. } => "RejectLogMismatch",
            Rule::IgnoreStale { .. } => "IgnoreStale",
            Rule::Restart { .. } => "Restart",
            Rule::AppendNoop { .. } => "AppendNoop",
            Rule::AppendCommand { .. } => "AppendCommand",
            Rule::SendEntries { .. } => "SendEntries",
            Rule::AppendLog { .. } => "AppendLog",
            Rule::TruncateLog { .. } => "TruncateLog",
            Rule::OverwriteKeepSuffix { .. } => "OverwriteKeepSuffix",
            Rule::AckEntries { .. } => "AckEntries",
            Rule::BackUp { .. } => "BackUp",
            Rule::StartReplicate { .. } => "StartReplicate",
            Rule::StartProbe { .. } => "StartProbe",
            Rule::AdvanceCommit { .. } => "AdvanceCommit",
            Rule::WaitForCurrentTerm { .. } => "WaitForCurrentTerm",
            Rule::LearnCommit { .. } => "LearnCommit",
            Rule::ApplyEntries { .. } => "ApplyEntries",
            Rule::SkipDuplicate { .. } => "SkipDuplicate",
            Rule::ReplyClient { .. } => "ReplyClient",
            Rule::ForwardRequest { .. } => "ForwardRequest",
            Rule::NotLeader { .. } => "NotLeader",
            Rule::RequestInLog { .. } => "RequestInLog",
            Rule::IgnoreOldRequest { .. } => "IgnoreOldRequest",
            Rule::UseConfiguration { .. } => "UseConfiguration",
            Rule::AppendConfiguration { .. } => "AppendConfiguration",
            Rule::RefuseChange { .. } => "RefuseChange",
            Rule::ChangeCommitted { .. } => "ChangeCommitted",
            Rule::StepDownRemoved { .. } => "StepDownRemoved",
            Rule::CaughtUp { .. } => "CaughtUp",
            Rule::CatchUpRound { .. } => "CatchUpRound",
            Rule::NotVoter { .. } => "NotVoter",
            Rule::TakeSnapshot { .. } => "TakeSnapshot",
            Rule::RestoreSnapshot { .. } => "RestoreSnapshot",
            Rule::SendSnapshot { .. } => "SendSnapshot",
            Rule::InstallSnapshot { .. } => "InstallSnapshot",
            Rule::IgnoreSnapshot { .. } => "IgnoreSnapshot",
            Rule::ReadWaitForTerm { .. } => "ReadWaitForTerm",
            Rule::ReadIndex { .. } => "ReadIndex",
            Rule::ReadLease { .. } => "ReadLease",
            Rule::ReplyRead { .. } => "ReplyRead",
            Rule::StaleRead { .. } => "StaleRead",
            Rule::StartPreVote { .. } => "StartPreVote",
            Rule::GrantPreVote { .. } => "GrantPreVote",
            Rule::DenyPreVote { .. } => "DenyPreVote",
            Rule::CountPreVote { .. } => "CountPreVote",
            Rule::IgnoreVoteRequest { .. } => "IgnoreVoteRequest",
            Rule::StepDown { .. } => "StepDown",
            Rule::StartTransfer { .. } => "StartTransfer",
            Rule::SendTimeoutNow { .. } => "SendTimeoutNow",
            Rule::TransferElection { .. } => "TransferElection",
            Rule::AbortTransfer { .. } => "AbortTransfer",
            Rule::RefuseDuringTransfer { .. } => "RefuseDuringTransfer",
            Rule::CannotTransfer { .. } => "CannotTransfer",
            Rule::WriteStarted { .. } => "WriteStarted",
            Rule::Persisted { .. } => "Persisted",
            Rule::WriteLost { .. } => "WriteLost",
        }
    }

    /// Where in the Raft paper the rule is stated.
    pub fn section(&self) -> &'static str {
        match self {
            Rule::StartElection { .. } | Rule::CountVote { .. } | Rule::BecomeLeader { .. } => {
                "§5.2"
            }
            Rule::SendHeartbeats { .. } | Rule::FollowLeader { .. } => "§5.2",
            Rule::AdoptTerm { .. } | Rule::RejectStaleLeader { .. } | Rule::IgnoreStale { .. } => {
                "§5.1"
            }
            Rule::GrantVote { .. } => "§5.2",
            Rule::DenyVote { reason, .. } => match reason {
                DenyReason::StaleTerm => "§5.1",
                DenyReason::AlreadyVoted(_) => "§5.2",
                DenyReason::LogBehind => "§5.4.1",
                DenyReason::LeaderAlive => "thesis §4.2.3",
            },
            Rule::RejectLogMismatch { .. } => "§5.3",
            Rule::Restart { .. } => "§5.1",
            Rule::AppendNoop { .. } => "§8",
            Rule::AppendCommand { .. }
            | Rule::SendEntries { .. }
            | Rule::AppendLog { .. }
            | Rule::TruncateLog { .. }
            | Rule::OverwriteKeepSuffix { .. }
            | Rule::AckEntries { .. }
            | Rule::BackUp { .. }
            | Rule::StartReplicate { .. }
            | Rule::StartProbe { .. }
            | Rule::LearnCommit { .. } => "§5.3",
            Rule::AdvanceCommit {
                entry_term, term, ..
            } if entry_term < term => "§5.4.2",
            Rule::AdvanceCommit { .. } => "§5.3",
            Rule::WaitForCurrentTerm { .. } => "§5.4.2",
            Rule::ApplyEntries { .. } => "§5.3",
            Rule::ReplyClient { .. } | Rule::NotLeader { .. } => "§8",
            Rule::ForwardRequest { .. } => "thesis §6.2",
            Rule::SkipDuplicate { .. }
            | Rule::RequestInLog { .. }
            | Rule::IgnoreOldRequest { .. } => "thesis §6.3",
            Rule::UseConfiguration { .. }
            | Rule::AppendConfiguration { .. }
            | Rule::ChangeCommitted { .. }
            | Rule::NotVoter { .. } => "thesis §4.1",
            Rule::RefuseChange { reason, .. } => match reason {
                Refusal::ChangePending | Refusal::NoCommitInTerm => "thesis §4.1",
                Refusal::CatchUpFailed => "thesis §4.2.1",
                Refusal::NotLeader => "thesis §6.2",
                _ => "thesis §4.2",
            },
            Rule::StepDownRemoved { .. } => "thesis §4.2.2",
            Rule::CaughtUp { .. } | Rule::CatchUpRound { .. } => "thesis §4.2.1",
            Rule::TakeSnapshot { .. } | Rule::RestoreSnapshot { .. } => "§7",
            Rule::SendSnapshot { .. }
            | Rule::InstallSnapshot { .. }
            | Rule::IgnoreSnapshot { .. } => "§7, Figure 13",
            Rule::ReadWaitForTerm { .. }
            | Rule::ReadIndex { .. }
            | Rule::ReplyRead { .. }
            | Rule::StaleRead { .. } => "thesis §6.4",
            Rule::ReadLease { .. } => "thesis §6.4.1",
            Rule::StartPreVote { .. }
            | Rule::GrantPreVote { .. }
            | Rule::DenyPreVote { .. }
            | Rule::CountPreVote { .. } => "thesis §9.6",
            Rule::IgnoreVoteRequest { .. } => "thesis §4.2.3",
            Rule::StepDown { .. } => "thesis §6.2",
            Rule::StartTransfer { .. }
            | Rule::SendTimeoutNow { .. }
            | Rule::TransferElection { .. }
            | Rule::AbortTransfer { .. }
            | Rule::RefuseDuringTransfer { .. }
            | Rule::CannotTransfer { .. } => "thesis §3.10",
            Rule::WriteStarted { .. } | Rule::Persisted { .. } | Rule::WriteLost { .. } => {
                "Figure 2"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name` spells a rule as its JSON's `rule` tag does, which is what Figure 2's panel showed
    /// when it took the name from the JSON.
    #[test]
    fn a_rules_name_is_its_json_tag() {
        let rules = [
            Rule::StartElection {
                term: 1,
                forced: false,
            },
            Rule::DenyVote {
                candidate: NodeId(1),
                term: 1,
                reason: DenyReason::AlreadyVoted(NodeId(2)),
            },
            Rule::IgnoreStale {
                from: NodeId(1),
                term: 1,
            },
            Rule::CaughtUp {
                server: NodeId(3),
                round: 2,
            },
            Rule::StepDownRemoved { term: 4, index: 9 },
            Rule::Persisted {
                state: Stored {
                    term: 2,
                    voted_for: None,
                    last_log_index: 3,
                },
                released: 1,
            },
        ];
        for rule in rules {
            let json = serde_json::to_value(&rule).unwrap();
            assert_eq!(json["rule"].as_str(), Some(rule.name()), "{rule:?}");
        }
    }
}

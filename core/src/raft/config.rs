//! Raft's timing and switches.
//!
//! Settings come from outside (a link, a run file, a page's options): nothing here may panic on
//! them, and `problem` says what is wrong with them for [`crate::sim::Sim::new`] to refuse.

use serde::{Deserialize, Serialize};

use crate::sim::{ConfigProblem, Time, ms};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaftConfig {
    /// A follower's election timeout is drawn uniformly from this range each time it is reset
    /// (§5.2: "randomized election timeouts … chosen randomly from a fixed interval (e.g., 150–300ms)").
    pub election_timeout_min: Time,
    pub election_timeout_max: Time,
    /// How often an idle leader sends heartbeats (empty AppendEntries); must be well below the
    /// election timeout (§5.6: broadcastTime ≪ electionTimeout ≪ MTBF).
    pub heartbeat_interval: Time,
    /// At most this many entries travel in one AppendEntries (a batch); at least 1.
    #[serde(default = "default_max_batch")]
    pub max_batch: u64,
    /// A new leader appends a no-op entry at the start of its term, so that entries of earlier
    /// terms get committed through it without waiting for a client (§8; thesis §6.4).
    #[serde(default = "yes")]
    pub noop_on_election: bool,
    /// A follower that refuses AppendEntries tells the leader the term of its conflicting entry
    /// and the first index it stores for that term, so the leader skips a whole term per round
    /// trip instead of one entry (§5.3, "If desired, the protocol can be optimized …";
    /// thesis §5.3). Off: the leader backs up `nextIndex` by one per refusal, as in Figure 2.
    #[serde(default)]
    pub conflict_hint: bool,
    /// The last `spare` slots start outside the configuration (thesis §4.1), idle until a
    /// membership change adds them; 0: every slot is a voter from the start.
    #[serde(default)]
    pub spare: usize,
    /// A server asked to join as voter joins as learner first and is promoted once it has caught
    /// up with the leader (thesis §4.2.1).
    #[serde(default)]
    pub catch_up_first: bool,
    /// Log compaction (§7): a server takes a snapshot once it has applied this many entries
    /// beyond its last snapshot. 0: never (the log keeps every entry).
    #[serde(default)]
    pub snapshot_threshold: u64,
    /// How a `get` given as a client command is answered (thesis §6.4); see [`ReadMode`].
    /// Through the log by default, as §8 of the paper describes.
    #[serde(default)]
    pub read: ReadMode,
    /// Before starting an election, ask whether a majority would vote (thesis §9.6), so a
    /// server that cannot win does not raise everyone's term.
    #[serde(default)]
    pub pre_vote: bool,
    /// CheckQuorum: a leader steps down when it has not heard from a majority of its voters
    /// within an election timeout (thesis §6.2), and a server that heard from a leader less than
    /// the minimum election timeout ago (or is the leader) ignores RequestVote: neither adopts
    /// its term nor votes (§4.2.3). The second rule keeps a removed server that missed its
    /// removal from disrupting the cluster (§4.2.3), and is what makes a read lease safe
    /// (§6.4.1). A vote asked for by a leadership transfer is answered (§3.10).
    #[serde(default)]
    pub check_quorum: bool,
    /// How long a write to stable storage takes (µs), drawn uniformly from this range for each
    /// write from the server's own stream. A server whose persistent state changed sends
    /// nothing until the write completes (Figure 2: "updated on stable storage before
    /// responding to RPCs"), and a crash before then loses the change. 0 and 0 (the default):
    /// writes take no time, as the paper's rules assume.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub persist_delay_min: Time,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub persist_delay_max: Time,
    /// Switches that disable a safety rule on purpose, to show what the rule prevents.
    #[serde(default)]
    pub breaks: Breaks,
}

fn is_zero(t: &Time) -> bool {
    *t == 0
}

pub use super::read::ReadMode;

/// "Break it" switches. Each one turns off one rule of the paper; the invariant
/// checker must then find a violation (each has a test proving it does).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Breaks {
    /// Grant every RequestVote of the current term, even after voting for someone else
    /// (breaks §5.2's one vote per term, and with it Election Safety).
    #[serde(default)]
    pub vote_twice: bool,
    /// Grant votes without §5.4.1's check that the candidate's log is at least as up-to-date as
    /// the voter's. A server missing committed entries can then win an election and overwrite
    /// them (breaks Leader Completeness, then State Machine Safety).
    #[serde(default)]
    pub skip_up_to_date_check: bool,
    /// Let a leader commit an entry of an earlier term as soon as a majority stores it, without
    /// §5.4.2's restriction to entries of its current term. Reproduces Figure 8: an entry
    /// counted as committed is later overwritten (breaks Leader Completeness and State Machine
    /// Safety).
    #[serde(default)]
    pub commit_previous_terms: bool,
    /// On a conflict, a follower overwrites the conflicting entries in place but keeps the
    /// entries that follow them, instead of deleting "the existing entry and all that follow it"
    /// (§5.3). The kept suffix now sits behind entries it never followed on any leader: two logs
    /// share an entry (same index and term) yet differ before it, which breaks Log Matching
    /// directly (and the stale suffix can later be committed and applied).
    #[serde(default)]
    pub no_truncate: bool,
    /// A leader takes a new membership change while the previous one is uncommitted (thesis
    /// §4.1 forbids it): two changes in flight can leave the old and the newest configuration
    /// with disjoint majorities (thesis Figure 4.2).
    #[serde(default)]
    pub concurrent_changes: bool,
    /// A snapshot covers the whole log, entries not yet committed included, instead of "just
    /// the committed entries" (§7). The server's state machine then holds commands that may
    /// never commit (breaks the check that snapshots cover only committed entries, then State
    /// Machine Safety).
    #[serde(default)]
    pub snapshot_uncommitted: bool,
    /// The leader's clock runs at half speed while it times its read lease and its CheckQuorum
    /// window, so both last twice as long as it believes: the clock-drift bound of thesis
    /// §6.4.1 does not hold. Lease reads can then return stale values (breaks linearizability).
    #[serde(default)]
    pub slow_leader_clock: bool,
}

fn default_max_batch() -> u64 {
    4
}

fn yes() -> bool {
    true
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            election_timeout_min: ms(150),
            election_timeout_max: ms(300),
            heartbeat_interval: ms(50),
            max_batch: default_max_batch(),
            noop_on_election: true,
            conflict_hint: false,
            spare: 0,
            catch_up_first: false,
            snapshot_threshold: 0,
            read: ReadMode::default(),
            pre_vote: false,
            check_quorum: false,
            persist_delay_min: 0,
            persist_delay_max: 0,
            breaks: Breaks::default(),
        }
    }
}

impl RaftConfig {
    /// Why these settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<ConfigProblem> {
        if self.election_timeout_min == 0 || self.election_timeout_min > self.election_timeout_max {
            Some(ConfigProblem::ElectionTimeout {
                min: self.election_timeout_min,
                max: self.election_timeout_max,
            })
        } else if self.heartbeat_interval == 0 {
            Some(ConfigProblem::HeartbeatZero)
        } else if self.persist_delay_min > self.persist_delay_max {
            Some(ConfigProblem::PersistDelay {
                min: self.persist_delay_min,
                max: self.persist_delay_max,
            })
        } else if self.max_batch == 0 {
            Some(ConfigProblem::BatchZero)
        } else {
            None
        }
    }
}

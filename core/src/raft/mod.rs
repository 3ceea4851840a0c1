//! Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus
//! Algorithm", 2014) as a sans-I/O state machine.
//!
//! - [`config`]: timing, replication settings and "break it" switches.
//! - [`state`]: persistent and volatile state, as two structs (Figure 2, "State"); [`progress`]:
//!   the leader's per-follower progress (nextIndex, matchIndex, probe or replicate).
//! - [`message`]: the RPCs and log entries.
//! - [`log`]: a server's log, with the index arithmetic after log compaction (§7).
//! - [`kv`]: the replicated state machine (a key-value store with client sessions) and what
//!   clients are told.
//! - [`rule`]: the rules of the paper a step can fire, each with its section.
//! - [`node`]: [`RaftNode`], elections and the dispatch of inputs; `replication` (log
//!   replication and commitment, §5.3–§5.4) and `client` (client requests, §8) add the rest
//!   of its handlers.
//! - [`membership`]: configurations in the log, learners and one-server changes (thesis
//!   chapter 4).
//! - [`snapshot`]: log compaction (§7): snapshots and InstallSnapshot (Figure 13).
//! - `persist`: writes to stable storage that take time (Figure 2), when configured: replies
//!   wait for the write, a crash loses what was not written.
//! - [`invariants`]: the safety properties checked after every step (Figure 3), and
//!   [`linearizability`]: the clients' histories checked against a sequential store.
//! - [`read`]: reads without the log (ReadIndex, leases, and stale follower reads, thesis §6.4);
//!   `leadership`: PreVote (§9.6), CheckQuorum (§6.2), the vote guard (§4.2.3) and leadership
//!   transfer (§3.10).

mod client;
pub mod config;
pub mod invariants;
pub mod kv;
mod leadership;
pub mod linearizability;
pub mod log;
pub mod membership;
pub mod message;
pub mod node;
mod persist;
pub mod progress;
pub mod read;
mod replication;
pub mod rule;
pub mod snapshot;
pub mod snapshot_invariants;
pub mod state;

pub use config::{Breaks, RaftConfig};
pub use invariants::Audit;
pub use kv::{Applied, ClientId, ClientReply, Op, OpParseError, Outcome, Session, StateMachine};
pub use leadership::{Leadership, Transfer};
pub use log::Log;
pub use membership::{Change, Configuration, Refusal};
pub use message::{Entry, EntryKind, Msg, Rejection};
pub use node::{Command, Invocation, RaftNode, Timer};
pub use progress::{PeerProgress, Progress};
pub use read::{PendingRead, ReadMode, Reads};
pub use rule::{DenyReason, Rule, Stored};
pub use snapshot::Snapshot;
pub use state::{LeaderState, Persistent, Role, Term, Volatile, Waiting};

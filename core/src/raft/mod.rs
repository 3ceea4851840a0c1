//! Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus
//! Algorithm", 2014) as a sans-I/O state machine.
//!
//! - [`config`]: timing and switches.
//! - [`state`]: persistent and volatile state, as two structs (Figure 2, "State").
//! - [`message`]: the RPCs and log entries.
//! - [`rule`]: the rules of the paper a step can fire, each with its section.
//! - [`node`]: [`RaftNode`] and its handlers, one function per rule group.
//! - [`invariants`]: the safety properties checked after every step (Figure 3).

pub mod config;
pub mod invariants;
pub mod message;
pub mod node;
pub mod rule;
pub mod state;

pub use config::{Breaks, RaftConfig};
pub use invariants::Audit;
pub use message::{Entry, Msg};
pub use node::{Command, RaftNode, Timer};
pub use rule::{DenyReason, Rule};
pub use state::{Persistent, Role, Term, Volatile};

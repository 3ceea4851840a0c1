//! Gossip as a sans-I/O state machine: epidemic dissemination of a versioned key-value
//! store (Demers et al., "Epidemic Algorithms for Replicated Database Maintenance",
//! PODC 1987) and SWIM-style failure detection (Das, Gupta, Motivala, DSN 2002), with
//! the seed notes' rules (period 1 s, fan-out 3, not yet sent to, never back to the
//! sender; SI vs SIR; push / pull / push-pull; agents pinging each other as in Consul
//! and Serf).
//!
//! - [`config`]: every option, as plain data ([`GossipConfig`]).
//! - [`store`]: the versioned store `key -> (value, version)`; the newer version wins.
//! - [`message`]: what travels, and its estimated size in bytes.
//! - [`rumor`]: rumor mongering's hot rumors (the I of SIR), its rounds and stop rules.
//! - [`membership`]: the membership view, piggybacked dissemination and SWIM.
//! - [`rule`]: the rules a step can fire, each with its source.
//! - [`node`]: [`GossipNode`], its rounds and the dispatch of inputs; `exchange` (push, pull
//!   and push-pull, and merging what arrives), [`rumor`] (rumor rounds and stop rules), `join`
//!   (joining through a member) and `health` (health checks) add the rest of its handlers.
//! - [`metrics`]: per-node counters and the cluster census (infected curve, S/I/R,
//!   messages, bytes, duplicates, residue, failure detection).
//! - [`series`]: the per-round curves (infected fraction, S/I/R, messages, bytes,
//!   duplicates) kept step by step in the [`Audit`]: `sim.audit().rounds()`.
//! - [`theory`]: the predictions the statistical tests hold runs against, and their curves.
//! - [`trials`]: many seeded runs of one configuration, one per call, and their summary.
//! - [`invariants`]: the safety properties checked after every step.
//!
//! How a run is driven: `Sim::<GossipNode>::new(SimConfig { seed, nodes, net }, &config)`,
//! then `Command::Update { key, value }` at any node (an `Action::Command`), then steps.
//! Call [`GossipConfig::problem`] first to show what a configuration would clamp; nodes
//! never panic on a bad one. Rounds lie on a shared grid (`round = t / period`); with
//! `jitter = 0` they are lockstep, the model of [`theory`].
//!
//! What the statistical tests establish (n = 1000; see `core/tests/gossip_theory.rs`):
//! rounds to full infection for push, pull and push-pull match the mean-field recurrences
//! of [`theory`] (push within Pittel's `log2 n + ln n + O(1)`); rumor residue matches
//! `s = e^{−(k+1)(1−s)}` with feedback and Demers et al.'s Table 2 when blind; with
//! `lockstep_feedback` the first row of Table 1; SWIM's time to first suspicion and
//! probe failure rate under loss match [`theory`].

pub mod config;
mod exchange;
mod health;
pub mod invariants;
mod join;
pub mod membership;
pub mod message;
pub mod metrics;
pub mod node;
pub mod rule;
pub mod rumor;
pub mod series;
pub mod store;
pub mod theory;
pub mod trials;

pub use config::{Breaks, GossipConfig, Mode, Model, PeerSelection, Stop, SwimConfig};
pub use invariants::Audit;
pub use membership::{Member, Status, View};
pub use message::{MemberUpdate, Msg, MsgKind};
pub use metrics::{Census, Counters, Detection, FailureCensus, KeyCensus, Series};
pub use node::{Command, GossipNode, Persistent, Sir, Timer, Volatile};
pub use rule::{LossReason, Rule};
pub use rumor::{Rumor, Rumors};
pub use series::{KeyRow, RoundRow};
pub use store::{Digest, Entry, Key, Merge, Record, Store, Value, Version};

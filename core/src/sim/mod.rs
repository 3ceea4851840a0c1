//! The deterministic discrete-event simulator every protocol runs on.
//!
//! - [`time`]: virtual time (microseconds).
//! - [`rng`]: the seeded generator and how sub-seeds are derived.
//! - [`protocol`]: the sans-I/O [`Protocol`] trait and the [`Context`] a handler writes into.
//! - [`disk`]: stable storage whose writes take time, for nodes that must persist before they
//!   answer ([`Disk`]).
//! - [`network`]: latency, loss, duplication, cut links and partitions.
//! - [`problem`]: why a configuration cannot be used, as data ([`ConfigProblem`]).
//! - [`engine`]: [`Sim`], which owns nodes, the event queue, the network and the messages in flight.
//! - `queue`: the events waiting to happen, earliest first (a calendar queue).
//! - [`timers`]: the timers one node has armed ([`Timers`]).
//! - [`input`]: everything that can change a simulation, one [`Input`] per step.
//! - [`report`]: what one step did, as data ([`StepReport`]).
//! - [`inputs`]: a run's inputs as a history keeps them ([`Inputs`]).
//! - [`history`]: step back and forth over a run, and its branches ([`History`]).
//! - [`tape`]: a run's inputs in compact form, for permalinks ([`Tape`]).
//!
//! Everything here is reached from outside input (a configuration, a tape, an intervention), so
//! what can panic is denied outside tests; where it truly cannot fire, an `allow` says why on
//! the spot.

pub mod disk;
pub mod engine;
pub mod history;
pub mod input;
pub mod inputs;
pub mod network;
pub mod problem;
pub mod protocol;
mod queue;
pub mod report;
pub mod rng;
pub mod tape;
pub mod time;
pub mod timers;

pub use disk::{Completed, Disk, Started, Write, WriteDelay};
pub use engine::{Envelope, MsgId, NodeSlot, Pending, Sim, SimConfig, SimError};
pub use history::{BranchInfo, History, LARGE_RUN_NODES};
pub use input::{Action, Input};
pub use inputs::Inputs;
pub use network::{NetConfig, Network};
pub use problem::ConfigProblem;
pub use protocol::{Context, NodeId, Protocol, Violation};
pub use report::{DropReason, Event, StepReport};
pub use rng::SimRng;
pub use tape::{MAX_TAPE_STEPS, Mark, Tape};
pub use time::{Time, ms};
pub use timers::{ArmedTimer, Timers};

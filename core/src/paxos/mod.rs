//! Single-decree Paxos (Lamport, "Paxos Made Simple", 2001) as a sans-I/O state
//! machine, following the two-phase table of seed 001.
//!
//! - [`config`]: who plays which role (a bitset per node), timing, back-off and the
//!   "break it" switches.
//! - [`state`]: proposal numbers, and each node's persistent and volatile state (the
//!   acceptor's `minProposal`, `acceptedProposal`, `acceptedValue` survive a crash).
//! - [`message`]: Prepare, Promise, Accept, Accepted and Nack.
//! - [`rule`]: the rules a step can fire, one per line of the table, each with its section.
//! - [`node`]: [`PaxosNode`] and its handlers, grouped by role.
//! - [`invariants`]: the safety requirements checked after every step, and the global view of
//!   what is chosen ([`Audit::chosen_value`]).
//!
//! Layout: [`PaxosConfig::separate`]`(p, a, l)` numbers proposers first, then acceptors, then
//! learners (the default is 2 proposers `S1 S2`, 3 acceptors `S3–S5`, 1 learner `S6`);
//! [`PaxosConfig::colocated`] makes every server an acceptor and learner and the first few
//! proposers too. A node that holds several roles sends its own Prepare, Accept and Accepted
//! to itself through the network like any other message.

pub mod config;
pub mod invariants;
pub mod message;
pub mod node;
pub mod rule;
pub mod state;

pub use config::{Breaks, PaxosConfig, Roles, default_value, majority};
pub use invariants::{AGREEMENT, Audit, Chosen, LEARN_ONLY_CHOSEN, ONE_VALUE_PER_NUMBER};
pub use message::{Msg, Phase};
pub use node::{Command, PaxosNode, Timer};
pub use rule::Rule;
pub use state::{
    LearnerState, Persistent, Proposal, ProposalNum, ProposerState, Stage, Tally, Value, Volatile,
};

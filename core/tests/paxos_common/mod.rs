//! Helpers shared by the Paxos test suites: the shared manual-stepping [`driver`], the node
//! names of seed 001's table and proposal numbers.

#![allow(dead_code, unused_imports)]

use concord_core::paxos::ProposalNum;
use concord_core::sim::NodeId;

#[path = "../driver/mod.rs"]
pub mod driver;

pub use driver::{act, deliver, in_flight};

pub const S1: NodeId = NodeId(0);
pub const S2: NodeId = NodeId(1);
pub const S3: NodeId = NodeId(2);
pub const S4: NodeId = NodeId(3);
pub const S5: NodeId = NodeId(4);
pub const S6: NodeId = NodeId(5);

/// Proposal number `round.proposer`.
pub fn n(round: u64, proposer: NodeId) -> ProposalNum {
    ProposalNum::new(round, proposer)
}

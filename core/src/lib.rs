//! Concord's core: the protocols and the deterministic simulator they run on.
//!
//! Nothing here performs I/O, reads a clock or uses global randomness: time is
//! virtual and passed in, randomness comes from seeded generators owned by the
//! simulation. The same seed and the same inputs give a bit-identical run on
//! every platform, natively and in the browser.

pub mod gossip;
pub mod paxos;
pub mod raft;
pub mod sim;

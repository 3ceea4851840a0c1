//! Concord's core: the protocols and the deterministic simulator they run on.
//!
//! Nothing here performs I/O, reads a clock or uses global randomness: time is
//! virtual and passed in, randomness comes from seeded generators owned by the
//! simulation. The same seed and the same inputs give a bit-identical run on
//! every platform, natively and in the browser.
//!
//! Nothing reached from outside input (a configuration, a tape, an intervention) may panic:
//! `unwrap`, `expect`, `panic!`, `unreachable!` and unchecked indexing are denied outside tests
//! (the root `clippy.toml` allows them there); where one truly cannot fire, an `allow` says why
//! on the spot, and the modules not yet reviewed say so where they are declared.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing
)]

pub mod gossip;
pub mod paxos;
pub mod raft;
pub mod sim;

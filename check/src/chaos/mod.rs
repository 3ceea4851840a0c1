//! Each protocol's fault schedule: a seeded run of random faults and traffic, then a healthy
//! network. The property suites in `core/tests/` and the soak command run the same schedules.

pub mod gossip;
pub mod paxos;
pub mod raft;

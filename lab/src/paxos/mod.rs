//! Paxos experiments: dueling proposers and the back-off that ends their duel ([`duels`]).

pub mod duels;

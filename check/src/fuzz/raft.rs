//! The Raft target: clusters of one to seven slots (some spare), with or without snapshots,
//! reads through the log, ReadIndex or a lease, PreVote, CheckQuorum, the conflict hint, the
//! no-op, and writes to stable storage that take time; the script adds client requests and
//! their retries, reads, membership changes, transfers and forced timeouts.

use concord_core::raft::{Change, ClientId, Command, Op, RaftConfig, RaftNode, ReadMode};
use concord_core::sim::{NodeId, Sim, SimConfig, ms};
use proptest::prelude::*;

use super::script::Subject;

pub struct Raft;

/// A run's settings as drawn.
#[derive(Clone, Debug)]
pub struct Setup {
    pub seed: u64,
    pub nodes: usize,
    pub config: RaftConfig,
}

/// A command as drawn; numbers are read modulo what they choose from.
#[derive(Clone, Debug)]
pub enum Cmd {
    /// Let the election timeout elapse now.
    Timeout,
    /// A client's new request: set, add or delete (`op` modulo 3) on key `a` or `b`.
    Write {
        client: u8,
        key: u8,
        op: u8,
        value: i8,
    },
    /// A client's `get`, answered as the configured read mode says.
    Get { client: u8, key: u8 },
    /// A client's read by ReadIndex or lease, whatever the configuration says.
    Read { client: u8, key: u8, lease: bool },
    /// The client sends its last request again (a retry: applied at most once).
    Retry { client: u8 },
    /// Add a voter, add a learner, promote or remove (`kind` modulo 4) a slot.
    Change { kind: u8, slot: u8 },
    /// Hand leadership to a slot.
    Transfer { to: u8 },
}

/// Three clients and the one asking for membership changes: each one's next sequence number
/// and last request (what a retry sends).
#[derive(Default)]
pub struct Clients {
    next: [u64; 4],
    last: [Option<Command>; 4],
}

impl Clients {
    fn send(&mut self, client: usize, make: impl FnOnce(ClientId, u64) -> Command) -> Command {
        self.next[client] += 1;
        let command = make(client as ClientId + 1, self.next[client]);
        self.last[client] = Some(command.clone());
        command
    }
}

const KEYS: [&str; 2] = ["a", "b"];

impl Subject for Raft {
    type P = RaftNode;
    type Setup = Setup;
    type Cmd = Cmd;
    type Memory = Clients;
    const COMMANDS: &'static [&'static str] = &[
        "timeout", "write", "get", "read", "retry", "change", "transfer",
    ];

    fn setup() -> BoxedStrategy<Setup> {
        (
            any::<u64>(),
            1usize..=7,
            0usize..=2,
            (0u8..3, any::<bool>(), any::<bool>(), any::<bool>()),
            (1u64..=4, any::<bool>(), prop_oneof![Just(0u64), 2u64..6]),
            (any::<bool>(), any::<bool>()),
        )
            .prop_map(
                |(seed, nodes, spare, (read, pre_vote, check_quorum, hint), more, (disk, cuf))| {
                    let (max_batch, noop_on_election, snapshot_threshold) = more;
                    let config = RaftConfig {
                        max_batch,
                        noop_on_election,
                        conflict_hint: hint,
                        spare: spare.min(nodes - 1),
                        catch_up_first: cuf,
                        snapshot_threshold,
                        read: [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease][read as usize],
                        pre_vote,
                        check_quorum,
                        persist_delay_min: if disk { ms(1) } else { 0 },
                        persist_delay_max: if disk { ms(8) } else { 0 },
                        ..RaftConfig::default()
                    };
                    Setup {
                        seed,
                        nodes,
                        config,
                    }
                },
            )
            .boxed()
    }

    fn command() -> BoxedStrategy<Cmd> {
        prop_oneof![
            1 => Just(Cmd::Timeout),
            5 => (any::<u8>(), any::<u8>(), any::<u8>(), any::<i8>())
                .prop_map(|(client, key, op, value)| Cmd::Write { client, key, op, value }),
            2 => (any::<u8>(), any::<u8>()).prop_map(|(client, key)| Cmd::Get { client, key }),
            2 => (any::<u8>(), any::<u8>(), any::<bool>())
                .prop_map(|(client, key, lease)| Cmd::Read { client, key, lease }),
            2 => any::<u8>().prop_map(|client| Cmd::Retry { client }),
            3 => (any::<u8>(), any::<u8>()).prop_map(|(kind, slot)| Cmd::Change { kind, slot }),
            1 => any::<u8>().prop_map(|to| Cmd::Transfer { to }),
        ]
        .boxed()
    }

    fn start(setup: &Setup) -> Sim<RaftNode> {
        let config = SimConfig {
            seed: setup.seed,
            nodes: setup.nodes,
            net: Default::default(),
        };
        Sim::new(config, &setup.config).expect("drawn settings are valid")
    }

    fn kind(cmd: &Cmd) -> usize {
        match cmd {
            Cmd::Timeout => 0,
            Cmd::Write { .. } => 1,
            Cmd::Get { .. } => 2,
            Cmd::Read { .. } => 3,
            Cmd::Retry { .. } => 4,
            Cmd::Change { .. } => 5,
            Cmd::Transfer { .. } => 6,
        }
    }

    fn command_for(cmd: &Cmd, sim: &Sim<RaftNode>, clients: &mut Clients) -> Command {
        let slot = |k: u8| NodeId((k as usize % sim.nodes().len()) as u16);
        let key = |k: u8| KEYS[k as usize % KEYS.len()];
        let client = |c: u8| c as usize % 3;
        match *cmd {
            Cmd::Timeout => Command::Timeout,
            Cmd::Write {
                client: c,
                key: k,
                op,
                value,
            } => {
                let op = match op % 3 {
                    0 => Op::set(key(k), value.into()),
                    1 => Op::add(key(k), value.into()),
                    _ => Op::del(key(k)),
                };
                clients.send(client(c), |client, seq| Command::Client { client, seq, op })
            }
            Cmd::Get { client: c, key: k } => {
                let op = Op::get(key(k));
                clients.send(client(c), |client, seq| Command::Client { client, seq, op })
            }
            Cmd::Read {
                client: c,
                key: k,
                lease,
            } => {
                let mode = if lease {
                    ReadMode::Lease
                } else {
                    ReadMode::ReadIndex
                };
                clients.send(client(c), |client, seq| Command::Read {
                    client,
                    seq,
                    key: key(k).into(),
                    mode,
                })
            }
            Cmd::Retry { client: c } => match &clients.last[client(c)] {
                Some(last) => last.clone(),
                // Nothing to retry yet: a first request.
                None => clients.send(client(c), |client, seq| Command::Client {
                    client,
                    seq,
                    op: Op::get(KEYS[0]),
                }),
            },
            Cmd::Change { kind, slot: s } => {
                let target = slot(s);
                let change = match kind % 4 {
                    0 => Change::AddVoter(target),
                    1 => Change::AddLearner(target),
                    2 => Change::Promote(target),
                    _ => Change::Remove(target),
                };
                clients.send(3, |client, seq| Command::Change {
                    client,
                    seq,
                    change,
                })
            }
            Cmd::Transfer { to } => Command::Transfer { to: slot(to) },
        }
    }
}

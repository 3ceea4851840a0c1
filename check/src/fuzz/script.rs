//! What a fuzz input does to a simulation, for any protocol: a script of interventions, each
//! naming its node, message or timer by a small number that is read against the state it meets
//! (the `k`-th message in flight, the node's `k`-th armed timer), so every script is playable
//! on every run and shrinking a script keeps it meaningful.

use std::fmt::Debug;

use concord_core::sim::{Action, Input, MsgId, NetConfig, NodeId, Protocol, Sim, ms};
use proptest::prelude::*;

use super::Tally;

/// One intervention. Node numbers are taken modulo the cluster size plus two, so a few name
/// no node and must be refused.
#[derive(Clone, Debug)]
pub enum Op<C> {
    /// Handle the next `n` events.
    Step(u8),
    /// Let this many milliseconds of virtual time pass.
    Wait(u16),
    Crash(u8),
    Restart(u8),
    /// Two groups by bit mask (the second without the first's members); the rest form a third.
    Partition(u16, u16),
    Cut(u8, u8),
    Uncut(u8, u8),
    Heal,
    /// The `k`-th message in flight (modulo their number; the first message id ever when none
    /// is) is delivered now, dropped, duplicated or delayed by this many milliseconds.
    Deliver(u8),
    Drop(u8),
    Duplicate(u8),
    Delay(u8, u16),
    /// Fire the node's `k`-th armed timer now (modulo their number).
    Fire(u8, u8),
    /// Loss and duplication in percent (above 100 is refused), latency in milliseconds (a
    /// minimum above the maximum is refused).
    Network {
        loss: u8,
        duplicate: u8,
        latency_min: u16,
        latency_max: u16,
    },
    /// A protocol's own command, given to a node.
    Command(u8, C),
}

impl<C> Op<C> {
    /// The tally's number for this intervention: its index in [`KINDS`], or after them the
    /// index of its command's kind.
    fn kind<S: Subject<Cmd = C>>(&self) -> usize {
        match self {
            Op::Step(_) => 0,
            Op::Wait(_) => 1,
            Op::Crash(_) => 2,
            Op::Restart(_) => 3,
            Op::Partition(..) => 4,
            Op::Cut(..) => 5,
            Op::Uncut(..) => 6,
            Op::Heal => 7,
            Op::Deliver(_) => 8,
            Op::Drop(_) => 9,
            Op::Duplicate(_) => 10,
            Op::Delay(..) => 11,
            Op::Fire(..) => 12,
            Op::Network { .. } => 13,
            Op::Command(_, cmd) => KINDS.len() + S::kind(cmd),
        }
    }
}

/// The kinds of [`Op`] but the command, as the tally counts them (a command counts as the
/// protocol's kind of command).
pub const KINDS: [&str; 14] = [
    "step",
    "wait",
    "crash",
    "restart",
    "partition",
    "cut",
    "uncut",
    "heal",
    "deliver",
    "drop",
    "duplicate",
    "delay",
    "fire",
    "network",
];

/// A protocol under fuzzing: how an input's settings and commands are drawn and played.
pub trait Subject {
    type P: Protocol;
    /// The run's settings: seed, cluster size, the protocol's options (its break-it switches
    /// all off: only the correct protocol must hold its invariants).
    type Setup: Clone + Debug;
    /// A command as drawn, made into the protocol's command against the run so far.
    type Cmd: Clone + Debug;
    /// What the script remembers between commands (clients' sequence numbers …).
    type Memory: Default;
    /// The names of the command kinds, as [`Subject::kind`] numbers them.
    const COMMANDS: &'static [&'static str];

    fn setup() -> BoxedStrategy<Self::Setup>;
    fn command() -> BoxedStrategy<Self::Cmd>;
    fn start(setup: &Self::Setup) -> Sim<Self::P>;
    fn kind(cmd: &Self::Cmd) -> usize;
    fn command_for(
        cmd: &Self::Cmd,
        sim: &Sim<Self::P>,
        memory: &mut Self::Memory,
    ) -> <Self::P as Protocol>::Command;
}

/// Scripts of up to this many interventions.
pub const MAX_OPS: usize = 120;

pub fn op<C: Clone + Debug + 'static>(command: BoxedStrategy<C>) -> BoxedStrategy<Op<C>> {
    let node = || any::<u8>();
    prop_oneof![
        6 => (1u8..=24).prop_map(Op::Step),
        4 => (0u16..1_500).prop_map(Op::Wait),
        2 => node().prop_map(Op::Crash),
        2 => node().prop_map(Op::Restart),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::Partition(a, b)),
        1 => (node(), node()).prop_map(|(a, b)| Op::Cut(a, b)),
        1 => (node(), node()).prop_map(|(a, b)| Op::Uncut(a, b)),
        1 => Just(Op::Heal),
        3 => any::<u8>().prop_map(Op::Deliver),
        2 => any::<u8>().prop_map(Op::Drop),
        2 => any::<u8>().prop_map(Op::Duplicate),
        2 => (any::<u8>(), 0u16..3_000).prop_map(|(k, d)| Op::Delay(k, d)),
        3 => (node(), any::<u8>()).prop_map(|(n, k)| Op::Fire(n, k)),
        1 => (0u8..=105, 0u8..=105, 0u16..300, 0u16..600).prop_map(
            |(loss, duplicate, latency_min, latency_max)| Op::Network {
                loss,
                duplicate,
                latency_min,
                latency_max,
            }
        ),
        6 => (node(), command).prop_map(|(n, c)| Op::Command(n, c)),
    ]
    .boxed()
}

/// A whole input: the run's settings and its script.
pub type Case<S> = (<S as Subject>::Setup, Vec<Op<<S as Subject>::Cmd>>);

pub fn input<S: Subject>() -> BoxedStrategy<Case<S>>
where
    S::Setup: 'static,
    S::Cmd: 'static,
{
    (
        S::setup(),
        prop::collection::vec(op(S::command()), 1..MAX_OPS),
    )
        .boxed()
}

/// Play a script on a fresh run of `setup`: refusals are fine, a broken invariant is not (a
/// panic is caught by the caller). `tally` counts each intervention, taken or refused.
pub fn play<S: Subject>(
    setup: &S::Setup,
    script: &[Op<S::Cmd>],
    tally: Option<&Tally>,
) -> Result<(), String> {
    let mut sim = S::start(setup);
    let mut memory = S::Memory::default();
    for (i, op) in script.iter().enumerate() {
        let taken = apply::<S>(&mut sim, &mut memory, op);
        if let Some(tally) = tally {
            tally.count(op.kind::<S>(), taken);
        }
        if let Some(v) = sim.violations().first() {
            return Err(format!(
                "after intervention {i} ({op:?}): {} at step {}: {}",
                v.invariant, v.step, v.detail
            ));
        }
    }
    Ok(())
}

/// Carry out one intervention; whether the engine took it.
fn apply<S: Subject>(sim: &mut Sim<S::P>, memory: &mut S::Memory, op: &Op<S::Cmd>) -> bool {
    let n = sim.nodes().len();
    let node = |k: u8| NodeId((k as usize % (n + 2)) as u16);
    let message = |sim: &Sim<S::P>, k: u8| {
        let count = sim.in_flight().count();
        if count == 0 {
            MsgId(0)
        } else {
            sim.in_flight()
                .nth(k as usize % count)
                .expect("within the count")
                .id
        }
    };
    let set = |ids: u16| -> Vec<NodeId> {
        NodeId::all(n.min(16))
            .filter(|id| ids & (1 << id.0) != 0)
            .collect()
    };
    let action = match *op {
        Op::Step(count) => {
            return (0..count).all(|_| sim.step().is_ok());
        }
        Op::Wait(wait) => {
            let until = sim.now() + ms(wait as u64);
            sim.run_until(until);
            return true;
        }
        Op::Crash(k) => Action::Crash(node(k)),
        Op::Restart(k) => Action::Restart(node(k)),
        Op::Partition(a, b) => Action::Partition(vec![set(a), set(b & !a)]),
        Op::Cut(a, b) => Action::Cut(node(a), node(b)),
        Op::Uncut(a, b) => Action::Uncut(node(a), node(b)),
        Op::Heal => Action::Heal,
        Op::Deliver(k) => Action::Deliver(message(sim, k)),
        Op::Drop(k) => Action::Drop(message(sim, k)),
        Op::Duplicate(k) => Action::Duplicate(message(sim, k)),
        Op::Delay(k, wait) => Action::Delay(message(sim, k), ms(wait as u64)),
        Op::Fire(k, t) => {
            let id = node(k);
            let timer = sim.node(id).and_then(|slot| {
                let armed = slot.timers().len();
                (armed > 0).then(|| slot.timers().keys().nth(t as usize % armed).cloned())?
            });
            match timer {
                Some(timer) => Action::Fire(id, timer),
                None => return false,
            }
        }
        Op::Network {
            loss,
            duplicate,
            latency_min,
            latency_max,
        } => Action::SetNetwork(NetConfig {
            latency_min: ms(latency_min as u64),
            latency_max: ms(latency_max as u64),
            loss: loss as f64 / 100.0,
            duplicate: duplicate as f64 / 100.0,
        }),
        Op::Command(k, ref cmd) => Action::Command(node(k), S::command_for(cmd, sim, memory)),
    };
    let at = sim.now();
    sim.apply(Input::Act { at, action }).is_ok()
}

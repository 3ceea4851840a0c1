//! Gossip's fault schedule: crashes, restarts, loss, duplication, latency, cuts, partitions,
//! health changes and updates from random nodes, then everything healed and restarted.

use concord_core::gossip::{Command, GossipConfig, GossipNode, Mode, SwimConfig};
use concord_core::sim::{Action, Input, NetConfig, NodeId, Sim, SimConfig, SimRng, Time, ms};

pub fn pick<T: Copy>(rng: &mut SimRng, xs: &[T]) -> T {
    xs[rng.below(xs.len() as u64) as usize]
}

/// A random anti-entropy configuration; failure detection on half the time.
pub fn random_si_config(rng: &mut SimRng) -> GossipConfig {
    GossipConfig {
        mode: pick(rng, &[Mode::Push, Mode::Pull, Mode::PushPull]),
        fanout: 1 + rng.below(3) as u32,
        jitter: pick(rng, &[0, ms(50), ms(300)]),
        swim: rng.chance(0.5).then(|| SwimConfig {
            suspect_timeout: pick(rng, &[ms(1_000), ms(3_000)]),
            reconnect_every: 4,
            ..SwimConfig::default()
        }),
        health_interval: rng.chance(0.3).then_some(ms(700)),
        ..GossipConfig::default()
    }
}

fn act_now(sim: &mut Sim<GossipNode>, action: Action<GossipNode>) {
    let at = sim.now();
    // Refusals (a command to a crashed node …) are fine: chaos does not check first.
    let _ = sim.apply(Input::Act { at, action });
}

/// `chaos_ms` of crashes, restarts, loss, duplication, latency, cuts, partitions and
/// updates from random nodes; then heal everything, restart every node, and give it
/// `calm_ms`. `observe` sees every step's state.
pub fn chaos(
    seed: u64,
    config: &GossipConfig,
    chaos_ms: u64,
    calm_ms: u64,
    mut observe: impl FnMut(&Sim<GossipNode>),
) -> Sim<GossipNode> {
    let n = 2 + (seed % 13) as usize;
    let sim_config = SimConfig {
        seed,
        nodes: n,
        net: Default::default(),
    };
    let mut sim = Sim::new(sim_config, config).expect("a valid configuration");
    let mut faults = SimRng::new(seed, u64::MAX);
    let step_to =
        |sim: &mut Sim<GossipNode>, t: Time, observe: &mut dyn FnMut(&Sim<GossipNode>)| {
            while sim.next_event_time().is_some_and(|e| e <= t) {
                sim.step().unwrap();
                observe(sim);
            }
        };
    let mut t = 0;
    let mut value = 0;
    while t < ms(chaos_ms) {
        t += ms(100);
        step_to(&mut sim, t, &mut observe);
        let node = NodeId(faults.below(n as u64) as u16);
        let up = sim.nodes()[node.index()].up;
        match faults.below(100) {
            0..25 => {
                value += 1;
                let key = faults.below(4) as u32;
                act_now(
                    &mut sim,
                    Action::Command(node, Command::Update { key, value }),
                );
            }
            25..29 if up => act_now(&mut sim, Action::Crash(node)),
            29..36 if !up => act_now(&mut sim, Action::Restart(node)),
            36..40 => {
                let net = NetConfig {
                    latency_min: ms(faults.below(30)),
                    latency_max: ms(30 + faults.below(400)),
                    loss: faults.below(50) as f64 / 100.0,
                    duplicate: faults.below(20) as f64 / 100.0,
                };
                act_now(&mut sim, Action::SetNetwork(net));
            }
            40..43 => {
                let side: Vec<NodeId> = NodeId::all(n).filter(|_| faults.chance(0.5)).collect();
                act_now(&mut sim, Action::Partition(vec![side]));
            }
            43..46 => {
                let other = NodeId(faults.below(n as u64) as u16);
                act_now(&mut sim, Action::Cut(node, other));
            }
            46..49 => act_now(&mut sim, Action::Heal),
            49..51 => {
                let passing = faults.chance(0.5);
                act_now(
                    &mut sim,
                    Action::Command(node, Command::SetHealth { passing }),
                );
            }
            _ => {}
        }
        observe(&sim);
    }
    act_now(&mut sim, Action::Heal);
    act_now(&mut sim, Action::SetNetwork(NetConfig::default()));
    for id in NodeId::all(n) {
        if !sim.nodes()[id.index()].up {
            act_now(&mut sim, Action::Restart(id));
        }
    }
    step_to(&mut sim, t + ms(calm_ms), &mut observe);
    sim
}

//! SWIM failure detection under message loss (Das, Gupta, Motivala 2002, §3.1 and §4.2): how
//! often live members are falsely suspected or declared dead, and how long a real crash takes
//! to be suspected and then known to everyone.
//!
//! A trial runs a cluster of live members for a while (every suspicion then is false), then
//! crashes one member at a random moment and runs until every live member believes it dead (or
//! the cap). Only failure detection runs: anti-entropy push with empty stores sends nothing.

use concord_core::gossip::{GossipConfig, GossipNode, Mode, Rule, SwimConfig, metrics, theory};
use concord_core::sim::{Action, Input, NetConfig, NodeId, Sim, SimConfig, Time};

use crate::experiment::{Experiment, Steps, TrialError, no_violations, step_until};
use crate::params::{ParamError, ParamSpec, Reader, count, millis, probability, switch};
use crate::report::{Cell, Table, col};
use crate::stats::Sample;

#[derive(Clone, Debug, PartialEq)]
pub struct Swim {
    pub nodes: usize,
    pub loss: Vec<f64>,
    pub suspicion: bool,
    pub indirect: u32,
    /// How long the cluster runs with every member alive.
    pub watch: Time,
    /// A crash not known to every member this long after it stops the trial there.
    pub cap: Time,
}

/// What one trial measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    /// While every member was alive: probes, probes that got no ack at all, suspicions raised
    /// and deaths declared (each member whose suspicion of another times out declares it
    /// dead; all of them false here).
    pub probes: u64,
    pub failed: u64,
    pub false_suspicions: u64,
    pub false_deaths: u64,
    /// After the crash: until a member's probe of the crashed one fails (a suspicion, or a
    /// death without suspicion), and until every live member believes it dead.
    pub first_suspicion: Option<Time>,
    pub detected: Option<Time>,
}

impl Swim {
    fn swim_config(&self) -> SwimConfig {
        SwimConfig {
            suspicion: self.suspicion,
            indirect_probes: self.indirect,
            ..SwimConfig::default()
        }
    }

    fn gossip_config(&self) -> GossipConfig {
        GossipConfig {
            swim: Some(self.swim_config()),
            ..GossipConfig::anti_entropy(Mode::Push, 1)
        }
    }
}

impl Experiment for Swim {
    const NAME: &'static str = "gossip-swim";
    const TITLE: &'static str = "Gossip: SWIM detection time and false suspicions under loss";
    const SUMMARY: &'static str = "SWIM's probe failures, false suspicions and deaths of live members, and the time to suspect and to declare a crashed member dead, vs message loss (SWIM §3.1, §4.2)";
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "n",
            default: "30",
            help: "cluster size",
        },
        ParamSpec {
            name: "loss",
            default: "0,0.05,0.1,0.2,0.3",
            help: "probability that a message is lost",
        },
        ParamSpec {
            name: "suspicion",
            default: "true",
            help: "SWIM §4.2's suspicion before declaring a member dead (false: §3's basic SWIM)",
        },
        ParamSpec {
            name: "indirect",
            default: "3",
            help: "members asked to probe indirectly (SWIM's k)",
        },
        ParamSpec {
            name: "watch",
            default: "60000",
            help: "time with every member alive, ms",
        },
        ParamSpec {
            name: "cap",
            default: "60000",
            help: "give up on detecting the crash after this long, ms",
        },
    ];
    const TRIALS: usize = 20;

    type Row = f64;
    type Trial = Watch;

    fn from_params(p: &Reader) -> Result<Self, ParamError> {
        let nodes = p.get("n", count)? as usize;
        if !(3..=concord_core::sim::engine::MAX_NODES).contains(&nodes) {
            return Err(ParamError(format!("--n {nodes}: 3 to 10,000 members")));
        }
        let swim = Swim {
            nodes,
            loss: p.list("loss", probability)?,
            suspicion: p.get("suspicion", switch)?,
            indirect: p.get("indirect", count)?.min(u32::MAX as u64) as u32,
            watch: p.get("watch", millis)?,
            cap: p.get("cap", millis)?,
        };
        if let Some(why) = swim.gossip_config().problem() {
            return Err(ParamError(why.to_string()));
        }
        Ok(swim)
    }

    fn rows(&self) -> Vec<f64> {
        self.loss.clone()
    }

    async fn trial(&self, &loss: &f64, seed: u64, steps: &Steps) -> Result<Watch, TrialError> {
        let net = NetConfig {
            loss,
            ..NetConfig::default()
        };
        let sim_config = SimConfig {
            seed,
            nodes: self.nodes,
            net,
        };
        let mut sim = Sim::<GossipNode>::new(sim_config, &self.gossip_config())?;
        while step_until(&mut sim, self.watch, steps).await? {}
        let quiet = metrics::totals(sim.nodes());

        let mut rng = crate::lab_rng(seed);
        let victim = NodeId(rng.below(self.nodes as u64) as u16);
        let crash_at = self.watch + rng.below(self.swim_config().probe_interval);
        while step_until(&mut sim, crash_at, steps).await? {}
        sim.apply(Input::Act {
            at: crash_at,
            action: Action::Crash(victim),
        })?;
        let (mut first_suspicion, mut detected) = (None, None);
        while sim
            .next_event_time()
            .is_some_and(|t| t <= crash_at + self.cap)
        {
            // Described steps from here on: the rules say who raised which suspicion, so a
            // false suspicion of the victim from before the crash, still spreading, is not
            // taken for its detection.
            steps.spend().await;
            let report = sim.step()?;
            no_violations(&report.violations)?;
            let raised = report.rules.iter().any(|r| match *r {
                Rule::Suspect { member, .. } => member == victim,
                Rule::ConfirmDead {
                    member, suspected, ..
                } => member == victim && !suspected,
                _ => false,
            });
            if first_suspicion.is_none() && raised {
                first_suspicion = Some(sim.now() - crash_at);
            }
            if metrics::detection(sim.nodes(), victim).complete() {
                detected = Some(sim.now() - crash_at);
                break;
            }
        }
        Ok(Watch {
            probes: quiet.probes,
            failed: quiet.probes_failed,
            false_suspicions: quiet.suspicions,
            false_deaths: quiet.confirms,
            first_suspicion,
            detected,
        })
    }

    fn report(&self, results: &[(f64, Vec<Watch>)]) -> (Vec<Table>, Vec<String>) {
        let mut table = Table::new(
            "summary",
            "SWIM under message loss",
            &[
                col("loss", "loss"),
                col("trials", "trials"),
                col("probe_failure_rate", "probes failed"),
                col("formula_failure_rate", "formula"),
                col(
                    "false_suspicions_per_member_min",
                    "false suspicions per member-minute",
                ),
                col(
                    "false_deaths_per_trial",
                    "false dead declarations per trial",
                ),
                col("first_suspicion_s", "crash to first suspicion (s)"),
                col("loss_free_first_suspicion_s", "formula, no loss (s)"),
                col("detected_s", "crash to all believing it dead (s)"),
                col("undetected", "not detected in cap"),
            ],
        );
        let interval = self.swim_config().probe_interval;
        let member_minutes = self.nodes as f64 * self.watch as f64 / 60e6;
        for (loss, trials) in results {
            let sum = |f: fn(&Watch) -> u64| trials.iter().map(f).sum::<u64>() as f64;
            let probes = sum(|t| t.probes);
            let seconds = |t: Time| t as f64 / 1e6;
            let first = Sample::new(trials.iter().filter_map(|t| t.first_suspicion).map(seconds));
            let detected = Sample::new(trials.iter().filter_map(|t| t.detected).map(seconds));
            let n = trials.len() as f64;
            table.push(vec![
                Cell::num(*loss),
                Cell::int(trials.len() as u64),
                Cell::opt((probes > 0.0).then(|| sum(|t| t.failed) / probes)),
                Cell::num(theory::swim_false_suspicion_probability(
                    *loss,
                    self.indirect,
                )),
                Cell::opt((n > 0.0).then(|| sum(|t| t.false_suspicions) / (n * member_minutes))),
                Cell::opt((n > 0.0).then(|| sum(|t| t.false_deaths) / n)),
                Cell::opt(first.mean()),
                Cell::num(theory::swim_first_suspicion_time(self.nodes, interval) / 1e6),
                Cell::opt(detected.mean()),
                Cell::int((trials.len() - detected.len()) as u64),
            ]);
        }
        let swim = self.swim_config();
        let notes = vec![
            format!(
                "Setup: {} members, probe every {} ms, ack timeout {} ms, {} indirect probes, \
                 suspicion {} (suspect timeout {} ms); one-way latency 10-20 ms; every message \
                 lost independently with the row's probability. {} s with every member alive, \
                 then one member (chosen by the seed) crashes at a random point of a probe \
                 period.",
                self.nodes,
                swim.probe_interval / 1_000,
                swim.probe_timeout / 1_000,
                swim.indirect_probes,
                if swim.suspicion { "on" } else { "off" },
                swim.suspect_timeout / 1_000,
                self.watch / 1_000_000
            ),
            "Formula (SWIM §3.1): a probe of a live member fails when the direct ping or its \
             ack is lost and each indirect path (ping-req, ping, ack, ack) loses a message: \
             (1 - (1-q)^2)(1 - (1-q)^4)^k. Each failed probe raises a suspicion (or, without \
             suspicion, a death)."
                .into(),
            "First suspicion without loss: the first probe of the crashed member by one of the \
             others at independent random phases, then the end of that prober's period \
             (core's gossip::theory); loss adds false starts the formula leaves out."
                .into(),
        ];
        (vec![table], notes)
    }
}

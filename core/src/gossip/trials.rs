//! Many seeded runs of one configuration, for the tables of a lab and the statistical tests.
//!
//! A trial writes one update at time 0 (at node `seed mod n`) and runs round by round until
//! it is over: in anti-entropy, when every live node holds the update (SI always gets there);
//! in rumor mongering, when nobody spreads it any more (SIR's quiescence; with the
//! anti-entropy backup of §1.5, also not before every node holds it). The end of each round is
//! read from the audit's per-round totals (see [`series`](super::series)), so a trial costs
//! what its steps cost.
//!
//! [`Trials`] runs them one per call ([`Trials::run_next`]): a page can run a table of trials
//! in slices between frames without freezing; [`TrialRun`] takes one trial a step at a time,
//! for a caller that must pause inside a trial (the Lab's 10,000-node rows).

use serde::Serialize;

use super::config::GossipConfig;
use super::metrics;
use super::node::{Command, GossipNode};
use super::store::Key;
use crate::sim::{Action, Input, NetConfig, NodeId, Sim, SimConfig, SimError, Time};

/// The key every trial writes.
pub const KEY: Key = Key::Data(1);

/// What to run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrialSetup {
    pub config: GossipConfig,
    pub nodes: usize,
    /// Probability that a message is lost (the network's other settings are the defaults).
    pub loss: f64,
    /// A trial that is not over after this many rounds stops there.
    pub max_rounds: u64,
}

/// One trial's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trial {
    pub seed: u64,
    /// The first round at whose end every live node held the update (the write is in round 0,
    /// so this counts rounds of spreading); `None` if that never happened.
    pub rounds: Option<u64>,
    /// Virtual time from the write until the last node got it (Demers' t_last), if all did.
    pub time: Option<Time>,
    /// The round the trial ended in, and whether it ended by its rule (converged, or
    /// quiescent) rather than by running out of rounds.
    pub ended: u64,
    pub finished: bool,
    /// Messages sent, their estimated bytes, `(key, value, version)` entries sent (Demers'
    /// traffic), and entries received that were not news (duplicates), until the end.
    pub messages: u64,
    pub bytes: u64,
    pub entries: u64,
    pub duplicates: u64,
    /// Fraction of live nodes that never got the update (0 when converged).
    pub residue: f64,
    /// Largest `learned_at − born` over the nodes that got it, at the end.
    pub last_arrival: Time,
}

/// Run one trial.
pub fn run_trial(setup: &TrialSetup, seed: u64) -> Result<Trial, SimError> {
    let mut trial = TrialRun::new(setup, seed)?;
    loop {
        if let Some(outcome) = trial.step() {
            return Ok(outcome);
        }
    }
}

/// One trial under way, taken one simulation step at a time, so that a caller can pause it
/// anywhere (a page runs a 10,000-node trial over many frames). Stepping it to its end gives
/// exactly [`run_trial`]'s outcome.
pub struct TrialRun {
    sim: Sim<GossipNode>,
    seed: u64,
    /// The round being run: its end is the last microsecond before the next round's start.
    round: u64,
    max_rounds: u64,
    period: Time,
    rumor: bool,
    backup: bool,
    /// The first round at whose end every live node held the update.
    rounds: Option<u64>,
}

impl TrialRun {
    /// The cluster with the update written at time 0, at node `seed mod n`.
    pub fn new(setup: &TrialSetup, seed: u64) -> Result<TrialRun, SimError> {
        let n = setup.nodes;
        let net = NetConfig {
            loss: setup.loss,
            ..NetConfig::default()
        };
        let mut sim = Sim::<GossipNode>::new(
            SimConfig {
                seed,
                nodes: n,
                net,
            },
            &setup.config,
        )?;
        let writer = NodeId((seed % n as u64) as u16);
        sim.apply(Input::Act {
            at: 0,
            action: Action::Command(writer, Command::Update { key: 1, value: 1 }),
        })?;
        let rumor = setup.config.model.is_rumor();
        Ok(TrialRun {
            sim,
            seed,
            round: 0,
            max_rounds: setup.max_rounds,
            period: setup.config.period(),
            rumor,
            backup: rumor && setup.config.backup_every > 0,
            rounds: None,
        })
    }

    /// Handle the trial's next event, after reading the end of every round that ends before
    /// it; the outcome once the trial is over (and `None` until then).
    pub fn step(&mut self) -> Option<Trial> {
        loop {
            if self.round == self.max_rounds {
                return Some(self.outcome(self.max_rounds.saturating_sub(1), false));
            }
            let round_end = (self.round + 1) * self.period - 1;
            if self.sim.next_event_time().is_some_and(|t| t <= round_end) {
                // Cannot fail: an event is pending. An invariant a step breaks is left to the
                // properties' tests, as `Sim::run_until` leaves it.
                let _ = self.sim.advance(Input::Next);
                return None;
            }
            // The write was the first step and its writer holds the key from then on; a row
            // without it could not be judged, and ends the trial unfinished.
            let Some(row) = self.sim.audit().round_now() else {
                return Some(self.outcome(self.round, false));
            };
            let Some(key) = row.key(KEY) else {
                return Some(self.outcome(self.round, false));
            };
            if self.rounds.is_none() && key.holders == row.live {
                self.rounds = Some(self.round);
            }
            let spreading = self.rumor && key.infective > 0;
            if !spreading && (self.rounds.is_some() || self.rumor && !self.backup) {
                return Some(self.outcome(self.round, true));
            }
            self.round += 1;
        }
    }

    fn outcome(&self, ended: u64, finished: bool) -> Trial {
        let nodes = self.sim.nodes();
        // A key no node holds leaves every live node susceptible (never so in a trial: the
        // writer holds it from the first step).
        let census = metrics::key_census(nodes, KEY);
        let totals = metrics::totals(nodes);
        Trial {
            seed: self.seed,
            rounds: self.rounds,
            time: self.rounds.and(census.as_ref().map(|c| c.delay_max)),
            ended,
            finished,
            messages: totals.messages(),
            bytes: totals.bytes_sent,
            entries: totals.entries_sent,
            duplicates: totals.redundant,
            residue: census
                .as_ref()
                .map_or(1.0, |c| c.susceptible as f64 / c.live.max(1) as f64),
            last_arrival: census.map_or(0, |c| c.delay_max),
        }
    }
}

/// Count, mean, sample standard deviation, least and greatest of some numbers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub count: usize,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    /// `None` for no numbers; the deviation of one number is 0.
    pub fn of(xs: &[f64]) -> Option<Stats> {
        if xs.is_empty() {
            return None;
        }
        let count = xs.len();
        let mean = xs.iter().sum::<f64>() / count as f64;
        let var = if count > 1 {
            xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (count - 1) as f64
        } else {
            0.0
        };
        Some(Stats {
            count,
            mean,
            sd: var.sqrt(),
            min: xs.iter().copied().fold(f64::INFINITY, f64::min),
            max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }

    /// Standard error of the mean.
    pub fn se(&self) -> f64 {
        self.sd / (self.count as f64).sqrt()
    }
}

/// Every metric over a set of trials. Rounds and time count only the trials that converged
/// (`converged` of `trials`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub trials: usize,
    pub converged: usize,
    pub rounds: Option<Stats>,
    /// In virtual microseconds.
    pub time: Option<Stats>,
    pub messages: Option<Stats>,
    pub bytes: Option<Stats>,
    pub entries: Option<Stats>,
    pub duplicates: Option<Stats>,
    pub residue: Option<Stats>,
}

impl Summary {
    pub fn of(trials: &[Trial]) -> Summary {
        let stat = |f: &dyn Fn(&Trial) -> Option<f64>| {
            Stats::of(&trials.iter().filter_map(f).collect::<Vec<_>>())
        };
        Summary {
            trials: trials.len(),
            converged: trials.iter().filter(|t| t.rounds.is_some()).count(),
            rounds: stat(&|t| t.rounds.map(|r| r as f64)),
            time: stat(&|t| t.time.map(|x| x as f64)),
            messages: stat(&|t| Some(t.messages as f64)),
            bytes: stat(&|t| Some(t.bytes as f64)),
            entries: stat(&|t| Some(t.entries as f64)),
            duplicates: stat(&|t| Some(t.duplicates as f64)),
            residue: stat(&|t| Some(t.residue)),
        }
    }
}

/// A batch of trials of one setup, seeds `first_seed ..`, run one per call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trials {
    pub setup: TrialSetup,
    pub first_seed: u64,
    /// How many trials the batch has.
    pub count: usize,
    results: Vec<Trial>,
}

impl Trials {
    pub fn new(setup: TrialSetup, first_seed: u64, count: usize) -> Trials {
        Trials {
            setup,
            first_seed,
            count,
            results: Vec::new(),
        }
    }

    /// Run the next trial (none once all `count` have run); the result is also kept.
    pub fn run_next(&mut self) -> Option<Result<&Trial, SimError>> {
        if self.done() {
            return None;
        }
        let seed = self.first_seed + self.results.len() as u64;
        match run_trial(&self.setup, seed) {
            Ok(trial) => {
                self.results.push(trial);
                self.results.last().map(Ok)
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// Run every remaining trial.
    pub fn run_all(&mut self) -> Result<&[Trial], SimError> {
        while let Some(result) = self.run_next() {
            result?;
        }
        Ok(&self.results)
    }

    pub fn done(&self) -> bool {
        self.results.len() >= self.count
    }

    pub fn results(&self) -> &[Trial] {
        &self.results
    }

    pub fn summary(&self) -> Summary {
        Summary::of(&self.results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_few_numbers() {
        let s = Stats::of(&[1.0, 2.0, 3.0, 6.0]).unwrap();
        assert_eq!((s.count, s.mean, s.min, s.max), (4, 3.0, 1.0, 6.0));
        assert!((s.sd - (14.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(Stats::of(&[5.0]).unwrap().sd, 0.0);
        assert_eq!(Stats::of(&[]), None);
    }
}

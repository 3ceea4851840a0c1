//! Gossip experiments (Demers et al. 1987; SWIM, Das et al. 2002): rounds to full convergence by
//! cluster size against the theory ([`spread`]), rumor mongering's residue and traffic against
//! Demers et al.'s Tables 1 and 2 ([`rumor`]), and SWIM's detection time and false suspicions
//! under loss ([`swim`]). The first two run core's trials ([`concord_core::gossip::trials`])
//! a step at a time (`trial`).

pub mod rumor;
pub mod spread;
pub mod swim;

use concord_core::gossip::trials::{Trial, TrialRun, TrialSetup};
use concord_core::gossip::{Mode, Stop};

use crate::experiment::{Steps, TrialError};
use crate::params::choice;

/// One of core's trials, each step spending one of `steps`.
pub(crate) async fn trial(
    setup: &TrialSetup,
    seed: u64,
    steps: &Steps,
) -> Result<Trial, TrialError> {
    let mut trial = TrialRun::new(setup, seed)?;
    loop {
        steps.spend().await;
        if let Some(outcome) = trial.step() {
            return Ok(outcome);
        }
    }
}

pub(crate) fn mode(s: &str) -> Result<Mode, String> {
    choice(
        s,
        &[
            ("push", Mode::Push),
            ("pull", Mode::Pull),
            ("push-pull", Mode::PushPull),
        ],
    )
}

pub(crate) fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Push => "push",
        Mode::Pull => "pull",
        Mode::PushPull => "push-pull",
    }
}

pub(crate) fn stop(s: &str) -> Result<Stop, String> {
    choice(s, &[("counter", Stop::Counter), ("coin", Stop::Coin)])
}

pub(crate) fn stop_name(stop: Stop) -> &'static str {
    match stop {
        Stop::Counter => "counter",
        Stop::Coin => "coin",
    }
}

//! Step back and forth over a run.
//!
//! A run is its starting [`Sim`] plus the list of inputs applied to it. The
//! history keeps that list, the report of every step, and a snapshot of the
//! simulation every [`SNAPSHOT_EVERY`] steps; going to step `k` restores the
//! nearest snapshot at or before `k` and replays the inputs in between. The
//! engine is deterministic, so the state reached is exactly the one seen before.

use super::engine::{Sim, SimError};
use super::input::Input;
use super::protocol::Protocol;
use super::report::StepReport;
use super::time::Time;

/// How many steps lie between two snapshots: replaying at most this many inputs
/// is the cost of any seek.
pub const SNAPSHOT_EVERY: usize = 64;

#[derive(Clone, Debug)]
pub struct History<P: Protocol> {
    /// `snapshots[k]` is the state after `k * SNAPSHOT_EVERY` inputs.
    snapshots: Vec<Sim<P>>,
    inputs: Vec<Input<P>>,
    reports: Vec<StepReport<P>>,
    current: Sim<P>,
    /// How many inputs `current` has applied; less than `inputs.len()` after stepping back.
    position: usize,
}

impl<P: Protocol> History<P> {
    pub fn new(start: Sim<P>) -> Self {
        History {
            snapshots: vec![start.clone()],
            inputs: Vec::new(),
            reports: Vec::new(),
            current: start,
            position: 0,
        }
    }

    /// The state at the current position.
    pub fn current(&self) -> &Sim<P> {
        &self.current
    }

    /// How many steps lead to the current state.
    pub fn position(&self) -> usize {
        self.position
    }

    /// How many steps the run has (more than `position` after stepping back).
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// Every input of the run, in order: with the starting configuration, all it takes to replay it.
    pub fn inputs(&self) -> &[Input<P>] {
        &self.inputs
    }

    /// Reports of every step of the run, in order (`reports()[i]` is step `i + 1`).
    pub fn reports(&self) -> &[StepReport<P>] {
        &self.reports
    }

    /// The report of the step that led to the current state.
    pub fn last_report(&self) -> Option<&StepReport<P>> {
        self.position.checked_sub(1).map(|i| &self.reports[i])
    }

    /// Apply a new input at the current position. When the position is in the
    /// past, the steps after it are discarded and the run continues from here.
    pub fn apply(&mut self, input: Input<P>) -> Result<&StepReport<P>, SimError> {
        let report = self.current.apply(input.clone())?;
        self.truncate_future();
        self.inputs.push(input);
        self.reports.push(report);
        self.position += 1;
        if self.position.is_multiple_of(SNAPSHOT_EVERY) {
            self.snapshots.push(self.current.clone());
        }
        Ok(&self.reports[self.position - 1])
    }

    /// One step forward: redo the next recorded step if there is one, otherwise
    /// handle the next pending event.
    pub fn forward(&mut self) -> Result<&StepReport<P>, SimError> {
        if self.position < self.inputs.len() {
            self.redo();
            Ok(&self.reports[self.position - 1])
        } else {
            self.apply(Input::Next)
        }
    }

    /// One step back; false at the start.
    pub fn back(&mut self) -> bool {
        if self.position == 0 {
            return false;
        }
        self.seek(self.position - 1);
        true
    }

    /// Go to the state after `target` steps (clamped to the recorded run).
    pub fn seek(&mut self, target: usize) {
        let target = target.min(self.inputs.len());
        let from_snapshot = target / SNAPSHOT_EVERY * SNAPSHOT_EVERY;
        if target < self.position || from_snapshot > self.position {
            self.current = self.snapshots[target / SNAPSHOT_EVERY].clone();
            self.position = from_snapshot;
        }
        while self.position < target {
            self.redo();
        }
    }

    /// Move forward through everything due at or before `until`: recorded steps
    /// first (so playing from the past replays the interventions made then), then
    /// new events. Returns how many steps were taken.
    pub fn run_until(&mut self, until: Time) -> usize {
        let start = self.position;
        loop {
            if self.position < self.inputs.len() {
                if self.reports[self.position].time > until {
                    break;
                }
                self.redo();
            } else if self.current.next_event_time().is_some_and(|t| t <= until) {
                if self.apply(Input::Next).is_err() {
                    break;
                }
            } else {
                break;
            }
        }
        self.position - start
    }

    fn redo(&mut self) {
        let input = self.inputs[self.position].clone();
        self.current
            .apply(input)
            .expect("a recorded input replays on the state it was recorded on");
        self.position += 1;
    }

    fn truncate_future(&mut self) {
        self.inputs.truncate(self.position);
        self.reports.truncate(self.position);
        self.snapshots.truncate(self.position / SNAPSHOT_EVERY + 1);
    }
}

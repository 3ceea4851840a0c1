//! Step back and forth over a run.
//!
//! A run is its starting [`Sim`] plus the list of inputs applied to it. The
//! history keeps that list, the report of every step, and a snapshot of the
//! simulation every [`SNAPSHOT_EVERY`] steps; going to step `k` restores the
//! nearest snapshot at or before `k` and replays the inputs in between. The
//! engine is deterministic, so the state reached is exactly the one seen before.
//!
//! Acting in the past forks the run: the old future is kept as a branch, and
//! [`History::switch_branch`] brings it back.

use super::engine::{Sim, SimError};
use super::input::Input;
use super::protocol::Protocol;
use super::report::StepReport;
use super::tape::{MAX_TAPE_STEPS, Tape};
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
    /// Futures left behind by acting in the past, each as the full list of its inputs.
    branches: Vec<Vec<Input<P>>>,
}

/// A branch left behind: where it parts from the current run, and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchInfo {
    pub fork: usize,
    pub len: usize,
}

impl<P: Protocol> History<P> {
    pub fn new(start: Sim<P>) -> Self {
        History {
            snapshots: vec![start.clone()],
            inputs: Vec::new(),
            reports: Vec::new(),
            current: start,
            position: 0,
            branches: Vec::new(),
        }
    }

    /// Rebuild a run from its start and its tape, standing at the tape's position.
    pub fn replay(start: Sim<P>, tape: &Tape<P>) -> Result<Self, SimError> {
        if tape.len() > MAX_TAPE_STEPS {
            return Err(SimError::BadConfig(format!(
                "a run of {} steps is longer than the {MAX_TAPE_STEPS} a link may replay",
                tape.len()
            )));
        }
        let mut history = History::new(start);
        for input in tape.inputs() {
            history.apply(input)?;
        }
        history.seek(tape.position as usize);
        Ok(history)
    }

    /// The run as a tape, standing where the history stands.
    pub fn tape(&self) -> Tape<P> {
        Tape::record(&self.inputs, self.position)
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

    /// Apply a new input at the current position. When the position is in the past and the
    /// input differs from the recorded one, the run forks: the old future is kept as a branch
    /// and the run continues from here.
    pub fn apply(&mut self, input: Input<P>) -> Result<&StepReport<P>, SimError> {
        if self.inputs.get(self.position) == Some(&input) {
            self.redo();
            return Ok(&self.reports[self.position - 1]);
        }
        let report = self.current.apply(input.clone())?;
        if self.position < self.inputs.len() {
            self.branches.push(self.inputs.clone());
        }
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

    /// The branches left behind, oldest first.
    pub fn branches(&self) -> Vec<BranchInfo> {
        self.branches
            .iter()
            .map(|b| BranchInfo {
                fork: common_prefix(b, &self.inputs),
                len: b.len(),
            })
            .collect()
    }

    /// Make branch `index` the current run (the current one becomes a branch), standing where
    /// the two part.
    pub fn switch_branch(&mut self, index: usize) -> Result<(), SimError> {
        if index >= self.branches.len() {
            return Err(SimError::BadConfig(format!("no branch {index}")));
        }
        let target = self.branches.remove(index);
        let fork = common_prefix(&target, &self.inputs);
        self.branches.push(std::mem::take(&mut self.inputs));
        // Everything up to the fork is shared; the rest is the target's own.
        self.inputs = self.branches.last().expect("just pushed")[..fork].to_vec();
        self.reports.truncate(fork);
        self.snapshots.truncate(fork / SNAPSHOT_EVERY + 1);
        self.current = self.snapshots[fork / SNAPSHOT_EVERY].clone();
        self.position = fork / SNAPSHOT_EVERY * SNAPSHOT_EVERY;
        while self.position < fork {
            self.redo();
        }
        for input in &target[fork..] {
            let report = self.current.apply(input.clone())?;
            self.inputs.push(input.clone());
            self.reports.push(report);
            self.position += 1;
            if self.position.is_multiple_of(SNAPSHOT_EVERY) {
                self.snapshots.push(self.current.clone());
            }
        }
        self.seek(fork);
        Ok(())
    }

    /// Step forward until `goal` holds for the step just taken and the state it led to, at most
    /// `limit` steps. Returns whether the goal was reached.
    pub fn forward_until(
        &mut self,
        limit: usize,
        goal: impl Fn(&StepReport<P>, &Sim<P>) -> bool,
    ) -> Result<bool, SimError> {
        for _ in 0..limit {
            self.forward()?;
            if goal(&self.reports[self.position - 1], &self.current) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Step back to just after the latest earlier step whose report satisfies `goal` (to the
    /// start if none does). Returns whether one was found.
    pub fn back_until(&mut self, goal: impl Fn(&StepReport<P>) -> bool) -> bool {
        let before = self.position.saturating_sub(1);
        let found = self.reports[..before].iter().rposition(goal);
        self.seek(found.map_or(0, |i| i + 1));
        found.is_some()
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

/// How many inputs two runs share from the start.
fn common_prefix<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

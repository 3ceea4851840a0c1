//! Step back and forth over a run.
//!
//! A run is its starting [`Sim`] plus the list of inputs applied to it. The
//! history keeps that list, the report of every step, and snapshots of the
//! simulation; going to step `k` restores the nearest snapshot at or before `k`
//! and replays the inputs in between. The engine is deterministic, so the state
//! reached is exactly the one seen before.
//!
//! Snapshot spacing follows the state's size: at least [`SNAPSHOT_EVERY`] steps, and for a
//! large state (10,000 gossip nodes) one step per [`BYTES_PER_STEP`] bytes of it, so cloning
//! the state costs about as much as a small share of the steps between two snapshots. When all
//! snapshots together pass [`SNAPSHOT_BUDGET`] bytes, every other one of the older half (but
//! the first) is dropped: the recent past stays dense, older stretches get sparser, memory
//! stays bounded, and a seek replays at most the gap around its target.
//!
//! Acting in the past forks the run: the old future is kept as a branch, and
//! [`History::switch_branch`] brings it back.
//!
//! Reports. Every step taken one at a time is described by its [`StepReport`] and kept. A
//! [fast-forward](History::fast_forward_until) runs the engine without describing its steps (no
//! report, no copy of any message): a 10,000-node run to convergence is half a million steps,
//! whose reports nobody reads one by one and which would fill a browser tab's memory. So the
//! kept reports cover a prefix of the run, [`History::described`] steps long; the steps after it
//! keep only their input and time, and the report of the step that led to the current state is
//! made again when the position lands there (the engine is deterministic, so it is the report
//! the step had). A link or run file of a large run ([`LARGE_RUN_NODES`]) is
//! [replayed](History::replay) the same way.
//!
//! A long run lets its oldest reports go the same way: an hour of a five-server Raft cluster
//! with a client is 680,000 steps and, at about 1.5 KiB a report, a gigabyte. So the kept
//! reports are a window of consecutive steps, at most [`REPORTS_KEPT`] (and a quarter more
//! before the oldest quarter is let go, so letting go costs little per step), from
//! [`History::reports_from`] to [`History::described`]. Every step stays reachable: a step
//! before the window is replayed from its snapshot and described when the position lands on
//! it, as a fast-forwarded one is. What is lost is what only the reports of earlier steps
//! show (the timeline's marks, the space-time diagram, jumps back to a mark), and the UI says
//! from when on it has them.
//!
//! Nothing here may panic on what a reader does: the lints below deny it, as in the web crate.

use super::engine::{Sim, SimError};
use super::input::Input;
use super::inputs::Inputs;
use super::problem::ConfigProblem;
use super::protocol::Protocol;
use super::report::StepReport;
use super::tape::{MAX_TAPE_STEPS, Tape};
use super::time::Time;

/// The fewest steps between two snapshots (what small clusters use): replaying at most this
/// many inputs is the cost of a seek.
pub const SNAPSHOT_EVERY: usize = 64;

/// A state of `b` bytes (as [`Sim::size_estimate`] counts them) is snapshotted every
/// `b / BYTES_PER_STEP` steps, if that is more than [`SNAPSHOT_EVERY`]: a 10,000-node gossip
/// cluster every few tens of thousands of steps, a five-server Raft cluster every 64.
pub const BYTES_PER_STEP: usize = 256;

/// Snapshots together may hold about this many bytes before older ones are thinned out.
pub const SNAPSHOT_BUDGET: usize = 96 << 20;

/// From this many nodes on, a run is large: far jumps fast-forward and a replayed tape describes
/// only the step it lands on. A step then costs little more than the work of the one node it
/// happens to, and nobody reads the reports of the half a million steps a 10,000-node spread
/// takes; smaller runs keep every report, so their timeline and event log stay complete.
pub const LARGE_RUN_NODES: usize = 1_000;

/// The most reports a history keeps (a quarter more just before it lets the oldest quarter go):
/// about 75 MiB for a five-server Raft cluster with a client, its last four to five minutes.
pub const REPORTS_KEPT: usize = 50_000;

/// The state after `at` inputs, and its estimated size.
#[derive(Clone, Debug)]
struct Snapshot<P: Protocol> {
    at: usize,
    bytes: usize,
    sim: Sim<P>,
}

impl<P: Protocol> Snapshot<P> {
    fn of(at: usize, sim: &Sim<P>) -> Self {
        Snapshot {
            at,
            bytes: sim.size_estimate(),
            sim: sim.clone(),
        }
    }

    /// Where the next snapshot falls after this one.
    fn next(&self) -> usize {
        self.at + (self.bytes / BYTES_PER_STEP).max(SNAPSHOT_EVERY)
    }
}

#[derive(Clone, Debug)]
pub struct History<P: Protocol> {
    /// Snapshots by position, the start first.
    snapshots: Vec<Snapshot<P>>,
    /// The position at which the next snapshot is taken.
    next_snapshot: usize,
    inputs: Inputs<P>,
    /// The virtual time of every step (`times[i]` is step `i + 1`), described or not.
    times: Vec<Time>,
    /// Reports of the steps after the first `reports_from`, `reports.len()` of them: the window
    /// of described steps (see the module's notes); every step outside it is undescribed.
    reports: Vec<StepReport<P>>,
    /// How many steps, from the start, come before the first kept report.
    reports_from: usize,
    /// The report of the step that led to `current` when that step is undescribed, with the
    /// position it leads to (a report's own `step` counts the engine's steps, which may include
    /// some taken before the history began).
    current_report: Option<(usize, StepReport<P>)>,
    current: Sim<P>,
    /// How many inputs `current` has applied; less than `inputs.len()` after stepping back.
    position: usize,
    /// Futures left behind by acting in the past, each as the full list of its inputs.
    branches: Vec<Inputs<P>>,
}

/// A branch left behind: where it parts from the current run, and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchInfo {
    pub fork: usize,
    pub len: usize,
}

impl<P: Protocol> History<P> {
    pub fn new(start: Sim<P>) -> Self {
        let first = Snapshot::of(0, &start);
        History {
            next_snapshot: first.next(),
            snapshots: vec![first],
            inputs: Inputs::default(),
            times: Vec::new(),
            reports: Vec::new(),
            reports_from: 0,
            current_report: None,
            current: start,
            position: 0,
            branches: Vec::new(),
        }
    }

    /// Rebuild a run from its start and its tape, standing at the tape's position. A large run
    /// (from [`LARGE_RUN_NODES`] nodes on) is replayed as a fast-forward is taken: only the step
    /// it stands after is described.
    pub fn replay(start: Sim<P>, tape: &Tape<P>) -> Result<Self, SimError> {
        if tape.len() > MAX_TAPE_STEPS {
            return Err(SimError::BadConfig(ConfigProblem::TapeTooLong {
                steps: tape.len(),
            }));
        }
        let describe = start.nodes().len() < LARGE_RUN_NODES;
        let mut history = History::new(start);
        for input in tape.inputs() {
            if describe {
                history.apply(input)?;
            } else {
                history.current.advance(input.clone())?;
                history.push(input, None);
            }
        }
        history.seek(tape.position as usize);
        history.describe_current();
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
    pub fn inputs(&self) -> &Inputs<P> {
        &self.inputs
    }

    /// Reports of the described steps, in order (`reports()[i]` is step
    /// [`reports_from()`](Self::reports_from)` + i + 1`): every step from `reports_from() + 1`
    /// to [`described()`](Self::described).
    pub fn reports(&self) -> &[StepReport<P>] {
        &self.reports
    }

    /// How many steps, from the start, come before the first kept report: 0 unless the run
    /// grew past [`REPORTS_KEPT`] described steps and let the oldest go.
    pub fn reports_from(&self) -> usize {
        self.reports_from
    }

    /// The step the kept reports end with: the last step unless part of the run was
    /// fast-forwarded.
    pub fn described(&self) -> usize {
        self.reports_from + self.reports.len()
    }

    /// The kept reports of the steps up to the current position.
    pub fn reports_so_far(&self) -> &[StepReport<P>] {
        let upto = self.position.saturating_sub(self.reports_from);
        self.reports.get(..upto).unwrap_or(&self.reports)
    }

    /// The kept report of step `step` (counting from 1), if it is kept.
    fn kept_report(&self, step: usize) -> Option<&StepReport<P>> {
        let i = step.checked_sub(self.reports_from + 1)?;
        self.reports.get(i)
    }

    /// The virtual time of every step of the run (`times()[i]` is step `i + 1`), described or
    /// not.
    pub fn times(&self) -> &[Time] {
        &self.times
    }

    /// When the next step forward happens: the recorded step's time after stepping back, else
    /// the next event's (`None`: the run is idle).
    pub fn next_time(&self) -> Option<Time> {
        match self.times.get(self.position) {
            Some(&t) => Some(t),
            None => self.current.next_event_time(),
        }
    }

    /// The position after the engine's step number `step` (as reports and violations count
    /// them: the engine may have taken steps before the history began).
    pub fn position_after(&self, step: u64) -> usize {
        let before = (self.current.steps() as usize).saturating_sub(self.position);
        (step as usize).saturating_sub(before)
    }

    /// The report of the step that led to the current state.
    pub fn last_report(&self) -> Option<&StepReport<P>> {
        match self.kept_report(self.position) {
            Some(report) => Some(report),
            None => self
                .current_report
                .as_ref()
                .filter(|(at, _)| *at == self.position)
                .map(|(_, report)| report),
        }
    }

    /// Apply a new input at the current position. When the position is in the past and the
    /// input differs from the recorded one, the run forks: the old future is kept as a branch
    /// and the run continues from here.
    pub fn apply(&mut self, input: Input<P>) -> Result<&StepReport<P>, SimError> {
        if self.inputs.get(self.position).as_ref() == Some(&input) {
            self.redo(true);
        } else {
            let report = self.current.apply(input.clone())?;
            if self.position < self.inputs.len() {
                self.branches.push(self.inputs.clone());
            }
            self.truncate_future();
            self.push(input, Some(report));
        }
        Ok(self.just_taken())
    }

    /// One step forward: redo the next recorded step if there is one, otherwise
    /// handle the next pending event.
    pub fn forward(&mut self) -> Result<&StepReport<P>, SimError> {
        if self.position < self.inputs.len() {
            self.redo(true);
            Ok(self.just_taken())
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
        // An undescribed step is described by replaying it, so start before it.
        let from = match self.kept_report(target) {
            None if target > 0 => target - 1,
            _ => target,
        };
        if let Some(snapshot) = self.snapshots.get(self.snapshot_at_or_before(from))
            && (target < self.position || snapshot.at > self.position)
        {
            self.current = snapshot.sim.clone();
            self.position = snapshot.at;
        }
        // Only the step that leads to the target is described (if its report is not kept).
        while self.position < target {
            self.redo(self.position + 1 == target);
        }
    }

    /// Move forward through everything due at or before `until`: recorded steps
    /// first (so playing from the past replays the interventions made then), then
    /// new events. Returns how many steps were taken.
    pub fn run_until(&mut self, until: Time) -> usize {
        let start = self.position;
        loop {
            // A recorded step has its time; past them, the engine's next event.
            if let Some(&time) = self.times.get(self.position) {
                if time > until {
                    break;
                }
                self.redo(true);
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

    /// Step forward without describing the steps until `goal` holds for the state reached, at
    /// most `limit` steps: recorded steps first, then new events, which stay undescribed. The
    /// state, the invariant checks and the recorded inputs are exactly those of stepping one at
    /// a time; only the reports are left out (see the module's notes). Returns whether the goal
    /// was reached; an idle run ends it early with [`SimError::Idle`], as it ends
    /// [`forward_until`](Self::forward_until). Call [`describe_current`](Self::describe_current)
    /// once done, for the report of the step it stopped after.
    pub fn fast_forward_until(
        &mut self,
        limit: usize,
        goal: impl Fn(&Sim<P>) -> bool,
    ) -> Result<bool, SimError> {
        for _ in 0..limit {
            if self.position < self.inputs.len() {
                self.redo(false);
            } else {
                self.current.advance(Input::Next)?;
                self.push(Input::Next, None);
            }
            if goal(&self.current) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Make the report of the step that led to the current state if it is not at hand (after a
    /// fast-forward): replayed from the nearest snapshot, as a seek does.
    pub fn describe_current(&mut self) {
        if self.position > 0 && self.last_report().is_none() {
            let position = self.position;
            self.seek(position - 1);
            self.redo(true);
        }
    }

    /// The branches left behind, oldest first.
    pub fn branches(&self) -> Vec<BranchInfo> {
        self.branches
            .iter()
            .map(|b| BranchInfo {
                fork: b.common_prefix(&self.inputs),
                len: b.len(),
            })
            .collect()
    }

    /// Make branch `index` the current run (the current one becomes a branch), standing where
    /// the two part.
    pub fn switch_branch(&mut self, index: usize) -> Result<(), SimError> {
        if index >= self.branches.len() {
            return Err(SimError::NoSuchBranch(index));
        }
        let target = self.branches.remove(index);
        let fork = target.common_prefix(&self.inputs);
        // Everything up to the fork is shared; the rest is the target's own.
        let shared = self.inputs.prefix(fork);
        let left = std::mem::replace(&mut self.inputs, shared);
        self.branches.push(left);
        self.times.truncate(fork);
        self.truncate_reports(fork);
        self.seek(fork);
        self.drop_snapshots_after(fork);
        for input in target.iter().skip(fork) {
            // Steps after an undescribed one stay undescribed (the kept reports are consecutive).
            if self.described() == self.position {
                let report = self.current.apply(input.clone())?;
                self.push(input, Some(report));
            } else {
                self.current.advance(input.clone())?;
                self.push(input, None);
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
            if goal(self.just_taken(), &self.current) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Step back to just after the latest earlier described step whose report satisfies `goal`;
    /// if none does, to the first kept report's step (the start, unless older reports were let
    /// go), or nowhere from before it. Returns whether one was found.
    pub fn back_until(&mut self, goal: impl Fn(&StepReport<P>) -> bool) -> bool {
        let before = self
            .position
            .saturating_sub(1)
            .saturating_sub(self.reports_from);
        let earlier = self.reports.get(..before).unwrap_or(&self.reports);
        let found = earlier.iter().rposition(goal);
        let oldest = self.reports_from.min(self.position);
        self.seek(found.map_or(oldest, |i| self.reports_from + i + 1));
        found.is_some()
    }

    /// The report of the step just taken, described.
    #[allow(
        clippy::expect_used,
        reason = "called only after a described step, whose report push or redo has just kept"
    )]
    fn just_taken(&self) -> &StepReport<P> {
        self.last_report().expect("a described step was just taken")
    }

    /// Take a new step: its input and, if it is described, its report.
    fn push(&mut self, input: Input<P>, report: Option<StepReport<P>>) {
        self.inputs.push(input);
        self.times.push(self.current.now());
        match report {
            // The kept reports stay consecutive: a step after an undescribed one is not kept.
            Some(report) if self.described() == self.position => {
                self.reports.push(report);
                if self.reports.len() >= REPORTS_KEPT + REPORTS_KEPT / 4 {
                    self.reports.drain(..REPORTS_KEPT / 4);
                    self.reports_from += REPORTS_KEPT / 4;
                }
            }
            report => self.current_report = report.map(|r| (self.position + 1, r)),
        }
        self.position += 1;
        self.snapshot_if_due();
    }

    /// Replay the next recorded step (called only before the end of the recorded run). A step
    /// whose report is not kept is described only when `describe` asks for it (the step the
    /// position lands on); replays leave it out.
    #[allow(
        clippy::expect_used,
        reason = "the engine is deterministic: a recorded input replays on the state it was recorded on"
    )]
    fn redo(&mut self, describe: bool) {
        let input = self.inputs.get(self.position).expect("a recorded step");
        let replayed = if describe && self.kept_report(self.position + 1).is_none() {
            self.current
                .apply(input)
                .map(|report| self.current_report = Some((self.position + 1, report)))
        } else {
            self.current.advance(input).map(drop)
        };
        replayed.expect("a recorded input replays on the state it was recorded on");
        self.position += 1;
    }

    fn truncate_future(&mut self) {
        self.inputs.truncate(self.position);
        self.times.truncate(self.position);
        self.truncate_reports(self.position);
        self.drop_snapshots_after(self.position);
    }

    /// Keep the reports of steps up to `len`; from before the window on, the next described
    /// step starts a new one.
    fn truncate_reports(&mut self, len: usize) {
        match len.checked_sub(self.reports_from) {
            Some(kept) => self.reports.truncate(kept),
            None => {
                self.reports.clear();
                self.reports_from = len;
            }
        }
    }

    /// The index of the last snapshot at or before position `at` (the start, at 0, always is).
    fn snapshot_at_or_before(&self, at: usize) -> usize {
        self.snapshots
            .partition_point(|s| s.at <= at)
            .saturating_sub(1)
    }

    fn drop_snapshots_after(&mut self, at: usize) {
        self.snapshots.truncate(self.snapshot_at_or_before(at) + 1);
        if let Some(last) = self.snapshots.last() {
            self.next_snapshot = last.next();
        }
    }

    /// Take a snapshot of `current` if one is due at this position; keep them within the
    /// budget.
    fn snapshot_if_due(&mut self) {
        if self.position < self.next_snapshot {
            return;
        }
        let snapshot = Snapshot::of(self.position, &self.current);
        self.next_snapshot = snapshot.next();
        self.snapshots.push(snapshot);
        let total: usize = self.snapshots.iter().map(|s| s.bytes).sum();
        if total > SNAPSHOT_BUDGET {
            thin(&mut self.snapshots);
        }
    }
}

/// Drop every other item of the older half, keeping the first: the recent past stays as dense
/// as it was taken (stepping back stays cheap), older stretches get sparser each time.
fn thin<T>(items: &mut Vec<T>) {
    let older = items.len() / 2;
    let mut index = 0;
    items.retain(|_| {
        let keep = index >= older || index % 2 == 0;
        index += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gossip::{Command, GossipConfig, GossipNode};
    use crate::sim::{Action, NodeId, SimConfig, ms};

    #[test]
    fn thinning_halves_the_older_half_and_keeps_the_recent_one() {
        let mut v: Vec<u32> = (0..8).collect();
        thin(&mut v);
        assert_eq!(v, [0, 2, 4, 5, 6, 7]);
        let mut v: Vec<u32> = (0..7).collect();
        thin(&mut v);
        assert_eq!(v, [0, 2, 3, 4, 5, 6]);
        let mut v = vec![0, 1];
        thin(&mut v);
        assert_eq!(v, [0, 1]);
    }

    fn gossip(nodes: usize) -> Sim<GossipNode> {
        let config = SimConfig {
            seed: 4,
            nodes,
            net: Default::default(),
        };
        Sim::new(config, &GossipConfig::default()).unwrap()
    }

    /// The next step's time is the recorded one's after stepping back, the engine's next
    /// event's at the end of the run.
    #[test]
    fn next_time_is_the_recorded_steps_or_the_next_events() {
        let mut history = History::new(gossip(5));
        let first = history.next_time().expect("S1's first round is pending");
        assert_eq!(Some(first), history.current().next_event_time());
        history.forward().unwrap();
        history.forward().unwrap();
        let second = history.times()[1];
        history.back();
        assert_eq!(history.next_time(), Some(second));
        history.back();
        assert_eq!(history.next_time(), Some(first));
        assert_eq!(history.times()[0], first);
    }

    /// A large state is snapshotted rarely (one step per `BYTES_PER_STEP` bytes), a small one
    /// every `SNAPSHOT_EVERY` steps; seeking anywhere still gives the state seen before.
    #[test]
    fn snapshot_spacing_follows_the_state_size_and_seeks_stay_exact() {
        let small = History::new(gossip(5));
        assert_eq!(small.next_snapshot, SNAPSHOT_EVERY);

        let n = 2_000;
        let mut history = History::new(gossip(n));
        let spacing = history.next_snapshot;
        assert!(
            spacing >= n * size_of::<GossipNode>() / BYTES_PER_STEP,
            "{spacing}"
        );
        history
            .apply(Input::Act {
                at: 0,
                action: Action::Command(NodeId(3), Command::Update { key: 1, value: 1 }),
            })
            .unwrap();
        history.run_until(ms(4_000));
        let len = history.len();
        assert!(len > 3 * spacing, "{len} steps");
        let positions: Vec<usize> = history.snapshots.iter().map(|s| s.at).collect();
        assert!(positions.len() >= 3 && positions.len() < len / SNAPSHOT_EVERY / 10);
        assert!(positions.windows(2).all(|w| w[1] - w[0] >= spacing));
        for target in [len, len - 1, positions[1], positions[1] - 1, len / 2, 1, 0] {
            history.seek(target);
            let mut fresh = gossip(n);
            for input in history.inputs().iter().take(target) {
                fresh.apply(input).unwrap();
            }
            assert!(history.current() == &fresh, "state after step {target}");
        }
    }

    /// A fast-forward takes the very steps stepping one at a time takes: same inputs, same
    /// states; its steps are undescribed but for the one it stops after, whose report is the
    /// one that step has when taken described; seeking into the stretch lands on the same
    /// states and describes the step landed on; acting there forks as usual.
    #[test]
    fn a_fast_forward_takes_the_same_steps_and_describes_the_one_it_stops_after() {
        let n = 300;
        let update = Input::Act {
            at: 0,
            action: Action::Command(NodeId(3), Command::Update { key: 1, value: 1 }),
        };
        let holders = |sim: &Sim<GossipNode>| {
            sim.nodes()
                .iter()
                .filter(|s| s.state.store().get(crate::gossip::Key::Data(1)).is_some())
                .count()
        };
        let goal = |sim: &Sim<GossipNode>| holders(sim) >= n / 2;

        // The update is written before the history begins, as the playground does: the engine
        // counts one step more than the history.
        let started = || {
            let mut sim = gossip(n);
            sim.apply(update.clone()).unwrap();
            sim
        };
        let mut described = History::new(started());
        assert!(
            described
                .forward_until(1_000_000, |_, sim| goal(sim))
                .unwrap()
        );

        let mut fast = History::new(started());
        assert!(fast.fast_forward_until(1_000_000, goal).unwrap());
        assert_eq!(fast.last_report(), None);
        fast.describe_current();
        assert_eq!(fast.inputs(), described.inputs());
        assert_eq!(
            fast.times(),
            described
                .reports()
                .iter()
                .map(|r| r.time)
                .collect::<Vec<_>>()
        );
        assert!(fast.current() == described.current());
        assert_eq!(fast.described(), 0);
        assert!(fast.reports_so_far().is_empty());
        assert_eq!(fast.last_report(), described.last_report());
        let report = fast.last_report().unwrap();
        assert_eq!(report.step as usize, fast.position() + 1);
        assert_eq!(fast.position_after(report.step), fast.position());

        let len = fast.len();
        let snapshots: Vec<usize> = fast.snapshots.iter().map(|s| s.at).collect();
        assert!(snapshots.len() > 2, "{snapshots:?}");
        let mut targets = vec![len - 1, len / 2, 2, 1, 0, len];
        targets.extend(snapshots.iter().flat_map(|&at| [at, at + 1]));
        for target in targets {
            fast.seek(target);
            described.seek(target);
            assert!(
                fast.current() == described.current(),
                "state after step {target}"
            );
            assert_eq!(
                fast.last_report(),
                described.last_report(),
                "report of step {target}"
            );
            // And one step on from there.
            if target < len {
                assert_eq!(fast.forward().unwrap(), described.forward().unwrap());
            }
        }
        fast.seek(len);
        described.seek(len);
        // Playing on after the stretch keeps describing only the current step.
        let report = fast.forward().unwrap().clone();
        assert_eq!(&report, described.forward().unwrap());
        assert_eq!(fast.described(), 0);
        // Acting in the stretch forks the run there; the old future becomes a branch.
        fast.seek(len / 2);
        let at = fast.current().now();
        fast.apply(Input::Act {
            at,
            action: Action::Crash(NodeId(7)),
        })
        .unwrap();
        assert_eq!(fast.len(), len / 2 + 1);
        assert_eq!(fast.described(), 0);
        assert_eq!(fast.branches().len(), 1);
        assert!(matches!(
            fast.last_report().map(|r| &r.event),
            Some(crate::sim::Event::Acted(Action::Crash(_)))
        ));
    }

    /// A tape of a large run replays without describing its steps, as a fast-forward takes
    /// them: the same states as the run it was recorded from, and the report of the step it
    /// lands on, whether that is the last step or one in the middle. A small run keeps the
    /// report of every step.
    #[test]
    fn a_large_run_replays_undescribed_but_for_the_step_it_lands_on() {
        let n = LARGE_RUN_NODES;
        let mut described = History::new(gossip(n));
        described
            .apply(Input::Act {
                at: 0,
                action: Action::Command(NodeId(3), Command::Update { key: 1, value: 1 }),
            })
            .unwrap();
        described.run_until(ms(3_000));
        let len = described.len();
        assert!(len > 3 * described.snapshots[0].next(), "{len} steps");
        for position in [len, len / 2, 1, 0] {
            described.seek(position);
            let replayed = History::replay(gossip(n), &described.tape()).unwrap();
            assert_eq!(replayed.position(), position);
            assert_eq!(replayed.inputs(), described.inputs());
            assert_eq!(replayed.times(), described.times());
            assert!(
                replayed.current() == described.current(),
                "state after step {position}"
            );
            assert_eq!(replayed.described(), 0);
            assert_eq!(
                replayed.last_report(),
                described.last_report(),
                "report of step {position}"
            );
            assert_eq!(replayed.last_report().is_some(), position > 0);
        }

        let mut small = History::new(gossip(5));
        small.run_until(ms(3_000));
        small.seek(small.len() / 2);
        let replayed = History::replay(gossip(5), &small.tape()).unwrap();
        assert_eq!(replayed.described(), small.len());
        assert_eq!(replayed.reports(), small.reports());
    }
}

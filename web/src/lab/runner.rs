//! An experiment running in the page: pieces of [`PIECE_STEPS`] simulation steps in slices of a
//! frame's time, so the page stays responsive however long one trial is (a 10,000-node gossip trial
//! takes half a million steps or more); how far it is, how long it has taken and how long it will
//! take; cancelling keeps the trials done. The clock is handed in (the page's `performance.now()`),
//! so the slicing is tested natively with a clock of our own.

use std::rc::Rc;

use concord_lab::{Progress, Report, Run};

/// Where a run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Running,
    /// Every trial ran.
    Done,
    /// Stopped by the reader: the report holds the trials done (not the one under way).
    Cancelled,
    /// A trial could not run (a bug in the Lab or the core, never a result).
    Failed(String),
}

impl State {
    pub fn name(&self) -> &'static str {
        match self {
            State::Running => "running",
            State::Done => "done",
            State::Cancelled => "cancelled",
            State::Failed(_) => "failed",
        }
    }
}

/// The simulation steps a slice runs between two readings of the clock, so a slice ends at
/// most one piece past its budget. The costliest steps, a 10,000-node gossip cluster's, take
/// one or two microseconds each in Chromium, so such a piece is one or two milliseconds
/// (BENCHMARKS.md); a piece also ends with its trial, so Figure 16's short trials still read
/// the clock once per trial, as before.
pub const PIECE_STEPS: u64 = 1_000;

/// How long the report on screen may go without being made again while trials run: making it
/// and drawing its tables and charts costs more than a slice of trials.
pub const REPORT_EVERY_MS: f64 = 1_000.0;

pub struct Runner {
    run: Box<dyn Run>,
    pub state: State,
    started_at: f64,
    /// Wall time from the start to the last slice (or to the end).
    pub elapsed_ms: f64,
    /// The longest slice so far: the most a frame waited for trials.
    pub longest_slice_ms: f64,
    /// Slices and pieces run so far.
    pub slices: u64,
    pub pieces: u64,
    report: Rc<Report>,
    reported_at: f64,
}

impl Runner {
    pub fn new(run: Box<dyn Run>, now: f64) -> Runner {
        let report = Rc::new(run.report());
        Runner {
            run,
            state: State::Running,
            started_at: now,
            elapsed_ms: 0.0,
            longest_slice_ms: 0.0,
            slices: 0,
            pieces: 0,
            report,
            reported_at: now,
        }
    }

    pub fn progress(&self) -> Progress {
        self.run.progress()
    }

    /// Run pieces until `budget_ms` of `clock` has passed since the slice began (at least one
    /// piece), or the run ends. Returns the pieces run.
    pub fn slice(&mut self, budget_ms: f64, mut clock: impl FnMut() -> f64) -> u64 {
        if self.state != State::Running {
            return 0;
        }
        let began = clock();
        let mut ran = 0;
        let mut now = began;
        loop {
            match self.run.advance(PIECE_STEPS) {
                None => {
                    self.state = State::Done;
                    break;
                }
                Some(Err(e)) => {
                    self.state = State::Failed(e.to_string());
                    break;
                }
                Some(Ok(())) => ran += 1,
            }
            now = clock();
            if now - began >= budget_ms {
                break;
            }
        }
        // A run whose last trial just ran is done: say so now, not a frame later.
        if self.state == State::Running && self.progress().done == self.progress().total {
            self.state = State::Done;
        }
        self.slices += 1;
        self.pieces += ran;
        self.longest_slice_ms = self.longest_slice_ms.max(now - began);
        self.elapsed_ms = now - self.started_at;
        if self.state != State::Running || now - self.reported_at >= REPORT_EVERY_MS {
            self.report = Rc::new(self.run.report());
            self.reported_at = now;
        }
        ran
    }

    /// Stop, leaving the trial under way unfinished; the report keeps what the finished ones
    /// measured.
    pub fn cancel(&mut self) {
        if self.state == State::Running {
            self.state = State::Cancelled;
            self.report = Rc::new(self.run.report());
        }
    }

    /// The report as last made (see [`REPORT_EVERY_MS`]); final once the run has stopped.
    pub fn report(&self) -> Rc<Report> {
        Rc::clone(&self.report)
    }

    /// The time left at the pace so far, once a trial has run.
    pub fn time_left_ms(&self) -> Option<f64> {
        let Progress { done, total } = self.progress();
        (self.state == State::Running && done > 0)
            .then(|| self.elapsed_ms / done as f64 * (total - done) as f64)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use concord_lab::Params;

    use super::*;

    fn paxos(trials: usize) -> Box<dyn Run> {
        let params = Params::new().with("proposers", "1,2");
        concord_lab::find("paxos-duels")
            .unwrap()
            .start(&params, 1, trials)
            .unwrap()
    }

    /// A clock that moves `step` ms each time it is read.
    fn ticking(step: f64) -> impl FnMut() -> f64 {
        let t = Cell::new(0.0);
        move || {
            t.set(t.get() + step);
            t.get()
        }
    }

    #[test]
    fn a_slice_runs_pieces_until_its_budget_is_spent() {
        let mut runner = Runner::new(paxos(50), 0.0);
        // A Paxos trial is far shorter than a piece, so a piece is a trial here. Each "takes"
        // 4 ms: a 30 ms slice runs 8 (the clock is read once before).
        assert_eq!(runner.slice(30.0, ticking(4.0)), 8);
        assert_eq!(runner.progress().done, 8);
        assert_eq!(runner.state, State::Running);
        assert!(runner.time_left_ms().is_some());
        // A slice always runs at least one piece, however slow.
        assert_eq!(runner.slice(0.0, ticking(100.0)), 1);
        assert_eq!((runner.slices, runner.pieces), (2, 9));
    }

    /// A slice can be shorter than a trial: a 2,000-node gossip trial takes many pieces, and
    /// cancelling in the middle of one keeps only the trials that ended.
    #[test]
    fn a_trial_longer_than_a_piece_runs_over_several_slices() {
        let params = Params::new()
            .with("n", "2000")
            .with("modes", "pull")
            .with("fanout", "1");
        let run = concord_lab::find("gossip-spread")
            .unwrap()
            .start(&params, 1, 2)
            .unwrap();
        let mut runner = Runner::new(run, 0.0);
        let mut slices = 0;
        while runner.progress().done == 0 {
            assert_eq!(runner.slice(0.0, ticking(1.0)), 1);
            slices += 1;
        }
        assert!(slices > 10, "{slices} slices for the first trial");
        runner.slice(0.0, ticking(1.0));
        runner.cancel();
        assert_eq!(runner.state, State::Cancelled);
        assert_eq!(runner.progress().done, 1);
        assert_eq!(runner.report().done, 1);
    }

    #[test]
    fn the_last_slice_ends_the_run_with_the_whole_runs_report() {
        let mut runner = Runner::new(paxos(10), 0.0);
        let mut slices = 0;
        while runner.state == State::Running {
            runner.slice(30.0, ticking(1.0));
            slices += 1;
        }
        assert_eq!(runner.state, State::Done);
        assert!(slices <= 3, "{slices} slices");
        assert_eq!(runner.slices, slices);
        let whole = concord_lab::run(
            "paxos-duels",
            &Params::new().with("proposers", "1,2"),
            1,
            10,
        )
        .unwrap();
        assert_eq!(*runner.report(), whole);
        assert_eq!(runner.time_left_ms(), None);
        assert_eq!(runner.slice(30.0, ticking(1.0)), 0);
    }

    #[test]
    fn cancelling_keeps_the_trials_done_and_runs_no_more() {
        let mut runner = Runner::new(paxos(100), 0.0);
        runner.slice(10.0, ticking(1.0));
        runner.cancel();
        assert_eq!(runner.state, State::Cancelled);
        let report = runner.report();
        assert!(report.done > 0 && report.done < 100, "{}", report.done);
        assert_eq!(runner.slice(30.0, ticking(1.0)), 0);
        assert_eq!(runner.report().done, report.done);
    }
}

//! [`StepTimes`]: when each step of a run happened, in memory that does not grow with the run.
//!
//! A history used to keep the time of every step, 8 bytes a step: an hour of Gossip at 1,000
//! nodes probing with SWIM is 14 million steps, 115 MB, the largest thing a long session held.
//! So the times are kept as the reports are (see [`super::history`]): exactly for a window of
//! the latest steps ([`TIMES_KEPT`], and a quarter more before the oldest quarter is let go), and
//! before it only for every [`TIME_EVERY`]-th step. A step between two of those is found again
//! by replaying from the one before it; steps are in time order, so that one bounds it.

use super::time::Time;

/// Steps whose times are all kept: as many as the reports the history keeps, so that every
/// described step also has its time.
pub const TIMES_KEPT: usize = super::history::REPORTS_KEPT;

/// Before the window, the time of one step in this many is kept (8 bytes per 1,024 steps).
pub const TIME_EVERY: usize = 1024;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepTimes {
    /// The time of step `i * TIME_EVERY` (counting from 0) for every `i` up to the run's end.
    sparse: Vec<Time>,
    /// The times of steps `exact_from..`, all of them.
    exact: Vec<Time>,
    exact_from: usize,
}

impl StepTimes {
    /// How many steps the run has.
    pub fn len(&self) -> usize {
        self.exact_from + self.exact.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first step (counting from 0) whose time is kept exactly, with every one after it.
    pub fn exact_from(&self) -> usize {
        self.exact_from
    }

    /// When step `i` (counting from 0) happened, if that is kept.
    pub fn get(&self, i: usize) -> Option<Time> {
        match i.checked_sub(self.exact_from) {
            Some(k) => self.exact.get(k).copied(),
            None if i.is_multiple_of(TIME_EVERY) => self.sparse.get(i / TIME_EVERY).copied(),
            None => None,
        }
    }

    pub fn push(&mut self, time: Time) {
        if self.len().is_multiple_of(TIME_EVERY) {
            self.sparse.push(time);
        }
        self.exact.push(time);
        if self.exact.len() >= TIMES_KEPT + TIMES_KEPT / 4 {
            self.exact.drain(..TIMES_KEPT / 4);
            self.exact_from += TIMES_KEPT / 4;
        }
    }

    /// Keep the first `len` steps' times (those kept).
    pub fn truncate(&mut self, len: usize) {
        self.sparse.truncate(len.div_ceil(TIME_EVERY));
        match len.checked_sub(self.exact_from) {
            Some(kept) => self.exact.truncate(kept),
            None => {
                self.exact.clear();
                self.exact_from = len;
            }
        }
    }

    /// Among the first `end` steps, the number that happened at or before `time`, if the kept
    /// times say it exactly; otherwise `Err(from)`: the answer lies between `from` and
    /// `from + TIME_EVERY` (and at most `end`), and is found by stepping on from `from`.
    pub fn count_until(&self, end: usize, time: Time) -> Result<usize, usize> {
        let end = end.min(self.len());
        let exact = self
            .exact
            .get(..end.saturating_sub(self.exact_from))
            .unwrap_or_default();
        match exact.first() {
            Some(&first) if first <= time => {
                return Ok(self.exact_from + exact.partition_point(|&t| t <= time));
            }
            _ => {}
        }
        // Before the exact window (or the window is empty up to `end`): the sparse times.
        let sparse = self
            .sparse
            .get(..end.div_ceil(TIME_EVERY))
            .unwrap_or_default();
        match sparse.partition_point(|&t| t <= time) {
            0 => Ok(0),
            k => {
                let from = (k - 1) * TIME_EVERY + 1;
                if from >= end || from >= self.exact_from {
                    Ok(from.min(end))
                } else {
                    Err(from)
                }
            }
        }
    }

    /// Bytes held, for tests and the memory figures.
    pub fn heap_size(&self) -> usize {
        (self.sparse.capacity() + self.exact.capacity()) * std::mem::size_of::<Time>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times with repeats and gaps, as a run has them: step `i` at `i / 3 * 7`.
    fn run(n: usize) -> (StepTimes, Vec<Time>) {
        let all: Vec<Time> = (0..n as u64).map(|i| i / 3 * 7).collect();
        let mut times = StepTimes::default();
        for &t in &all {
            times.push(t);
        }
        (times, all)
    }

    #[test]
    fn the_window_is_exact_and_before_it_one_step_in_time_every() {
        let n = TIMES_KEPT * 2 + 123;
        let (times, all) = run(n);
        assert_eq!(times.len(), n);
        assert!(times.exact_from() > 0);
        for (i, &t) in all.iter().enumerate() {
            let kept = i >= times.exact_from() || i % TIME_EVERY == 0;
            assert_eq!(times.get(i), kept.then_some(t), "step {i}");
        }
        assert_eq!(times.get(n), None);
        // Bounded: the window and a quarter, and one time per TIME_EVERY steps before it.
        assert!(times.exact.len() < TIMES_KEPT + TIMES_KEPT / 4);
        assert_eq!(times.sparse.len(), n.div_ceil(TIME_EVERY));
    }

    #[test]
    fn counting_until_a_time_is_exact_or_names_the_stretch_to_step_through() {
        let n = TIMES_KEPT * 2 + 123;
        let (times, all) = run(n);
        for end in [0, 1, 5000, TIMES_KEPT, n - 1, n] {
            for time in (0..=(n as u64 / 3 * 7 + 8))
                .step_by(997)
                .chain([0, 6, 7, 13])
            {
                let truth = all[..end].partition_point(|&t| t <= time);
                match times.count_until(end, time) {
                    Ok(count) => assert_eq!(count, truth, "end {end}, time {time}"),
                    Err(from) => assert!(
                        from <= truth && truth <= (from + TIME_EVERY).min(end),
                        "end {end}, time {time}: {truth} outside {from} + {TIME_EVERY}"
                    ),
                }
            }
        }
    }

    #[test]
    fn truncating_keeps_what_was_kept_before_the_cut() {
        let n = TIMES_KEPT * 2;
        let (mut times, all) = run(n);
        // Into the window, then before it: what is left answers as it did.
        for len in [n - 10, times.exact_from() - 7, 3000, 0] {
            let before: Vec<_> = (0..len).map(|i| times.get(i)).collect();
            times.truncate(len);
            assert_eq!(times.len(), len);
            assert_eq!((0..len).map(|i| times.get(i)).collect::<Vec<_>>(), before);
        }
        // And it grows again from there.
        times.push(all[0]);
        assert_eq!(times.get(0), Some(all[0]));
    }
}

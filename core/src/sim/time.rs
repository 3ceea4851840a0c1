//! Virtual time. One unit everywhere: microseconds since the start of a run.

/// A point in virtual time, or a duration, in microseconds.
pub type Time = u64;

/// `n` milliseconds as [`Time`].
pub const fn ms(n: u64) -> Time {
    n * 1_000
}

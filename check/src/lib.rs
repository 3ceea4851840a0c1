//! Concord under random faults, on stable Rust: the fault schedules the property suites, the
//! soak and the fuzz targets share.
//!
//! - [`chaos`]: each protocol's seeded fault schedule.
//! - [`seeds`]: a check over many seeds on every core.
//! - [`soak`]: the safety properties over many seeded faulty runs (`cargo xtask soak`).
//! - [`fuzz`]: arbitrary sequences of interventions, generated and shrunk by proptest
//!   (`cargo xtask fuzz`); a short pass of each target is a test.

pub mod chaos;
pub mod fuzz;
pub mod seeds;
pub mod soak;

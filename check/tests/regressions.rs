//! Inputs the fuzz targets once failed on, kept as they were shrunk: each must now pass.

use concord_check::fuzz::raft::{Cmd, Raft, Setup};
use concord_check::fuzz::script::{Op, play};
use concord_core::raft::RaftConfig;
use concord_core::sim::ms;

/// A lone server with writes that take time leads term 1 and appends a request, crashes before
/// writing any of it, and leads term 1 again with another request at the same index. The
/// checker judged the logs in memory and saw the entry change; it now judges them on disk
/// (Figure 2; `raft_persistence.rs` has the rule test).
#[test]
fn raft_an_entry_lost_before_its_write_is_taken_again() {
    let setup = Setup {
        seed: 0,
        nodes: 1,
        config: RaftConfig {
            max_batch: 1,
            noop_on_election: false,
            persist_delay_min: ms(1),
            persist_delay_max: ms(8),
            ..RaftConfig::default()
        },
    };
    let write = Cmd::Write {
        client: 0,
        key: 0,
        op: 0,
        value: 0,
    };
    let script = [
        Op::Fire(108, 0),
        Op::Command(81, write.clone()),
        Op::Crash(54),
        Op::Restart(93),
        Op::Step(1),
        Op::Command(0, write),
    ];
    play::<Raft>(&setup, &script, None).unwrap();
}

//! Raft's timing and switches.

use serde::{Deserialize, Serialize};

use crate::sim::{Time, ms};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaftConfig {
    /// A follower's election timeout is drawn uniformly from this range each time it is reset
    /// (§5.2: "randomized election timeouts … chosen randomly from a fixed interval (e.g., 150–300ms)").
    pub election_timeout_min: Time,
    pub election_timeout_max: Time,
    /// How often an idle leader sends heartbeats (empty AppendEntries); must be well below the
    /// election timeout (§5.6: broadcastTime ≪ electionTimeout ≪ MTBF).
    pub heartbeat_interval: Time,
    /// Switches that disable a safety rule on purpose, to show what the rule prevents.
    #[serde(default)]
    pub breaks: Breaks,
}

/// "Break it" switches. Each one turns off one rule of the paper; the invariant
/// checker must then find a violation (each has a test proving it does).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Breaks {
    /// Grant every RequestVote of the current term, even after voting for someone else
    /// (breaks §5.2's one vote per term, and with it Election Safety).
    #[serde(default)]
    pub vote_twice: bool,
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            election_timeout_min: ms(150),
            election_timeout_max: ms(300),
            heartbeat_interval: ms(50),
            breaks: Breaks::default(),
        }
    }
}

impl RaftConfig {
    /// Why these settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<String> {
        if self.election_timeout_min == 0 || self.election_timeout_min > self.election_timeout_max {
            Some("the election timeout range must be non-empty and above zero".into())
        } else if self.heartbeat_interval == 0 {
            Some("the heartbeat interval must be above zero".into())
        } else {
            None
        }
    }
}

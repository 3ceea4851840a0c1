//! Everything that can change a simulation. A run is its configuration, its
//! seed and the list of inputs applied to it: replaying the list reproduces
//! the run exactly, which is what history and permalinks rest on.

use serde::{Deserialize, Serialize};

use super::engine::MsgId;
use super::network::NetConfig;
use super::protocol::{NodeId, Protocol};
use super::time::Time;

/// One step of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Input<P: Protocol> {
    /// Handle the earliest pending event (a delivery or a timer).
    Next,
    /// An intervention at virtual time `at`, which must lie between the current
    /// time and the next pending event.
    Act { at: Time, action: Action<P> },
}

/// An intervention by the user (or a scripted scenario).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Action<P: Protocol> {
    /// Ask a node to do something (client request, force a timeout …).
    Command(NodeId, P::Command),
    /// The node stops: it receives nothing and fires no timers.
    Crash(NodeId),
    /// The node comes back with only its persistent state.
    Restart(NodeId),
    /// Deliver a message in flight now, ahead of its time and of other events.
    Deliver(MsgId),
    /// Remove a message in flight.
    Drop(MsgId),
    /// Put a second copy of a message in flight, arriving with the original.
    Duplicate(MsgId),
    /// Make a message in flight arrive later by the given duration.
    Delay(MsgId, Time),
    /// Fire an armed timer now.
    Fire(NodeId, P::Timer),
    SetNetwork(NetConfig),
    /// Cut the link `from → to` (one way; cut both ways with two actions).
    Cut(NodeId, NodeId),
    Uncut(NodeId, NodeId),
    /// Split the cluster into the given groups (unlisted nodes form one more group).
    Partition(Vec<Vec<NodeId>>),
    /// Remove every cut and partition.
    Heal,
}

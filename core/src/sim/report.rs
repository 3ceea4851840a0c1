//! What one step did, as data. Everything the UI shows about a step — the
//! caption, the dots that appear and vanish, the marks on the timeline — comes
//! from a [`StepReport`] and the node states, never from re-implementing the
//! protocol.

use serde::{Deserialize, Serialize};

use super::engine::Envelope;
use super::input::Action;
use super::protocol::{NodeId, Protocol, Violation};
use super::time::Time;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct StepReport<P: Protocol> {
    /// 1-based number of this step in the run.
    pub step: u64,
    pub time: Time,
    pub event: Event<P>,
    /// The node the step happened to: whose handler ran, or who crashed or restarted.
    pub node: Option<NodeId>,
    /// Rules that fired while handling the event, in order.
    pub rules: Vec<P::Rule>,
    /// Messages put in flight by this step (including copies made by the network).
    pub sent: Vec<Envelope<P::Msg>>,
    /// Timers armed by this step: node, kind, firing time.
    pub armed: Vec<(NodeId, P::Timer, Time)>,
    /// The message a hand action took hold of (delivered, dropped, duplicated or delayed), as
    /// it was in flight: the action names only its id, and a caption names the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Envelope<P::Msg>>,
    /// Invariants found broken after this step.
    pub violations: Vec<Violation>,
}

impl<P: Protocol> StepReport<P> {
    /// The node the step happened to, if any.
    pub fn node(&self) -> Option<NodeId> {
        self.node
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Event<P: Protocol> {
    Delivered(Envelope<P::Msg>),
    /// A message reached the end of its flight but was not delivered.
    Dropped(Envelope<P::Msg>, DropReason),
    TimerFired(NodeId, P::Timer),
    Acted(Action<P>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropReason {
    /// The network lost it (loss probability).
    Lost,
    /// A cut link or a partition lay between sender and receiver on arrival.
    Disconnected,
    /// The receiver was crashed on arrival.
    ReceiverDown,
}

//! A run's inputs in compact form, for permalinks and export.
//!
//! Most inputs are plain steps (`Input::Next`); a tape keeps only the interventions, each
//! with the number of plain steps before it. Together with the configuration and the seed
//! (which the URL carries), a tape reproduces a run exactly, up to the step its author was
//! looking at.

use serde::{Deserialize, Serialize};

use super::input::{Action, Input};
use super::inputs::Inputs;
use super::protocol::Protocol;
use super::time::Time;

/// The longest run a tape may ask for: replaying must stay quick, and a link from outside
/// must not be able to hang the page.
pub const MAX_TAPE_STEPS: u64 = 1_000_000;

/// One intervention: `(plain steps before it, virtual time, action)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Mark<P: Protocol>(pub u64, pub Time, pub Action<P>);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Tape<P: Protocol> {
    pub marks: Vec<Mark<P>>,
    /// Plain steps after the last intervention.
    pub tail: u64,
    /// The step the viewer was looking at.
    pub position: u64,
}

impl<P: Protocol> Tape<P> {
    pub fn record(inputs: &Inputs<P>, position: usize) -> Self {
        let mut marks = Vec::new();
        // The index just past the last intervention seen.
        let mut after = 0;
        for (index, input) in inputs.interventions() {
            if let Input::Act { at, action } = input {
                marks.push(Mark((index - after) as u64, *at, action.clone()));
                after = index + 1;
            }
        }
        Tape {
            marks,
            tail: (inputs.len() - after) as u64,
            position: position as u64,
        }
    }

    /// Number of steps the tape describes.
    pub fn len(&self) -> u64 {
        self.marks
            .iter()
            .fold(self.tail, |n, m| n.saturating_add(m.0).saturating_add(1))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The inputs, in order.
    pub fn inputs(&self) -> impl Iterator<Item = Input<P>> + '_ {
        self.marks
            .iter()
            .flat_map(|Mark(plain, at, action)| {
                std::iter::repeat_n(Input::Next, *plain as usize).chain(std::iter::once(
                    Input::Act {
                        at: *at,
                        action: action.clone(),
                    },
                ))
            })
            .chain(std::iter::repeat_n(Input::Next, self.tail as usize))
    }
}

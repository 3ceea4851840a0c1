//! Panels of text that follow a playing run ten times a second instead of every frame.
//!
//! A playing run takes a few steps every frame, and a panel of words and numbers (Raft's logs,
//! the next events, Figure 2, the client's replies) rewritten sixty times a second cannot be read:
//! it only costs the frame its time (BENCHMARKS.md, "Browser"). While the run plays, such a panel
//! is drawn again every [`PACE_MS`] of wall time, one panel a frame, and left untouched in the
//! frames between, so the browser has nothing of it to restyle, lay out or paint. Paused,
//! stepped or sought, every panel shows the step on screen: a render of a run that is not
//! playing draws them all anew. Only what is shown waits; the run is the same whatever the pace.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

/// How often a playing run's paced panels are drawn again, in ms of wall time.
pub const PACE_MS: f64 = 100.0;

/// The panels a playground paces, each with a slot for its last drawing.
#[derive(Clone, Copy)]
pub enum PacedPanel {
    /// The protocol's state (Raft's log grid, Gossip's counts, Paxos' tables).
    State,
    /// What acts on the run (Raft's client).
    Side,
    /// Beside the drawing (Raft's Figure 2).
    Beside,
    /// The next events.
    Pending,
}

const PANELS: usize = 4;

/// A panel's last drawing with its wall time (ms), and whether the render now asked for it.
#[derive(Default)]
struct Slot {
    drawn: Option<(Html, f64)>,
    asked: bool,
}

/// What a render draws of the paced panels, and their last drawings.
pub struct Pace {
    active: bool,
    now: f64,
    /// Whether a panel was drawn anew in this render. While the run plays, one a frame at most:
    /// the panels take turns, so no frame pays for all of them.
    drew: Cell<bool>,
    slots: Rc<RefCell<[Slot; PANELS]>>,
}

/// The pace for this render: every panel drawn anew unless the run is `active` (playing or
/// fast-forwarding).
#[hook]
pub fn use_pace(active: bool) -> Pace {
    let slots = use_mut_ref(<[Slot; PANELS]>::default);
    // A panel the last render did not show (a tour step without it) starts afresh when it comes
    // back, rather than as it was then.
    for slot in slots.borrow_mut().iter_mut() {
        if !std::mem::take(&mut slot.asked) {
            slot.drawn = None;
        }
    }
    Pace {
        active,
        now: js_sys::Date::now(),
        drew: Cell::new(false),
        slots,
    }
}

impl Pace {
    /// The panel, drawn by `draw` when the run is not playing, when it was not shown in the last
    /// render, or when its drawing is [`PACE_MS`] old and no other panel was drawn in this render;
    /// else as last drawn: the same nodes again, which Yew compares and leaves alone.
    pub fn panel(&self, panel: PacedPanel, draw: &dyn Fn() -> Html) -> Html {
        let mut slots = self.slots.borrow_mut();
        let Some(slot) = slots.get_mut(panel as usize) else {
            return draw();
        };
        slot.asked = true;
        if let Some((html, at)) = &slot.drawn {
            let due = self.now - at >= PACE_MS && !self.drew.get();
            if self.active && !due {
                return html.clone();
            }
        }
        self.drew.set(true);
        let html = draw();
        slot.drawn = Some((html.clone(), self.now));
        html
    }
}

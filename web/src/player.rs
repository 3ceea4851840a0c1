//! Playback: a simulation's history plus the clock the view is drawn at, as one
//! reducer. The view time runs ahead of the simulation between events, so dots
//! glide along their links; each frame advances it by wall time × speed and
//! runs the engine up to it. Nothing is re-simulated from the start.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use concord_core::sim::{Action, History, Input, Protocol, Sim, Time};
use yew::Reducible;

/// Slowest and fastest speed, as powers of two of real time (1/1024× … 1×).
pub const SPEED_MIN_EXP: i32 = -10;
pub const SPEED_MAX_EXP: i32 = 0;
/// About one second of wall time per hop at the default 10–20 ms latency.
pub const SPEED_DEFAULT_EXP: i32 = -6;
/// A frame never advances more than this much wall time, so a tab that was in
/// the background does not run minutes of simulation in one go.
const MAX_FRAME_MS: f64 = 100.0;

pub struct PlayerState<P: Protocol> {
    pub history: History<P>,
    /// Virtual time the view shows, in µs; never behind the simulation's clock.
    pub view_time: f64,
    pub playing: bool,
    pub speed_exp: i32,
    /// The last intervention the engine refused, for the status line.
    pub error: Option<String>,
}

impl<P: Protocol> PlayerState<P> {
    pub fn sim(&self) -> &Sim<P> {
        self.history.current()
    }

    pub fn speed(&self) -> f64 {
        2f64.powi(self.speed_exp)
    }

    fn sync_view_to_sim(&mut self) {
        self.view_time = self.sim().now() as f64;
    }

    fn tick(&mut self, wall_ms: f64) {
        let dt = wall_ms.clamp(0.0, MAX_FRAME_MS) * 1_000.0 * self.speed();
        self.view_time += dt;
        let before = self.history.position();
        self.history.run_until(self.view_time as Time);
        let reached = &self.history.reports()[before..self.history.position()];
        if let Some(broke) = reached.iter().position(|r| !r.violations.is_empty()) {
            // Stop where the invariant broke, so the reader sees the step that broke it: one frame
            // may have run further, so go back to it (the later steps stay recorded).
            self.playing = false;
            self.history.seek(before + broke + 1);
            self.sync_view_to_sim();
        }
    }

    fn step(&mut self) {
        self.playing = false;
        match self.history.forward() {
            Ok(_) => self.error = None,
            Err(e) => self.error = Some(e.to_string()),
        }
        self.sync_view_to_sim();
    }

    fn back(&mut self) {
        self.playing = false;
        self.history.back();
        self.sync_view_to_sim();
    }

    fn act(&mut self, action: Action<P>) {
        // Everything due before the view time has run; the action happens at the view time.
        let next = self.sim().next_event_time().unwrap_or(Time::MAX);
        let at = (self.view_time as Time).clamp(self.sim().now(), next);
        match self.history.apply(Input::Act { at, action }) {
            Ok(_) => self.error = None,
            Err(e) => self.error = Some(e.to_string()),
        }
        self.view_time = self.view_time.max(self.sim().now() as f64);
    }
}

pub enum PlayerAction<P: Protocol> {
    /// A frame: this much wall time (ms) has passed.
    Tick(f64),
    TogglePlay,
    /// Play or pause; a stale click on a button that showed "pause" can only pause.
    SetPlaying(bool),
    Step,
    Back,
    SetSpeed(i32),
    Act(Action<P>),
    /// Start over from a new simulation.
    Load(Box<Sim<P>>),
}

/// The reducer's value. The history is large, so it lives behind a shared cell
/// and is changed in place; `rev` changes with every action so views re-render.
pub struct Player<P: Protocol> {
    state: Rc<RefCell<PlayerState<P>>>,
    rev: u64,
}

impl<P: Protocol> Player<P> {
    pub fn new(sim: Sim<P>, speed_exp: i32, playing: bool) -> Self {
        Player {
            state: Rc::new(RefCell::new(PlayerState {
                history: History::new(sim),
                view_time: 0.0,
                playing,
                speed_exp: speed_exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
                error: None,
            })),
            rev: 0,
        }
    }

    pub fn state(&self) -> Ref<'_, PlayerState<P>> {
        self.state.borrow()
    }
}

impl<P: Protocol> PartialEq for Player<P> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.state, &other.state) && self.rev == other.rev
    }
}

impl<P: Protocol + 'static> Reducible for Player<P> {
    type Action = PlayerAction<P>;

    fn reduce(self: Rc<Self>, action: PlayerAction<P>) -> Rc<Self> {
        let mut s = self.state.borrow_mut();
        match action {
            // Frames arrive only while playing; one that races a pause changes nothing.
            PlayerAction::Tick(_) if !s.playing => {
                drop(s);
                return self;
            }
            PlayerAction::Tick(wall_ms) => s.tick(wall_ms),
            PlayerAction::TogglePlay => {
                s.playing = !s.playing;
                s.error = None;
            }
            PlayerAction::SetPlaying(playing) => {
                s.playing = playing;
                s.error = None;
            }
            PlayerAction::Step => s.step(),
            PlayerAction::Back => s.back(),
            PlayerAction::SetSpeed(exp) => s.speed_exp = exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            PlayerAction::Act(action) => s.act(action),
            PlayerAction::Load(sim) => {
                return Rc::new(Player::new(*sim, s.speed_exp, false));
            }
        }
        drop(s);
        Rc::new(Player {
            state: Rc::clone(&self.state),
            rev: self.rev + 1,
        })
    }
}

/// `1/64×`, `1/2×`, `1×`.
pub fn speed_label(exp: i32) -> String {
    if exp >= 0 {
        format!("{}×", 1u64 << exp)
    } else {
        format!("1/{}×", 1u64 << -exp)
    }
}

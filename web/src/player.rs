//! Playback: a simulation's history plus the clock the view is drawn at, as one
//! reducer. The view time runs ahead of the simulation between events, so dots
//! glide along their links; each frame advances it by wall time × speed and
//! runs the engine up to it. Nothing is re-simulated from the start.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use concord_core::sim::{
    Action, Event, History, Input, LARGE_RUN_NODES, NodeId, Protocol, Sim, StepReport, Time,
};
use yew::Reducible;

use crate::run::{SPEED_MAX_EXP, SPEED_MIN_EXP};
use crate::trouble::Trouble;

/// A frame never advances more than this much wall time, so a tab that was in
/// the background does not run minutes of simulation in one go.
const MAX_FRAME_MS: f64 = 100.0;
/// A jump forward that describes every step (small clusters) gives up after this many steps,
/// so a goal that is never reached cannot freeze the page or fill its memory with reports.
pub const MAX_JUMP_STEPS: usize = 200_000;
/// A fast-forward runs across frames, about this much wall time (ms) of work per frame, so the
/// page keeps answering the reader.
const FAST_FORWARD_SLICE_MS: f64 = 100.0;
/// Within a slice, the clock is read after every this many steps (a few ms at 10,000 nodes).
const FAST_FORWARD_CHUNK: usize = 2_000;
/// While a fast-forward runs, the page is drawn again (with the step reached) only this often:
/// drawing a 10,000-node cluster costs more than a slice's worth of steps. The first slice, taken
/// at once when the jump is asked for, runs this long too: a jump that ends within it (10,000
/// nodes to convergence) is drawn once, when done.
const FAST_FORWARD_SHOW_MS: f64 = 1_000.0;
/// A fast-forward gives up after this many steps (ten times what 10,000 nodes take to spread
/// one update); each step still keeps its input and time.
pub const MAX_FAST_FORWARD_STEPS: usize = 5_000_000;

/// Ways to move through a run other than one event at a time.
pub enum Jump<P: Protocol> {
    /// By virtual time, in µs (negative: back).
    Time(i64),
    /// To the next (or, with `false`, previous) delivery of a message to a node.
    DeliveryTo(NodeId, bool),
    /// Forward until a condition on the cluster holds (a leader exists, a value is chosen …).
    Until(fn(&Sim<P>) -> bool),
    /// Back to the step at which a condition on the cluster last became true.
    SinceBack(fn(&Sim<P>) -> bool),
    /// Forward until an invariant breaks.
    Violation,
    /// To the next (or previous) step the timeline marks.
    Mark(fn(&StepReport<P>) -> bool, bool),
}

/// Where a fast-forward in progress is going.
#[derive(Clone, Copy)]
pub enum Target<P: Protocol> {
    /// Until a condition on the cluster holds.
    Until(fn(&Sim<P>) -> bool),
    /// To the state after this many steps.
    Step(usize),
}

/// A fast-forward in progress: where to, how many steps it has taken, and how much wall time
/// (ms) has passed since the page last showed it.
#[derive(Clone, Copy)]
pub struct FastForward<P: Protocol> {
    pub target: Target<P>,
    pub taken: usize,
    pub unshown_ms: f64,
}

pub struct PlayerState<P: Protocol> {
    pub history: History<P>,
    /// A far jump in a large cluster, run a slice per frame until done; any other action ends it.
    pub forwarding: Option<FastForward<P>>,
    /// Virtual time the view shows, in µs; never behind the simulation's clock.
    pub view_time: f64,
    pub playing: bool,
    pub speed_exp: i32,
    /// While no message is in flight the clock runs at real time at least, up to the next event
    /// (see [`tick`](Self::tick)): for protocols whose timers are long beside the network's
    /// latency.
    pub quiet_at_real_time: bool,
    /// What went wrong last (an intervention the engine refused, a jump that found nothing),
    /// for the status line.
    pub error: Option<Trouble>,
    /// Playing pauses once the run reaches this many steps (a tour step's end), once.
    pub stop_at: Option<usize>,
    /// How often the recorded steps were rewritten rather than extended: a fork (acting in the
    /// past), a branch switch, a new run. What a view derives from every step (the timeline)
    /// stays valid while this does, and only needs the steps added since.
    pub rewrites: u64,
}

impl<P: Protocol> PlayerState<P> {
    fn new(history: History<P>, speed_exp: i32, playing: bool) -> Self {
        PlayerState {
            view_time: history.current().now() as f64,
            history,
            forwarding: None,
            playing,
            speed_exp: speed_exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            quiet_at_real_time: false,
            error: None,
            stop_at: None,
            rewrites: 0,
        }
    }

    pub fn sim(&self) -> &Sim<P> {
        self.history.current()
    }

    /// Whether animation frames drive the run: it plays or fast-forwards.
    pub fn moving(&self) -> bool {
        self.playing || self.forwarding.is_some()
    }

    pub fn speed(&self) -> f64 {
        2f64.powi(self.speed_exp)
    }

    fn sync_view_to_sim(&mut self) {
        self.view_time = self.sim().now() as f64;
    }

    /// One frame of `wall_ms` while playing: the view's clock moves by wall time × speed and the
    /// run follows it. With `quiet_at_real_time`, a frame that starts with nothing on the wire
    /// moves at real time if that is faster (a gossip round's second of silence at 1/64× would
    /// take a minute), and stops at the next event, so what that event sends starts its flight
    /// on screen, at the chosen speed.
    fn tick(&mut self, wall_ms: f64) {
        let wall_us = wall_ms.clamp(0.0, MAX_FRAME_MS) * 1_000.0;
        let mut until = self.view_time + wall_us * self.speed();
        if self.quiet_at_real_time
            && self.sim().in_flight().next().is_none()
            && let Some(next) = self.history.next_time()
        {
            until = until.max((self.view_time + wall_us).min(next as f64));
        }
        self.view_time = until;
        let found = self.sim().violations().len();
        let before = self.history.position();
        self.history.run_until(self.view_time as Time);
        if let Some(stop) = self
            .stop_at
            .filter(|&stop| before < stop && self.history.position() >= stop)
        {
            // A guided step ends here: the frame may have run further, so go back to it (the
            // later steps stay recorded), and play on from there only if asked again.
            self.stop_at = None;
            self.playing = false;
            self.history.seek(stop);
            self.sync_view_to_sim();
        }
        if let Some(broke) = self.sim().violations().get(found) {
            // Stop where the invariant broke, so the reader sees the step that broke it: one frame
            // may have run further, so go back to it (the later steps stay recorded).
            let step = self.history.position_after(broke.step);
            self.playing = false;
            self.history.seek(step);
            self.sync_view_to_sim();
        }
    }

    /// Whether far jumps fast-forward in this run.
    fn fast(&self) -> bool {
        self.sim().nodes().len() >= LARGE_RUN_NODES
    }

    /// Start a fast-forward and take its first slice at once.
    fn fast_forward(&mut self, target: Target<P>) {
        self.forwarding = Some(FastForward {
            target,
            taken: 0,
            unshown_ms: 0.0,
        });
        self.forward_slice(FAST_FORWARD_SHOW_MS);
    }

    /// One slice of the fast-forward in progress, about `budget_ms` of work; ends it at its
    /// target, at an idle run, or at the step limit, describing the step it stops after.
    fn forward_slice(&mut self, budget_ms: f64) {
        let Some(mut ff) = self.forwarding.take() else {
            return;
        };
        let start = js_sys::Date::now();
        let result = loop {
            let chunk = FAST_FORWARD_CHUNK.min(MAX_FAST_FORWARD_STEPS - ff.taken);
            let h = &mut self.history;
            let before = h.position();
            let result = match ff.target {
                Target::Until(goal) => h.fast_forward_until(chunk, goal),
                Target::Step(step) => {
                    let more = step.saturating_sub(before).min(chunk);
                    h.fast_forward_until(more, |_| false)
                        .map(|_| h.position() >= step)
                }
            };
            ff.taken += h.position() - before;
            let spent = js_sys::Date::now() - start;
            if !matches!(result, Ok(false))
                || ff.taken >= MAX_FAST_FORWARD_STEPS
                || spent >= budget_ms
            {
                break result;
            }
        };
        let outcome = match result {
            Ok(false) if ff.taken < MAX_FAST_FORWARD_STEPS => {
                self.forwarding = Some(ff);
                None
            }
            Ok(true) => Some(None),
            Ok(false) => Some(Some(Trouble::NotAhead(MAX_FAST_FORWARD_STEPS))),
            Err(e) => Some(Some(Trouble::Refused(e))),
        };
        if let Some(error) = outcome {
            self.history.describe_current();
            self.error = error;
        }
        self.sync_view_to_sim();
    }

    fn step(&mut self) {
        self.playing = false;
        self.error = self.history.forward().err().map(Trouble::Refused);
        self.sync_view_to_sim();
    }

    fn back(&mut self) {
        self.playing = false;
        self.history.back();
        self.sync_view_to_sim();
    }

    fn jump(&mut self, jump: Jump<P>) {
        self.playing = false;
        let fast = self.fast();
        let back = matches!(
            jump,
            Jump::DeliveryTo(_, false) | Jump::SinceBack(_) | Jump::Mark(_, false)
        );
        let h = &mut self.history;
        let result = match jump {
            Jump::Time(dt) if dt >= 0 => {
                let target = self.view_time + dt as f64;
                h.run_until(target as Time);
                self.view_time = target;
                self.error = None;
                return;
            }
            Jump::Time(dt) => {
                let target = (self.view_time + dt as f64).max(0.0) as Time;
                h.seek_back_to_time(target);
                self.view_time = (target as f64).max(h.current().now() as f64);
                self.error = None;
                return;
            }
            Jump::DeliveryTo(node, true) => {
                h.forward_until(MAX_JUMP_STEPS, |r, _| delivered_to(r, node))
            }
            Jump::DeliveryTo(node, false) => Ok(h.back_until(|r| delivered_to(r, node))),
            Jump::Until(goal) if fast => {
                self.fast_forward(Target::Until(goal));
                return;
            }
            Jump::Until(goal) => h.forward_until(MAX_JUMP_STEPS, |_, sim| goal(sim)),
            Jump::SinceBack(goal) => Ok(back_to_onset(h, goal)),
            Jump::Violation => h.forward_until(MAX_JUMP_STEPS, |r, _| !r.violations.is_empty()),
            Jump::Mark(mark, true) => h.forward_until(MAX_JUMP_STEPS, |r, _| mark(r)),
            Jump::Mark(mark, false) => Ok(h.back_until(mark)),
        };
        self.error = match result {
            Ok(true) => None,
            Ok(false) if back => Some(Trouble::NotBefore),
            Ok(false) => Some(Trouble::NotAhead(MAX_JUMP_STEPS)),
            Err(e) => Some(Trouble::Refused(e)),
        };
        self.sync_view_to_sim();
    }

    /// Stand after step `target`: through the recorded run, then on through new steps if the
    /// target lies beyond it (at most [`MAX_JUMP_STEPS`] of them, or fast-forwarded in a large
    /// cluster).
    fn go_to(&mut self, target: usize) {
        self.playing = false;
        self.history.seek(target);
        if self.fast() && target > self.history.position() {
            self.fast_forward(Target::Step(target));
            return;
        }
        let more = target
            .saturating_sub(self.history.position())
            .min(MAX_JUMP_STEPS);
        self.error = self
            .history
            .forward_until(more, |_, _| false)
            .err()
            .map(Trouble::Refused);
        self.sync_view_to_sim();
    }

    fn act(&mut self, action: Action<P>) {
        // Everything due before the view time has run; the action happens at the view time.
        let next = self.sim().next_event_time().unwrap_or(Time::MAX);
        let at = (self.view_time as Time).clamp(self.sim().now(), next);
        if self.history.position() < self.history.len() {
            self.rewrites += 1;
        }
        self.error = self
            .history
            .apply(Input::Act { at, action })
            .err()
            .map(Trouble::Refused);
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
    Jump(Jump<P>),
    /// Go to the state after this many steps, taking new ones if the run is shorter.
    Seek(usize),
    /// Make a branch left behind by acting in the past the current run.
    SwitchBranch(usize),
    /// Start over from a new simulation.
    Load(Box<Sim<P>>),
    /// Something around the player failed (an export, an import): say so in the status line.
    Fail(Trouble),
}

/// The reducer's value. The history is large, so it lives behind a shared cell
/// and is changed in place; `rev` changes with every action so views re-render.
pub struct Player<P: Protocol> {
    state: Rc<RefCell<PlayerState<P>>>,
    rev: u64,
}

impl<P: Protocol> Player<P> {
    pub fn new(sim: Sim<P>, speed_exp: i32, playing: bool) -> Self {
        Player::from_history(History::new(sim), speed_exp, playing)
    }

    pub fn from_history(history: History<P>, speed_exp: i32, playing: bool) -> Self {
        Player {
            state: Rc::new(RefCell::new(PlayerState::new(history, speed_exp, playing))),
            rev: 0,
        }
    }

    /// The same player standing after step `step` (see `Seek`), still about to play if it was.
    pub fn at_step(self, step: usize) -> Self {
        {
            let mut s = self.state.borrow_mut();
            let playing = s.playing;
            s.go_to(step);
            // Opening a page is one action: a fast-forward it started finishes here.
            while s.forwarding.is_some() {
                s.forward_slice(FAST_FORWARD_SHOW_MS);
            }
            s.playing = playing;
        }
        self
    }

    /// The same player, pausing once the run reaches `stop` steps while playing.
    pub fn stopping_at(self, stop: Option<usize>) -> Self {
        self.state.borrow_mut().stop_at = stop;
        self
    }

    /// The same player, its clock running at real time at least while no message is in flight
    /// (see `PlayerState::tick`) if `on`.
    pub fn quiet_at_real_time(self, on: bool) -> Self {
        self.state.borrow_mut().quiet_at_real_time = on;
        self
    }

    /// A player that tells why it could not open what it was asked to.
    pub fn with_error(self, error: Trouble) -> Self {
        self.state.borrow_mut().error = Some(error);
        self
    }

    pub fn state(&self) -> Ref<'_, PlayerState<P>> {
        self.state.borrow()
    }

    /// The state itself, shared: it lives as long as the playground and every action changes
    /// it in place, so a reader outside the component (the JavaScript API) always sees the
    /// latest.
    pub fn shared(&self) -> Rc<RefCell<PlayerState<P>>> {
        Rc::clone(&self.state)
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
        // A fast-forward runs on frames until the reader does anything else.
        if !matches!(
            action,
            PlayerAction::Tick(_) | PlayerAction::SetSpeed(_) | PlayerAction::Fail(_)
        ) {
            s.forwarding = None;
        }
        match action {
            PlayerAction::Tick(wall_ms) if s.forwarding.is_some() => {
                s.forward_slice(FAST_FORWARD_SLICE_MS);
                if let Some(ff) = &mut s.forwarding {
                    ff.unshown_ms += wall_ms;
                    if ff.unshown_ms < FAST_FORWARD_SHOW_MS {
                        // Still going, and shown recently: the frames go on without a redraw.
                        drop(s);
                        return self;
                    }
                    ff.unshown_ms = 0.0;
                }
            }
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
            PlayerAction::Jump(jump) => s.jump(jump),
            PlayerAction::Seek(step) => s.go_to(step),
            PlayerAction::Fail(error) => s.error = Some(error),
            PlayerAction::SwitchBranch(i) => {
                s.playing = false;
                s.rewrites += 1;
                if let Err(e) = s.history.switch_branch(i) {
                    s.error = Some(Trouble::Refused(e));
                }
                s.sync_view_to_sim();
            }
            // In place, so whoever holds the shared state (an embed's API) sees the new run.
            PlayerAction::Load(sim) => {
                let (speed_exp, rewrites, quiet) =
                    (s.speed_exp, s.rewrites + 1, s.quiet_at_real_time);
                *s = PlayerState::new(History::new(*sim), speed_exp, false);
                s.rewrites = rewrites;
                s.quiet_at_real_time = quiet;
            }
        }
        drop(s);
        Rc::new(Player {
            state: Rc::clone(&self.state),
            rev: self.rev + 1,
        })
    }
}

/// How far back a search over states looks: each earlier state is rebuilt from a snapshot.
const MAX_STATES_BACK: usize = 20_000;

/// Go back to the latest earlier step after which `goal` held and before which it did not;
/// false (and no move) if there is none within reach.
fn back_to_onset<P: Protocol>(h: &mut History<P>, goal: fn(&Sim<P>) -> bool) -> bool {
    let start = h.position();
    let floor = start.saturating_sub(MAX_STATES_BACK);
    let mut later = None;
    for p in (floor..start).rev() {
        h.seek(p);
        let holds = goal(h.current());
        if later == Some(true) && !holds {
            h.seek(p + 1);
            return true;
        }
        later = Some(holds);
    }
    // It held from the very start: its onset is step 0.
    if floor == 0 && later == Some(true) {
        return true;
    }
    h.seek(start);
    false
}

fn delivered_to<P: Protocol>(report: &StepReport<P>, node: NodeId) -> bool {
    match &report.event {
        Event::Delivered(env) => env.to == node,
        Event::Acted(Action::Deliver(_)) => report.node() == Some(node),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use concord_core::gossip::GossipNode;

    use super::*;
    use crate::playground::ProtocolView;
    use crate::run::{Options, RunConfig};

    /// The Gossip page's default run (16 nodes, S1 writes at the start), at 1/64×.
    fn gossip(quiet_at_real_time: bool) -> PlayerState<GossipNode> {
        let run = RunConfig {
            seed: 1,
            nodes: 16,
            options: Options::new(Vec::new()),
        };
        let mut state = PlayerState::new(History::new(GossipNode::new_sim(&run)), -6, true);
        state.quiet_at_real_time = quiet_at_real_time;
        state
    }

    /// 60 frames a second, until a message is in flight or `frames` have passed; how many it took.
    fn frames_until_a_message_flies(state: &mut PlayerState<GossipNode>, frames: usize) -> usize {
        (1..=frames)
            .find(|_| {
                state.tick(1_000.0 / 60.0);
                state.sim().in_flight().next().is_some()
            })
            .unwrap_or(frames)
    }

    /// Before the first round nothing is on the wire: at 1/64× its ~1 s takes over a minute, with
    /// the quiet run at real time about a second; the frame that reaches it stops at its time.
    /// Once messages fly, the clock keeps the chosen speed.
    #[test]
    fn quiet_time_passes_at_real_time_and_flights_at_the_chosen_speed() {
        let mut slow = gossip(false);
        assert_eq!(frames_until_a_message_flies(&mut slow, 600), 600);

        let mut quiet = gossip(true);
        let frames = frames_until_a_message_flies(&mut quiet, 600);
        let round = quiet.sim().now() as f64;
        assert!(
            frames < 90,
            "{frames} frames to the first round at {round} µs"
        );
        assert_eq!(quiet.view_time, round, "the frame stops at the round");

        let before = quiet.view_time;
        quiet.tick(1_000.0 / 60.0);
        assert!(quiet.sim().in_flight().next().is_some());
        let moved = quiet.view_time - before;
        assert!(
            (moved - 1_000.0 / 60.0 * 1_000.0 / 64.0).abs() < 1e-6,
            "moved {moved} µs with a message in flight"
        );
    }
}

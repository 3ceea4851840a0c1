//! How a playground talks to the page around it: commands in (a widget's JavaScript API, an
//! iframe's `postMessage`), events out (to subscribers). Each embed owns one [`Bridge`]; the
//! playground it shows attaches to it with [`use_bridge`]. Events are JSON objects, so both the
//! API and `postMessage` hand them on unchanged.

use std::cell::RefCell;
use std::rc::Rc;

use concord_core::sim::{NodeId, StepReport};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use yew::prelude::*;

use super::{ProtocolView, RunConfig};
use crate::i18n::Lang;
use crate::player::{Player, PlayerAction, PlayerState};
use crate::view::caption;

/// What the page can ask of an embed: `{ "concord": "step" }`, `{ "concord": "seek", "step": 12 }`,
/// `{ "concord": "load", "options": { "seed": 9 } }`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "concord", rename_all = "kebab-case")]
pub enum Command {
    Play,
    Pause,
    Step,
    Back,
    /// Start the run over.
    Reset,
    /// Stand after this many steps, taking new ones if the run is shorter.
    Seek {
        step: usize,
    },
    /// Open another scenario, named by the parameters of the URL or of a widget's `data-*`.
    Load {
        options: Map<String, Value>,
    },
    /// A tour's next step.
    TourNext,
    /// A tour's previous step.
    TourBack,
    /// A tour's step `step` (1-based, across the tour).
    TourGoto {
        step: usize,
    },
    /// Answer with a `state` event (`postMessage` has no return value).
    State,
}

impl Command {
    /// Whether the embed around the playground answers it, rather than the playground.
    fn for_shell(&self) -> bool {
        match self {
            Command::Load { .. }
            | Command::TourNext
            | Command::TourBack
            | Command::TourGoto { .. } => true,
            Command::Play
            | Command::Pause
            | Command::Step
            | Command::Back
            | Command::Reset
            | Command::Seek { .. }
            | Command::State => false,
        }
    }
}

type Listener = Rc<dyn Fn(&Value)>;

/// The playground attached to a bridge.
struct Attached {
    token: u32,
    commands: Callback<Command>,
    state: Rc<dyn Fn() -> Value>,
    /// The run as a permalink fragment (`#tape=…`), standing where the reader stands.
    fragment: Rc<dyn Fn() -> String>,
}

#[derive(Default)]
struct Links {
    /// The embed around the playground: it takes `load` and a tour's commands, and says whether
    /// the command replaces the playground.
    shell: Option<Callback<Command, bool>>,
    playground: Option<Attached>,
    /// Commands that came before anyone was there to take them (a page that mounts and steps
    /// at once), in order.
    queued: Vec<Command>,
    listeners: Vec<(u32, Listener)>,
    next_id: u32,
}

/// One embed's link to its page. Cloning shares it.
#[derive(Clone, Default)]
pub struct Bridge(Rc<RefCell<Links>>);

impl PartialEq for Bridge {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Bridge {
    pub fn send(&self, command: Command) {
        if command == Command::State {
            self.emit(&event("state", self.state()));
            return;
        }
        self.0.borrow_mut().queued.push(command);
        self.drain();
    }

    /// The state of the run on screen: `{ algo, step, steps, time, playing, caption, … }`.
    pub fn state(&self) -> Map<String, Value> {
        let reader = self.0.borrow().playground.as_ref().map(|a| a.state.clone());
        match reader.map(|read| read()) {
            Some(Value::Object(state)) => state,
            _ => Map::new(),
        }
    }

    /// The run on screen as a permalink fragment (`#tape=…`), if a playground is attached.
    pub fn fragment(&self) -> Option<String> {
        let reader = self
            .0
            .borrow()
            .playground
            .as_ref()
            .map(|a| a.fragment.clone());
        reader.map(|read| read())
    }

    /// Calls `listener` with every event from now on; the id unsubscribes it.
    pub fn subscribe(&self, listener: Listener) -> u32 {
        let mut links = self.0.borrow_mut();
        links.next_id += 1;
        let id = links.next_id;
        links.listeners.push((id, listener));
        id
    }

    pub fn unsubscribe(&self, id: u32) {
        self.0.borrow_mut().listeners.retain(|(i, _)| *i != id);
    }

    fn listening(&self) -> bool {
        !self.0.borrow().listeners.is_empty()
    }

    /// Tell every subscriber `{ type: kind, …fields }`.
    pub fn announce(&self, kind: &str, fields: Map<String, Value>) {
        self.emit(&event(kind, fields));
    }

    fn emit(&self, event: &Value) {
        // Listeners may call back into the bridge (step on every event): no borrow held.
        let listeners: Vec<Listener> = self
            .0
            .borrow()
            .listeners
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        for listener in listeners {
            listener(event);
        }
    }

    /// The embed takes `load` and tour commands (None: it is gone).
    pub fn set_shell(&self, shell: Option<Callback<Command, bool>>) {
        self.0.borrow_mut().shell = shell;
        self.drain();
    }

    fn attach(
        &self,
        commands: Callback<Command>,
        state: Rc<dyn Fn() -> Value>,
        fragment: Rc<dyn Fn() -> String>,
    ) -> u32 {
        {
            let mut links = self.0.borrow_mut();
            links.next_id += 1;
            let token = links.next_id;
            links.playground = Some(Attached {
                token,
                commands,
                state,
                fragment,
            });
        }
        self.drain();
        self.0.borrow().next_id
    }

    /// A playground leaving; a newer one may already have taken its place.
    fn detach(&self, token: u32) {
        let mut links = self.0.borrow_mut();
        if links.playground.as_ref().is_some_and(|a| a.token == token) {
            links.playground = None;
        }
    }

    /// Delivers queued commands in order, as long as their recipient is there.
    fn drain(&self) {
        loop {
            let (shell, playground, command) = {
                let mut links = self.0.borrow_mut();
                let Some(command) = links.queued.first() else {
                    return;
                };
                let (shell, playground) = match command.for_shell() {
                    true => (links.shell.clone(), None),
                    false => (None, links.playground.as_ref().map(|a| a.commands.clone())),
                };
                if shell.is_none() && playground.is_none() {
                    return;
                }
                (shell, playground, links.queued.remove(0))
            };
            // Emitted without a borrow: the recipient may send more.
            if let Some(playground) = playground {
                playground.emit(command);
            } else if let Some(shell) = shell
                && shell.emit(command)
            {
                // The playground on screen is on its way out: what follows waits for the new one.
                self.0.borrow_mut().playground = None;
            }
        }
    }
}

/// `{ type, …fields }`.
fn event(kind: &str, fields: Map<String, Value>) -> Value {
    let mut event = Map::new();
    event.insert("type".into(), kind.into());
    event.extend(fields);
    Value::Object(event)
}

fn ms(time: u64) -> Value {
    json!(time as f64 / 1000.0)
}

fn state_of<P: ProtocolView>(s: &PlayerState<P>, run: &RunConfig, lang: Lang) -> Value {
    let history = &s.history;
    let caption = match history.last_report() {
        Some(report) => caption::caption(lang, report),
        None => P::start_caption(lang, history.current()),
    };
    json!({
        "algo": P::ALGO,
        "seed": run.seed,
        "nodes": run.nodes,
        "step": history.position(),
        "steps": history.len(),
        "time": ms(s.sim().now()),
        "playing": s.playing,
        "caption": caption,
    })
}

/// What step `step` (1-based) reached that is worth an event of its own.
fn reached<P: ProtocolView>(step: usize, report: &StepReport<P>) -> Vec<Value> {
    let at = |mut fields: Map<String, Value>| {
        fields.insert("step".into(), step.into());
        fields.insert("time".into(), ms(report.time));
        fields
    };
    let node = |id: NodeId| Value::from(id.to_string());
    let milestone = P::milestone(report).map(|m| {
        let mut fields = m.details;
        if let Some(id) = m.node {
            fields.insert("node".into(), node(id));
        }
        event(m.kind, at(fields))
    });
    let violations = report.violations.iter().map(|v| {
        let nodes = v.nodes.iter().map(|&id| node(id)).collect::<Vec<_>>();
        let fields = Map::from_iter([
            ("invariant".to_owned(), json!(v.invariant)),
            ("detail".to_owned(), json!(v.detail)),
            ("nodes".to_owned(), Value::Array(nodes)),
        ]);
        event("violation", at(fields))
    });
    milestone.into_iter().chain(violations).collect()
}

/// Attaches a playground to its embed's bridge: commands become player actions, and after each
/// render the bridge's subscribers hear what changed: `ready` once, then `step` when the
/// position moved, `play` / `pause`, and each milestone and violation the run reached.
#[hook]
pub fn use_bridge<P: ProtocolView>(
    bridge: Option<Bridge>,
    player: &UseReducerHandle<Player<P>>,
    run: RunConfig,
    lang: Lang,
) {
    let seen = use_mut_ref(|| None::<(usize, bool)>);
    // Announcing comes first: on the first render it says `ready` before the commands queued
    // while the playground was mounting take effect, so their events follow it.
    {
        let (bridge, run) = (bridge.clone(), run.clone());
        use_effect_with(player.clone(), move |player| {
            let Some(bridge) = bridge else { return };
            let s = player.state();
            let now = (s.history.position(), s.playing);
            let before = seen.replace(Some(now));
            if !bridge.listening() || before == Some(now) {
                return;
            }
            let state = || match state_of(&s, &run, lang) {
                Value::Object(state) => state,
                _ => Map::new(),
            };
            let mut events = Vec::new();
            match before {
                None => events.push(event("ready", state())),
                Some((position, playing)) => {
                    // Steps a fast-forward took are not described: they raise no events.
                    let described = now.0.min(s.history.described());
                    if described > position {
                        let reports = s
                            .history
                            .reports()
                            .get(position..described)
                            .unwrap_or_default();
                        for (i, report) in reports.iter().enumerate() {
                            events.extend(reached(position + i + 1, report));
                        }
                    }
                    if now.0 != position {
                        events.push(event("step", state()));
                    }
                    if now.1 != playing {
                        events.push(event(if now.1 { "play" } else { "pause" }, state()));
                    }
                }
            }
            drop(s);
            for event in &events {
                bridge.emit(event);
            }
        });
    }
    {
        let player = player.clone();
        use_effect_with(bridge.clone(), move |bridge| {
            let attached = bridge.as_ref().map(|bridge| {
                let send = player.dispatcher();
                let for_reset = run.clone();
                let commands = Callback::from(move |command| {
                    send.dispatch(match command {
                        Command::Play => PlayerAction::SetPlaying(true),
                        Command::Pause => PlayerAction::SetPlaying(false),
                        Command::Step => PlayerAction::Step,
                        Command::Back => PlayerAction::Back,
                        Command::Reset => PlayerAction::Load(Box::new(P::new_sim(&for_reset))),
                        Command::Seek { step } => PlayerAction::Seek(step),
                        // The bridge and the embed answer these themselves.
                        Command::Load { .. }
                        | Command::TourNext
                        | Command::TourBack
                        | Command::TourGoto { .. }
                        | Command::State => return,
                    })
                });
                let shared = player.shared();
                let for_fragment = shared.clone();
                let state = Rc::new(move || state_of(&shared.borrow(), &run, lang));
                let fragment =
                    Rc::new(move || super::permalink::fragment(&for_fragment.borrow().history));
                (bridge.clone(), bridge.attach(commands, state, fragment))
            });
            move || {
                if let Some((bridge, token)) = attached {
                    bridge.detach(token);
                }
            }
        });
    }
}

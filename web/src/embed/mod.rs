//! Embeds: the playground inside another page, compact (the view, the caption, a control bar).
//! Two hosts, one component, [`Embed`]:
//!
//! - [`frame`]: an iframe opening the app with `?embed=1`, commanded over `postMessage`;
//! - [`widget`]: an element of the host page (`<div data-concord="raft">`), mounted by the
//!   loader script into its own shadow root, with a JavaScript API.
//!
//! Both take the URL's parameters (a widget as `data-*` attributes) and own their simulation:
//! any number can share a page.

pub mod frame;
pub mod widget;

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{Map, Value};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::input::{self, Problem};
use crate::playground::{Bridge, Command, Compact, PlaygroundProps};
use crate::registry::{self, TourAt, TourMount};
use crate::url::UrlState;
use crate::view::controls::ControlSet;
use crate::view::notice::Problems;

/// An embed's parameters by name, as the URL or a widget's attributes give them.
pub type Params = BTreeMap<String, String>;

/// Parameters a `load` keeps unless it names them: how the embed looks, not what it runs.
const PRESENTATION: [&str; 5] = ["lang", "controls", "speed", "origin", "playground"];

/// Parameters from an iframe's address, the first of a repeated key winning as it does on the
/// full page ([`UrlState::from_params`]), and a [`Problem`] for each key given more than once:
/// [`Params`] holds one value a key, so the page could not tell them later.
pub fn params(pairs: &[(String, String)]) -> (Params, Vec<Problem>) {
    let mut params = Params::new();
    for (key, value) in pairs {
        params.entry(key.clone()).or_insert_with(|| value.clone());
    }
    (params, input::repeated(pairs))
}

/// Parameters from a JavaScript object (`{ seed: 7, autoplay: true }`): numbers and flags as
/// the URL would spell them.
pub fn params_from_json(options: Map<String, Value>) -> Params {
    options
        .into_iter()
        .filter_map(|(key, value)| {
            let value = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if b { "1" } else { "0" }.to_owned(),
                _ => return None,
            };
            Some((key, value))
        })
        .collect()
}

/// Where an embed lives; the class of its root says so to the stylesheet.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Host {
    /// It is the whole document of an iframe: it fills the window.
    Frame,
    /// It sits in an element of a page: the element's size, or a default aspect.
    Widget,
}

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub params: Rc<Params>,
    /// What `params` cannot show of the address it came from (keys given more than once): told
    /// with the scenario it opens, until a `load` replaces it.
    #[prop_or_default]
    pub problems: Vec<Problem>,
    /// A permalink's fragment (`#tape=…`), for an iframe whose address has one.
    #[prop_or_default]
    pub fragment: Option<String>,
    pub bridge: Bridge,
    /// The full playground's address without a query, for "open in full playground"; no link
    /// when absent.
    #[prop_or_default]
    pub full_page: Option<AttrValue>,
    pub host: Host,
}

/// The scenario on screen. `generation` counts loads: each one mounts a fresh playground.
#[derive(PartialEq)]
struct Scenario {
    params: Rc<Params>,
    fragment: Option<String>,
    generation: u32,
}

enum ScenarioAction {
    Load(Params),
    Speed(i32),
    /// A tour embed moves to this step (0-based, across the tour).
    TourStep(usize),
}

impl Scenario {
    /// A seed drawn now if the parameters name none, so that every render, "reset" and the
    /// full-page link agree on it.
    fn new(mut params: Params, fragment: Option<String>, generation: u32) -> Scenario {
        params
            .entry("seed".into())
            .or_insert_with(|| crate::run::random_seed().to_string());
        Scenario {
            params: Rc::new(params),
            fragment,
            generation,
        }
    }
}

impl Scenario {
    /// The same scenario with one parameter changed (how it is shown, not what it runs).
    fn with(&self, key: &str, value: String) -> Scenario {
        let mut params = (*self.params).clone();
        params.insert(key.into(), value);
        Scenario {
            params: Rc::new(params),
            fragment: self.fragment.clone(),
            generation: self.generation,
        }
    }
}

impl Reducible for Scenario {
    type Action = ScenarioAction;

    fn reduce(self: Rc<Self>, action: ScenarioAction) -> Rc<Self> {
        Rc::new(match action {
            ScenarioAction::Load(mut params) => {
                for key in PRESENTATION {
                    if let Some(kept) = self.params.get(key).filter(|_| !params.contains_key(key)) {
                        params.insert(key.into(), kept.clone());
                    }
                }
                Scenario::new(params, None, self.generation + 1)
            }
            ScenarioAction::Speed(exp) => self.with("speed", exp.to_string()),
            ScenarioAction::TourStep(step) => self.with("step", (step + 1).to_string()),
        })
    }
}

#[component]
pub fn Embed(props: &EmbedProps) -> Html {
    let scenario =
        use_reducer(|| Scenario::new((*props.params).clone(), props.fragment.clone(), 0));
    // Where a tour embed stands, for the commands that move it.
    let tour_at = use_mut_ref(|| None::<TourAt>);
    {
        // `load` replaces the scenario; a tour's commands move its step.
        let (send, tour_at) = (scenario.dispatcher(), tour_at.clone());
        use_effect_with(props.bridge.clone(), move |bridge| {
            bridge.set_shell(Some(Callback::from(move |command| match command {
                Command::Load { options } => {
                    send.dispatch(ScenarioAction::Load(params_from_json(options)));
                    true
                }
                Command::TourNext | Command::TourBack | Command::TourGoto { .. } => {
                    let Some(at) = *tour_at.borrow() else {
                        return false;
                    };
                    let to = match command {
                        Command::TourNext => at.step + 1,
                        Command::TourBack => at.step.saturating_sub(1),
                        Command::TourGoto { step } => step.saturating_sub(1),
                        _ => at.step,
                    }
                    .clamp(at.first, at.last);
                    if to != at.step {
                        send.dispatch(ScenarioAction::TourStep(to));
                    }
                    to != at.step
                }
                _ => false,
            })));
            let bridge = bridge.clone();
            move || bridge.set_shell(None)
        });
    }
    let pairs: Vec<(String, String)> = scenario
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut url = UrlState::from_params(&pairs, scenario.fragment.clone());
    if scenario.generation == 0 {
        url.problems.splice(..0, props.problems.iter().cloned());
    }
    let full = props
        .full_page
        .as_ref()
        .map(|page| format!("{page}{}", url.query()))
        .unwrap_or_default();
    let run = url.run();
    let playground = PlaygroundProps {
        lang: url.lang,
        run,
        speed_exp: url.speed_exp,
        autoplay: url.autoplay,
        tape: url.tape.clone().map(AttrValue::from),
        // Seed and size are the embed author's, not the reader's: the compact bar has no
        // controls for them.
        on_run: Callback::noop(),
        on_speed: scenario
            .dispatcher()
            .to_callback()
            .reform(ScenarioAction::Speed),
        start_step: url.step,
        compact: Some(Compact {
            controls: match props.full_page {
                Some(_) => url.controls,
                None => url.controls.without(ControlSet::LINK),
            },
            full: full.into(),
        }),
        guided: None,
        bridge: Some(props.bridge.clone()),
    };
    // An iframe's document is the playground alone: it is the page's main landmark. A widget
    // sits in someone else's page, which has its own.
    let (host, tag) = match props.host {
        Host::Frame => ("frame", "main"),
        Host::Widget => ("widget", "div"),
    };
    let (view, at) = match &url.tour {
        Some(name) => {
            let mount = TourMount {
                lang: url.lang,
                chapter: url.chapter.clone(),
                step: url.step,
                only_chapter: true,
                on_step: scenario
                    .dispatcher()
                    .to_callback()
                    .reform(ScenarioAction::TourStep),
                embedded: true,
                bridge: Some(props.bridge.clone()),
            };
            registry::mount_tour(name, mount)
        }
        None => (
            registry::mount(&url.algo, scenario.generation.to_string(), playground),
            None,
        ),
    };
    *tour_at.borrow_mut() = at;
    {
        // Every step the tour shows is announced: `{ type: "tour-step", tour, step, first, last }`.
        let (bridge, tour) = (props.bridge.clone(), url.tour.clone());
        use_effect_with((tour, at, scenario.generation), move |(tour, at, _)| {
            if let (Some(tour), Some(at)) = (tour, at) {
                let fields = serde_json::json!({
                    "tour": tour,
                    "step": at.step + 1,
                    "first": at.first + 1,
                    "last": at.last + 1,
                });
                if let Value::Object(fields) = fields {
                    bridge.announce("tour-step", fields);
                }
            }
        });
    }
    html! {
        <@{tag} class={classes!("concord", "embed", host, url.tour.is_some().then_some("touring"))}
            lang={if url.lang == Lang::Zh { "zh-CN" } else { "en" }}>
            <Problems problems={url.problems.clone()} lang={url.lang} />
            { view }
        </@>
    }
}

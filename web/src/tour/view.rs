//! A tour on screen: the card that tells the story (caption, question, Back / Continue, the list
//! of steps, progress) beside a guided playground running the step's exact state. The shell owns
//! which step is shown (it is in the URL); each step mounts a fresh playground from its tape.

use std::ops::RangeInclusive;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use super::TourFile;
use super::plan::{Right, StepPlan, TourProtocol, plan};
use super::script::{Answer, Condition, Panel, Predict, Step, Tour};
use crate::i18n::{Lang, say};
use crate::playground::{Bridge, Command, Guided, Panels, Playground};

#[derive(Properties, PartialEq)]
pub struct TourProps {
    pub file: &'static TourFile,
    pub tour: Rc<Tour>,
    pub lang: Lang,
    /// The step shown (0-based, across chapters), within `range`.
    pub step: usize,
    /// The steps the reader may move between (an embed of one chapter has its steps only).
    pub range: RangeInclusive<usize>,
    /// The reader moves to another step.
    pub on_step: Callback<usize>,
    /// The tour sits in another page: no step list.
    #[prop_or_default]
    pub embedded: bool,
    /// An embed's link to its page: the playground of each step attaches to it.
    #[prop_or_default]
    pub bridge: Option<Bridge>,
}

/// A planned tour, compared by identity (planning is done once per tour and page).
struct Planned<P: TourProtocol>(Rc<Vec<StepPlan<P>>>);

impl<P: TourProtocol> PartialEq for Planned<P> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<P: TourProtocol> Clone for Planned<P> {
    fn clone(&self) -> Self {
        Planned(self.0.clone())
    }
}

/// A tour of protocol `P`.
#[component]
pub fn TourView<P: TourProtocol>(props: &TourProps) -> Html {
    let planned = {
        let (file, tour) = (props.file.file, props.tour.clone());
        use_memo(file, move |file| plan::<P>(file, &tour).map(Rc::new))
    };
    let steps = match &*planned {
        Ok(steps) => Planned(steps.clone()),
        Err(e) => {
            return html! {
                <div class="notice" role="alert" data-tour-error="">{ e.to_string() }</div>
            };
        }
    };
    let (first, last) = (*props.range.start(), *props.range.end());
    let step = props.step.clamp(first, last);
    html! {
        <TourStep<P> key={step} tour={props.tour.clone()} name={props.file.name} {steps} {step}
            {first} {last} lang={props.lang} on_step={props.on_step.clone()}
            embedded={props.embedded} bridge={props.bridge.clone()} />
    }
}

#[derive(Properties)]
struct TourStepProps<P: TourProtocol> {
    tour: Rc<Tour>,
    name: &'static str,
    steps: Planned<P>,
    step: usize,
    /// The steps the reader may move between.
    first: usize,
    last: usize,
    lang: Lang,
    on_step: Callback<usize>,
    embedded: bool,
    bridge: Option<Bridge>,
}

impl<P: TourProtocol> PartialEq for TourStepProps<P> {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.tour, &o.tour)
            && self.steps == o.steps
            && (self.step, self.first, self.last) == (o.step, o.first, o.last)
            && self.lang == o.lang
            && self.on_step == o.on_step
            && self.embedded == o.embedded
            && self.bridge == o.bridge
    }
}

/// The reader's answer to a step's question.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Guess {
    Node(usize),
    Choice(usize),
}

impl Guess {
    fn is(self, right: Right) -> bool {
        match (self, right) {
            (Guess::Node(a), Right::Node(b)) | (Guess::Choice(a), Right::Choice(b)) => a == b,
            _ => false,
        }
    }
}

/// One step: its card and its playground, fresh for every step (the tour keys it by the step).
#[component]
fn TourStep<P: TourProtocol>(p: &TourStepProps<P>) -> Html {
    let lang = p.lang;
    let (Some(plan), Some((chapter, step))) = (p.steps.0.get(p.step), p.tour.steps().nth(p.step))
    else {
        return Html::default();
    };
    // The embed's bridge if there is one, so its page commands each step's playground.
    let bridge = use_memo(p.bridge.clone(), |bridge| {
        bridge.clone().unwrap_or_default()
    });
    let guess = use_state(|| None::<Guess>);
    let reached = use_state(|| plan.start == plan.end);
    let speed = use_state(|| plan.speed);
    {
        // The step is over once its run reaches the planned end.
        let (reached, end) = (reached.clone(), plan.end);
        use_effect_with((*bridge).clone(), move |bridge| {
            let id = bridge.subscribe(Rc::new(move |event: &Value| {
                let at = event.get("step").and_then(Value::as_u64).unwrap_or(0);
                if at as usize >= end {
                    reached.set(true);
                }
            }));
            let bridge = bridge.clone();
            move || bridge.unsubscribe(id)
        });
    }
    let asking = step.predict.is_some() && guess.is_none();
    let answer = {
        let (guess, bridge) = (guess.clone(), (*bridge).clone());
        Callback::from(move |g: Guess| {
            if guess.is_none() {
                guess.set(Some(g));
                // The simulation answers the question: it plays to the step's end.
                bridge.send(Command::Play);
            }
        })
    };
    let on_pick = match &step.predict {
        Some(predict) if asking && matches!(predict.answer, Answer::Node(_)) => {
            Some(answer.reform(Guess::Node))
        }
        _ => None,
    };
    let go = |to: usize| p.on_step.reform(move |_: MouseEvent| to);
    let back = (p.step > p.first).then(|| {
        html! { <button data-action="tour-back" onclick={go(p.step - 1)}>{ say(lang, "← Back", "← 上一步") }</button> }
    });
    let next = if p.step < p.last {
        html! { <button class="primary" data-action="tour-continue" onclick={go(p.step + 1)}>{ say(lang, "Continue →", "继续 →") }</button> }
    } else {
        html! { <span class="done" data-tour-done="">{ say(lang, "The end of this tour.", "本导览到此结束。") }</span> }
    };
    let try_it = {
        let (bridge, plan) = ((*bridge).clone(), plan.clone());
        let algo = P::ALGO;
        Callback::from(move |_: MouseEvent| {
            let fragment = bridge
                .fragment()
                .unwrap_or_else(|| crate::playground::tape_fragment(&plan.tape));
            crate::address::open(&format!("{}{fragment}", free_play_query(algo, &plan, lang)));
        })
    };
    let chapter_title = p.tour.chapters.get(chapter).map(|c| c.title.get(lang));
    let total = p.last - p.first + 1;
    let at = p.step - p.first + 1;
    let card = html! {
        <section class="tour-card" aria-label={p.tour.title.get(lang).to_owned()}>
            <div class="tour-head">
                <span class="chapter">{ chapter_title }</span>
                <span class="count" data-tour-count="">{ format!("{at} / {total}") }</span>
            </div>
            <progress class="tour-progress" max={total.to_string()} value={at.to_string()}
                aria-label={say(lang, "Progress through the tour", "导览进度")} />
            <p class="tour-caption" data-tour-caption="" aria-live="polite">{ rich(step.caption.get(lang)) }</p>
            { for step.predict.as_ref().map(|predict| question(lang, predict, plan.right, *guess, *reached, &answer)) }
            <nav class="tour-nav">
                { for back }
                { next }
                <button class="link" data-action="try-it" onclick={try_it}
                    title={say(lang, "Open this exact state in the full playground", "在完整的演练场中打开当前状态")}>
                    { say(lang, "Try it yourself ↗", "自己动手试试 ↗") }</button>
            </nav>
            if !p.embedded {
                { step_list(lang, &p.tour, p.step, &p.on_step) }
            }
        </section>
    };
    let guided = Guided {
        card,
        panels: panels(&step.panels),
        nodes: step.highlight.nodes.iter().map(|n| n - 1).collect(),
        message: step.highlight.message.clone().map(AttrValue::from),
        panel: step
            .highlight
            .panel
            .map_or(Panels::default(), |p| panels(&[p])),
        on_pick,
        stop_at: Some(plan.end),
    };
    let fragment = crate::playground::tape_fragment(&plan.tape);
    html! {
        <div class={classes!("tour", P::ALGO, p.embedded.then_some("embedded"))} data-tour={p.name}
            data-step={(p.step + 1).to_string()} data-steps={p.tour.len().to_string()}
            data-reached={reached.to_string()}>
            <Playground<P> {lang} run={plan.run.clone()} speed_exp={*speed}
                autoplay={step.wait != Condition::Continue && step.predict.is_none()}
                tape={Some(AttrValue::from(fragment))} on_run={Callback::noop()}
                on_speed={{ let speed = speed.clone(); Callback::from(move |s| speed.set(s)) }}
                guided={Some(guided)} bridge={Some((*bridge).clone())} />
        </div>
    }
}

/// The query of the full playground for `plan`'s run (the fragment goes after it).
fn free_play_query<P: TourProtocol>(algo: &str, plan: &StepPlan<P>, lang: Lang) -> String {
    let (nodes, seed, speed) = (
        plan.run.nodes.to_string(),
        plan.run.seed.to_string(),
        plan.speed.to_string(),
    );
    let shell = [
        ("algo", algo),
        ("nodes", nodes.as_str()),
        ("seed", seed.as_str()),
        ("speed", speed.as_str()),
        ("lang", lang.code()),
    ];
    crate::address::query(shell.into_iter().chain(plan.run.options.pairs()))
}

/// The question of a step: before the guess, the ways to answer; once the simulation has
/// answered, whether the guess was right and why.
fn question(
    lang: Lang,
    predict: &Predict,
    right: Option<Right>,
    guess: Option<Guess>,
    reached: bool,
    answer: &Callback<Guess>,
) -> Html {
    let ask = match &predict.answer {
        Answer::Node(_) => html! {
            <p class="hint">{ say(lang, "Click a server in the drawing.", "在图中点击一台服务器。") }</p>
        },
        Answer::Choice(choices) => {
            let buttons = choices.iter().enumerate().map(|(c, choice)| {
                let picked = guess == Some(Guess::Choice(c));
                html! {
                    <button class={classes!("choice", picked.then_some("picked"))} data-choice={c.to_string()}
                        disabled={guess.is_some()} onclick={answer.reform(move |_: MouseEvent| Guess::Choice(c))}>
                        { rich(choice.label.get(lang)) }</button>
                }
            });
            html! { <div class="choices">{ for buttons }</div> }
        }
    };
    let verdict = match (guess, right) {
        (Some(guess), Some(right)) if reached => {
            let (class, said) = if guess.is(right) {
                ("right", say(lang, "Right. ", "答对了。"))
            } else {
                ("wrong", say(lang, "Not this time. ", "这次没猜中。"))
            };
            Some(html! {
                <p class={classes!("verdict", class)} data-verdict={class}>
                    <strong>{ said }</strong>{ rich(predict.explain.get(lang)) }</p>
            })
        }
        (Some(_), _) => Some(html! {
            <p class="verdict waiting">{ say(lang, "Watch what happens…", "看看会发生什么……") }</p>
        }),
        _ => None,
    };
    html! {
        <div class="predict" data-predict="">
            <p class="question"><strong>{ say(lang, "Predict: ", "猜一猜：") }</strong>{ rich(predict.question.get(lang)) }</p>
            if guess.is_none() { { ask } }
            { for verdict }
        </div>
    }
}

/// Every chapter and step, to jump anywhere.
fn step_list(lang: Lang, tour: &Tour, current: usize, on_step: &Callback<usize>) -> Html {
    let mut index = 0;
    let chapters = tour.chapters.iter().map(|chapter| {
        let steps = chapter.steps.iter().map(|step: &Step| {
            let i = index;
            index += 1;
            let here = i == current;
            html! {
                <li class={classes!(here.then_some("here"))}>
                    <button class="link" data-goto={(i + 1).to_string()} aria-current={here.then_some("step")}
                        onclick={on_step.reform(move |_: MouseEvent| i)}>{ first_words(step.caption.get(lang)) }</button>
                </li>
            }
        });
        html! {
            <li><strong>{ chapter.title.get(lang) }</strong><ol>{ for steps }</ol></li>
        }
    });
    html! {
        <details class="tour-steps">
            <summary>{ say(lang, "All steps", "全部步骤") }</summary>
            <ol class="chapters">{ for chapters }</ol>
        </details>
    }
}

/// The start of a caption, for the step list.
fn first_words(text: &str) -> String {
    let plain = text.replace('*', "");
    let cut: String = plain.chars().take(48).collect();
    if cut.len() < plain.len() {
        format!("{}…", cut.trim_end())
    } else {
        cut
    }
}

/// A caption with its `*terms*` emphasized, as text nodes (never markup).
fn rich(text: &str) -> Html {
    let parts = text.split('*').enumerate().map(|(i, part)| {
        if i % 2 == 1 {
            html! { <em class="term">{ part.to_owned() }</em> }
        } else {
            html! { { part.to_owned() } }
        }
    });
    html! { <>{ for parts }</> }
}

/// The playground's panels for a step's list.
fn panels(list: &[Panel]) -> Panels {
    list.iter().fold(Panels::default(), |set, panel| {
        set.with(match panel {
            Panel::State => Panels::STATE,
            Panel::Side => Panels::SIDE,
            Panel::Beside => Panels::BESIDE,
            Panel::Timeline => Panels::TIMELINE,
            Panel::Spacetime => Panels::SPACETIME,
            Panel::Network => Panels::NETWORK,
            Panel::Settings => Panels::SETTINGS,
        })
    })
}

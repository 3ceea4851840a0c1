//! One experiment's page: what it reproduces, its parameters as inputs (written to the address,
//! so a link reproduces the setup), Run and Cancel, the progress with the time left, and the
//! results. The run goes forward in slices of about [`SLICE_MS`] between animation frames (see
//! the runner), so the page answers the reader while it runs.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::guide::{self, Guide};
use super::results::{Results, Shown};
use super::runner::{Runner, State};
use super::setup::{Setup, parse_trials};
use crate::i18n::{Lang, say, tr};
use crate::view::frames::use_animation_frames;

/// The wall time a frame gives to trials: with the page's own work the frame stays under
/// about 50 ms, so the page keeps answering clicks and keys.
pub const SLICE_MS: f64 = 30.0;

/// The page's clock, in milliseconds.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn seconds(lang: Lang, ms: f64) -> String {
    tr!(lang, "{:.1} s", "{:.1} 秒", ms / 1e3)
}

/// A run and the command that gives the same report.
struct Started {
    runner: Runner,
    command: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub lang: Lang,
    pub setup: Setup,
    pub guide: &'static Guide,
    /// The reader changed the setup: write it to the address.
    pub on_setup: Callback<Setup>,
}

#[component]
pub fn ExperimentPage(p: &PageProps) -> Html {
    let lang = p.lang;
    let setup = &p.setup;
    let entry = setup.entry;
    let started: Rc<RefCell<Option<Started>>> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let active = use_state(|| false);
    {
        let (started, redraw, active_handle) = (started.clone(), redraw.clone(), active.clone());
        use_animation_frames(
            *active,
            Callback::from(move |_| {
                let running = started.borrow_mut().as_mut().is_some_and(|s| {
                    s.runner.slice(SLICE_MS, now_ms);
                    s.runner.state == State::Running
                });
                if !running {
                    active_handle.set(false);
                }
                redraw.force_update();
            }),
        );
    }
    // The rows of this setup, or why it cannot run, from a run that is never started.
    let (rows, problem) = match (&setup.problem, setup.start()) {
        (Some(why), _) => (0, Some(why.clone())),
        (None, Ok(run)) => (run.progress().total / setup.trials.max(1), None),
        (None, Err(why)) => (0, Some(why)),
    };
    let on_run = {
        let (started, redraw, active, setup) = (
            started.clone(),
            redraw.clone(),
            active.clone(),
            setup.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Ok(run) = setup.start() else {
                return;
            };
            *started.borrow_mut() = Some(Started {
                runner: Runner::new(run, now_ms()),
                command: setup.command().into(),
            });
            active.set(true);
            redraw.force_update();
        })
    };
    let on_cancel = {
        let (started, redraw, active) = (started.clone(), redraw.clone(), active.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = started.borrow_mut().as_mut() {
                s.runner.cancel();
            }
            active.set(false);
            redraw.force_update();
        })
    };
    let running = started
        .borrow()
        .as_ref()
        .is_some_and(|s| s.runner.state == State::Running);
    let input = |e: Event| e.target_unchecked_into::<HtmlInputElement>().value();
    let params = entry.params.iter().map(|spec| {
        let name = spec.name;
        let value = setup.value(name).to_owned();
        let (on_setup, setup) = (p.on_setup.clone(), setup.clone());
        let onchange =
            Callback::from(move |e: Event| on_setup.emit(setup.with_param(name, &input(e))));
        let id = format!("lab-param-{name}");
        html! {
            <div class="lab-param">
                <label for={id.clone()}><code>{ name }</code></label>
                <input type="text" id={id} data-param={name} {value}
                    spellcheck="false" autocomplete="off" {onchange} />
                <span class="param-help">{ guide::param_help(entry, name, lang) }
                    <span class="default">{ tr!(lang, " (default {})", "（默认 {}）", spec.default) }</span></span>
            </div>
        }
    });
    // The Lab's own fields beside the experiment's parameters: `set` takes the typed text, or
    // says it cannot.
    let own_field = |name: &'static str,
                     min: &'static str,
                     value: String,
                     help: &'static str,
                     set: fn(&mut Setup, &str) -> Option<()>| {
        let (on_setup, setup) = (p.on_setup.clone(), setup.clone());
        let onchange = Callback::from(move |e: Event| {
            let mut next = setup.clone();
            if set(&mut next, &input(e)).is_some() {
                on_setup.emit(next);
            }
        });
        let id = format!("lab-{name}");
        html! {
            <div class="lab-param">
                <label for={id.clone()}><code>{ name }</code></label>
                <input type="number" {id} {min} data-control={name} {value} {onchange} />
                <span class="param-help">{ help }</span>
            </div>
        }
    };
    let trials = own_field(
        "trials",
        "1",
        setup.trials.to_string(),
        say(lang, "trials per row", "每行的试验次数"),
        |s, text| parse_trials(text).ok().map(|trials| s.trials = trials),
    );
    let seed = own_field(
        "seed",
        "0",
        setup.seed.to_string(),
        say(
            lang,
            "trial i of every row runs with seed + i",
            "每行的第 i 次试验使用种子 + i",
        ),
        |s, text| text.trim().parse().ok().map(|seed| s.seed = seed),
    );
    let on_defaults = {
        let (on_setup, setup) = (p.on_setup.clone(), setup.clone());
        Callback::from(move |_: MouseEvent| on_setup.emit(setup.defaults()))
    };
    let size = tr!(
        lang,
        "{} rows × {} trials = {} trials",
        "{} 行 × {} 次 = {} 次试验",
        rows,
        setup.trials,
        rows * setup.trials
    );
    let guard = started.borrow();
    let progress = guard.as_ref().map(|s| {
        let r = &s.runner;
        let pr = r.progress();
        let state = match &r.state {
            State::Running => match r.time_left_ms() {
                Some(left) => tr!(lang, "about {} left", "约剩 {}", seconds(lang, left)),
                None => say(lang, "starting", "开始").to_owned(),
            },
            State::Done => say(lang, "done", "完成").to_owned(),
            State::Cancelled => say(lang, "cancelled", "已取消").to_owned(),
            State::Failed(why) => tr!(lang, "failed: {}", "失败：{}", why),
        };
        html! {
            <div class="lab-progress" data-lab-progress="" data-state={r.state.name()}
                data-done={pr.done.to_string()} data-total={pr.total.to_string()}
                data-elapsed-ms={format!("{:.0}", r.elapsed_ms)}
                data-longest-slice-ms={format!("{:.1}", r.longest_slice_ms)}
                data-slices={r.slices.to_string()} data-pieces={r.pieces.to_string()}>
                <progress max={pr.total.to_string()} value={pr.done.to_string()} />
                <span>{ tr!(lang, "{} of {} trials · {} · {}", "{} / {} 次试验 · {} · {}",
                    pr.done, pr.total, seconds(lang, r.elapsed_ms), state) }</span>
            </div>
        }
    });
    let results = guard.as_ref().map(|s| {
        html! {
            <Results {lang} report={Shown(s.runner.report())} command={s.command.clone()} guide={p.guide} />
        }
    });
    let (about_en, about_zh) = p.guide.about;
    html! {
        <main class="lab" data-lab={entry.name}>
            <p class="lab-back"><a href={format!("?lab=&lang={}", lang.code())} data-action="lab-list">
                { say(lang, "← All experiments", "← 全部实验") }</a></p>
            <h2 data-lab-title="">{ guide::title(entry, lang) }</h2>
            <p class="lead">{ guide::summary(entry, lang) }</p>
            <p class="lab-about">{ if lang == Lang::Zh { about_zh } else { about_en } }</p>
            <form class="lab-setup" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <fieldset disabled={running}>
                    <legend>{ say(lang, "Setup", "设置") }</legend>
                    { for params }
                    { trials }
                    { seed }
                    <p class="lab-size">{ size }
                        <button type="button" class="small" data-action="lab-defaults" onclick={on_defaults}>
                            { say(lang, "Back to the defaults", "恢复默认值") }</button></p>
                </fieldset>
                if let Some(why) = &problem {
                    <p class="error" role="alert" data-lab-error="">{ tr!(lang, "This setup cannot run: {}", "这个设置无法运行：{}", why) }</p>
                }
            </form>
            <div class="lab-run">
                <button class="primary" data-action="lab-run" disabled={running || problem.is_some()} onclick={on_run}>
                    { say(lang, "Run", "运行") }</button>
                <button data-action="lab-cancel" disabled={!running} onclick={on_cancel}>
                    { say(lang, "Cancel", "取消") }</button>
                { for progress }
            </div>
            { for results }
        </main>
    }
}

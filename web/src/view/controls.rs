//! The control bar: playback, speed, seed and the run's size (drawn by the protocol; by default
//! one [`CountControl`] of servers). An embed shows a compact one: only the controls its author
//! chose, no seed or size.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{Lang, say};
use crate::run::{SPEED_MAX_EXP, SPEED_MIN_EXP, speed_label};

/// The controls an embed shows, as `controls=back,play,step,reset,speed,timeline,link` names
/// them (`link`: "open in full playground").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ControlSet(u8);

impl ControlSet {
    pub const BACK: ControlSet = ControlSet(1);
    pub const PLAY: ControlSet = ControlSet(1 << 1);
    pub const STEP: ControlSet = ControlSet(1 << 2);
    pub const RESET: ControlSet = ControlSet(1 << 3);
    pub const SPEED: ControlSet = ControlSet(1 << 4);
    pub const TIMELINE: ControlSet = ControlSet(1 << 5);
    pub const LINK: ControlSet = ControlSet(1 << 6);
    const NAMES: [(&'static str, ControlSet); 7] = [
        ("back", Self::BACK),
        ("play", Self::PLAY),
        ("step", Self::STEP),
        ("reset", Self::RESET),
        ("speed", Self::SPEED),
        ("timeline", Self::TIMELINE),
        ("link", Self::LINK),
    ];
    /// Everything but the timeline, which needs more height than a small embed has.
    pub const EMBED_DEFAULT: ControlSet = ControlSet(0b101_1111);

    /// The controls a list's names name (`back`, `play` …, or `none`, or `all`); unknown names
    /// are left out.
    pub fn parse(names: Vec<&str>) -> ControlSet {
        names
            .into_iter()
            .fold(ControlSet(0), |set, name| match name {
                "all" => ControlSet(0b111_1111),
                _ => Self::NAMES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(set, |&(_, c)| ControlSet(set.0 | c.0)),
            })
    }

    /// Every name [`ControlSet::parse`] knows.
    pub fn names() -> Vec<&'static str> {
        ["all", "none"]
            .into_iter()
            .chain(Self::NAMES.iter().map(|(name, _)| *name))
            .collect()
    }

    /// Whether [`ControlSet::parse`] knows `name`.
    pub fn knows(name: &str) -> bool {
        Self::names().contains(&name)
    }

    pub fn has(self, control: ControlSet) -> bool {
        self.0 & control.0 == control.0
    }

    pub const fn with(self, control: ControlSet) -> ControlSet {
        ControlSet(self.0 | control.0)
    }

    pub fn without(self, control: ControlSet) -> ControlSet {
        ControlSet(self.0 & !control.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub lang: Lang,
    pub playing: bool,
    pub speed_exp: i32,
    /// Steps taken to reach the shown state, and steps recorded in the run.
    pub step: usize,
    pub steps_recorded: usize,
    /// Virtual time shown, µs.
    pub time: f64,
    pub seed: u64,
    /// The size of the run (cluster size, or a protocol's counts per role).
    pub size: Html,
    /// Play (`true`) or pause (`false`).
    pub on_play: Callback<bool>,
    pub on_step: Callback<()>,
    pub on_back: Callback<()>,
    pub on_reset: Callback<()>,
    pub on_speed: Callback<i32>,
    pub on_seed: Callback<u64>,
    pub on_new_seed: Callback<()>,
    /// Quiet stretches (nothing in flight) play at real time at least: said beside the speed.
    #[prop_or_default]
    pub quiet_at_real_time: bool,
    /// An embed's compact bar with only these controls; the full bar when absent.
    #[prop_or_default]
    pub compact: Option<ControlSet>,
}

fn input_value(e: &Event) -> Option<String> {
    e.target_dyn_into::<HtmlInputElement>().map(|i| i.value())
}

#[component]
pub fn Controls(p: &ControlsProps) -> Html {
    let t = p.lang.text();
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_speed = {
        let cb = p.on_speed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|i| i.value().parse().ok())
            {
                cb.emit(v);
            }
        })
    };
    let on_seed = {
        let cb = p.on_seed.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = input_value(&e).and_then(|v| v.trim().parse().ok()) {
                cb.emit(v);
            }
        })
    };
    let (play_action, play_label, play_icon) = if p.playing {
        ("pause", t.pause, "❚❚")
    } else {
        ("play", t.play, "▶")
    };
    let shown = |control: ControlSet| p.compact.is_none_or(|set| set.has(control));
    html! {
        <>
        <div class={classes!("controls", p.compact.is_some().then_some("compact"))}>
            <div class="group playback">
                if shown(ControlSet::BACK) {
                    <button data-action="back" title={format!("{} (←)", t.back)} aria-label={t.back}
                        disabled={p.step == 0} onclick={click(&p.on_back)}>{ "◀◀" }<span>{ t.back }</span></button>
                }
                if shown(ControlSet::PLAY) {
                    <button class="primary" data-action={play_action} title={format!("{play_label} (Space)")}
                        aria-label={play_label} onclick={p.on_play.reform(move |_| play_action == "play")}>{ play_icon }<span>{ play_label }</span></button>
                }
                if shown(ControlSet::STEP) {
                    <button data-action="step" title={format!("{} (→)", t.step)} aria-label={t.step}
                        onclick={click(&p.on_step)}>{ "▶▶" }<span>{ t.step }</span></button>
                }
                if shown(ControlSet::RESET) {
                    <button data-action="reset" title={t.reset} aria-label={t.reset} onclick={click(&p.on_reset)}>{ "↺" }<span>{ t.reset }</span></button>
                }
            </div>
            if shown(ControlSet::SPEED) {
                <label class="group speed">
                    <span>{ t.speed }</span>
                    <input type="range" data-control="speed" min={SPEED_MIN_EXP.to_string()} max={SPEED_MAX_EXP.to_string()}
                        step="1" value={p.speed_exp.to_string()} oninput={on_speed} />
                    <output>{ speed_label(p.speed_exp) }</output>
                    if p.quiet_at_real_time && p.speed_exp < 0 {
                        <small class="quiet" title={say(p.lang,
                            "While no message is in flight, the clock runs at real time (1×) up to the next event: at 1/64× a gossip round's second of silence would take a minute.",
                            "没有消息在途时，时钟按真实时间（1×）走到下一个事件：否则在 1/64× 下，两轮 gossip 之间一秒的空闲要等一分多钟。")}>
                            { say(p.lang, "1× when quiet", "空闲时 1×") }
                        </small>
                    }
                </label>
            }
            if p.compact.is_none() {
                <div class="group run">
                    <label>
                        <span>{ t.seed }</span>
                        <input type="number" data-control="seed" min="0" value={p.seed.to_string()} onchange={on_seed} />
                    </label>
                    <button data-action="new-seed" title={t.new_seed} aria-label={t.new_seed} onclick={click(&p.on_new_seed)}>{ t.new_seed }</button>
                    { p.size.clone() }
                </div>
            }
        </div>
        <div class="statusbar">
            <div class="status" data-status="" data-step={p.step.to_string()} data-time={format!("{}", p.time as u64)}>
                <span>{ format!("{} {:.1} ms", t.time, p.time / 1000.0) }</span>
                <span>{ format!("{} {}", t.step_no, p.step) }
                    if p.steps_recorded > p.step { <small>{ format!(" / {}", p.steps_recorded) }</small> }
                </span>
            </div>
            if p.compact.is_none() { <span class="keys">{ t.keys_hint }</span> }
        </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct CountProps {
    /// The words before the field.
    pub label: AttrValue,
    /// Its `data-control` name, for tests and embedders.
    pub control: AttrValue,
    pub value: usize,
    pub range: (usize, usize),
    pub on_change: Callback<usize>,
}

/// A number field for a count (servers, proposers …); a value that does not parse is ignored.
#[component]
pub fn CountControl(p: &CountProps) -> Html {
    let onchange = {
        let cb = p.on_change.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = input_value(&e).and_then(|v| v.parse().ok()) {
                cb.emit(v);
            }
        })
    };
    html! {
        <label>
            <span>{ p.label.clone() }</span>
            <input type="number" data-control={p.control.clone()} min={p.range.0.to_string()} max={p.range.1.to_string()}
                value={p.value.to_string()} {onchange} />
        </label>
    }
}

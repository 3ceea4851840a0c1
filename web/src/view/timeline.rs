//! The whole run as a strip: bands for the protocol's eras (Raft terms …), marks for
//! interventions, milestones and violations, and a slider to move through it exactly. Branches
//! left behind by acting in the past are listed under it.

use std::collections::HashSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineMark {
    pub step: usize,
    /// `crash`, `network`, `command`, `manual`, `milestone` or `violation`.
    pub class: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub from: usize,
    pub to: usize,
    pub value: u64,
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub lang: Lang,
    pub len: usize,
    pub position: usize,
    /// The steps whose reports the history keeps, `kept.0 + 1 ..= kept.1`: the only ones with
    /// bands, and with marks but for those drawn from the state. Outside, the strip is shaded
    /// and `kept_note` says why.
    pub kept: (usize, usize),
    pub kept_note: Option<AttrValue>,
    /// Shared with the playground's cache, so an unchanged list compares in O(1).
    pub marks: Rc<Vec<TimelineMark>>,
    pub bands: Rc<Vec<Band>>,
    /// What a band's number means (`term`, `round`).
    pub band_name: AttrValue,
    /// (step where the branch parts from this run, its length).
    pub branches: Vec<(usize, usize)>,
    pub on_seek: Callback<usize>,
    pub on_switch: Callback<usize>,
}

const WIDTH: f64 = 1000.0;

fn band_class(b: &Band) -> Classes {
    classes!(
        "band",
        if b.value.is_multiple_of(2) {
            "even"
        } else {
            "odd"
        }
    )
}

#[component]
pub fn Timeline(p: &TimelineProps) -> Html {
    let t = p.lang.text();
    // Bands, marks and shading are drawn in steps, in a strip whose viewBox is the run's length:
    // as the run grows only that attribute changes, not every mark's position. The bands' labels
    // are in the outer strip's units, where text keeps its shape.
    let span = p.len.max(1) as f64;
    let x = |step: usize| step as f64 / span * WIDTH;
    let (from, to) = p.kept;
    let kept_bands = || p.bands.iter().filter(|b| b.to > from && b.from < to);
    let bands = kept_bands().map(|b| {
        let (x0, x1) = (b.from.max(from), b.to.min(to));
        html! {
            <rect class={band_class(b)} x={x0.to_string()} y="0" width={(x1 - x0).to_string()} height="28" />
        }
    });
    let labels = kept_bands().filter_map(|b| {
        let (x0, x1) = (x(b.from.max(from)), x(b.to.min(to)));
        (x1 - x0 > 40.0).then(|| html! {
            <text class="band" x={format!("{:.1}", x0 + 4.0)} y="11">{ format!("{} {}", p.band_name, b.value) }</text>
        })
    });
    // One line per class and bucket of steps, a bucket being the smallest power of two at least
    // a thousandth of the run: a long run draws at most a few thousand, however many marks it
    // has, and which lines are drawn changes only when the run doubles. Keyed, so a mark added
    // or dropped anywhere in the list leaves the other lines alone.
    let bucket = (p.len / 1000).max(1).next_power_of_two();
    let mut drawn = HashSet::new();
    let marks = p
        .marks
        .iter()
        .filter(|m| drawn.insert((m.step / bucket, m.class)))
        .map(|m| {
            let mx = m.step.to_string();
            let key = format!("{mx} {}", m.class);
            html! { <line {key} class={classes!("mark", m.class)} x1={mx.clone()} x2={mx} y1="14" y2="28" /> }
        });
    let unkept = [(0, from), (to, p.len)]
        .into_iter()
        .filter(|(a, b)| b > a)
        .map(|(a, b)| {
            html! { <rect class="unkept" x={a.to_string()} y="0" width={(b - a).to_string()} height="28" /> }
        });
    let on_input = p.on_seek.reform(|e: InputEvent| {
        e.target_dyn_into::<web_sys::HtmlInputElement>()
            .and_then(|i| i.value().parse().ok())
            .unwrap_or(0)
    });
    let branches = p.branches.iter().enumerate().map(|(i, &(fork, len))| {
        let on_switch = p.on_switch.clone();
        html! {
            <li>
                <button class="small" data-action="switch-branch" onclick={Callback::from(move |_| on_switch.emit(i))}>
                    { format!("{} {} · {} {len}", t.branch_from, fork, t.steps) }
                </button>
            </li>
        }
    });
    html! {
        <div class="timeline">
            <div class="strip">
                <svg viewBox={format!("0 0 {WIDTH} 28")} preserveAspectRatio="none" aria-hidden="true">
                    <svg width={WIDTH.to_string()} height="28" viewBox={format!("0 0 {span} 28")} preserveAspectRatio="none">
                        <g>{ for bands }</g>
                        <g>{ for unkept }</g>
                        <g>{ for marks }</g>
                    </svg>
                    { for labels }
                </svg>
                <input type="range" data-control="timeline" aria-label={t.timeline} min="0" max={p.len.to_string()}
                    value={p.position.to_string()} oninput={on_input} />
            </div>
            if let Some(note) = &p.kept_note {
                <p class="note" data-kept-note="">{ note.clone() }</p>
            }
            if !p.branches.is_empty() {
                <ul class="branches" aria-label={t.branches}><li class="note">{ t.branches }</li>{ for branches }</ul>
            }
        </div>
    }
}

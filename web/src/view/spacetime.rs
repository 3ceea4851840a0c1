//! The space-time (Lamport) diagram: one vertical line per node, time running down, each
//! message an arrow from its send to its arrival, dropped ones ending in a cross; the bottom
//! edge is the current time. It shows the most recent window of the run and shares the
//! message selection with the cluster view.

use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Arrow {
    pub id: u64,
    pub from: usize,
    pub to: usize,
    /// µs.
    pub sent_at: f64,
    /// Where the arrow ends: arrival, or now while in flight.
    pub end_at: f64,
    /// 0..1: how far along the link the arrow ends (1 unless in flight).
    pub reach: f64,
    pub class: &'static str,
    pub dropped: bool,
    pub title: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct SpaceTimeProps {
    pub labels: Vec<AttrValue>,
    pub arrows: Vec<Arrow>,
    /// Node events (timers, crashes …): node, time, class.
    pub events: Vec<(usize, f64, &'static str)>,
    pub now: f64,
    /// How much virtual time the diagram spans, µs.
    pub window: f64,
    pub selected_msg: Option<u64>,
    pub on_select_msg: Callback<u64>,
}

const W: f64 = 640.0;
const H: f64 = 300.0;
const TOP: f64 = 22.0;
const SIDE: f64 = 36.0;
/// How many windows of time the band's origin stays put: coordinates stay small (a float's
/// precision is a pixel's at hours of virtual time from a fixed origin), and everything is
/// drawn anew only when the origin moves.
const EPOCH: f64 = 8.0;

#[component]
pub fn SpaceTime(p: &SpaceTimeProps) -> Html {
    let n = p.labels.len().max(1);
    let col = |i: usize| {
        if n == 1 {
            W / 2.0
        } else {
            SIDE + (W - 2.0 * SIDE) * i as f64 / (n - 1) as f64
        }
    };
    // Time runs down a band that scrolls. Arrows and events are drawn from an origin that moves
    // once every EPOCH windows, and one transform scrolls the band: an arrow already drawn keeps
    // its attributes from frame to frame, and only those still in flight, and the transform,
    // change.
    let start = p.now - p.window;
    let band = H - TOP - 4.0;
    let origin = (start / (p.window * EPOCH)).floor() * p.window * EPOCH;
    let y = |t: f64| (t - origin) / p.window * band;
    let scroll = format!("translate(0 {:.1})", -y(start));
    let lanes = p.labels.iter().enumerate().map(|(i, label)| {
        let x = format!("{:.1}", col(i));
        html! {
            <g class="lane">
                <text x={x.clone()} y="14">{ label.clone() }</text>
                <line x1={x.clone()} x2={x} y1={TOP.to_string()} y2={(H - 4.0).to_string()} />
            </g>
        }
    });
    // Keyed, as the arrows: the oldest events leave from the start while new ones come at the
    // end. The same event twice (at one time, so next to each other in time order) would draw
    // one circle on another, so it is drawn once.
    let events = p.events.iter().enumerate().filter(|&(k, e)| {
        let before = p.events.get(..k).unwrap_or_default();
        !before.iter().rev().take_while(|d| d.1 == e.1).any(|d| d == e)
    }).map(|(_, &(i, t, class))| {
        html! { <circle key={format!("{i} {t} {class}")} class={classes!("event", class)} cx={format!("{:.1}", col(i))} cy={format!("{:.1}", y(t))} r="3" /> }
    });
    let arrows = p.arrows.iter().map(|a| {
        let (x0, y0) = (col(a.from), y(a.sent_at));
        let x1 = x0 + (col(a.to) - x0) * a.reach;
        let y1 = y(a.end_at);
        let selected = p.selected_msg == Some(a.id);
        let onclick = p.on_select_msg.reform({
            let id = a.id;
            move |_: MouseEvent| id
        });
        let cross = a.dropped.then(|| {
            let d = 4.0;
            html! { <path class="drop" d={format!("M{} {} L{} {} M{} {} L{} {}", x1 - d, y1 - d, x1 + d, y1 + d, x1 + d, y1 - d, x1 - d, y1 + d)} /> }
        });
        html! {
            <g key={a.id} class={classes!("arrow", a.class, selected.then_some("selected"), a.dropped.then_some("dropped"))}
                data-arrow={a.id.to_string()} {onclick}>
                <line class="hit" x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} />
                <line class="shaft" x1={format!("{x0:.1}")} y1={format!("{y0:.1}")} x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} />
                if !a.dropped {
                    <circle class="head" cx={format!("{x1:.1}")} cy={format!("{y1:.1}")} r="3" />
                }
                { for cross }
                <title>{ a.title.clone() }</title>
            </g>
        }
    });
    html! {
        <svg class="spacetime" viewBox={format!("0 0 {W} {H}")} role="img" aria-label="space-time diagram">
            // Each list in its own group: siblings of one parent are matched from the end, so
            // a list that changes length would shift the others onto elements of another kind
            // and rebuild them every frame.
            <g class="lanes">{ for lanes }</g>
            // The band, clipped at the top, where an arrow sent before the window enters it; its
            // bottom edge is now, and the heads of messages in flight stand on it.
            <svg x="0" y={TOP.to_string()} width={W.to_string()} height={(H - TOP).to_string()}>
                <g transform={scroll}>
                    <g class="events">{ for events }</g>
                    <g class="arrows">{ for arrows }</g>
                </g>
            </svg>
            <line class="now" x1="0" x2={W.to_string()} y1={(H - 4.0).to_string()} y2={(H - 4.0).to_string()} />
        </svg>
    }
}

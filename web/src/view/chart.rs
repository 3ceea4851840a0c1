//! A line chart in SVG for any series of `(x, y)` points: axes with round-number ticks, linear
//! or logarithmic, a legend, an optional "now" marker, dashed lines for predictions and dots for
//! single published figures. It knows nothing of the protocol or experiment that feeds it.
//!
//! The drawing scales with its container (a `viewBox`, width 100 %). Each line's data points
//! are in its `data-points` attribute (`x,y x,y …`, the values, not screen coordinates); the
//! chart's `aria-label` reads the title and each line's last point, for screen readers.
//! Colours come from CSS classes: `c1` … `c6` are a colour-blind-safe palette (Okabe and
//! Ito) in `web/style.css`; a view may bring its own.

use std::rc::Rc;

use yew::prelude::*;

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The legend's words for it.
    pub label: AttrValue,
    /// CSS class giving its colour (`c1` … `c6`, or the view's own).
    pub class: &'static str,
    /// Points in drawing order (x ascending for a curve over time).
    pub points: Rc<[(f64, f64)]>,
    pub stroke: Stroke,
}

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// A measurement.
    Solid,
    /// A prediction.
    Dashed,
    /// Points not joined: figures read from a paper, between which nothing is known.
    Dots,
}

impl Stroke {
    fn class(self) -> Option<&'static str> {
        match self {
            Stroke::Solid => None,
            Stroke::Dashed => Some("dashed"),
            Stroke::Dots => Some("dots"),
        }
    }
}

/// How an axis maps values to positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scale {
    #[default]
    Linear,
    /// Powers of ten equally spaced; values at or below zero are left out.
    Log,
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// Names the chart for tests and styles (`data-chart`).
    pub name: AttrValue,
    pub title: AttrValue,
    pub x_label: AttrValue,
    pub y_label: AttrValue,
    pub lines: Vec<Line>,
    /// Fixed ends of the axes (e.g. 1 for a fraction); otherwise they fit the data.
    #[prop_or_default]
    pub x_max: Option<f64>,
    #[prop_or_default]
    pub y_max: Option<f64>,
    /// Where the run stands, drawn as a vertical marker.
    #[prop_or_default]
    pub now: Option<f64>,
    /// Ticks at whole numbers only, for axes of rounds or counts: an empty chart reads 0 to 1,
    /// never "0.2 messages".
    #[prop_or_default]
    pub whole_x: bool,
    #[prop_or_default]
    pub whole_y: bool,
    #[prop_or_default]
    pub x_scale: Scale,
    #[prop_or_default]
    pub y_scale: Scale,
}

/// Drawing size in `viewBox` units, and the margins that hold the axes' labels.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 42.0;

/// About this many ticks per axis (the round steps give between 3 and 8).
const TICKS_X: usize = 6;
const TICKS_Y: usize = 5;

#[component]
pub fn Chart(p: &ChartProps) -> Html {
    // The points an axis can show: a log axis has no place for zero or less.
    let shown = |&&(x, y): &&(f64, f64)| {
        x.is_finite()
            && y.is_finite()
            && (p.x_scale == Scale::Linear || x > 0.0)
            && (p.y_scale == Scale::Linear || y > 0.0)
    };
    let points = || p.lines.iter().flat_map(|l| l.points.iter()).filter(shown);
    let xs = Ticks::fit(
        p.x_scale,
        points().map(|&(x, _)| x).chain(p.now),
        p.x_max,
        TICKS_X,
        p.whole_x,
    );
    let ys = Ticks::fit(
        p.y_scale,
        points().map(|&(_, y)| y),
        p.y_max,
        TICKS_Y,
        p.whole_y,
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let sx = |x: f64| LEFT + xs.fraction(x) * plot_w;
    let sy = |y: f64| TOP + (1.0 - ys.fraction(y)) * plot_h;
    let bottom = TOP + plot_h;

    let x_ticks = xs.labelled().into_iter().map(|(v, label)| {
        let x = f(sx(v));
        html! {
            <g class="tick">
                <line x1={x.clone()} x2={x.clone()} y1={f(TOP)} y2={f(bottom + 4.0)} />
                <text x={x} y={f(bottom + 16.0)} text-anchor="middle">{ label }</text>
            </g>
        }
    });
    let y_ticks = ys.labelled().into_iter().map(|(v, label)| {
        let y = f(sy(v));
        html! {
            <g class="tick">
                <line x1={f(LEFT - 4.0)} x2={f(WIDTH - RIGHT)} y1={y.clone()} y2={y.clone()} />
                <text x={f(LEFT - 7.0)} y={y} dy="0.32em" text-anchor="end">{ label }</text>
            </g>
        }
    });
    let lines = p.lines.iter().map(|line| {
        let drawn: Vec<(f64, f64)> = line
            .points
            .iter()
            .filter(shown)
            .map(|&(x, y)| (sx(x), sy(y)))
            .collect();
        let class = classes!("line", line.class, line.stroke.class());
        let data_points = data_points(&line.points);
        match line.stroke {
            Stroke::Dots => html! {
                <g {class} data-label={line.label.clone()} data-points={data_points}>
                    { for drawn.iter().map(|&(x, y)| html! { <circle cx={f(x)} cy={f(y)} r="3.5" /> }) }
                </g>
            },
            Stroke::Solid | Stroke::Dashed => {
                let drawn: Vec<String> = drawn
                    .iter()
                    .map(|&(x, y)| format!("{x:.1},{y:.1}"))
                    .collect();
                html! {
                    <polyline {class} points={drawn.join(" ")}
                        data-label={line.label.clone()} data-points={data_points} />
                }
            }
        }
    });
    let now = p.now.filter(|x| x.is_finite()).map(|x| {
        let x = f(sx(x.clamp(xs.lo(), xs.hi())));
        html! { <line class="now" x1={x.clone()} x2={x} y1={f(TOP)} y2={f(bottom)} /> }
    });
    // Lines of one colour in a row (a measurement and the paper's figures or the model beside
    // it) are one legend item, which a narrow legend never breaks between two lines of text.
    let legend = p.lines.chunk_by(|a, b| a.class == b.class).map(|group| {
        let entries = group.iter().map(|line| {
            let class = classes!("line", line.class, line.stroke.class());
            let swatch = match line.stroke {
                Stroke::Dots => html! { <g {class}><circle cx="12" cy="5" r="3.5" /></g> },
                Stroke::Solid | Stroke::Dashed => {
                    html! { <line {class} x1="1" x2="23" y1="5" y2="5" /> }
                }
            };
            html! {
                <span class="entry">
                    <svg viewBox="0 0 24 10" class="swatch" aria-hidden="true">{ swatch }</svg>
                    { line.label.clone() }
                </span>
            }
        });
        html! { <li>{ for entries }</li> }
    });
    let label = summary(&p.title, &p.x_label, &p.lines);
    html! {
        <figure class="chart" data-chart={p.name.clone()}>
            <figcaption>{ p.title.clone() }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={label}>
                <g class="grid" aria-hidden="true">{ for y_ticks }{ for x_ticks }</g>
                <line class="axis" x1={f(LEFT)} x2={f(LEFT)} y1={f(TOP)} y2={f(bottom)} />
                <line class="axis" x1={f(LEFT)} x2={f(WIDTH - RIGHT)} y1={f(bottom)} y2={f(bottom)} />
                <g class="lines">{ for lines }</g>
                { for now }
                <text class="axis-label" x={f(LEFT + plot_w / 2.0)} y={f(HEIGHT - 4.0)} text-anchor="middle">{ p.x_label.clone() }</text>
                <text class="axis-label" transform={format!("translate(14 {}) rotate(-90)", f(TOP + plot_h / 2.0))} text-anchor="middle">{ p.y_label.clone() }</text>
            </svg>
            <ul class="chart-legend">{ for legend }</ul>
        </figure>
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// An axis's ticks on its scale.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ticks {
    Linear(Axis),
    Log(LogAxis),
}

impl Ticks {
    /// Ticks covering `values` (and zero, on a linear axis), up to `max` when it is given.
    fn fit(
        scale: Scale,
        values: impl Iterator<Item = f64> + Clone,
        max: Option<f64>,
        count: usize,
        whole: bool,
    ) -> Ticks {
        let hi = max.unwrap_or_else(|| values.clone().fold(0.0, f64::max));
        match scale {
            Scale::Linear => {
                let axis = Axis::new(values.fold(0.0, f64::min), hi, count);
                Ticks::Linear(if whole { axis.whole() } else { axis })
            }
            Scale::Log => Ticks::Log(LogAxis::new(values.fold(f64::INFINITY, f64::min), hi)),
        }
    }

    fn lo(&self) -> f64 {
        match self {
            Ticks::Linear(a) => a.lo,
            Ticks::Log(a) => a.lo,
        }
    }

    fn hi(&self) -> f64 {
        match self {
            Ticks::Linear(a) => a.hi,
            Ticks::Log(a) => a.hi,
        }
    }

    fn fraction(&self, v: f64) -> f64 {
        match self {
            Ticks::Linear(a) => a.fraction(v),
            Ticks::Log(a) => a.fraction(v),
        }
    }

    /// Every tick with its label.
    fn labelled(&self) -> Vec<(f64, String)> {
        match self {
            Ticks::Linear(a) => a
                .ticks()
                .into_iter()
                .map(|v| (v, format_tick(v, a.step)))
                .collect(),
            Ticks::Log(a) => a
                .ticks()
                .into_iter()
                .map(|v| (v, format_log_tick(v)))
                .collect(),
        }
    }
}

/// A logarithmic axis from one power of ten to another.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    pub lo: f64,
    pub hi: f64,
}

impl LogAxis {
    /// The powers of ten around `lo..=hi` (both above zero); anything else becomes 1 to 10.
    pub fn new(lo: f64, hi: f64) -> LogAxis {
        let (lo, hi) = if lo.is_finite() && lo > 0.0 && hi.is_finite() && hi >= lo {
            (lo, hi)
        } else {
            (1.0, 10.0)
        };
        let lo = 10f64.powf((lo.log10() + 1e-9).floor());
        let hi = 10f64.powf((hi.log10() - 1e-9).ceil()).max(lo * 10.0);
        LogAxis { lo, hi }
    }

    pub fn fraction(&self, v: f64) -> f64 {
        (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
    }

    /// Each power of ten; with three decades or fewer, 2 and 5 times each as well.
    pub fn ticks(&self) -> Vec<f64> {
        let decades = (self.hi / self.lo).log10().round() as i32;
        let steps: &[f64] = if decades <= 3 {
            &[1.0, 2.0, 5.0]
        } else {
            &[1.0]
        };
        (0..=decades)
            .flat_map(|d| {
                let decade = self.lo * 10f64.powi(d);
                steps.iter().map(move |m| m * decade)
            })
            .filter(|&v| v <= self.hi * (1.0 + 1e-9))
            .collect()
    }
}

/// A log axis's tick: `0.01`, `2`, `500`, `10k`, `1M`.
pub fn format_log_tick(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", format_value(v / 1e6))
    } else if v >= 1e3 {
        format!("{}k", format_value(v / 1e3))
    } else {
        format_value(v)
    }
}

/// One axis: a range widened to round numbers, and the step between its ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Axis {
    /// An axis covering `lo..=hi` with about `ticks` ticks at multiples of 1, 2 or 5 × 10^k.
    /// An empty or degenerate range becomes `lo..=lo + 1`.
    pub fn new(lo: f64, hi: f64, ticks: usize) -> Axis {
        let lo = if lo.is_finite() { lo } else { 0.0 };
        let hi = if hi.is_finite() && hi > lo {
            hi
        } else {
            lo + 1.0
        };
        let step = nice_step((hi - lo) / ticks.max(1) as f64);
        Axis {
            lo: (lo / step).floor() * step,
            hi: (hi / step - 1e-9).ceil() * step,
            step,
        }
    }

    /// The same range with ticks at whole numbers only: a step of at least 1.
    pub fn whole(self) -> Axis {
        if self.step >= 1.0 {
            return self;
        }
        let lo = self.lo.floor();
        Axis {
            lo,
            hi: self.hi.ceil().max(lo + 1.0),
            step: 1.0,
        }
    }

    /// Where `v` lies between the ends, 0 at `lo` and 1 at `hi`.
    pub fn fraction(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }

    /// The tick values, `lo` to `hi` inclusive.
    pub fn ticks(&self) -> Vec<f64> {
        let count = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=count)
            .map(|i| self.lo + i as f64 * self.step)
            .collect()
    }
}

/// The round step (1, 2 or 5 × 10^k) nearest above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let unit = raw / magnitude;
    let nice = if unit <= 1.0 + 1e-9 {
        1.0
    } else if unit <= 2.0 + 1e-9 {
        2.0
    } else if unit <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A tick's label: as many decimals as the step needs; in thousands (`k`) or millions (`M`)
/// when the step is one, so every label of an axis has the same unit.
pub fn format_tick(v: f64, step: f64) -> String {
    if v.abs() < step * 1e-6 {
        return "0".into();
    }
    let (scaled, unit, step) = if step >= 1e6 {
        (v / 1e6, "M", step / 1e6)
    } else if step >= 1e3 {
        (v / 1e3, "k", step / 1e3)
    } else {
        (v, "", step)
    };
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil() as usize
    };
    format!("{scaled:.decimals$}{unit}")
}

/// A point's value for people: up to three decimals, without trailing zeros.
pub fn format_value(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// The `data-points` attribute: every point's values, `x,y` separated by spaces.
pub fn data_points(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a screen reader says: the title, then each line's last point ("label: y at x_label x").
pub fn summary(title: &str, x_label: &str, lines: &[Line]) -> String {
    let mut out = title.to_owned();
    for line in lines {
        if let Some(&(x, y)) = line.points.last() {
            out.push_str(&format!(
                "; {}: {} ({} {})",
                line.label,
                format_value(y),
                x_label,
                format_value(x)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(6.0), 10.0);
        assert_eq!(nice_step(2.0), 2.0);
        assert!((nice_step(0.023) - 0.05).abs() < 1e-12);
        assert_eq!(nice_step(1234.0), 2000.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn an_axis_covers_the_data_with_round_ends() {
        let a = Axis::new(0.0, 17.0, 6);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 20.0, 5.0));
        assert_eq!(a.ticks(), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        // A fraction: fifths.
        let f = Axis::new(0.0, 1.0, 5);
        assert_eq!((f.lo, f.hi, f.step), (0.0, 1.0, 0.2));
        assert_eq!(f.ticks().len(), 6);
        // An exact multiple stays the end; a bit above it goes to the next tick.
        assert_eq!(Axis::new(0.0, 10.0, 5).hi, 10.0);
        assert_eq!(Axis::new(0.0, 10.5, 5).hi, 15.0);
        // Negative values and empty ranges.
        let n = Axis::new(-3.0, 7.0, 5);
        assert_eq!((n.lo, n.hi, n.step), (-4.0, 8.0, 2.0));
        let e = Axis::new(0.0, 0.0, 4);
        assert!(e.hi > e.lo);
        assert_eq!(e.fraction(e.lo), 0.0);
        assert_eq!(e.fraction(e.hi), 1.0);
        // Whole numbers only: an empty count axis is 0 to 1, a wide one keeps its step.
        let w = Axis::new(0.0, 0.0, 5).whole();
        assert_eq!((w.lo, w.hi, w.step), (0.0, 1.0, 1.0));
        assert_eq!(w.ticks(), vec![0.0, 1.0]);
        let w = Axis::new(0.0, 2.5, 5).whole();
        assert_eq!((w.lo, w.hi, w.step), (0.0, 3.0, 1.0));
        assert_eq!(Axis::new(0.0, 17.0, 6).whole().step, 5.0);
    }

    #[test]
    fn tick_labels_have_the_decimals_the_step_needs() {
        assert_eq!(format_tick(0.5, 0.5), "0.5");
        assert_eq!(format_tick(0.25, 0.05), "0.25");
        assert_eq!(format_tick(10.0, 5.0), "10");
        assert_eq!(format_tick(4000.0, 2000.0), "4k");
        assert_eq!(format_tick(1500.0, 500.0), "1500");
        assert_eq!(format_tick(0.0, 2000.0), "0");
        assert_eq!(format_tick(0.0, 0.2), "0");
        assert_eq!(format_tick(3_000_000.0, 1_000_000.0), "3M");
    }

    #[test]
    fn a_log_axis_runs_between_powers_of_ten() {
        let a = LogAxis::new(12.0, 8_000.0);
        assert_eq!((a.lo, a.hi), (10.0, 10_000.0));
        assert_eq!(
            a.ticks(),
            vec![10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4]
        );
        assert!((a.fraction(100.0) - 1.0 / 3.0).abs() < 1e-12);
        // Exact powers stay the ends; five decades get a tick per decade only.
        let b = LogAxis::new(10.0, 1e6);
        assert_eq!((b.lo, b.hi), (10.0, 1e6));
        assert_eq!(b.ticks(), vec![10.0, 100.0, 1e3, 1e4, 1e5, 1e6]);
        // Nothing to show: one decade.
        assert_eq!(
            LogAxis::new(f64::INFINITY, 0.0),
            LogAxis { lo: 1.0, hi: 10.0 }
        );
        assert_eq!(format_log_tick(0.001), "0.001");
        assert_eq!(format_log_tick(2_000.0), "2k");
        assert_eq!(format_log_tick(1e6), "1M");
    }

    #[test]
    fn the_text_alternative_reads_each_lines_last_point() {
        let line = |label: &'static str, points: &[(f64, f64)]| Line {
            label: label.into(),
            class: "c1",
            points: points.into(),
            stroke: Stroke::Solid,
        };
        let lines = [
            line("key 1", &[(1.0, 0.01), (2.0, 0.5)]),
            line("theory", &[]),
            line("msgs", &[(3.0, 1200.0)]),
        ];
        assert_eq!(
            summary("Infected", "round", &lines),
            "Infected; key 1: 0.5 (round 2); msgs: 1200 (round 3)"
        );
        assert_eq!(data_points(&[(1.0, 0.5), (2.0, 1.0)]), "1,0.5 2,1");
    }
}

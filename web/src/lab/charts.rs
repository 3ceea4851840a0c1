//! Each experiment's charts, drawn from its report's tables (the same numbers the tables and the
//! exports hold): Figure 16 as cumulative distributions on a log time axis, the paper's median,
//! p99 and worst case as dots; convergence rounds against n on a log axis with the theory's
//! curves dashed; residues against k on a log axis beside Demers et al.'s tables; and so on.

use std::collections::BTreeMap;
use std::rc::Rc;

use concord_lab::{Cell, Report, Table};
use yew::prelude::*;

use super::sentences::say_lab;
use crate::i18n::{Lang, say, tr};
use crate::view::chart::{Chart, Line, Scale, Stroke};

/// The colour classes, in order: near-black (`c7`) before sky blue (`c6`), which beside blue
/// (`c1`) is told apart only from seven lines on (Figure 16's six ranges from 150 ms).
const COLOURS: [&str; 8] = ["c1", "c2", "c3", "c4", "c5", "c7", "c6", "c8"];

fn colour(i: usize) -> &'static str {
    COLOURS.iter().cycle().nth(i).copied().unwrap_or("c1")
}

/// A column's cells read as numbers (empty where a cell is none).
fn column<'t>(table: &'t Table, key: &str) -> impl Fn(&[Cell]) -> Option<f64> + 't {
    let i = table.columns.iter().position(|c| c.key == key);
    move |row| match i.and_then(|i| row.get(i)) {
        Some(Cell::Num(x)) => Some(*x),
        Some(Cell::Int(n)) => Some(*n as f64),
        _ => None,
    }
}

/// A column's cells as text, numbers included (`150-155`, `push`, `3`).
fn label<'t>(table: &'t Table, key: &str) -> impl Fn(&[Cell]) -> String + 't {
    let i = table.columns.iter().position(|c| c.key == key);
    move |row| match i.and_then(|i| row.get(i)) {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(n)) => n.to_string(),
        Some(Cell::Num(x)) => x.to_string(),
        _ => String::new(),
    }
}

/// The rows of `table` grouped by `group` (in the order groups first appear), each as the
/// points `(x, y)` where both are numbers.
fn series(
    table: &Table,
    group: impl Fn(&[Cell]) -> String,
    x: impl Fn(&[Cell]) -> Option<f64>,
    y: impl Fn(&[Cell]) -> Option<f64>,
) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut out: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for row in &table.rows {
        let name = group(row);
        let at = match out.iter().position(|(g, _)| *g == name) {
            Some(i) => out.get_mut(i),
            None => {
                out.push((name, Vec::new()));
                out.last_mut()
            }
        };
        if let (Some((_, points)), Some(x), Some(y)) = (at, x(row), y(row)) {
            points.push((x, y));
        }
    }
    out
}

fn line(label: String, class: &'static str, points: Vec<(f64, f64)>, stroke: Stroke) -> Line {
    Line {
        label: label.into(),
        class,
        points: Rc::from(points),
        stroke,
    }
}

/// No chart: the rows are settings, not points along an axis, and the table says it all.
pub fn none(_: &Report, _: Lang) -> Html {
    Html::default()
}

/// Figure 16: the fraction of trials with a new leader by time after the crash, one curve per
/// timeout range on a log time axis; the paper's median, p99 and worst case as dots on the
/// curve's colour. Like the paper, ranges that start at 150 ms (more or less randomness) above,
/// the others (other minimum timeouts) below.
pub fn figure16(report: &Report, lang: Lang) -> Html {
    let (Some(summary), Some(cdf)) = (report.table("summary"), report.table("cdf")) else {
        return Html::default();
    };
    let range = label(summary, "range_ms");
    let curves = series(
        cdf,
        label(cdf, "range_ms"),
        column(cdf, "time_ms"),
        column(cdf, "fraction"),
    );
    let (median, p99, max) = (
        column(summary, "paper_median_ms"),
        column(summary, "paper_p99_ms"),
        column(summary, "paper_max_ms"),
    );
    let mut top = Vec::new();
    let mut bottom = Vec::new();
    for (i, row) in summary.rows.iter().enumerate() {
        let name = range(row);
        let class = colour(i);
        let measured = curves
            .iter()
            .find(|(r, _)| *r == name)
            .map(|(_, points)| points.clone())
            .unwrap_or_default();
        let paper: Vec<(f64, f64)> = [(median(row), 0.5), (p99(row), 0.99), (max(row), 1.0)]
            .into_iter()
            .filter_map(|(x, y)| Some((x?, y)))
            .collect();
        let lines = if name.starts_with("150-") {
            &mut top
        } else {
            &mut bottom
        };
        lines.push(line(
            tr!(lang, "{name} ms", "{name} 毫秒"),
            class,
            measured,
            Stroke::Solid,
        ));
        if !paper.is_empty() {
            lines.push(line(
                tr!(lang, "{name} ms, paper", "{name} 毫秒，论文"),
                class,
                paper,
                Stroke::Dots,
            ));
        }
    }
    let chart = |name: &'static str, title: &'static str, lines: Vec<Line>| {
        (!lines.is_empty()).then(|| {
            html! {
                <Chart name={name} title={title}
                    x_label={say(lang, "time without a leader (ms), log scale", "没有 leader 的时间（毫秒，对数刻度）")}
                    y_label={say(lang, "fraction of trials", "试验比例")}
                    lines={lines} y_max={Some(1.0)} x_scale={Scale::Log} />
            }
        })
    };
    html! {
        <>
            { for chart("figure16-top", say(lang,
                "Varying the randomness: election timeouts from 150 ms (dots: the paper's median, p99 and worst case)",
                "改变随机范围：从 150 毫秒起的选举超时（圆点：论文的中位数、p99 和最坏情况）"), top) }
            { for chart("figure16-bottom", say(lang,
                "Other minimum timeouts (dots: the paper's worst case)",
                "其他最小超时（圆点：论文的最坏情况）"), bottom) }
        </>
    }
}

/// Availability against loss, one curve per guard setting.
pub fn availability(report: &Report, lang: Lang) -> Html {
    let Some(t) = report.table("summary") else {
        return Html::default();
    };
    let lines = series(
        t,
        label(t, "guards"),
        column(t, "loss"),
        column(t, "available"),
    )
    .into_iter()
    .enumerate()
    .map(|(i, (g, points))| line(say_lab(lang, &g), colour(i), points, Stroke::Solid))
    .collect::<Vec<_>>();
    html! {
        <Chart name="availability" title={say(lang, "Time with a leader that can commit", "有能提交的 leader 的时间比例")}
            x_label={say(lang, "message loss", "丢包率")} y_label={say(lang, "fraction of time", "时间比例")}
            lines={lines} y_max={Some(1.0)} />
    }
}

/// Rounds to convergence against n on a log axis, one chart per fan-out: each mode measured
/// (solid) and the lockstep model (dashed, same colour); Pittel's curve for push at fan-out 1.
pub fn spread(report: &Report, lang: Lang) -> Html {
    let Some(t) = report.table("summary") else {
        return Html::default();
    };
    let (mode, fanout) = (label(t, "mode"), label(t, "fanout"));
    let mut by_fanout: BTreeMap<u64, Vec<Line>> = BTreeMap::new();
    let modes = series(
        t,
        |row| format!("{}/{}", fanout(row), mode(row)),
        column(t, "n"),
        column(t, "rounds_mean"),
    );
    let models = series(
        t,
        |row| format!("{}/{}", fanout(row), mode(row)),
        column(t, "n"),
        column(t, "model_rounds"),
    );
    let pittel = series(
        t,
        |row| format!("{}/{}", fanout(row), mode(row)),
        column(t, "n"),
        column(t, "pittel_rounds"),
    );
    let mode_names: Vec<String> = t.rows.iter().map(|r| mode(r)).fold(Vec::new(), |mut v, m| {
        if !v.contains(&m) {
            v.push(m);
        }
        v
    });
    for ((group, measured), ((_, model), (_, pittel))) in
        modes.into_iter().zip(models.into_iter().zip(pittel))
    {
        let (k, m) = group.split_once('/').unwrap_or_default();
        let class = colour(mode_names.iter().position(|x| x == m).unwrap_or(0));
        let lines = by_fanout.entry(k.parse().unwrap_or(0)).or_default();
        lines.push(line(m.to_owned(), class, measured, Stroke::Solid));
        lines.push(line(
            tr!(lang, "{m}, model", "{m}，模型"),
            class,
            model,
            Stroke::Dashed,
        ));
        if !pittel.is_empty() {
            lines.push(line(
                "Pittel log2 n + ln n".into(),
                "c7",
                pittel,
                Stroke::Dashed,
            ));
        }
    }
    let charts = by_fanout.into_iter().map(|(k, lines)| {
        html! {
            <Chart name={format!("spread-fanout-{k}")}
                title={tr!(lang, "Rounds until every node holds the update, fan-out {k}", "直到每个节点都持有该更新的轮数，扇出 {k}")}
                x_label={say(lang, "nodes n, log scale", "节点数 n（对数刻度）")} y_label={say(lang, "rounds, mean", "平均轮数")}
                lines={lines} x_scale={Scale::Log} />
        }
    });
    html! { <>{ for charts }</> }
}

/// Residue against k on a log axis per stop rule (measured solid, the paper's tables as dots,
/// the equation dashed); and residue against traffic beside s = e^-m.
pub fn rumor(report: &Report, lang: Lang) -> Html {
    let Some(t) = report.table("summary") else {
        return Html::default();
    };
    let (stop, feedback) = (label(t, "stop"), label(t, "feedback"));
    let variant = |row: &[Cell]| {
        format!(
            "{} {}",
            say_lab(lang, &stop(row)),
            say_lab(lang, &feedback(row))
        )
    };
    let measured = series(t, variant, column(t, "k"), column(t, "residue"));
    let paper = series(t, variant, column(t, "k"), column(t, "paper_residue"));
    let equation = series(t, variant, column(t, "k"), column(t, "equation_residue"));
    let traffic = series(t, variant, column(t, "traffic"), column(t, "residue"));
    let mut by_k = Vec::new();
    let mut by_m = Vec::new();
    let mut most = 0.0_f64;
    for (i, ((name, points), ((_, paper), ((_, equation), (_, traffic))))) in measured
        .into_iter()
        .zip(paper.into_iter().zip(equation.into_iter().zip(traffic)))
        .enumerate()
    {
        let class = colour(i);
        by_k.push(line(name.clone(), class, points, Stroke::Solid));
        if !paper.is_empty() {
            by_k.push(line(
                tr!(lang, "{name}, paper", "{name}，论文"),
                class,
                paper,
                Stroke::Dots,
            ));
        }
        if !equation.is_empty() {
            by_k.push(line(
                tr!(lang, "{name}, equation", "{name}，方程"),
                class,
                equation,
                Stroke::Dashed,
            ));
        }
        most = traffic.iter().map(|&(m, _)| m).fold(most, f64::max);
        by_m.push(line(name, class, traffic, Stroke::Dots));
    }
    let steps = 40;
    let e_minus_m: Vec<(f64, f64)> = (0..=steps)
        .map(|i| {
            let m = most * i as f64 / steps as f64;
            (m, (-m).exp())
        })
        .collect();
    by_m.push(line("s = e^-m".into(), "c7", e_minus_m, Stroke::Dashed));
    html! {
        <>
            <Chart name="rumor-residue" title={say(lang, "Residue by k (dots: Demers et al.'s Tables 1 and 2)", "残留率随 k 的变化（圆点：Demers 等人的表 1 和表 2）")}
                x_label="k" y_label={say(lang, "residue s, log scale", "残留率 s（对数刻度）")}
                lines={by_k} y_scale={Scale::Log} whole_x=true />
            <Chart name="rumor-traffic" title={say(lang, "Residue against traffic, beside s = e^-m", "残留率与流量，对照 s = e^-m")}
                x_label={say(lang, "traffic m (updates per node)", "流量 m（每节点更新数）")} y_label={say(lang, "residue s, log scale", "残留率 s（对数刻度）")}
                lines={by_m} y_scale={Scale::Log} />
        </>
    }
}

/// SWIM against loss: failed probes beside §3.1's formula; detection times.
pub fn swim(report: &Report, lang: Lang) -> Html {
    let Some(t) = report.table("summary") else {
        return Html::default();
    };
    let one = |key: &str| {
        series(t, |_| String::new(), column(t, "loss"), column(t, key))
            .pop()
            .map(|(_, points)| points)
            .unwrap_or_default()
    };
    let probes = vec![
        line(
            say(lang, "measured", "实测").into(),
            "c1",
            one("probe_failure_rate"),
            Stroke::Solid,
        ),
        line(
            say(lang, "formula (SWIM §3.1)", "公式（SWIM §3.1）").into(),
            "c1",
            one("formula_failure_rate"),
            Stroke::Dashed,
        ),
    ];
    let times = vec![
        line(
            say(lang, "first suspicion", "首次怀疑").into(),
            "c1",
            one("first_suspicion_s"),
            Stroke::Solid,
        ),
        line(
            say(
                lang,
                "first suspicion, formula without loss",
                "首次怀疑，无丢包公式",
            )
            .into(),
            "c1",
            one("loss_free_first_suspicion_s"),
            Stroke::Dashed,
        ),
        line(
            say(lang, "everyone believes it dead", "所有成员都认定其死亡").into(),
            "c2",
            one("detected_s"),
            Stroke::Solid,
        ),
    ];
    let loss = say(lang, "message loss", "丢包率");
    html! {
        <>
            <Chart name="swim-probes" title={say(lang, "Probes of live members that fail", "对存活成员的探测失败比例")}
                x_label={loss} y_label={say(lang, "fraction of probes", "探测比例")} lines={probes} />
            <Chart name="swim-detection" title={say(lang, "Time from a crash to its detection", "从崩溃到被检测到的时间")}
                x_label={loss} y_label={say(lang, "seconds", "秒")} lines={times} />
        </>
    }
}

/// Paxos: mean rounds by proposers, per back-off; and, with fixed back-off, the share still
/// undecided after R rounds per number of proposers.
pub fn duels(report: &Report, lang: Lang) -> Html {
    let (Some(summary), Some(undecided)) = (report.table("summary"), report.table("undecided"))
    else {
        return Html::default();
    };
    let rounds = series(
        summary,
        label(summary, "backoff"),
        column(summary, "proposers"),
        column(summary, "rounds_mean"),
    )
    .into_iter()
    .enumerate()
    .map(|(i, (b, points))| line(say_lab(lang, &b), colour(i), points, Stroke::Solid))
    .collect::<Vec<_>>();
    let (proposers, backoff) = (label(undecided, "proposers"), label(undecided, "backoff"));
    let open = series(
        undecided,
        |row| format!("{}/{}", backoff(row), proposers(row)),
        column(undecided, "after_rounds"),
        column(undecided, "share"),
    )
    .into_iter()
    .filter_map(|(group, points)| {
        let (b, p) = group.split_once('/')?;
        (b == "fixed").then(|| (p.to_owned(), points))
    })
    .enumerate()
    .map(|(i, (p, points))| {
        line(
            tr!(lang, "{p} proposers", "{p} 个 proposer"),
            colour(i),
            points,
            Stroke::Solid,
        )
    })
    .collect::<Vec<_>>();
    html! {
        <>
            <Chart name="duels-rounds" title={say(lang, "Rounds until a value is chosen, mean", "直到选定一个值的平均轮数")}
                x_label={say(lang, "proposers", "proposer 数量")} y_label={say(lang, "rounds", "轮数")}
                lines={rounds} whole_x=true />
            if !open.is_empty() {
                <Chart name="duels-undecided" title={say(lang, "Still undecided after R rounds, fixed back-off", "固定退避时，R 轮之后仍未决定的比例")}
                    x_label="R" y_label={say(lang, "share of runs", "运行占比")}
                    lines={open} y_max={Some(1.0)} whole_x=true />
            }
        </>
    }
}

//! A report on the page: what ran (seeds, trials, parameters, the command that prints the same),
//! the charts, every table with the paper's figures in its own columns, the notes on where the
//! model differs, and the report as JSON or a table as CSV to download — the same bytes
//! `cargo xtask lab … --json` or `--csv --table …` prints.

use std::rc::Rc;

use concord_lab::{Cell, Report, Table};
use yew::prelude::*;

use super::guide::Guide;
use super::sentences::say_lab;
use crate::i18n::{Lang, say, tr};

/// A report to show, compared by identity: the page makes a new one only when trials ran, and
/// redrawing the tables and charts of an unchanged report would cost every frame.
#[derive(Clone)]
pub struct Shown(pub Rc<Report>);

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub lang: Lang,
    pub report: Shown,
    /// The command that prints this report.
    pub command: AttrValue,
    pub guide: &'static Guide,
}

/// The file a download of `report` is saved as: `concord-lab-raft-figure16-seed1.json`, or with
/// the table's name before `.csv`.
fn file_name(report: &Report, table: Option<&str>) -> String {
    let base = format!("concord-lab-{}-seed{}", report.experiment, report.seed);
    match table {
        Some(t) => format!("{base}-{t}.csv"),
        None => format!("{base}.json"),
    }
}

fn show(cell: &Cell, lang: Lang) -> String {
    match cell {
        Cell::Text(s) => say_lab(lang, s),
        Cell::Int(n) => n.to_string(),
        Cell::Num(x) => x.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Each row's verdict against the paper (or the model), for a table that has them: the row named
/// by its cells before `trials`, then the verdict. The table holds them too, far to the right.
fn verdicts(table: &Table, lang: Lang) -> Option<Html> {
    let verdict = table.columns.iter().position(|c| c.key == "verdict")?;
    let lead = table.columns.iter().position(|c| c.key == "trials")?;
    let items = table.rows.iter().filter_map(|row| {
        let Some(Cell::Text(v)) = row.get(verdict) else {
            return None;
        };
        let name: Vec<String> = row.iter().take(lead).map(|c| show(c, lang)).collect();
        let name = name.join(" ");
        Some(html! {
            <li data-verdict={name.clone()}><strong>{ name }</strong>{ ": " }{ say_lab(lang, v) }</li>
        })
    });
    Some(html! { <ul class="lab-verdicts">{ for items }</ul> })
}

/// Offer `text` as the file `name`, saying so in the console if the browser refuses.
fn offer(name: &str, mime: &str, text: &str) {
    if let Err(e) = crate::download::offer(name, mime, text) {
        web_sys::console::error_1(&e.into());
    }
}

/// A table, open when it is the report's first: the others (a distribution's points, duel
/// lengths) are there to read or to download.
fn table_view(table: &Table, open: bool, lang: Lang) -> Html {
    let head = table.columns.iter().map(|c| {
        html! { <th scope="col" data-key={c.key} title={c.key}>{ say_lab(lang, c.label) }</th> }
    });
    let rows = table.rows.iter().map(|row| {
        let cells = row.iter().zip(&table.columns).map(|(cell, c)| {
            let class = match cell {
                Cell::Int(_) | Cell::Num(_) => "num",
                Cell::Text(_) | Cell::Empty => "text",
            };
            html! { <td {class} data-key={c.key}>{ show(cell, lang) }</td> }
        });
        html! { <tr>{ for cells }</tr> }
    });
    html! {
        <details class="lab-table" data-table={table.name} {open}>
            <summary>{ say_lab(lang, &table.title) }</summary>
            <div class="table-scroll">
                <table>
                    <thead><tr>{ for head }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </details>
    }
}

#[component]
pub fn Results(p: &ResultsProps) -> Html {
    let lang = p.lang;
    let report = &p.report.0;
    let last_seed = (report.seed + report.trials as u64).saturating_sub(1);
    let ran = tr!(
        lang,
        "Seeds {} to {}: {} of {} trials in every row.",
        "种子 {} 到 {}：每行 {} / {} 次试验。",
        report.seed,
        last_seed,
        report.done,
        report.trials
    );
    let params = report
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("  ");
    let on_json = {
        let report = Rc::clone(report);
        Callback::from(move |_: MouseEvent| {
            offer(
                &file_name(&report, None),
                "application/json",
                &(report.to_json() + "\n"),
            )
        })
    };
    let csv_buttons = report.tables.iter().map(|t| {
        let (report, name) = (Rc::clone(report), t.name);
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(t) = report.table(name) {
                offer(&file_name(&report, Some(name)), "text/csv", &t.to_csv());
            }
        });
        html! {
            <button data-export="csv" data-table={name} {onclick}>{ format!("{name}.csv") }</button>
        }
    });
    let notes = report
        .notes
        .iter()
        .map(|n| html! { <li>{ say_lab(lang, n) }</li> });
    html! {
        <section class="lab-results" data-lab-results="" data-done={report.done.to_string()}>
            <h3>{ say(lang, "Results", "结果") }</h3>
            <p class="lab-ran">{ ran }</p>
            <p class="lab-params-used"><code>{ params }</code></p>
            <p class="lab-command">{ say(lang, "The same from the command line: ", "在命令行得到同样的结果：") }
                <code data-lab-command="">{ p.command.clone() }</code></p>
            <p class="lab-exports">
                <span>{ say(lang, "Download:", "下载：") }</span>
                <button data-export="json" onclick={on_json}>{ say(lang, "the report (JSON)", "完整报告（JSON）") }</button>
                { for csv_buttons }
            </p>
            <div class="lab-charts">{ (p.guide.charts)(report, lang) }</div>
            { for report.tables.first().and_then(|t| verdicts(t, lang)) }
            { for report.tables.iter().enumerate().map(|(i, t)| table_view(t, i == 0, lang)) }
            if !report.notes.is_empty() {
                <section class="lab-notes">
                    <h4>{ say(lang, "Notes: the setup, and where the model differs from the paper's", "说明：实验设置，以及模型与论文的不同之处") }</h4>
                    <ul>{ for notes }</ul>
                </section>
            }
        </section>
    }
}

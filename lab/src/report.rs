//! What an experiment returns: tables of numbers with the paper's figures beside ours, and notes
//! that say where the model differs from the paper's setup. As JSON (everything), CSV (one
//! table) or text for a terminal.
//!
//! A report holds no wall-clock time and no float printed from a platform's `libm` at full
//! precision: every number is rounded to six significant digits through Rust's exact decimal
//! formatting, so the same seed gives the same JSON natively and in wasm even where a
//! prediction uses `ln` or `exp` (whose last bit may differ between platforms' libraries).

use std::fmt::Write as _;

use serde::Serialize;

/// One experiment's results so far.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The experiment's name, as on the command line.
    pub experiment: &'static str,
    pub title: &'static str,
    /// Trial `i` of every row ran with seed `seed + i`.
    pub seed: u64,
    /// Trials asked for per row, and trials done in every row (a cancelled run stops between
    /// two trials; rows then differ by one at most).
    pub trials: usize,
    pub done: usize,
    /// Every parameter with the value used, in the experiment's order (a JSON object).
    #[serde(serialize_with = "as_map")]
    pub params: Vec<(String, String)>,
    pub tables: Vec<Table>,
    /// What the model does differently from the paper's setup, and what does not reproduce.
    pub notes: Vec<String>,
}

fn as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// Rows of cells under named columns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    /// Short name, for `--table` and file names.
    pub name: &'static str,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    /// CSV header and JSON key: lower case, no spaces.
    pub key: &'static str,
    /// For people, with the unit.
    pub label: &'static str,
}

/// Shorthand for a column.
pub const fn col(key: &'static str, label: &'static str) -> Column {
    Column { key, label }
}

/// A value in a table. Numbers are rounded to six significant digits when made.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Int(u64),
    Num(f64),
    /// No value: no trial yet, no paper figure, not defined.
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number, rounded to six significant digits; not finite: empty.
    pub fn num(x: f64) -> Cell {
        if x.is_finite() {
            Cell::Num(round6(x))
        } else {
            Cell::Empty
        }
    }

    pub fn opt(x: Option<f64>) -> Cell {
        x.map_or(Cell::Empty, Cell::num)
    }

    pub fn int(n: impl Into<u64>) -> Cell {
        Cell::Int(n.into())
    }

    fn show(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => x.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// `x` to six significant digits, through exact decimal formatting (the same on every
/// platform).
fn round6(x: f64) -> f64 {
    format!("{x:.5e}").parse().unwrap_or(x)
}

impl Table {
    pub fn new(name: &'static str, title: impl Into<String>, columns: &[Column]) -> Table {
        Table {
            name,
            title: title.into(),
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}: row width", self.name);
        self.rows.push(row);
    }

    /// The table as CSV: a header of column keys, then one line per row.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(c.key)).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| csv_field(&c.show())).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// The table as aligned text, labels on top.
    pub fn to_text(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| c.label.to_owned()).collect();
        let body: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::show).collect())
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                std::iter::once(&header[i])
                    .chain(body.iter().map(|r| &r[i]))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!("{}\n", self.title);
        for line in std::iter::once(&header).chain(&body) {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .map(|(s, &w)| format!("{s:<w$}"))
                .collect();
            let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl Report {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report is plain data")
    }

    /// Every table as text, then the notes.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}: {} of {} trials per row, seeds {} to {}\n",
            self.title,
            self.experiment,
            self.done,
            self.trials,
            self.seed,
            (self.seed + self.trials as u64).saturating_sub(1)
        );
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("--{k} {v}"))
            .collect();
        if !params.is_empty() {
            let _ = writeln!(out, "  {}", params.join(" "));
        }
        for table in &self.tables {
            out.push('\n');
            out.push_str(&table.to_text());
        }
        if !self.notes.is_empty() {
            out.push_str("\nNotes\n");
            for note in &self.notes {
                let _ = writeln!(out, "  - {note}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_six_significant_digits() {
        assert_eq!(Cell::num(1.0 / 3.0), Cell::Num(0.333333));
        assert_eq!(Cell::num(123_456_789.0), Cell::Num(123_457_000.0));
        assert_eq!(Cell::num(f64::NAN), Cell::Empty);
        assert_eq!(Cell::num(0.0), Cell::Num(0.0));
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_leaves_empty_cells_empty() {
        let mut t = Table::new("t", "T", &[col("a", "A"), col("b", "B (ms)")]);
        t.push(vec![Cell::text("x, y"), Cell::Empty]);
        t.push(vec![Cell::int(3u64), Cell::num(2.5)]);
        assert_eq!(t.to_csv(), "a,b\n\"x, y\",\n3,2.5\n");
        assert!(t.to_text().contains("B (ms)"));
    }
}

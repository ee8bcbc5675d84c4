//! What an example returns: a typed outcome with a verdict, named figures with units, tables and
//! a narrative.
//!
//! Every example's core is a library function that returns an [`Outcome`]; printing happens at the
//! edge (see [`crate::report`]). That split is what lets tests assert on real figures and lets
//! `cargo xtask run-all` gather every chapter's results as JSON.

use serde::{Deserialize, Serialize};

/// Did the example show what it teaches?
///
/// A broken variant that exhibited its bug *showed* its lesson: a detected deadlock is a success
/// for a deadlock demo. `DidNotShow` means the run could not demonstrate the point (for example a
/// race that lost no update this time) and maps to exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The example demonstrated its lesson.
    Showed,
    /// The example ran but did not demonstrate its lesson.
    DidNotShow,
}

impl Verdict {
    /// `Showed` if the run demonstrated its lesson, else `DidNotShow`.
    pub fn from_showed(showed: bool) -> Self {
        if showed {
            Self::Showed
        } else {
            Self::DidNotShow
        }
    }
}

impl From<bool> for Verdict {
    fn from(showed: bool) -> Self {
        Self::from_showed(showed)
    }
}

/// One named measurement, such as `total time = 0.41 s` or `meals (philosopher 2) = 180`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// What was measured, in words a learner can read.
    pub name: String,
    /// The measured value.
    pub value: f64,
    /// The unit (`s`, `ms`, `meals`, `retries`, `x` for ratios, ...).
    pub unit: String,
    /// The headline figure of the run: `run-all` shows it in its summary table.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key: bool,
}

/// A small table of results (rows of cells), rendered with comfy-table for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableData {
    /// A caption printed above the table.
    pub title: String,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows; each row has as many cells as the header.
    pub rows: Vec<Vec<String>>,
}

impl TableData {
    /// Starts a table with a caption and its column headers.
    pub fn new(title: impl Into<String>, header: &[&str]) -> Self {
        Self {
            title: title.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: impl IntoIterator<Item = impl ToString>) {
        self.rows
            .push(cells.into_iter().map(|c| c.to_string()).collect());
    }
}

/// The result of running one variant of one example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The chapter number.
    pub chapter: u32,
    /// The example's name, as in `chapter-N run <example>`.
    pub example: String,
    /// The variant that ran.
    pub variant: String,
    /// Whether it showed what it teaches.
    pub verdict: Verdict,
    /// Measurements with units.
    pub figures: Vec<Figure>,
    /// Tables of per-thread or per-configuration results.
    pub tables: Vec<TableData>,
    /// What happened, in a few lines (the wait-for cycle, the stall report, ...).
    pub narrative: Vec<String>,
    /// One line on what to notice.
    pub notice: String,
    /// Wall-clock seconds the run took (filled in by the CLI).
    #[serde(default)]
    pub seconds: f64,
    /// Charts of what was measured (speedup by threads, latency by load, ...): `cargo xtask
    /// bench` draws each one as an SVG under `results/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plots: Vec<Plot>,
}

/// Charts live in [`crate::plot`]; an outcome carries them, so their names are here too.
pub use crate::plot::{Plot, Series};

impl Outcome {
    /// Starts an outcome for `example`/`variant`; the chapter number is filled in by the CLI.
    pub fn new(example: &str, variant: &str, verdict: Verdict) -> Self {
        Self {
            chapter: 0,
            example: example.to_string(),
            variant: variant.to_string(),
            verdict,
            figures: Vec::new(),
            tables: Vec::new(),
            narrative: Vec::new(),
            notice: String::new(),
            seconds: 0.0,
            plots: Vec::new(),
        }
    }

    /// Adds a figure.
    pub fn figure(mut self, name: impl Into<String>, value: f64, unit: &str) -> Self {
        self.figures.push(Figure {
            name: name.into(),
            value,
            unit: unit.to_string(),
            key: false,
        });
        self
    }

    /// Adds the headline figure (shown in the `run-all` summary).
    pub fn key_figure(mut self, name: impl Into<String>, value: f64, unit: &str) -> Self {
        self.figures.push(Figure {
            name: name.into(),
            value,
            unit: unit.to_string(),
            key: true,
        });
        self
    }

    /// Adds a count of `unit` (a plural: `requests`), written with separators and agreeing.
    pub fn count(self, name: impl Into<String>, n: impl TryInto<i128>, unit: &str) -> Self {
        let n: i128 = n.try_into().unwrap_or(i128::MAX);
        self.figure(name, n as f64, unit)
    }

    /// Adds a duration (in seconds, written in the unit that fits it).
    pub fn duration(self, name: impl Into<String>, d: std::time::Duration) -> Self {
        self.figure(name, d.as_secs_f64(), "s")
    }

    /// Adds a yes-or-no.
    pub fn flag(self, name: impl Into<String>, yes: bool) -> Self {
        self.figure(name, f64::from(u8::from(yes)), crate::format::YES_NO)
    }

    /// Makes the figure added last the headline one (shown in the `run-all` summary).
    pub fn as_key(mut self) -> Self {
        if let Some(last) = self.figures.last_mut() {
            last.key = true;
        }
        self
    }

    /// Adds a table.
    pub fn table(mut self, table: TableData) -> Self {
        self.tables.push(table);
        self
    }

    /// Adds a chart for `cargo xtask bench` to draw.
    pub fn plot(mut self, plot: Plot) -> Self {
        self.plots.push(plot);
        self
    }

    /// Adds a line of narrative.
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.narrative.push(line.into());
        self
    }

    /// Sets the one line on what to notice.
    pub fn notice(mut self, notice: impl Into<String>) -> Self {
        self.notice = notice.into();
        self
    }

    /// Whether `text` appears in the narrative, a table cell or the notice: what the run
    /// already says.
    pub fn mentions(&self, text: &str) -> bool {
        self.narrative.iter().any(|line| line.contains(text))
            || self.notice.contains(text)
            || self
                .tables
                .iter()
                .flat_map(|table| table.rows.iter().flatten())
                .any(|cell| cell.contains(text))
    }

    /// Looks a figure up by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
    }

    /// The headline figure, if the example marked one.
    pub fn key(&self) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_round_trips_through_json() {
        let mut table = TableData::new("meals", &["philosopher", "meals"]);
        table.row(["0", "12"]);
        let outcome = Outcome::new("dining-philosophers", "ordered", Verdict::Showed)
            .key_figure("total time", 0.25, "s")
            .figure("meals", 60.0, "meals")
            .table(table)
            .line("all five ate")
            .notice("ordering breaks the cycle")
            .plot(
                Plot::new("chapter-12-test", "meals", "threads", "meals")
                    .measured("measured", vec![(1.0, 12.0), (2.0, 20.0)])
                    .predicted("ideal", vec![(1.0, 12.0), (2.0, 24.0)]),
            );
        let json = serde_json::to_string(&outcome).expect("serializes");
        assert!(json.contains("\"verdict\":\"showed\""), "{json}");
        let back: Outcome = serde_json::from_str(&json).expect("parses back");
        assert_eq!(back, outcome);
        assert_eq!(back.key().map(|f| f.name.as_str()), Some("total time"));
        assert_eq!(back.get("meals"), Some(60.0));
        assert_eq!(back.get("missing"), None);
        assert_eq!(Verdict::from(true), Verdict::Showed);
        assert_eq!(Verdict::from(false), Verdict::DidNotShow);
    }
}

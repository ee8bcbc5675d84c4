//! Charts of what a run measured: the [`Plot`] an outcome carries in its `--json`, and (feature
//! `plot`) `write_svg`, which draws it as an SVG file with `plotters`.
//!
//! Examples attach plots to their outcomes; `cargo xtask bench` gathers them and draws each one,
//! so every chart of the workspace follows the same rules, and none flatters a result:
//!
//! - measured series are solid with a dot on every point, predictions (Amdahl's law, the ideal
//!   line) dashed, and each legend swatch is drawn the way its series is;
//! - a categorical x axis (a queue's shape, say) is drawn as grouped bars ([`Kind::Bars`]): a
//!   line between two categories would claim values between them;
//! - the y axis starts at 0 and ends a little above the highest point or error bar; the legend
//!   sits below the chart, so it needs no room above the data;
//! - a figure that is the median of repeated runs carries its spread, the slowest to the fastest
//!   run, drawn as an error bar;
//! - a chart by thread count marks the machine's cores, past which more threads only share them;
//! - a subtitle says what a figure includes and what it leaves out.

use serde::{Deserialize, Serialize};

#[cfg(feature = "plot")]
mod layout;
#[cfg(feature = "plot")]
mod svg;

#[cfg(feature = "plot")]
pub use svg::write_svg;

/// A chart of measured series (and the predictions they are held against).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plot {
    /// The file stem of the chart, unique across the workspace: `chapter-2-amdahl-book-sweep`.
    pub id: String,
    /// The caption.
    pub title: String,
    /// A line under the caption: what the figures include and leave out, how they were repeated.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subtitle: String,
    /// The horizontal axis, with its unit: `threads`, `concurrent clients`.
    pub x_label: String,
    /// The vertical axis, with its unit: `speedup (x)`, `latency (ms)`.
    pub y_label: String,
    /// Names for the x positions 0, 1, 2, ... when the x axis is a category (a queue's shape,
    /// say) rather than a number; empty for a numeric axis. A categorical chart is drawn as bars.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub x_categories: Vec<String>,
    /// The lines (or, on a categorical axis, the bars).
    pub series: Vec<Series>,
    /// The machine's cores, marked on a chart by thread count: past them more threads take turns
    /// on the same cores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<usize>,
    /// What the error bars span, for the legend: `slowest to fastest of 3 runs`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spread_label: String,
}

/// How a [`Plot`] is drawn, which follows from its x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A numeric x axis (threads, clients): lines through the points.
    Lines,
    /// A categorical x axis: one group of bars a category, one bar a series.
    Bars,
}

/// One line (or one set of bars) of a [`Plot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The legend's label.
    pub name: String,
    /// `(x, y)` points, in x order.
    pub points: Vec<(f64, f64)>,
    /// A prediction (Amdahl's law, the ideal line) rather than a measurement: drawn dashed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub predicted: bool,
    /// For a median of repeated runs: the `(low, high)` the runs spanned at each point, in the
    /// order of `points`; empty for a single run or a prediction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<(f64, f64)>,
}

impl Plot {
    /// Starts a chart with no series.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        x_label: &str,
        y_label: &str,
    ) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            subtitle: String::new(),
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            x_categories: Vec::new(),
            series: Vec::new(),
            cores: None,
            spread_label: String::new(),
        }
    }

    /// Sets the line under the caption: what the figures include and leave out.
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = subtitle.into();
        self
    }

    /// Makes the x axis categorical, drawn as bars: point `x = i` is labelled `categories[i]`.
    pub fn categories(mut self, categories: impl IntoIterator<Item = impl ToString>) -> Self {
        self.x_categories = categories.into_iter().map(|c| c.to_string()).collect();
        self
    }

    /// Marks this machine's `cores` on the x axis (a chart by threads or workers).
    pub fn cores_marker(mut self, cores: usize) -> Self {
        self.cores = Some(cores);
        self
    }

    /// Adds a measured series.
    pub fn measured(mut self, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        self.series.push(Series {
            name: name.into(),
            points,
            predicted: false,
            spread: Vec::new(),
        });
        self
    }

    /// Adds a measured series of medians with the `(low, high)` their runs spanned at each
    /// point, and says in the legend what that span is (`slowest to fastest of 3 runs`).
    pub fn measured_with_spread(
        mut self,
        name: impl Into<String>,
        points: Vec<(f64, f64)>,
        spread: Vec<(f64, f64)>,
        spread_label: impl Into<String>,
    ) -> Self {
        self.series.push(Series {
            name: name.into(),
            points,
            predicted: false,
            spread,
        });
        self.spread_label = spread_label.into();
        self
    }

    /// Gives the series named `name` the `(low, high)` its runs spanned at each point (see
    /// [`Plot::measured_with_spread`]); a chart without such a series is left as it is.
    pub fn spread(
        mut self,
        name: &str,
        spread: Vec<(f64, f64)>,
        spread_label: impl Into<String>,
    ) -> Self {
        if let Some(series) = self.series.iter_mut().find(|s| s.name == name) {
            series.spread = spread;
            self.spread_label = spread_label.into();
        }
        self
    }

    /// Adds Amdahl's prediction for the serial fraction `serial` at each worker count of
    /// `workers`, twice: on as many processors as workers, and on this machine's `cores` (where
    /// the curve flattens once the workers outnumber the cores); and marks the cores.
    pub fn amdahl_lines(self, serial: f64, workers: &[usize], cores: usize) -> Self {
        let line = |on: &dyn Fn(usize) -> usize| -> Vec<(f64, f64)> {
            workers
                .iter()
                .map(|&n| (n as f64, crate::timing::amdahl(serial, on(n))))
                .collect()
        };
        let processors = line(&|n| n);
        let here = line(&|n| n.min(cores));
        self.predicted(format!("Amdahl, s = {serial:.3}: n processors"), processors)
            .predicted(format!("Amdahl, s = {serial:.3}: {cores} cores"), here)
            .cores_marker(cores)
    }

    /// Adds a predicted series (drawn dashed).
    pub fn predicted(mut self, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        self.series.push(Series {
            name: name.into(),
            points,
            predicted: true,
            spread: Vec::new(),
        });
        self
    }

    /// Lines for a numeric x axis, bars for a categorical one.
    pub fn kind(&self) -> Kind {
        if self.x_categories.is_empty() {
            Kind::Lines
        } else {
            Kind::Bars
        }
    }

    /// The highest value drawn: a point or the top of an error bar (0 for an empty chart).
    pub fn y_max(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|s| {
                let points = s.points.iter().map(|p| p.1);
                points.chain(s.spread.iter().map(|r| r.0.max(r.1)))
            })
            .filter(|y| y.is_finite())
            .fold(0.0, f64::max)
    }

    /// The legend's words for the error bars: the plot's own, or a general one.
    pub fn spread_words(&self) -> &str {
        if self.spread_label.is_empty() {
            "slowest to fastest run"
        } else {
            &self.spread_label
        }
    }

    /// True when some series carries a spread.
    pub fn has_spread(&self) -> bool {
        self.series.iter().any(|s| !s.spread.is_empty())
    }
}

/// The median of repeated measurements (the upper middle one of an even count) and their
/// `(lowest, highest)`: a rate or a latency the way a chart draws it. `(0, (0, 0))` for none.
pub fn median_and_spread(values: impl IntoIterator<Item = f64>) -> (f64, (f64, f64)) {
    let mut values: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
    values.sort_by(f64::total_cmp);
    match (values.first(), values.last()) {
        (Some(&low), Some(&high)) => (values[values.len() / 2], (low, high)),
        _ => (0.0, (0.0, 0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_categorical_axis_makes_bars_and_a_numeric_one_lines() {
        let lines = Plot::new("t", "t", "threads", "y").measured("m", vec![(1.0, 2.0)]);
        assert_eq!(lines.kind(), Kind::Lines);
        let bars = lines.categories(["1:1", "2:1"]);
        assert_eq!(bars.kind(), Kind::Bars);
    }

    #[test]
    fn the_highest_value_counts_the_error_bars() {
        let plot = Plot::new("t", "t", "x", "y")
            .measured_with_spread(
                "m",
                vec![(1.0, 2.0), (2.0, 3.0)],
                vec![(1.5, 2.5), (2.0, 4.5)],
                "slowest to fastest of 3 runs",
            )
            .predicted("p", vec![(1.0, 1.0), (2.0, 4.0)]);
        assert!((plot.y_max() - 4.5).abs() < 1e-12);
        assert!(plot.has_spread());
        assert_eq!(plot.spread_words(), "slowest to fastest of 3 runs");
        assert_eq!(Plot::new("t", "t", "x", "y").y_max(), 0.0);
    }

    #[test]
    fn amdahls_lines_mark_the_cores() {
        let plot = Plot::new("t", "t", "threads", "speedup").amdahl_lines(0.1, &[1, 2, 3, 4], 2);
        assert_eq!(plot.cores, Some(2));
        assert!(plot.series.iter().all(|s| s.predicted));
        assert_eq!(plot.series[1].points[3].1, crate::timing::amdahl(0.1, 2));
    }

    #[test]
    fn a_spread_goes_to_the_series_it_names() {
        let plot = Plot::new("t", "t", "x", "y")
            .measured("a", vec![(1.0, 2.0)])
            .measured("b", vec![(1.0, 3.0)])
            .spread("b", vec![(2.5, 3.5)], "of 3 runs")
            .spread("c", vec![(0.0, 9.0)], "no such series");
        assert!(plot.series[0].spread.is_empty());
        assert_eq!(plot.series[1].spread, [(2.5, 3.5)]);
        assert_eq!(plot.spread_words(), "of 3 runs");
    }

    #[test]
    fn repeated_measurements_give_their_median_and_range() {
        assert_eq!(median_and_spread([3.0, 1.0, 2.0]), (2.0, (1.0, 3.0)));
        assert_eq!(median_and_spread([4.0, 1.0]), (4.0, (1.0, 4.0)));
        assert_eq!(median_and_spread([]), (0.0, (0.0, 0.0)));
    }

    #[test]
    fn old_json_without_the_new_fields_still_reads() {
        let json = r#"{"id":"a","title":"t","x_label":"x","y_label":"y",
            "series":[{"name":"m","points":[[1.0,2.0]]}]}"#;
        let plot: Plot = serde_json::from_str(json).expect("reads");
        assert_eq!((plot.cores, plot.subtitle.as_str()), (None, ""));
        assert!(plot.series[0].spread.is_empty() && !plot.series[0].predicted);
    }
}

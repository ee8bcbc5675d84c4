//! Where a chart's parts go, before anything is drawn: the caption wrapped to the width, the
//! axis ranges (the y axis fitted to the data), where the cores marker falls, and the legend's
//! entries, each with the swatch its series is drawn with, flowed into rows below the chart.

use std::ops::Range;

use plotters::style::RGBColor;

use super::{Kind, Plot};

pub(super) const COLORS: [RGBColor; 6] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x55, 0x55, 0x55),
];
/// Error bars, the cores marker and the subtitle: dark grey, apart from every series' colour.
pub(super) const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

pub(super) const WIDTH: u32 = 760;
pub(super) const CHART_HEIGHT: u32 = 420;
/// The left and right margin of the caption and the legend, in pixels.
pub(super) const SIDE: i32 = 16;
/// Font sizes as plotters takes them (it writes them to the SVG divided by 1.24).
const TITLE_SIZE: f64 = 24.0;
const SMALLEST_TITLE: f64 = 18.0;
pub(super) const SUBTITLE_SIZE: f64 = 16.0;
pub(super) const LABEL_SIZE: f64 = 16.0;
const LEGEND_ROW: i32 = 22;
/// The length of a legend swatch.
pub(super) const SWATCH: i32 = 30;
/// A prediction's dash and gap, in pixels, on the chart and in its swatch alike.
pub(super) const DASH: (i32, i32) = (8, 6);
/// The cores marker's dash and gap: shorter than a prediction's, so the two are not confused.
pub(super) const MARKER_DASH: (i32, i32) = (3, 4);

/// Where a chart's parts go, in pixels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Layout {
    /// The caption's lines and their font size.
    pub(super) title: (Vec<String>, f64),
    /// The subtitle's lines.
    pub(super) subtitle: Vec<String>,
    /// Where the chart starts (below the caption and subtitle).
    pub(super) chart_top: i32,
    /// Where the legend starts (below the chart).
    pub(super) legend_top: i32,
    /// Each legend entry and the centre of its swatch's left end.
    pub(super) legend: Vec<(Entry, (i32, i32))>,
    /// The whole image's height.
    pub(super) height: u32,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub(super) swatch: Swatch,
    pub(super) label: String,
}

/// How a legend entry's swatch is drawn: as its series is, error bars included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Swatch {
    /// A line: solid with a dot (measured) or dashed (predicted), with the series' error bar if
    /// it has a spread.
    Line {
        color: RGBColor,
        dashed: bool,
        whisker: bool,
    },
    /// A filled bar (measured, on a categorical axis), with an error bar if it has a spread.
    Bar { color: RGBColor, whisker: bool },
    /// None: a note.
    Note,
}

/// The width `text` takes at plotters' font `size`: an estimate (an SVG has no font metrics at
/// hand; a sans-serif character is about 0.55 em, and plotters writes `size / 1.24`).
pub(super) fn text_width(text: &str, size: f64) -> i32 {
    (text.chars().count() as f64 * 0.55 * size / 1.24).ceil() as i32
}

/// `text` in lines no wider than `width` at `size`, broken between words.
fn wrap(text: &str, size: f64, width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), size) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The legend: every series as drawn, then the error bars, then the cores if off the axis.
fn entries(plot: &Plot, x_range: &Range<f64>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = plot
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| {
            let color = COLORS[i % COLORS.len()];
            let whisker = !series.spread.is_empty();
            let swatch = match (plot.kind(), series.predicted) {
                (Kind::Bars, false) => Swatch::Bar { color, whisker },
                (_, dashed) => Swatch::Line {
                    color,
                    dashed,
                    whisker,
                },
            };
            Entry {
                swatch,
                label: series.name.clone(),
            }
        })
        .collect();
    if plot.has_spread() {
        entries.push(Entry {
            swatch: Swatch::Note,
            label: format!("error bars: {}", plot.spread_words()),
        });
    }
    if let Some(cores) = plot.cores
        && marker_at(plot, x_range).is_none()
    {
        entries.push(Entry {
            swatch: Swatch::Note,
            label: format!("this machine has {cores} cores (off the axis)"),
        });
    }
    entries
}

/// Lays `plot` out: the caption (shrunk, then wrapped, to fit), the subtitle, the chart, and
/// the legend's entries flowed into rows below it.
pub(super) fn layout(plot: &Plot) -> Layout {
    let width = WIDTH as i32 - 2 * SIDE;
    let fit = f64::from(width) * 1.24 / (0.55 * plot.title.chars().count().max(1) as f64);
    let title_size = fit.clamp(SMALLEST_TITLE, TITLE_SIZE);
    let title = wrap(&plot.title, title_size, width);
    let subtitle = wrap(&plot.subtitle, SUBTITLE_SIZE, width);
    let line = |size: f64, lines: usize| (size / 1.24 * 1.3).ceil() as i32 * lines as i32;
    let chart_top = 10 + line(title_size, title.len()) + line(SUBTITLE_SIZE, subtitle.len()) + 4;
    let legend_top = chart_top + CHART_HEIGHT as i32;
    let (x_range, _) = ranges(plot);
    let mut legend = Vec::new();
    let (mut x, mut row) = (SIDE, 0);
    for entry in entries(plot, &x_range) {
        let swatch = if entry.swatch == Swatch::Note {
            0
        } else {
            SWATCH + 8
        };
        let wide = swatch + text_width(&entry.label, LABEL_SIZE) + 24;
        if x > SIDE && x + wide > WIDTH as i32 - SIDE {
            (x, row) = (SIDE, row + 1);
        }
        legend.push((entry, (x, legend_top + 12 + row * LEGEND_ROW)));
        x += wide;
    }
    let rows = if legend.is_empty() { 0 } else { row + 1 };
    Layout {
        title: (title, title_size),
        subtitle,
        chart_top,
        legend_top,
        legend,
        height: (legend_top + rows * LEGEND_ROW + 8) as u32,
    }
}

/// The top of the y axis for data peaking at `max`: a little above it, on a round number when
/// one is near (never more than 15 % above), 1 for a chart with nothing above 0.
pub(super) fn y_top(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / 10.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    let top = (max * 1.03 / step).ceil() * step;
    if top <= max * 1.15 { top } else { max * 1.08 }
}

/// The axis ranges: x over the points with a little room for the dots at either end (a unit
/// wide at least), or half a slot either side of the categories; y from 0 to [`y_top`].
pub(super) fn ranges(plot: &Plot) -> (Range<f64>, Range<f64>) {
    let y = 0.0..y_top(plot.y_max());
    if plot.kind() == Kind::Bars {
        return (-0.5..plot.x_categories.len() as f64 - 0.5, y);
    }
    let xs = || {
        plot.series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
    };
    let min = xs().fold(f64::INFINITY, f64::min);
    let max = xs().fold(f64::NEG_INFINITY, f64::max);
    let (min, max) = if min.is_finite() && max.is_finite() {
        (min, max.max(min + 1.0))
    } else {
        (0.0, 1.0)
    };
    let pad = (max - min) * 0.03;
    (min - pad..max + pad, y)
}

/// Where the cores marker goes: at the cores, if the x axis reaches them.
pub(super) fn marker_at(plot: &Plot, x_range: &Range<f64>) -> Option<f64> {
    let cores = plot.cores? as f64;
    (plot.kind() == Kind::Lines && x_range.contains(&cores)).then_some(cores)
}

/// A tick label with no more digits than it needs: `2000`, `2.5`, `0.25`.
pub(super) fn tick(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

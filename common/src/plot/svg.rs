//! A [`Plot`] drawn as an SVG file with `plotters`: the caption and its subtitle on top, the
//! chart (lines or bars, error bars, the cores marker) in the middle, the legend below, each
//! swatch drawn the way its series is. Where each part goes is [`super::layout`]'s, worked out
//! first so that the tests can find what was drawn where.

use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{
    CHART_HEIGHT, COLORS, DASH, INK, LABEL_SIZE, Layout, MARKER_DASH, SIDE, SUBTITLE_SIZE, SWATCH,
    Swatch, WIDTH, layout, marker_at, ranges, tick,
};
use super::{Kind, Plot, Series};

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Writes `plot` as an SVG file at `path` (its folder must exist).
pub fn write_svg(path: &Path, plot: &Plot) -> anyhow::Result<()> {
    let layout = layout(plot);
    let (x_range, y_range) = ranges(plot);
    let root = SVGBackend::new(path, (WIDTH, layout.height)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error)?;
    draw_header(&root, &layout)?;
    let (_, below) = root.split_vertically(layout.chart_top);
    let (area, legend) = below.split_vertically(CHART_HEIGHT);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(SIDE as u32)
        .margin_right(24)
        .margin_top(8)
        .x_label_area_size(44)
        .y_label_area_size(76)
        .build_cartesian_2d(x_range.clone(), y_range.clone())
        .map_err(plot_error)?;
    draw_mesh(&mut chart, plot, &x_range)?;
    match plot.kind() {
        Kind::Lines => draw_lines(&mut chart, plot, &x_range)?,
        Kind::Bars => draw_bars(&mut chart, plot)?,
    }
    if let Some(cores) = marker_at(plot, &x_range) {
        let top = y_range.end;
        chart
            .draw_series([DashedPathElement::new(
                [(cores, 0.0), (cores, top)],
                MARKER_DASH.0,
                MARKER_DASH.1,
                INK.stroke_width(2),
            )])
            .map_err(plot_error)?;
        // Low on the line, where a speedup or a rate by threads seldom is.
        let label = Text::new(
            format!("{} cores", plot.cores.unwrap_or(0)),
            (6, -22),
            ("sans-serif", LABEL_SIZE).into_font().color(&INK),
        );
        chart
            .draw_series([EmptyElement::at((cores, 0.0)) + label])
            .map_err(plot_error)?;
    }
    draw_legend(&legend, &layout)?;
    root.present().map_err(plot_error)?;
    Ok(())
}

fn draw_header(root: &DrawingArea<SVGBackend, Shift>, layout: &Layout) -> anyhow::Result<()> {
    let centre = Pos::new(HPos::Center, VPos::Top);
    let (lines, size) = &layout.title;
    let mut y = 10;
    for line in lines {
        let font = ("sans-serif", *size).into_font().into_text_style(root);
        root.draw(&Text::new(
            line.as_str(),
            (WIDTH as i32 / 2, y),
            font.pos(centre),
        ))
        .map_err(plot_error)?;
        y += (size / 1.24 * 1.3).ceil() as i32;
    }
    for line in &layout.subtitle {
        let font = ("sans-serif", SUBTITLE_SIZE).into_font().color(&INK);
        root.draw(&Text::new(
            line.as_str(),
            (WIDTH as i32 / 2, y),
            font.pos(centre),
        ))
        .map_err(plot_error)?;
        y += (SUBTITLE_SIZE / 1.24 * 1.3).ceil() as i32;
    }
    Ok(())
}

fn draw_mesh(chart: &mut Chart, plot: &Plot, x_range: &Range<f64>) -> anyhow::Result<()> {
    let categories = &plot.x_categories;
    let label_x = |x: &f64| -> String {
        if categories.is_empty() {
            if x.fract().abs() < 1e-9 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        } else {
            let nearest = x.round();
            let index = nearest as usize;
            if (x - nearest).abs() < 1e-6 && nearest >= 0.0 && index < categories.len() {
                categories[index].clone()
            } else {
                String::new()
            }
        }
    };
    // Integer ticks for small counts (threads 1..8), plotters' choice beyond; one a category.
    let x_ticks = if categories.is_empty() {
        ((x_range.end - x_range.start).round() as usize + 1).clamp(2, 12)
    } else {
        categories.len()
    };
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(2)
        .label_style(("sans-serif", LABEL_SIZE))
        .axis_desc_style(("sans-serif", 18))
        .x_labels(x_ticks)
        .x_label_formatter(&label_x)
        .y_labels(8)
        .y_label_formatter(&|y| tick(*y))
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str());
    if !categories.is_empty() {
        // A grid line through the middle of each group of bars would only cut them.
        mesh.disable_x_mesh();
    }
    mesh.draw().map_err(plot_error)
}

/// Lines through the points; each error bar in its series' colour, nudged a few pixels aside
/// from the others' at the same x so that overlapping bars stay apart.
fn draw_lines(chart: &mut Chart, plot: &Plot, x_range: &Range<f64>) -> anyhow::Result<()> {
    let span = x_range.end - x_range.start;
    let cap = span * 0.008;
    let spread: Vec<usize> = (0..plot.series.len())
        .filter(|&i| !plot.series[i].spread.is_empty())
        .collect();
    for (i, series) in plot.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let style = color.stroke_width(2);
        let points = series.points.iter().copied();
        if series.predicted {
            chart
                .draw_series(DashedLineSeries::new(points, DASH.0, DASH.1, style))
                .map_err(plot_error)?;
        } else {
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(plot_error)?;
            chart
                .draw_series(
                    series
                        .points
                        .iter()
                        .map(|&p| Circle::new(p, 3, color.filled())),
                )
                .map_err(plot_error)?;
        }
        let rank = spread.iter().position(|&s| s == i).unwrap_or(0) as f64;
        let nudge = (rank - (spread.len().max(1) - 1) as f64 / 2.0) * span * 0.006;
        draw_whiskers(chart, series, cap, color, move |x| x + nudge)?;
    }
    Ok(())
}

/// One group of bars a category, one bar a series in the legend's order; a prediction is a
/// dashed line across its slot at its height.
fn draw_bars(chart: &mut Chart, plot: &Plot) -> anyhow::Result<()> {
    let slots = plot.series.len().max(1) as f64;
    let group = 0.8;
    let slot = group / slots;
    for (i, series) in plot.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let left = move |x: f64| x - group / 2.0 + i as f64 * slot;
        let bar_width = slot * 0.9;
        if series.predicted {
            chart
                .draw_series(series.points.iter().map(|&(x, y)| {
                    let x0 = left(x);
                    DashedPathElement::new(
                        [(x0, y), (x0 + bar_width, y)],
                        DASH.0,
                        DASH.1,
                        color.stroke_width(2),
                    )
                }))
                .map_err(plot_error)?;
        } else {
            chart
                .draw_series(series.points.iter().map(|&(x, y)| {
                    let x0 = left(x);
                    Rectangle::new([(x0, 0.0), (x0 + bar_width, y)], color.filled())
                }))
                .map_err(plot_error)?;
        }
        draw_whiskers(chart, series, bar_width * 0.25, INK, |x| {
            left(x) + bar_width / 2.0
        })?;
    }
    Ok(())
}

/// Each point's spread as a vertical line from low to high with a cap at each end, `cap` wide
/// either side, in `color`, at the x that `at` gives for the point's x.
fn draw_whiskers(
    chart: &mut Chart,
    series: &Series,
    cap: f64,
    color: RGBColor,
    at: impl Fn(f64) -> f64,
) -> anyhow::Result<()> {
    let style = color.stroke_width(1);
    let whiskers = series
        .points
        .iter()
        .zip(&series.spread)
        .flat_map(|(p, &(low, high))| {
            let x = at(p.0);
            [
                PathElement::new([(x, low), (x, high)], style),
                PathElement::new([(x - cap, low), (x + cap, low)], style),
                PathElement::new([(x - cap, high), (x + cap, high)], style),
            ]
        });
    chart.draw_series(whiskers).map_err(plot_error)?;
    Ok(())
}

fn draw_legend(area: &DrawingArea<SVGBackend, Shift>, layout: &Layout) -> anyhow::Result<()> {
    // The legend's own area starts at the layout's `legend_top`.
    let top = layout.legend_top;
    let label = ("sans-serif", LABEL_SIZE)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (entry, (x, y)) in &layout.legend {
        let (x, y) = (*x, *y - top);
        let end = x + SWATCH;
        let drawn = match entry.swatch {
            Swatch::Line {
                color,
                dashed: true,
                whisker,
            } => area
                .draw(&DashedPathElement::new(
                    [(x, y), (end, y)],
                    DASH.0,
                    DASH.1,
                    color.stroke_width(2),
                ))
                .and_then(|()| swatch_whisker(area, whisker, (x + SWATCH / 2, y), color)),
            Swatch::Line {
                color,
                dashed: false,
                whisker,
            } => area
                .draw(&PathElement::new([(x, y), (end, y)], color.stroke_width(2)))
                .and_then(|()| area.draw(&Circle::new((x + SWATCH / 2, y), 3, color.filled())))
                .and_then(|()| swatch_whisker(area, whisker, (x + SWATCH / 2, y), color)),
            Swatch::Bar { color, whisker } => area
                .draw(&Rectangle::new(
                    [(x + 6, y - 6), (end - 6, y + 6)],
                    color.filled(),
                ))
                .and_then(|()| swatch_whisker(area, whisker, (x + SWATCH / 2, y - 6), INK)),
            Swatch::Note => Ok(()),
        };
        drawn.map_err(plot_error)?;
        let text_x = if entry.swatch == Swatch::Note {
            x
        } else {
            end + 8
        };
        area.draw(&Text::new(entry.label.as_str(), (text_x, y), label.clone()))
            .map_err(plot_error)?;
    }
    Ok(())
}

/// A swatch's error bar, if its series has one: 14 pixels tall, centred on `(x, y)`.
fn swatch_whisker(
    area: &DrawingArea<SVGBackend, Shift>,
    whisker: bool,
    (x, y): (i32, i32),
    color: RGBColor,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    if !whisker {
        return Ok(());
    }
    let style = color.stroke_width(1);
    area.draw(&PathElement::new([(x, y - 7), (x, y + 7)], style))?;
    area.draw(&PathElement::new([(x - 4, y - 7), (x + 4, y - 7)], style))?;
    area.draw(&PathElement::new([(x - 4, y + 7), (x + 4, y + 7)], style))
}

fn plot_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("plotting failed: {e}")
}

#[cfg(test)]
mod tests;

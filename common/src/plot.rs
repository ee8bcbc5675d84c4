//! A [`Plot`] drawn as an SVG line chart with `plotters` (feature `plot`).
//!
//! Examples attach plots to their outcomes; `cargo xtask bench` gathers them from `--json` and
//! calls [`write_svg`] once a chart, so every chart of the workspace has the same look: measured
//! series as solid lines with a dot on every point, predictions (Amdahl's law, the ideal line)
//! dashed, the legend in the upper left. Open the files in a browser.

use std::path::Path;

use plotters::prelude::*;

use crate::outcome::Plot;

const COLORS: [RGBColor; 6] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x55, 0x55, 0x55),
];

/// The axis ranges: x from the smallest to the largest x (a unit wide at least), y from 0 to
/// enough above the largest y that the legend (upper left, a line a series) covers no point.
fn ranges(plot: &Plot) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let points = || plot.series.iter().flat_map(|s| s.points.iter());
    let min_x = points().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let max_x = points().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let max_y = points().map(|p| p.1).fold(0.0, f64::max);
    let (min_x, max_x) = if min_x.is_finite() && max_x.is_finite() {
        (min_x, max_x)
    } else {
        (0.0, 1.0)
    };
    let (min_x, max_x) = if plot.x_categories.is_empty() {
        (min_x, max_x.max(min_x + 1.0))
    } else {
        // Categories sit at 0, 1, ...: leave half a slot on each side.
        (-0.5, plot.x_categories.len() as f64 - 0.5)
    };
    let headroom = 1.15 + 0.07 * plot.series.len() as f64;
    let max_y = if max_y > 0.0 { max_y * headroom } else { 1.0 };
    (min_x..max_x, 0.0..max_y)
}

/// Writes `plot` as an SVG file at `path` (its folder must exist).
pub fn write_svg(path: &Path, plot: &Plot) -> anyhow::Result<()> {
    let (x_range, y_range) = ranges(plot);
    let root = SVGBackend::new(path, (760, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&plot.title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(76)
        .build_cartesian_2d(x_range.clone(), y_range)
        .map_err(plot_error)?;

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
    // Integer ticks for small counts (threads 1..8), plotters' choice beyond.
    let span = x_range.end - x_range.start;
    let x_ticks = if categories.is_empty() {
        (span as usize + 1).clamp(2, 12)
    } else {
        categories.len()
    };
    chart
        .configure_mesh()
        .max_light_lines(2)
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .x_labels(x_ticks)
        .x_label_formatter(&label_x)
        .y_label_formatter(&|y| tick(*y))
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .draw()
        .map_err(plot_error)?;

    for (i, series) in plot.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let style = color.stroke_width(2);
        let points = series.points.iter().copied();
        let drawn = if series.predicted {
            chart
                .draw_series(DashedLineSeries::new(points, 8, 6, style))
                .map_err(plot_error)?
        } else {
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(plot_error)?
        };
        drawn
            .label(series.name.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
        if !series.predicted {
            chart
                .draw_series(
                    series
                        .points
                        .iter()
                        .map(|&p| Circle::new(p, 3, color.filled())),
                )
                .map_err(plot_error)?;
        }
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(plot_error)?;
    root.present().map_err(plot_error)?;
    Ok(())
}

/// A tick label with no more digits than it needs: `2000`, `2.5`, `0.25`.
fn tick(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn plot_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("plotting failed: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_svg(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("common-plot-{}-{name}.svg", std::process::id()))
    }

    #[test]
    fn a_numeric_chart_has_its_title_legend_and_dashed_prediction() {
        let plot = Plot::new("t", "speedup by threads", "threads", "speedup (x)")
            .measured("measured", vec![(1.0, 1.0), (2.0, 1.9), (4.0, 2.0)])
            .predicted("Amdahl", vec![(1.0, 1.0), (2.0, 1.95), (4.0, 3.7)]);
        let path = temp_svg("numeric");
        write_svg(&path, &plot).expect("draws");
        let svg = std::fs::read_to_string(&path).expect("written");
        let _ = std::fs::remove_file(&path);
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        for text in [
            "speedup by threads",
            "threads",
            "speedup (x)",
            "measured",
            "Amdahl",
        ] {
            assert!(svg.contains(text), "missing {text:?}");
        }
        // Three measured points get a dot each.
        assert_eq!(svg.matches("<circle").count(), 3);
    }

    #[test]
    fn a_categorical_chart_labels_its_categories() {
        let plot = Plot::new("t", "throughput by shape", "shape", "items/s")
            .categories([
                "1p-1c", "4p-1c", "1p-4c", "2p-2c", "8p-1c", "1p-8c", "8p-8c",
            ])
            .measured("bounded", (0..7).map(|i| (f64::from(i), 5.0)).collect());
        let path = temp_svg("categories");
        write_svg(&path, &plot).expect("draws");
        let svg = std::fs::read_to_string(&path).expect("written");
        let _ = std::fs::remove_file(&path);
        for text in [
            "1p-1c", "4p-1c", "1p-4c", "2p-2c", "8p-1c", "1p-8c", "8p-8c",
        ] {
            assert!(svg.contains(text), "missing {text:?}");
        }
    }

    #[test]
    fn tick_labels_carry_no_trailing_zeros() {
        assert_eq!(tick(2000.0), "2000");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(-0.0001), "0");
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let plot = Plot::new("t", "nothing measured", "x", "y");
        let path = temp_svg("empty");
        write_svg(&path, &plot).expect("draws");
        let _ = std::fs::remove_file(&path);
    }
}

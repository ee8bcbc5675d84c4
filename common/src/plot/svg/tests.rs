//! What the SVG of a chart holds: read back from the file plotters wrote, so the tests see
//! what a reader sees (dashed swatches, bars, error bars, the cores marker, the axis' top).

use super::*;
use crate::plot::layout::{text_width, y_top};

fn draw(name: &str, plot: &Plot) -> String {
    let path = std::env::temp_dir().join(format!("common-plot-{}-{name}.svg", std::process::id()));
    write_svg(&path, plot).expect("draws");
    let svg = std::fs::read_to_string(&path).expect("written");
    let _ = std::fs::remove_file(&path);
    svg
}

fn hex(color: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2)
}

/// The value of attribute `name` in one SVG tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[start..].split('"').next()
}

/// Every `<polyline>`: its stroke colour and its points.
fn polylines(svg: &str) -> Vec<(String, Vec<(i32, i32)>)> {
    svg.split("<polyline")
        .skip(1)
        .filter_map(|tag| {
            let points = attribute(tag, "points")?
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            Some((attribute(tag, "stroke")?.to_uppercase(), points))
        })
        .collect()
}

/// The polylines of `color` that lie wholly at or below pixel row `top` (the legend), or wholly
/// above it (the chart).
fn polylines_of(svg: &str, color: RGBColor, below: bool, top: i32) -> Vec<Vec<(i32, i32)>> {
    polylines(svg)
        .into_iter()
        .filter(|(c, points)| *c == hex(color) && points.iter().all(|&(_, y)| (y >= top) == below))
        .map(|(_, points)| points)
        .collect()
}

/// How many filled `<rect>`s of `color` lie above (chart) or at or below (legend) row `top`.
fn bars_of(svg: &str, color: RGBColor, below: bool, top: i32) -> usize {
    svg.split("<rect")
        .skip(1)
        .filter(|tag| {
            attribute(tag, "fill").is_some_and(|f| f.eq_ignore_ascii_case(&hex(color)))
                && attribute(tag, "y")
                    .and_then(|y| y.parse::<i32>().ok())
                    .is_some_and(|y| (y >= top) == below)
        })
        .count()
}

fn speedups() -> Plot {
    Plot::new("t", "speedup by threads", "threads", "speedup (x)")
        .measured(
            "measured",
            vec![(1.0, 1.0), (2.0, 1.9), (3.0, 1.8), (4.0, 2.0)],
        )
        .predicted(
            "Amdahl",
            vec![(1.0, 1.0), (2.0, 1.95), (3.0, 2.9), (4.0, 3.7)],
        )
}

#[test]
fn a_numeric_chart_has_its_title_axes_legend_and_a_dot_per_point() {
    let svg = draw("numeric", &speedups());
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
    // Four measured points get a dot each, and the measured swatch one more.
    assert_eq!(svg.matches("<circle").count(), 5);
}

#[test]
fn a_dashed_series_has_a_dashed_legend_swatch_and_a_solid_one_a_solid_swatch() {
    let plot = speedups();
    let layout = layout(&plot);
    let svg = draw("swatches", &plot);
    let solid = polylines_of(&svg, COLORS[0], true, layout.legend_top);
    assert_eq!(solid.len(), 1, "one unbroken line: {solid:?}");
    let (start, end) = (solid[0][0], solid[0][solid[0].len() - 1]);
    assert_eq!((end.0 - start.0, start.1), (SWATCH, end.1));

    let dashed = polylines_of(&svg, COLORS[1], true, layout.legend_top);
    assert!(dashed.len() >= 2, "a dashed swatch is dashes: {dashed:?}");
    let y = dashed[0][0].1;
    for dash in &dashed {
        assert!(dash.iter().all(|p| p.1 == y), "one row: {dashed:?}");
        let length = dash[dash.len() - 1].0 - dash[0].0;
        assert!(length <= DASH.0, "a dash, not a line: {dashed:?}");
    }
    // The series itself is dashed on the chart too.
    assert!(polylines_of(&svg, COLORS[1], false, layout.legend_top).len() > 4);
}

#[test]
fn categorical_data_renders_bars_not_lines() {
    let shapes = ["1:1", "2:1", "1:2"];
    let plot = Plot::new("t", "throughput by shape", "producers:consumers", "M/s")
        .categories(shapes)
        .measured("crossbeam", vec![(0.0, 14.0), (1.0, 12.0), (2.0, 15.0)])
        .measured("condvar", vec![(0.0, 2.0), (1.0, 1.5), (2.0, 1.0)]);
    assert_eq!(plot.kind(), Kind::Bars);
    let layout = layout(&plot);
    let svg = draw("bars", &plot);
    for shape in shapes {
        assert!(svg.contains(shape), "missing {shape:?}");
    }
    for color in [COLORS[0], COLORS[1]] {
        assert_eq!(
            bars_of(&svg, color, false, layout.legend_top),
            3,
            "a bar a category"
        );
        assert_eq!(
            bars_of(&svg, color, true, layout.legend_top),
            1,
            "a bar swatch"
        );
        assert!(
            polylines_of(&svg, color, false, layout.legend_top).is_empty(),
            "no line joins the categories"
        );
    }
    assert_eq!(svg.matches("<circle").count(), 0);
}

#[test]
fn the_y_axis_ends_a_little_above_the_data() {
    for max in [4.0, 8.6, 636.0, 4_800.0, 1.01, 0.37, 123_456.0, 2.0] {
        let top = y_top(max);
        assert!(top > max && top <= max * 1.15, "{max} -> {top}");
    }
    assert_eq!(y_top(4.0), 4.5);
    assert_eq!(y_top(0.0), 1.0);
    // The Amdahl chart of four workers: the prediction peaks at 4, the axis stops at 4.5.
    let plot = Plot::new("t", "t", "workers", "speedup (x)")
        .measured("measured", vec![(1.0, 1.0), (4.0, 1.8)])
        .amdahl_lines(0.0, &[1, 2, 3, 4], 2);
    assert_eq!(ranges(&plot).1, 0.0..4.5);
    // An error bar above every point still fits.
    let plot = Plot::new("t", "t", "x", "y").measured_with_spread(
        "m",
        vec![(1.0, 10.0)],
        vec![(8.0, 13.0)],
        "runs",
    );
    let top = ranges(&plot).1.end;
    assert!(top > 13.0 && top <= 13.0 * 1.15, "{top}");
}

#[test]
fn the_cores_are_marked_when_asked_and_only_then() {
    let layout_of = |plot: &Plot| layout(plot).legend_top;
    let marked = speedups().cores_marker(2);
    let svg = draw("cores", &marked);
    assert!(svg.contains("2 cores"), "the marker's label");
    let marker = polylines_of(&svg, INK, false, layout_of(&marked));
    assert!(marker.len() >= 2, "a dashed vertical line: {marker:?}");
    let x = marker[0][0].0;
    assert!(marker.iter().flatten().all(|p| p.0 == x), "{marker:?}");

    let unmarked = speedups();
    let svg = draw("no-cores", &unmarked);
    assert!(!svg.contains("cores"));
    assert!(polylines_of(&svg, INK, false, layout_of(&unmarked)).is_empty());

    // More cores than the axis reaches: no line, but the legend says so.
    let beyond = speedups().cores_marker(8);
    let svg = draw("beyond", &beyond);
    assert!(polylines_of(&svg, INK, false, layout_of(&beyond)).is_empty());
    assert!(svg.contains("this machine has 8 cores (off the axis)"));
}

#[test]
fn a_spread_is_drawn_as_error_bars_in_the_chart_and_in_its_swatch() {
    let plot = Plot::new("t", "t", "threads", "M/s").measured_with_spread(
        "sharded",
        vec![(1.0, 300.0), (2.0, 560.0), (3.0, 480.0)],
        vec![(280.0, 320.0), (500.0, 600.0), (400.0, 510.0)],
        "slowest to fastest of 3 runs",
    );
    let layout = layout(&plot);
    let svg = draw("spread", &plot);
    // The line, then a line and two caps a point, in the series' colour.
    let chart = polylines_of(&svg, COLORS[0], false, layout.legend_top);
    assert_eq!(chart.len(), 1 + 3 * 3, "{chart:?}");
    let vertical = |p: &Vec<(i32, i32)>| p.len() == 2 && p[0].0 == p[1].0;
    assert_eq!(chart.iter().filter(|p| vertical(p)).count(), 3);
    // The swatch is drawn the same way: its line and its error bar.
    let swatch = polylines_of(&svg, COLORS[0], true, layout.legend_top);
    assert_eq!(swatch.len(), 1 + 3, "{swatch:?}");
    assert!(svg.contains("error bars: slowest to fastest of 3 runs"));

    // On bars the error bars are dark, on the bar and on its swatch.
    let bars = Plot::new("t", "t", "shape", "M/s")
        .categories(["1:1", "2:1"])
        .measured_with_spread(
            "b",
            vec![(0.0, 5.0), (1.0, 6.0)],
            vec![(4.0, 6.0), (5.0, 7.0)],
            "",
        );
    let top = super::layout(&bars).legend_top;
    let svg = draw("spread-bars", &bars);
    assert_eq!(polylines_of(&svg, INK, false, top).len(), 2 * 3);
    assert_eq!(polylines_of(&svg, INK, true, top).len(), 3);
    assert!(svg.contains("error bars: slowest to fastest run"));
}

#[test]
fn a_subtitle_is_drawn_and_a_long_caption_fits_the_width() {
    let title = "push + pop pairs by threads, 1,000,000 per thread: lock-free vs locked vs queues, \
                 and more words than one line holds";
    let plot =
        speedups().subtitle("round trips once welcomed: the wait for the welcome is not in them");
    let plot = Plot {
        title: title.to_string(),
        ..plot
    };
    let layout = layout(&plot);
    let (lines, size) = &layout.title;
    assert!(lines.len() >= 2, "{lines:?}");
    let width = WIDTH as i32 - 2 * SIDE;
    assert!(
        lines.iter().all(|l| text_width(l, *size) <= width),
        "{lines:?}"
    );
    assert!(layout.chart_top > 60, "room for the caption and subtitle");
    let svg = draw("subtitle", &plot);
    assert!(svg.contains("the wait for the welcome is not in them"));
    assert!(
        layout.height as i32 > layout.legend_top,
        "the legend is inside the image"
    );
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
    let svg = draw("empty", &Plot::new("t", "nothing measured", "x", "y"));
    assert!(svg.contains("nothing measured"));
}

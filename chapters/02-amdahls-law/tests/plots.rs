//! The charts the examples attach for `cargo xtask bench`: each `amdahl` and `gustafson` run
//! carries one chart with the expected id, a measured series with one point per worker count
//! (speedup 1.0 on one worker, by definition) and predicted series that follow the laws' formulas
//! exactly; `plot` draws the same chart with `common::plot` into an SVG file. Structure and
//! formulas only: measured speedups are never asserted.

use chapter_2::CHAPTER;
use chapter_2::amdahl::cores;
use common::testing::run_quick_threads;
use common::timing;
use common::{Outcome, Plot, Series};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The outcome's only chart, which must have the id `id`.
fn the_plot<'a>(outcome: &'a Outcome, id: &str) -> &'a Plot {
    assert_eq!(outcome.plots.len(), 1, "{:?}", outcome.plots);
    let plot = &outcome.plots[0];
    assert_eq!(plot.id, id);
    assert!(plot.x_categories.is_empty(), "a numeric axis");
    plot
}

fn measured(plot: &Plot) -> &Series {
    let measured: Vec<&Series> = plot.series.iter().filter(|s| !s.predicted).collect();
    assert_eq!(measured.len(), 1, "{plot:?}");
    measured[0]
}

fn predicted<'a>(plot: &'a Plot, name_has: &str) -> &'a Series {
    plot.series
        .iter()
        .find(|s| s.predicted && s.name.contains(name_has))
        .unwrap_or_else(|| panic!("no predicted series named like {name_has:?}: {plot:?}"))
}

/// One point per worker count 1..=n, speedup 1.0 on one worker, every speedup positive.
fn assert_one_point_per_worker(series: &Series, n: usize) {
    let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
    let expected: Vec<f64> = (1..=n).map(|w| w as f64).collect();
    assert_eq!(xs, expected, "{series:?}");
    assert!(close(series.points[0].1, 1.0), "{series:?}");
    assert!(
        series.points.iter().all(|p| p.1.is_finite() && p.1 > 0.0),
        "{series:?}"
    );
}

#[test]
fn every_amdahl_variant_attaches_its_sweep_beside_amdahls_law() {
    let n = 3;
    for variant in ["book-sweep", "serial-0.1", "serial-0.5"] {
        let outcome = run_quick_threads(&CHAPTER, "amdahl", variant, n);
        let plot = the_plot(&outcome, &format!("chapter-2-amdahl-{variant}"));
        assert_one_point_per_worker(measured(plot), n);
        let s = outcome.get("serial fraction").expect("the serial fraction");
        for (name, processors) in [
            ("n processors", usize::MAX),
            (format!("{} cores", cores()).as_str(), cores()),
        ] {
            let line = predicted(plot, name);
            assert_eq!(line.points.len(), n);
            for &(x, y) in &line.points {
                let workers = x as usize;
                assert!(
                    close(y, timing::amdahl(s, workers.min(processors))),
                    "{variant} {name}: {x} -> {y}"
                );
            }
        }
        // The chart and the table tell the same story: the measured speedups are the table's.
        let table = &outcome.tables[0];
        for (row, &(_, y)) in table.rows.iter().zip(&measured(plot).points) {
            assert_eq!(row[2], common::format::ratio(y));
        }
    }
}

#[test]
fn gustafson_attaches_its_scaled_sweep_beside_both_laws() {
    let n = 2;
    let outcome = run_quick_threads(&CHAPTER, "gustafson", "serial-0.5", n);
    let plot = the_plot(&outcome, "chapter-2-gustafson-serial-0.5");
    assert_one_point_per_worker(measured(plot), n);
    for &(x, y) in &predicted(plot, "n processors").points {
        assert!(close(y, timing::gustafson(0.5, x as usize)), "{x} -> {y}");
    }
    for &(x, y) in &predicted(plot, "Amdahl").points {
        assert!(close(y, timing::amdahl(0.5, x as usize)), "{x} -> {y}");
    }
    // On as many cores as workers, the cores' prediction is Gustafson's own.
    let here = predicted(plot, "cores");
    for &(x, y) in &here.points {
        if (x as usize) <= cores() {
            assert!(close(y, timing::gustafson(0.5, x as usize)), "{x} -> {y}");
        }
    }
}

#[test]
fn the_plot_example_draws_the_amdahl_chart_with_common_plot() {
    let n = 2;
    let outcome = run_quick_threads(&CHAPTER, "plot", "serial-0.1", n);
    // Written, not attached: `amdahl` attaches the chart with this id for the bench.
    assert!(outcome.plots.is_empty());
    let line = outcome
        .narrative
        .iter()
        .find(|l| l.starts_with("wrote "))
        .expect("the path is printed");
    let path = std::path::Path::new(line.trim_start_matches("wrote "));
    assert!(
        path.ends_with("plots/chapter-2-amdahl-serial-0.1.svg"),
        "{line}"
    );
    let svg = std::fs::read_to_string(path).expect("the file exists");
    assert!(svg.trim_start().starts_with("<svg"));
    for text in ["measured speedup", "n processors", "workers (threads)"] {
        assert!(svg.contains(text), "missing {text:?}");
    }
    // common::plot puts a dot on every measured point, none on the predictions, and one on the
    // measured series' legend swatch, drawn as its line is.
    assert_eq!(svg.matches("<circle").count(), n + 1);
    // The terminal shows the same sweep as a table.
    assert_eq!(outcome.tables[0].rows.len(), n + 1);
}

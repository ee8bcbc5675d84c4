//! The charts `load-test` attaches for `cargo xtask bench`, at quick settings: the four plot ids,
//! one line per server, one point per level of concurrent clients, and values that make sense
//! (positive, the median never above the 99th percentile). Structure and invariants only: how
//! fast anything ran is never asserted.

use chapter_18::CHAPTER;
use chapter_18::bench::QUICK_LEVELS;
use common::{Outcome, Plot, RunConfig, Verdict};

fn load_test() -> Outcome {
    let example = CHAPTER.example("load-test").expect("example exists");
    (example.run)(&RunConfig::quick(example, "compare")).expect("runs")
}

fn plot<'a>(outcome: &'a Outcome, id: &str) -> &'a Plot {
    outcome
        .plots
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no plot {id}: {:?}", outcome.plots))
}

#[test]
fn load_test_charts_every_server_at_every_level() {
    let outcome = load_test();
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    let ids: Vec<&str> = outcome.plots.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "chapter-18-latency-p50",
            "chapter-18-latency-p99",
            "chapter-18-welcome-wait-p99",
            "chapter-18-throughput",
        ]
    );
    let levels: Vec<f64> = QUICK_LEVELS.iter().map(|&c| c as f64).collect();
    for plot in &outcome.plots {
        assert!(plot.x_categories.is_empty(), "{}: a numeric axis", plot.id);
        let names: Vec<&str> = plot.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["blocking", "reactor", "tokio"], "{}", plot.id);
        for series in &plot.series {
            assert!(!series.predicted, "{} {}: measured", plot.id, series.name);
            let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
            assert_eq!(xs, levels, "{} {}: one point a level", plot.id, series.name);
            for &(x, y) in &series.points {
                assert!(
                    y.is_finite() && y > 0.0,
                    "{} {} at {x} clients: {y}",
                    plot.id,
                    series.name
                );
            }
        }
    }

    // Both percentiles come from the same sorted sample, so p50 <= p99 at every level.
    let p50 = plot(&outcome, "chapter-18-latency-p50");
    let p99 = plot(&outcome, "chapter-18-latency-p99");
    for (median, tail) in p50.series.iter().zip(&p99.series) {
        assert_eq!(median.name, tail.name);
        for (m, t) in median.points.iter().zip(&tail.points) {
            assert!(
                m.1 <= t.1,
                "{} at {} clients: p50 {} > p99 {}",
                median.name,
                m.0,
                m.1,
                t.1
            );
        }
    }
}

#[test]
fn load_test_table_has_a_row_per_server_and_level() {
    let outcome = load_test();
    assert_eq!(outcome.tables.len(), 1);
    assert_eq!(outcome.tables[0].rows.len(), 3 * QUICK_LEVELS.len());
}

//! The chart `cargo xtask bench` draws for this chapter: a full run of `global-lock --variant gil`
//! attaches `chapter-15-global-lock` (million steps per second by threads: the GIL loop, the free
//! loop, and the ideal line). These tests check its structure on tiny workloads — the id, one
//! point per thread count in every series, positive throughputs — and never its speed.

#![cfg(not(shuttle))]

use chapter_15::CHAPTER;
use chapter_15::global_lock::{self, PLOT_ID, Sizes};
use common::{RunConfig, Verdict};

/// A full-size config for `variant` of `global-lock` with `threads` threads.
fn full(variant: &'static str, threads: usize) -> RunConfig {
    let example = CHAPTER
        .example("global-lock")
        .expect("global-lock is registered");
    let mut config = RunConfig::quick(example, variant).with_threads(threads);
    config.quick = false;
    config
}

#[test]
fn only_a_full_gil_run_measures_both_loops() {
    let sizes = |config: &RunConfig| Sizes::for_config(config).expect("a known variant");
    assert!(sizes(&full("gil", 4)).side_by_side);
    assert!(!sizes(&full("free", 4)).side_by_side);
    let mut quick = full("gil", 4);
    quick.quick = true;
    assert!(!sizes(&quick).side_by_side);
    assert!(Sizes::for_config(&full("nope", 4)).is_err());
}

#[test]
fn the_side_by_side_run_attaches_one_chart_with_a_point_per_thread_count() {
    let sizes = Sizes {
        total: 200_000,
        runs: 1,
        side_by_side: true,
    };
    let outcome = global_lock::report(&full("gil", 3), sizes).expect("reports");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.plots.len(), 1, "{outcome:#?}");
    let plot = &outcome.plots[0];
    assert_eq!(plot.id, PLOT_ID);
    assert_eq!(plot.id, "chapter-15-global-lock");
    assert_eq!(plot.x_label, "threads");
    assert!(plot.x_categories.is_empty(), "threads are a numeric axis");

    let names: Vec<&str> = plot.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[..2], ["GIL-modelled", "free threads"], "{names:?}");
    assert_eq!(plot.series.len(), 3, "{names:?}");
    let measured: Vec<bool> = plot.series.iter().map(|s| !s.predicted).collect();
    assert_eq!(
        measured,
        [true, true, false],
        "the ideal line is a prediction"
    );
    for series in &plot.series {
        let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
        assert_eq!(
            xs,
            [1.0, 2.0, 3.0],
            "{}: one point per thread count",
            series.name
        );
        assert!(
            series.points.iter().all(|p| p.1.is_finite() && p.1 > 0.0),
            "{}: {:?}",
            series.name,
            series.points
        );
    }
    // The ideal line starts at the free loop's one-thread rate and never falls.
    let (free, ideal) = (&plot.series[1].points, &plot.series[2].points);
    assert_eq!(free[0].1, ideal[0].1);
    assert!(ideal.windows(2).all(|w| w[1].1 >= w[0].1), "{ideal:?}");

    // The table carries the free loop's columns too, one row per thread count.
    let table = &outcome.tables[0];
    assert_eq!(table.rows.len(), 3);
    assert!(table.header.iter().any(|h| h.starts_with("no lock")));
}

#[test]
fn quick_runs_and_the_free_variant_attach_no_chart() {
    let tiny = Sizes {
        total: 100_000,
        runs: 1,
        side_by_side: false,
    };
    for variant in ["gil", "free"] {
        let outcome = global_lock::report(&full(variant, 2), tiny).expect("reports");
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
        assert!(outcome.plots.is_empty(), "{variant}: {:?}", outcome.plots);
    }
    // Side by side is the gil variant's: the free variant's line is in that chart already.
    let outcome = global_lock::report(
        &full("free", 2),
        Sizes {
            side_by_side: true,
            ..tiny
        },
    )
    .expect("reports");
    assert!(outcome.plots.is_empty(), "{:?}", outcome.plots);
}

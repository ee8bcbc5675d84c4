//! The charts `cargo xtask bench` draws for this chapter: `counters --variant compare` attaches
//! `chapter-16-counters` (million increments per second by threads, one line per counter) and
//! `lock-free-stack --variant compare` attaches `chapter-16-lock-free-stack` (million push + pop
//! pairs per second by threads, one line per structure). These tests check their structure on
//! tiny workloads — the id, one point per thread count in every series, positive throughputs —
//! and never their speed.

#![cfg(not(any(shuttle, loom)))]

use chapter_16::{CHAPTER, counters, lock_free_stack};
use common::{Plot, RunConfig, Verdict};

/// The quick config of `example`'s `compare` variant with `threads` threads.
fn compare_config(example: &str, threads: usize) -> RunConfig {
    let example = CHAPTER.example(example).expect("the example is registered");
    RunConfig::quick(example, "compare").with_threads(threads)
}

/// Asserts every series of `plot` is measured, has one point at each of `threads` (in order) and
/// only positive, finite values; returns the series' names.
fn check_lines(plot: &Plot, threads: &[usize]) -> Vec<String> {
    assert_eq!(plot.x_label, "threads");
    assert!(plot.x_categories.is_empty(), "threads are a numeric axis");
    let want: Vec<f64> = threads.iter().map(|&n| n as f64).collect();
    for series in &plot.series {
        assert!(
            !series.predicted,
            "{}: measured, not predicted",
            series.name
        );
        let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
        assert_eq!(xs, want, "{}: one point per thread count", series.name);
        assert!(
            series.points.iter().all(|p| p.1.is_finite() && p.1 > 0.0),
            "{}: {:?}",
            series.name,
            series.points
        );
    }
    plot.series.iter().map(|s| s.name.clone()).collect()
}

#[test]
fn the_counters_chart_has_a_line_per_counter_and_a_point_per_thread_count() {
    let outcome = counters::compare(&compare_config("counters", 3), 30_000).expect("runs");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.plots.len(), 1);
    let plot = &outcome.plots[0];
    assert_eq!(plot.id, counters::PLOT_ID);
    assert_eq!(plot.id, "chapter-16-counters");
    assert_eq!(check_lines(plot, &[1, 2, 3]), counters::KINDS);
    // The chart and the table agree: one table row per point.
    assert_eq!(outcome.tables[0].rows.len(), 3);
}

#[test]
fn the_stack_chart_has_a_line_per_structure_and_a_point_per_thread_count() {
    let config = compare_config("lock-free-stack", 3);
    let outcome = lock_free_stack::compare(&config, &[1, 2, 3], 5_000).expect("runs");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    assert_eq!(outcome.plots.len(), 1);
    let plot = &outcome.plots[0];
    assert_eq!(plot.id, lock_free_stack::PLOT_ID);
    assert_eq!(plot.id, "chapter-16-lock-free-stack");
    assert_eq!(check_lines(plot, &[1, 2, 3]), lock_free_stack::STRUCTURES);
}

#[test]
fn a_full_stack_run_sweeps_every_thread_count_and_the_tour_two() {
    let quick = compare_config("lock-free-stack", 4);
    assert_eq!(lock_free_stack::thread_counts(&quick), [1, 4]);
    assert_eq!(
        lock_free_stack::thread_counts(&quick.clone().with_threads(1)),
        [1]
    );
    let full = RunConfig {
        quick: false,
        ..quick
    };
    assert_eq!(lock_free_stack::thread_counts(&full), [1, 2, 3, 4]);
}

#[test]
fn the_other_variants_attach_no_chart() {
    for (example, variant) in [("lock-free-stack", "aba"), ("lock-free-stack", "tagged")] {
        let outcome = common::testing::run_quick(&CHAPTER, example, variant);
        assert!(
            outcome.plots.is_empty(),
            "{example} {variant}: {:?}",
            outcome.plots
        );
    }
}

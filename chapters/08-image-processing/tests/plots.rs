//! The chart `batch` attaches for `cargo xtask bench`: every variant carries one chart,
//! `chapter-8-batch-<variant>`, with a measured series of one point per worker count (speedup
//! 1.0 on one worker, by definition) and Amdahl's prediction for the serial fraction the run
//! reports, for n processors and for this machine's cores. Structure and formulas only: measured
//! speedups are never asserted.

#![cfg(not(shuttle))]

use chapter_8::CHAPTER;
use chapter_8::batch::Feed;
use chapter_8::batch::report::{karp_flatt, plot};
use common::Outcome;
use common::testing::run_quick_threads;
use common::timing::{SerialFit, amdahl};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Checks the chart of a `batch` run on 1..=`n` workers.
fn assert_charted(outcome: &Outcome, variant: &str, n: usize) {
    assert_eq!(outcome.plots.len(), 1, "{variant}: {:?}", outcome.plots);
    let chart = &outcome.plots[0];
    assert_eq!(chart.id, format!("chapter-8-batch-{variant}"));
    let measured: Vec<_> = chart.series.iter().filter(|s| !s.predicted).collect();
    assert_eq!(measured.len(), 1, "{variant}");
    let points = &measured[0].points;
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let expected: Vec<f64> = (1..=n).map(|w| w as f64).collect();
    assert_eq!(xs, expected, "{variant}");
    assert!(close(points[0].1, 1.0), "{variant}");
    assert!(points.iter().all(|p| p.1.is_finite() && p.1 > 0.0));

    let s = outcome
        .get("serial fraction (Karp–Flatt)")
        .expect("the serial fraction");
    let at = n.min(cores());
    if at >= 2 {
        assert!(close(s, karp_flatt(points[at - 1].1, at).expect("n >= 2")));
    } else {
        assert!(close(s, 0.0));
    }
    let predicted: Vec<_> = chart.series.iter().filter(|s| s.predicted).collect();
    assert_eq!(predicted.len(), 2, "{variant}");
    for (series, processors) in predicted.iter().zip([usize::MAX, cores()]) {
        assert_eq!(series.points.len(), n);
        for &(x, y) in &series.points {
            let expected = amdahl(s, (x as usize).min(processors));
            assert!(close(y, expected), "{variant} {}: {x} -> {y}", series.name);
        }
    }
}

#[test]
fn the_tile_and_row_batches_chart_their_sweeps_beside_amdahls_law() {
    for (variant, n) in [("parent-reads", 3), ("rayon-rows", 2)] {
        let outcome = run_quick_threads(&CHAPTER, "batch", variant, n);
        assert_charted(&outcome, variant, n);
    }
}

#[test]
fn the_serial_fraction_comes_from_the_most_workers_with_a_core_each() {
    let speedups = [(1, 1.0), (2, 1.6), (3, 2.1), (4, 2.4)];
    let fit = SerialFit::from_speedups(&speedups, 1);
    assert_eq!((fit.serial, fit.estimated_at), (0.0, None));
    let fit = SerialFit::from_speedups(&speedups, 2);
    assert_eq!(fit.estimated_at, Some(2));
    assert!(close(fit.serial, karp_flatt(1.6, 2).expect("n = 2")));
    assert_eq!(
        SerialFit::from_speedups(&speedups, 16).estimated_at,
        Some(4)
    );
    // Karp–Flatt inverts Amdahl's law, and stays within 0..=1.
    for s in [0.0, 0.2, 0.7] {
        assert!(close(karp_flatt(amdahl(s, 3), 3).expect("n = 3"), s));
    }
    assert_eq!(karp_flatt(5.0, 2), Some(0.0));
    assert_eq!(karp_flatt(1.0, 1), None);
    // The chart of those points: the prediction through Amdahl's formula for each count.
    let chart = plot(Feed::WorkerReads, &speedups, 0.25, 2);
    assert_eq!(chart.id, "chapter-8-batch-worker-reads");
    assert_eq!(chart.series[2].points[3], (4.0, amdahl(0.25, 2)));
}

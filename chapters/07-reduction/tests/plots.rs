//! The chart `parallel-sum --variant large` attaches for `cargo xtask bench`:
//! `chapter-7-parallel-sum-large`, with two measured series (the tree's hashed and plain sums)
//! of one point per thread count, speedup 1.0 on one thread by definition, and Amdahl's
//! prediction for the serial fraction the run reports, for n processors and for this machine's
//! cores. Structure and formulas only: measured speedups are never asserted.

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_7::CHAPTER;
use chapter_7::parallel_sum::Scale;
use chapter_7::parallel_sum::report::{Sweep, SweepPoint, karp_flatt};
use common::testing::run_quick_threads;
use common::timing::amdahl;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[test]
fn the_large_sum_charts_both_sums_beside_amdahls_law() {
    let n = 3;
    let outcome = run_quick_threads(&CHAPTER, "parallel-sum", "large", n);
    assert_eq!(outcome.plots.len(), 1, "{:?}", outcome.plots);
    let plot = &outcome.plots[0];
    assert_eq!(plot.id, "chapter-7-parallel-sum-large");
    let measured: Vec<_> = plot.series.iter().filter(|s| !s.predicted).collect();
    assert_eq!(measured.len(), 2, "hashed and plain: {plot:?}");
    for series in &measured {
        let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
        assert_eq!(xs, [1.0, 2.0, 3.0], "{}", series.name);
        assert!(close(series.points[0].1, 1.0), "{}", series.name);
        assert!(series.points.iter().all(|p| p.1.is_finite() && p.1 > 0.0));
    }
    let s = outcome
        .get("serial fraction (Karp–Flatt)")
        .expect("the serial fraction");
    assert!((0.0..=1.0).contains(&s));
    let hashed = measured
        .iter()
        .find(|m| m.name.starts_with("hashed"))
        .expect("the hashed sum");
    let at = n.min(cores());
    if at >= 2 {
        let expected = karp_flatt(hashed.points[at - 1].1, at).expect("an estimate");
        assert!(close(s, expected));
    }
    let predicted: Vec<_> = plot.series.iter().filter(|s| s.predicted).collect();
    assert_eq!(predicted.len(), 2);
    for (series, processors) in predicted.iter().zip([usize::MAX, cores()]) {
        assert_eq!(series.points.len(), n);
        for &(x, y) in &series.points {
            assert!(
                close(y, amdahl(s, (x as usize).min(processors))),
                "{}: {x} -> {y}",
                series.name
            );
        }
    }
}

#[test]
fn the_serial_fraction_is_estimated_on_the_most_threads_with_a_core_each() {
    let ms = Duration::from_millis;
    let points = [(1, 100), (2, 55), (3, 40), (4, 32)]
        .map(|(threads, hashed)| SweepPoint {
            threads,
            plain: ms(10),
            hashed: ms(hashed),
        })
        .to_vec();
    let sweep = Sweep::new(points.clone(), 2);
    assert_eq!(sweep.fit.estimated_at, Some(2));
    assert!(close(
        sweep.fit.serial,
        karp_flatt(100.0 / 55.0, 2).expect("n = 2")
    ));
    let sweep = Sweep::new(points.clone(), 8);
    assert_eq!(sweep.fit.estimated_at, Some(4));
    assert!(close(sweep.hashed_speedup(1), 1.0));
    let sweep = Sweep::new(points.clone(), 1);
    assert_eq!((sweep.fit.estimated_at, sweep.fit.serial), (None, 0.0));
    // One thread: a one-point chart at speedup 1.
    let sweep = Sweep::new(points[..1].to_vec(), 2);
    for series in &sweep.plot(Scale::Large).series {
        assert_eq!(series.points, [(1.0, 1.0)], "{}", series.name);
    }
    // Karp–Flatt inverts Amdahl's law.
    for s in [0.0, 0.1, 0.5] {
        assert!(close(karp_flatt(amdahl(s, 4), 4).expect("n = 4"), s));
    }
}

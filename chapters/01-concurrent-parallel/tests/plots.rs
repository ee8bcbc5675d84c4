//! The chart `prime-check` attaches for `cargo xtask bench`: every parallel variant carries one
//! chart, `chapter-1-prime-check-<variant>`, with a measured series of one point per worker count
//! (speedup 1.0 on one worker, by definition) and Amdahl's prediction for the serial fraction the
//! run reports, for n processors and for this machine's cores. Structure and formulas only:
//! measured speedups are never asserted.

#![cfg(not(shuttle))]

use chapter_1::CHAPTER;
use chapter_1::prime_check_report::{cores, karp_flatt};
use common::testing::run_quick_threads;
use common::timing::amdahl;
use common::{Plot, Series};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn predicted<'a>(plot: &'a Plot, name_has: &str) -> &'a Series {
    plot.series
        .iter()
        .find(|s| s.predicted && s.name.contains(name_has))
        .unwrap_or_else(|| panic!("no predicted series named like {name_has:?}: {plot:?}"))
}

#[test]
fn every_parallel_variant_charts_its_sweep_beside_amdahls_law() {
    let n = 3;
    for variant in ["split", "threads", "rayon", "processes"] {
        let outcome = run_quick_threads(&CHAPTER, "prime-check", variant, n);
        assert_eq!(outcome.plots.len(), 1, "{variant}: {:?}", outcome.plots);
        let plot = &outcome.plots[0];
        assert_eq!(plot.id, format!("chapter-1-prime-check-{variant}"));
        assert_eq!(
            (plot.x_label.as_str(), plot.y_label.as_str()),
            ("threads", "speedup (x)")
        );

        let measured: Vec<&Series> = plot.series.iter().filter(|s| !s.predicted).collect();
        assert_eq!(measured.len(), 1, "{variant}");
        let xs: Vec<f64> = measured[0].points.iter().map(|p| p.0).collect();
        assert_eq!(xs, [1.0, 2.0, 3.0], "{variant}");
        assert!(close(measured[0].points[0].1, 1.0), "{variant}");
        assert!(
            measured[0]
                .points
                .iter()
                .all(|p| p.1.is_finite() && p.1 > 0.0)
        );

        // The predictions use the serial fraction the run reports, and it is the one that
        // explains the measured speedup on the most workers with a core each.
        let s = outcome
            .get("serial fraction (Karp–Flatt)")
            .expect("the serial fraction");
        assert!((0.0..=1.0).contains(&s));
        let at = n.min(cores());
        if at >= 2 {
            let measured_at = measured[0].points[at - 1].1;
            assert!(
                close(s, karp_flatt(measured_at, at).expect("an estimate")),
                "{variant}"
            );
        } else {
            assert!(close(s, 0.0));
        }
        for (name, processors) in [("n processors", usize::MAX), ("cores", cores())] {
            let line = predicted(plot, name);
            assert_eq!(line.points.len(), n, "{variant} {name}");
            for &(x, y) in &line.points {
                let expected = amdahl(s, (x as usize).min(processors));
                assert!(close(y, expected), "{variant} {name}: {x} -> {y}");
            }
        }
        // The one-worker table row and the chart agree.
        let table = outcome
            .tables
            .iter()
            .find(|t| t.title.starts_with("speedup by workers"))
            .expect("the sweep's table");
        assert_eq!(table.rows.len(), n);
        if cores() >= 2 {
            assert!(outcome.get("speedup on 2 workers (over 1)").is_some());
        }
    }
}

#[test]
fn the_sequential_variant_has_no_chart() {
    let outcome = run_quick_threads(&CHAPTER, "prime-check", "sequential", 2);
    assert!(outcome.plots.is_empty());
}

#[test]
fn karp_flatt_inverts_amdahls_law() {
    for s in [0.0, 0.05, 0.1, 0.5, 1.0] {
        for n in 2..=8 {
            let estimate = karp_flatt(amdahl(s, n), n).expect("defined for n >= 2");
            assert!((estimate - s).abs() < 1e-9, "s {s}, n {n}: {estimate}");
        }
    }
    assert_eq!(karp_flatt(1.0, 1), None);
    // A superlinear speedup or a slowdown stays within 0..=1.
    assert_eq!(karp_flatt(3.0, 2), Some(0.0));
    assert_eq!(karp_flatt(0.5, 2), Some(1.0));
}

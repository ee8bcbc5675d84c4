//! Grading suite of exercise 2.1 (Amdahl's and Gustafson's predictions), run by
//! `cargo xtask exercise check 2.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_predictions.rs`. The functions are pure, so there are no
//! threads here: known values first, then properties over a grid of serial fractions and worker
//! counts (a seeded sweep, so a failure names the exact inputs).

use chapter_2::predictions::{amdahl, amdahl_bound, gustafson};
use common::rng::SplitMix64;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Serial fractions to check: the edges, a few round ones, and seeded random ones.
fn fractions() -> Vec<f64> {
    let mut rng = SplitMix64::new(2);
    let mut all = vec![0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9, 1.0];
    all.extend((0..40).map(|_| rng.below(1_000_000) as f64 / 1e6));
    all
}

#[test]
fn amdahl_known_values() {
    // 10 % serial on 4 workers: 1 / (0.1 + 0.9 / 4) = 1 / 0.325 = 3.0769...
    assert!(
        close(amdahl(0.1, 4), 1.0 / 0.325),
        "amdahl(0.1, 4) = {}",
        amdahl(0.1, 4)
    );
    assert!(
        close(amdahl(0.5, 2), 4.0 / 3.0),
        "amdahl(0.5, 2) = {}",
        amdahl(0.5, 2)
    );
    assert!(close(amdahl(0.0, 8), 8.0), "no serial part: n times faster");
    assert!(close(amdahl(1.0, 8), 1.0), "all serial: no faster at all");
    assert!(close(amdahl(0.3, 1), 1.0), "one worker: speedup 1");
}

#[test]
fn the_bound_is_one_over_s() {
    assert!(
        close(amdahl_bound(0.1), 10.0),
        "amdahl_bound(0.1) = {}",
        amdahl_bound(0.1)
    );
    assert!(close(amdahl_bound(0.5), 2.0));
    assert!(close(amdahl_bound(1.0), 1.0));
    assert_eq!(amdahl_bound(0.0), f64::INFINITY, "no serial part: no bound");
    // A million workers get within a hair of the bound.
    assert!((amdahl(0.1, 1_000_000) - 10.0).abs() < 1e-3);
}

#[test]
fn gustafson_known_values() {
    assert!(
        close(gustafson(0.1, 4), 3.7),
        "gustafson(0.1, 4) = {}",
        gustafson(0.1, 4)
    );
    assert!(
        close(gustafson(0.5, 3), 2.0),
        "gustafson(0.5, 3) = {}",
        gustafson(0.5, 3)
    );
    assert!(close(gustafson(0.0, 16), 16.0));
    assert!(close(gustafson(1.0, 16), 1.0));
    assert!(close(gustafson(0.3, 1), 1.0), "one worker: speedup 1");
}

#[test]
fn amdahl_never_falls_and_never_passes_n_or_the_bound() {
    for s in fractions() {
        let mut previous = 0.0;
        for n in 1..=128 {
            let speedup = amdahl(s, n);
            assert!(
                speedup >= previous - 1e-12,
                "amdahl({s}, {n}) = {speedup} < amdahl({s}, {}) = {previous}",
                n - 1
            );
            assert!(
                speedup <= n as f64 + 1e-9,
                "amdahl({s}, {n}) = {speedup} > {n}"
            );
            assert!(
                speedup <= amdahl_bound(s) + 1e-9,
                "amdahl({s}, {n}) = {speedup} passes the bound {}",
                amdahl_bound(s)
            );
            assert!(speedup >= 1.0 - 1e-12, "amdahl({s}, {n}) = {speedup} < 1");
            previous = speedup;
        }
    }
}

#[test]
fn gustafson_grows_linearly_and_beats_amdahl() {
    for s in fractions() {
        for n in 1..=128 {
            let scaled = gustafson(s, n);
            // Each added worker adds exactly (1 - s).
            let next = gustafson(s, n + 1);
            assert!(
                close(next - scaled, 1.0 - s),
                "gustafson({s}, {}) - gustafson({s}, {n}) = {} (expected 1 - s)",
                n + 1,
                next - scaled
            );
            assert!(
                scaled >= amdahl(s, n) - 1e-9,
                "gustafson({s}, {n}) = {scaled} < amdahl({s}, {n}) = {}",
                amdahl(s, n)
            );
            assert!(scaled <= n as f64 + 1e-9);
        }
    }
}

#[test]
fn inputs_are_clamped() {
    assert!(
        close(amdahl(-0.5, 4), 4.0),
        "a negative fraction counts as 0"
    );
    assert!(close(amdahl(1.5, 4), 1.0), "a fraction above 1 counts as 1");
    assert!(close(amdahl(0.1, 0), 1.0), "0 workers count as 1");
    assert!(close(gustafson(-1.0, 4), 4.0));
    assert!(close(gustafson(2.0, 4), 1.0));
    assert!(close(gustafson(0.1, 0), 1.0));
    assert!(close(amdahl_bound(2.0), 1.0));
    assert_eq!(amdahl_bound(-1.0), f64::INFINITY);
}

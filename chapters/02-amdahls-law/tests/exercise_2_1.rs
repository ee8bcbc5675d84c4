//! Grading suite of exercise 2.1 (Amdahl's and Gustafson's predictions), run by
//! `cargo xtask exercise check 2.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_predictions.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. The functions are pure, so there are no threads here: known
//! values first (a wrong one is printed beside the expected one and what it stands for), then
//! properties over a grid of serial fractions and worker counts (a seeded sweep, so a failure
//! names the exact inputs).

/// The tests, against the predictions module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::{amdahl, amdahl_bound, gustafson};
        use common::rng::SplitMix64;

        fn close(a: f64, b: f64) -> bool {
            (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
        }

        /// Asserts that `call` gave `want`, saying what the value stands for if not.
        fn expect(call: &str, got: f64, want: f64, meaning: &str) {
            assert!(
                close(got, want) || (got.is_infinite() && got == want),
                "{call} = {got:.3}, expected {want:.3}: {meaning}"
            );
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
            expect(
                "amdahl(0.1, 4)",
                amdahl(0.1, 4),
                1.0 / 0.325,
                "10 % of the job is serial and takes as long as on one worker; only the other \
                 90 % is divided over the 4 workers",
            );
            expect(
                "amdahl(0.5, 2)",
                amdahl(0.5, 2),
                4.0 / 3.0,
                "half serial, half split over 2 workers",
            );
            expect("amdahl(0.0, 8)", amdahl(0.0, 8), 8.0, "no serial part: n times faster");
            expect("amdahl(1.0, 8)", amdahl(1.0, 8), 1.0, "all serial: no faster at all");
            expect("amdahl(0.3, 1)", amdahl(0.3, 1), 1.0, "one worker: speedup 1");
        }

        #[test]
        fn the_bound_is_one_over_s() {
            expect(
                "amdahl_bound(0.1)",
                amdahl_bound(0.1),
                10.0,
                "with endless workers only the serial 10 % is left",
            );
            expect("amdahl_bound(0.5)", amdahl_bound(0.5), 2.0, "half serial: at most twice");
            expect("amdahl_bound(1.0)", amdahl_bound(1.0), 1.0, "all serial: no faster");
            assert_eq!(amdahl_bound(0.0), f64::INFINITY, "no serial part: no bound");
            // A million workers get within a hair of the bound.
            assert!(
                (amdahl(0.1, 1_000_000) - 10.0).abs() < 1e-3,
                "amdahl(0.1, 1000000) = {:.3}, expected within 0.001 of the bound 10",
                amdahl(0.1, 1_000_000)
            );
        }

        #[test]
        fn gustafson_known_values() {
            expect(
                "gustafson(0.1, 4)",
                gustafson(0.1, 4),
                3.7,
                "10 % of the time on 4 workers is serial; one worker would run that serial part \
                 once, and the 4 workers' parallel parts one after another",
            );
            expect(
                "gustafson(0.5, 3)",
                gustafson(0.5, 3),
                2.0,
                "half the time serial, the other half run on 3 workers",
            );
            expect("gustafson(0.0, 16)", gustafson(0.0, 16), 16.0, "no serial part: n times");
            expect("gustafson(1.0, 16)", gustafson(1.0, 16), 1.0, "all serial: no faster");
            expect("gustafson(0.3, 1)", gustafson(0.3, 1), 1.0, "one worker: speedup 1");
        }

        #[test]
        fn amdahl_never_falls_and_never_passes_n_or_the_bound() {
            for s in fractions() {
                let mut previous = 0.0;
                for n in 1..=128 {
                    let speedup = amdahl(s, n);
                    assert!(
                        speedup >= previous - 1e-12,
                        "amdahl({s}, {n}) = {speedup} < amdahl({s}, {}) = {previous}: a worker \
                         added never slows the job down",
                        n - 1
                    );
                    assert!(
                        speedup <= n as f64 + 1e-9,
                        "amdahl({s}, {n}) = {speedup} > {n}: n workers are at most n times faster"
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
                        "gustafson({s}, {}) - gustafson({s}, {n}) = {} (expected 1 - s: each \
                         added worker brings one more parallel part)",
                        n + 1,
                        next - scaled
                    );
                    assert!(
                        scaled >= amdahl(s, n) - 1e-9,
                        "gustafson({s}, {n}) = {scaled} < amdahl({s}, {n}) = {}",
                        amdahl(s, n)
                    );
                    assert!(scaled <= n as f64 + 1e-9, "gustafson({s}, {n}) = {scaled} > {n}");
                }
            }
        }

        #[test]
        fn inputs_are_clamped() {
            let below = "a fraction below 0 counts as 0";
            let above = "a fraction above 1 counts as 1";
            let none = "0 workers count as 1";
            expect("amdahl(-0.5, 4)", amdahl(-0.5, 4), 4.0, below);
            expect("amdahl(1.5, 4)", amdahl(1.5, 4), 1.0, above);
            expect("amdahl(0.1, 0)", amdahl(0.1, 0), 1.0, none);
            expect("gustafson(-1.0, 4)", gustafson(-1.0, 4), 4.0, below);
            expect("gustafson(2.0, 4)", gustafson(2.0, 4), 1.0, above);
            expect("gustafson(0.1, 0)", gustafson(0.1, 0), 1.0, none);
            expect("amdahl_bound(2.0)", amdahl_bound(2.0), 1.0, above);
            assert_eq!(amdahl_bound(-1.0), f64::INFINITY, "amdahl_bound(-1.0): {below}");
        }
    };
}

/// The learner's predictions (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_2::predictions);
}

#[cfg(mutants)]
mod e1_gustafson_without_serial {
    suite!(chapter_2::mutants::e1_gustafson_without_serial);
}

#[cfg(mutants)]
mod e1_no_clamp {
    suite!(chapter_2::mutants::e1_no_clamp);
}

#[cfg(mutants)]
mod e1_serial_and_parallel_swapped {
    suite!(chapter_2::mutants::e1_serial_and_parallel_swapped);
}

#[cfg(mutants)]
mod e1_zero_workers {
    suite!(chapter_2::mutants::e1_zero_workers);
}

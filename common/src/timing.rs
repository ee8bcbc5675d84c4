//! Timing helpers: a stopwatch, the median and spread of repeated runs, speedup, efficiency, the
//! predictions of Amdahl's and Gustafson's laws (the book's chapter 2), and Amdahl's law fitted
//! to a measured sweep ([`SerialFit`], the Karp–Flatt metric).
//!
//! Wall-clock time is noisy on a shared machine, so figures that compare speeds take the median
//! of several runs; tests never assert on them.

use std::time::{Duration, Instant};

/// Measures elapsed wall-clock time from its creation.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    started: Instant,
}

impl Stopwatch {
    /// Starts timing now.
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
        }
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time since the start, in seconds.
    pub fn seconds(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }
}

/// Runs `work` and returns its result with the time it took.
pub fn time<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let watch = Stopwatch::start();
    let value = work();
    (value, watch.elapsed())
}

/// Runs `work` `runs` times (at least once) and returns the median duration.
pub fn median_of(runs: usize, work: impl FnMut()) -> Duration {
    spread_of(runs, work).median
}

/// Runs `work` `runs` times (at least once) and returns the fastest, median and slowest run.
pub fn spread_of(runs: usize, mut work: impl FnMut()) -> Spread {
    Spread::of((0..runs.max(1)).map(|_| time(&mut work).1))
}

/// Repeated timings of one thing: the median a figure reports, and the fastest and slowest
/// runs a chart draws around it, so a reader sees how far one run can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    /// The fastest run.
    pub fastest: Duration,
    /// The median run (the upper middle one of an even count).
    pub median: Duration,
    /// The slowest run.
    pub slowest: Duration,
    /// How many runs (0: nothing was timed, and every time is zero).
    pub runs: usize,
}

impl Spread {
    /// The spread of `times`, in any order.
    pub fn of(times: impl IntoIterator<Item = Duration>) -> Self {
        let mut times: Vec<Duration> = times.into_iter().collect();
        times.sort();
        match (times.first(), times.last()) {
            (Some(&fastest), Some(&slowest)) => Self {
                fastest,
                median: times[times.len() / 2],
                slowest,
                runs: times.len(),
            },
            _ => Self::default(),
        }
    }

    /// `amount` per second at the slowest and at the fastest run: the range of a throughput
    /// (`amount` items) or of a speedup (`amount` the baseline's seconds).
    pub fn rates(&self, amount: f64) -> (f64, f64) {
        let per = |d: Duration| amount / d.as_secs_f64().max(f64::MIN_POSITIVE);
        (per(self.slowest), per(self.fastest))
    }

    /// The range of the speedup over `baseline` (its median, say) from the slowest run to the
    /// fastest.
    pub fn speedups_over(&self, baseline: Duration) -> (f64, f64) {
        self.rates(baseline.as_secs_f64())
    }
}

/// How many times faster `parallel` was than `sequential`.
pub fn speedup(sequential: Duration, parallel: Duration) -> f64 {
    sequential.as_secs_f64() / parallel.as_secs_f64().max(f64::MIN_POSITIVE)
}

/// Speedup per worker: 1.0 is perfect scaling.
pub fn efficiency(speedup: f64, workers: usize) -> f64 {
    speedup / workers.max(1) as f64
}

/// Amdahl's law: the speedup predicted for `workers` when a fraction `serial` of the work
/// cannot be parallelized. As workers grow without bound it tends to `1 / serial`.
pub fn amdahl(serial: f64, workers: usize) -> f64 {
    let serial = serial.clamp(0.0, 1.0);
    1.0 / (serial + (1.0 - serial) / workers.max(1) as f64)
}

/// The Karp–Flatt metric: the serial fraction that Amdahl's law would need to predict the
/// measured `speedup` on `workers` workers, clamped to 0..=1. `None` for fewer than 2 workers
/// (one worker says nothing about the serial part) or a speedup that is not a positive number.
pub fn karp_flatt(speedup: f64, workers: usize) -> Option<f64> {
    if workers < 2 || !speedup.is_finite() || speedup <= 0.0 {
        return None;
    }
    let n = workers as f64;
    Some(((1.0 / speedup - 1.0 / n) / (1.0 - 1.0 / n)).clamp(0.0, 1.0))
}

/// The serial fraction of a sweep's `(workers, speedup)` points: Karp–Flatt at the most workers
/// that still have a core each (beyond the cores, time-slicing, not the serial part, caps the
/// speedup), with that worker count; `(0.0, None)` when no point has 2..=`cores` workers.
pub fn serial_fraction(speedups: &[(usize, f64)], cores: usize) -> (f64, Option<usize>) {
    speedups
        .iter()
        .filter(|&&(n, _)| n >= 2 && n <= cores)
        .max_by_key(|&&(n, _)| n)
        .and_then(|&(n, s)| Some((karp_flatt(s, n)?, Some(n))))
        .unwrap_or((0.0, None))
}

/// Amdahl's law fitted to a sweep: the serial fraction that explains the measured speedup (the
/// Karp–Flatt metric at the most workers with a core each, see [`serial_fraction`]), and the
/// predictions it makes for n processors and for this machine's cores. Chapters 1, 7 and 8 set
/// their speedup sweeps beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SerialFit {
    /// The serial fraction (Karp–Flatt at `estimated_at`; 0 when not estimated).
    pub serial: f64,
    /// The worker count the serial fraction was estimated at: the most workers with a core
    /// each, `None` when no point had 2 or more (one worker says nothing about the serial part).
    pub estimated_at: Option<usize>,
    /// The machine's cores.
    pub cores: usize,
}

impl SerialFit {
    /// Fits a sweep's `(workers, speedup over one worker)` points, on a machine with `cores`.
    pub fn from_speedups(speedups: &[(usize, f64)], cores: usize) -> Self {
        let (serial, estimated_at) = serial_fraction(speedups, cores);
        Self {
            serial,
            estimated_at,
            cores,
        }
    }

    /// Amdahl's prediction for `workers` workers on as many processors.
    pub fn predicted(&self, workers: usize) -> f64 {
        amdahl(self.serial, workers)
    }

    /// Amdahl's prediction for `workers` workers on this machine's cores: beyond the cores,
    /// more workers share them and add nothing.
    pub fn predicted_here(&self, workers: usize) -> f64 {
        amdahl(self.serial, workers.min(self.cores))
    }

    /// The one narrative line on the fit: where `s` was estimated, its value and the ceiling it
    /// puts on the speedup, or why there was nothing to estimate from. No closing full stop, so
    /// a chapter can go on with its own clause.
    pub fn describe(&self) -> String {
        match self.estimated_at {
            Some(at) => format!(
                "Amdahl's law, with the serial fraction that explains the speedup on {at} workers (Karp–Flatt): s = {:.3}, so {} however many cores",
                self.serial,
                if self.serial > 0.0 {
                    format!("at most {}", crate::format::ratio(1.0 / self.serial))
                } else {
                    "no limit".to_string()
                }
            ),
            None => "Amdahl's law needs a speedup on 2 or more workers with a core each to estimate the serial fraction: the prediction assumes none (s = 0)".to_string(),
        }
    }
}

/// Gustafson's law: the scaled speedup when the parallel part grows with the workers.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    let serial = serial.clamp(0.0, 1.0);
    let n = workers.max(1) as f64;
    n - serial * (n - 1.0)
}

/// Formats a duration for humans by the course's one rule ([`crate::format::duration`]):
/// `850 µs`, `12.3 ms`, `1.42 s`.
pub fn human(duration: Duration) -> String {
    crate::format::duration(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn karp_flatt_inverts_amdahl_and_picks_the_widest_point_with_cores() {
        for s in [0.0, 0.05, 0.3, 1.0] {
            for n in [2, 3, 8] {
                let estimate = karp_flatt(amdahl(s, n), n).expect("n >= 2");
                assert!((estimate - s).abs() < 1e-9, "s {s} n {n}: {estimate}");
            }
        }
        assert_eq!(karp_flatt(1.0, 1), None);
        assert_eq!(karp_flatt(f64::NAN, 2), None);
        assert_eq!(karp_flatt(3.0, 2), Some(0.0));
        assert_eq!(karp_flatt(0.5, 2), Some(1.0));
        let points = [(1, 1.0), (2, amdahl(0.2, 2)), (4, 1.1)];
        let (s, at) = serial_fraction(&points, 2);
        assert_eq!(at, Some(2));
        assert!((s - 0.2).abs() < 1e-9);
        assert_eq!(serial_fraction(&points[..1], 2), (0.0, None));
    }

    #[test]
    fn a_serial_fit_predicts_for_n_processors_and_for_the_cores() {
        let points = [(1, 1.0), (2, amdahl(0.2, 2)), (3, 1.2)];
        let fit = SerialFit::from_speedups(&points, 2);
        assert_eq!((fit.estimated_at, fit.cores), (Some(2), 2));
        assert!((fit.serial - 0.2).abs() < 1e-9);
        assert!((fit.predicted(4) - amdahl(0.2, 4)).abs() < 1e-9);
        assert!((fit.predicted_here(4) - amdahl(0.2, 2)).abs() < 1e-9);
        assert!((fit.predicted_here(1) - 1.0).abs() < 1e-9);
        let line = fit.describe();
        assert!(line.contains("on 2 workers"), "{line}");
        assert!(line.contains("s = 0.200, so at most 5.00×"), "{line}");

        let none = SerialFit::from_speedups(&points, 1);
        assert_eq!((none.serial, none.estimated_at), (0.0, None));
        assert!((none.predicted(3) - 3.0).abs() < 1e-12);
        assert!(none.describe().contains("assumes none (s = 0)"));
        // A superlinear speedup leaves no serial part, and no ceiling.
        let superlinear = SerialFit::from_speedups(&[(1, 1.0), (2, 2.5)], 2);
        assert_eq!(
            (superlinear.serial, superlinear.estimated_at),
            (0.0, Some(2))
        );
        assert!(superlinear.describe().contains("so no limit"));
    }

    #[test]
    fn amdahl_matches_the_closed_form() {
        assert!((amdahl(0.0, 8) - 8.0).abs() < 1e-12);
        assert!((amdahl(1.0, 8) - 1.0).abs() < 1e-12);
        // 10 % serial on 4 workers: 1 / (0.1 + 0.9 / 4) = 3.0769...
        assert!((amdahl(0.1, 4) - 1.0 / 0.325).abs() < 1e-12);
        // The bound as workers grow: 1 / serial.
        assert!((amdahl(0.1, 1_000_000) - 10.0).abs() < 1e-3);
    }

    #[test]
    fn gustafson_grows_linearly() {
        assert!((gustafson(0.1, 1) - 1.0).abs() < 1e-12);
        assert!((gustafson(0.1, 4) - 3.7).abs() < 1e-12);
    }

    #[test]
    fn speedup_and_efficiency() {
        let s = speedup(Duration::from_secs(4), Duration::from_secs(2));
        assert!((s - 2.0).abs() < 1e-12);
        assert!((efficiency(s, 2) - 1.0).abs() < 1e-12);
        assert!(speedup(Duration::from_secs(1), Duration::ZERO).is_finite());
    }

    #[test]
    fn a_spread_keeps_the_fastest_median_and_slowest_run() {
        let ms = Duration::from_millis;
        let spread = Spread::of([ms(30), ms(10), ms(20), ms(50)]);
        assert_eq!(
            (spread.fastest, spread.median, spread.slowest, spread.runs),
            (ms(10), ms(30), ms(50), 4)
        );
        let (low, high) = spread.rates(1.0);
        assert!((low - 20.0).abs() < 1e-9 && (high - 100.0).abs() < 1e-9);
        let (slow, fast) = spread.speedups_over(ms(100));
        assert!((slow - 2.0).abs() < 1e-9 && (fast - 10.0).abs() < 1e-9);
        assert_eq!(Spread::of([]), Spread::default());
        assert_eq!(spread_of(3, || {}).runs, 3);
    }

    #[test]
    fn median_takes_the_middle_run() {
        let mut calls = 0;
        let median = median_of(3, || {
            calls += 1;
            std::thread::sleep(Duration::from_millis(calls * 5));
        });
        assert_eq!(calls, 3);
        assert!(median >= Duration::from_millis(10), "{median:?}");
    }

    #[test]
    fn human_picks_a_readable_unit() {
        assert_eq!(human(Duration::from_micros(850)), "850 µs");
        assert_eq!(human(Duration::from_micros(12_300)), "12.3 ms");
        assert_eq!(human(Duration::from_millis(1_420)), "1.42 s");
    }
}

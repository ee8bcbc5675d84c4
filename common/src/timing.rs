//! Timing helpers: a stopwatch, the median of repeated runs, speedup, efficiency, and the
//! predictions of Amdahl's and Gustafson's laws (the book's chapter 2).
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
pub fn median_of(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1)).map(|_| time(&mut work).1).collect();
    times.sort();
    times[times.len() / 2]
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

/// Gustafson's law: the scaled speedup when the parallel part grows with the workers.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    let serial = serial.clamp(0.0, 1.0);
    let n = workers.max(1) as f64;
    n - serial * (n - 1.0)
}

/// Formats a duration for humans: `850 µs`, `12.3 ms`, `1.42 s`.
pub fn human(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{:.0} µs", secs * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! Exercise 2.1, reference solution: Amdahl's and Gustafson's predictions.
//!
//! Amdahl: a job of which a fraction `s` must run serially takes `s + (1 - s) / n` of its time on
//! `n` workers, so its speedup is `1 / (s + (1 - s) / n)`, which can never pass `1 / s`, however
//! many workers. Gustafson: if the parallel part grows with the workers (n workers get n times
//! the parallel work, in the same time), the *scaled* speedup is `s + (1 - s) n = n - s (n - 1)`,
//! which keeps growing. Here `s` is the serial fraction of the time on n workers.
//!
//! The examples use the same formulas from `common::timing`. Starter: `exercises/e1_predictions.rs`;
//! grading suite: `tests/exercise_2_1.rs`.

/// Amdahl's predicted speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the work is serial.
pub fn amdahl(serial: f64, workers: usize) -> f64 {
    let s = serial.clamp(0.0, 1.0);
    let n = workers.max(1) as f64;
    1.0 / (s + (1.0 - s) / n)
}

/// The limit of Amdahl's speedup as the workers grow without bound: `1 / serial`, infinite for
/// a job with no serial part.
pub fn amdahl_bound(serial: f64) -> f64 {
    let s = serial.clamp(0.0, 1.0);
    if s == 0.0 { f64::INFINITY } else { 1.0 / s }
}

/// Gustafson's scaled speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the time on those workers is serial.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    let s = serial.clamp(0.0, 1.0);
    let n = workers.max(1) as f64;
    n - s * (n - 1.0)
}

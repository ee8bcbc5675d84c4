//! Exercise 2.1 — Amdahl's and Gustafson's predictions.
//!
//! Amdahl's law: when a fraction `s` of a job must run serially, `n` workers take
//! `s + (1 - s) / n` of the time one worker takes, so the speedup is `1 / (s + (1 - s) / n)`. As
//! `n` grows it tends to `1 / s`, and never passes it. Gustafson's law: when the parallel part
//! grows with the workers, the scaled speedup is `s + (1 - s) n`, where `s` is the serial share
//! of the time on n workers. Write the three functions below.
//!
//! What the grader checks (`cargo xtask exercise check 2.1`):
//! - known values: `amdahl(0.1, 4)` is 3.0769…, `amdahl_bound(0.1)` is 10, `gustafson(0.1, 4)`
//!   is 3.7; one worker gives a speedup of 1; no serial part gives n (and an infinite bound);
//! - properties over many fractions and worker counts: Amdahl's speedup never falls as workers
//!   are added, never passes `n` nor `1 / s`; Gustafson's is never below Amdahl's;
//! - fractions outside 0..=1 are clamped, and 0 workers counts as 1.

/// Amdahl's predicted speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the work is serial.
pub fn amdahl(serial: f64, workers: usize) -> f64 {
    // TODO: clamp `serial` to 0..=1 and treat 0 workers as 1.
    // TODO: return 1 / (s + (1 - s) / n).
    let _ = (serial, workers);
    todo!("Amdahl's speedup")
}

/// The limit of Amdahl's speedup as the workers grow without bound: `1 / serial`, and
/// `f64::INFINITY` for a job with no serial part.
pub fn amdahl_bound(serial: f64) -> f64 {
    // TODO: clamp, then 1 / s (mind s == 0).
    let _ = serial;
    todo!("Amdahl's bound")
}

/// Gustafson's scaled speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the time on those workers is serial.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    // TODO: clamp `serial`, treat 0 workers as 1, return s + (1 - s) * n.
    let _ = (serial, workers);
    todo!("Gustafson's scaled speedup")
}

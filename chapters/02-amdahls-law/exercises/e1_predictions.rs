//! Exercise 2.1 — Amdahl's and Gustafson's predictions.
//!
//! Amdahl's law is about a fixed job: a fraction `s` of it must run serially, the rest splits
//! perfectly over `n` workers, and the speedup is the time on one worker over the time on `n`. As
//! `n` grows the speedup tends to a limit it never passes. Gustafson's law lets the parallel part
//! grow with the workers (n workers get n times the parallel work, in the same time); there `s`
//! is the serial share of the time on n workers, and the scaled speedup is how many times longer
//! one worker would take for that same work. Write the three functions below.
//!
//! What the grader checks (`cargo xtask exercise check 2.1`):
//! - known values: `amdahl(0.1, 4)` is 3.0769…, `amdahl_bound(0.1)` is 10, `gustafson(0.1, 4)`
//!   is 3.7; one worker gives a speedup of 1; no serial part gives n (and an infinite bound);
//! - properties over many fractions and worker counts: Amdahl's speedup never falls as workers
//!   are added, never passes `n` nor its bound; Gustafson's grows by exactly `1 - s` per added
//!   worker and is never below Amdahl's;
//! - fractions outside 0..=1 are clamped, and 0 workers counts as 1.

/// Amdahl's predicted speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the work is serial.
pub fn amdahl(serial: f64, workers: usize) -> f64 {
    // TODO: clamp `serial` to 0..=1 and treat 0 workers as 1.
    // TODO: return the time on one worker over the time on `n`.
    let _ = (serial, workers);
    todo!("Amdahl's speedup")
}

/// The limit of Amdahl's speedup as the workers grow without bound: `1 / serial`, and
/// `f64::INFINITY` for a job with no serial part.
pub fn amdahl_bound(serial: f64) -> f64 {
    // TODO: clamp, then return what `amdahl` tends to as the workers grow (mind a job with no
    // serial part).
    let _ = serial;
    todo!("Amdahl's bound")
}

/// Gustafson's scaled speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the time on those workers is serial.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    // TODO: clamp `serial`, treat 0 workers as 1, and return the scaled speedup.
    let _ = (serial, workers);
    todo!("Gustafson's scaled speedup")
}

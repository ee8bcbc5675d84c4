//! Wrong predictions for exercise 2.1.
//!
//! Wrong: converts the workers with `as f64` without counting 0 as 1, so 0 workers give a speedup of 0.
//! Caught: 0 workers count as 1

/// Amdahl's predicted speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the work is serial.
pub fn amdahl(serial: f64, workers: usize) -> f64 {
    let s = serial.clamp(0.0, 1.0);
    let n = workers as f64;
    1.0 / (s + (1.0 - s) / n)
}

/// The limit of Amdahl's speedup as the workers grow without bound.
pub fn amdahl_bound(serial: f64) -> f64 {
    let s = serial.clamp(0.0, 1.0);
    if s == 0.0 { f64::INFINITY } else { 1.0 / s }
}

/// Gustafson's scaled speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the time on those workers is serial.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    let s = serial.clamp(0.0, 1.0);
    let n = workers as f64;
    s + (1.0 - s) * n
}

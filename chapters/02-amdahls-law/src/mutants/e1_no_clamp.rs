//! Wrong predictions for exercise 2.1.
//!
//! Wrong: uses the fraction as given, so a fraction below 0 or above 1 gives a speedup no job can have.
//! Caught: a fraction below 0 counts as 0

/// Amdahl's predicted speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the work is serial.
pub fn amdahl(serial: f64, workers: usize) -> f64 {
    let n = workers.max(1) as f64;
    1.0 / (serial + (1.0 - serial) / n)
}

/// The limit of Amdahl's speedup as the workers grow without bound.
pub fn amdahl_bound(serial: f64) -> f64 {
    if serial == 0.0 {
        f64::INFINITY
    } else {
        1.0 / serial
    }
}

/// Gustafson's scaled speedup on `workers` workers (at least one) when a fraction `serial`
/// (clamped to 0..=1) of the time on those workers is serial.
pub fn gustafson(serial: f64, workers: usize) -> f64 {
    let n = workers.max(1) as f64;
    serial + (1.0 - serial) * n
}

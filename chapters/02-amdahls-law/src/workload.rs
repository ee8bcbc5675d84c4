//! A workload with a tunable serial fraction: the job Amdahl's law talks about.
//!
//! A [`Job`] is `serial` units of work that run on the calling thread, then `parallel` units
//! split across the workers ([`crate::split::split_count`], exercise 2.2). A unit is a fixed
//! chain of a few thousand multiply–xor–shift rounds: pure CPU, no memory traffic, no locks, so
//! every unit costs the same and the only thing that limits the speedup is the serial part (and
//! the number of cores).
//!
//! Which book example: none directly — the book's `Chapter02/example1.py` has no serial part to
//! tune; this is the experiment its text describes. Run:
//! `cargo run --release -p chapter-2 -- run amdahl --variant serial-0.1`.

use std::hint::black_box;

use crate::split::split_count;

/// Multiply–xor–shift rounds in one unit of work (a few microseconds).
const ROUNDS_PER_UNIT: u32 = 2_000;

/// One unit of work: a dependent chain of mixing rounds seeded by `seed`. Returns whether the
/// result is odd, so that the work cannot be optimised away and a checksum can be counted.
pub fn unit(seed: u64) -> bool {
    let mut x = black_box(seed);
    for _ in 0..ROUNDS_PER_UNIT {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 27;
    }
    black_box(x) & 1 == 1
}

/// A job: `serial` units on one thread, then `parallel` units split across the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Units that must run one after another, on the calling thread.
    pub serial: u64,
    /// Units that can be shared among the workers.
    pub parallel: u64,
}

impl Job {
    /// A job of `total` units of which a fraction `serial` (0..=1) is serial.
    pub fn with_serial_fraction(total: u64, serial: f64) -> Self {
        let serial_units = (total as f64 * serial.clamp(0.0, 1.0)).round() as u64;
        Self {
            serial: serial_units,
            parallel: total - serial_units.min(total),
        }
    }

    /// The serial fraction of the work (of the time on one worker).
    pub fn serial_fraction(&self) -> f64 {
        self.serial as f64 / (self.serial + self.parallel).max(1) as f64
    }

    /// Runs the job on `workers` workers and returns its checksum (how many units came out odd),
    /// which is the same whatever the number of workers.
    pub fn run(&self, workers: usize) -> usize {
        let serial = (0..self.serial).filter(|&i| unit(i)).count();
        let offset = self.serial;
        let parallel = split_count(offset..offset + self.parallel, workers, &unit).hits;
        serial + parallel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_does_not_depend_on_the_workers() {
        let job = Job::with_serial_fraction(200, 0.25);
        assert_eq!(
            job,
            Job {
                serial: 50,
                parallel: 150
            }
        );
        assert!((job.serial_fraction() - 0.25).abs() < 1e-12);
        let one = job.run(1);
        for workers in 2..=5 {
            assert_eq!(job.run(workers), one);
        }
    }
}

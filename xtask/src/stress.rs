//! `run-all --stress`: every core kept busy while the tours run, as a student's laptop often is
//! (a browser, a build, a video call), so that a broken variant that shows its bug only on an
//! idle machine is found here rather than there.
//!
//! One spinning thread per core, in this process, at normal priority: the tours' threads must
//! compete for every core with them, the way they would with `yes > /dev/null` once per core.
//! The spinners stop when the guard is dropped (at the end of the run, or when it fails), and
//! die with the process in any case, so nothing outlives the command.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use common::timing::Stopwatch;

/// The spinning threads; dropping it stops and joins them.
#[derive(Debug)]
pub struct Stress {
    stop: Arc<AtomicBool>,
    /// Batches of busy work done so far, by all spinners (read by the tests).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the spinners count, the tests read")
    )]
    batches: Arc<AtomicU64>,
    spinners: Vec<JoinHandle<u64>>,
}

impl Stress {
    /// The clock and the process's CPU time now, for [`Stress::stop_and_measure`].
    pub fn mark() -> (Stopwatch, Option<Duration>) {
        (Stopwatch::start(), common::testing::process_cpu_time())
    }

    /// Starts one spinner per core the machine has.
    pub fn every_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with(cores)
    }

    /// Starts `spinners` spinning threads.
    pub fn with(spinners: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let batches = Arc::new(AtomicU64::new(0));
        let spinners = (0..spinners)
            .map(|i| {
                let (stop, batches) = (Arc::clone(&stop), Arc::clone(&batches));
                std::thread::Builder::new()
                    .name(format!("stress {i}"))
                    .spawn(move || spin(&stop, &batches))
                    .expect("a thread can be spawned")
            })
            .collect();
        Self {
            stop,
            batches,
            spinners,
        }
    }

    /// How many threads spin.
    pub fn spinners(&self) -> usize {
        self.spinners.len()
    }

    /// Batches of busy work done so far.
    #[cfg(test)]
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// Stops the spinners and waits for them to end; how many batches each did.
    pub fn stop(mut self) -> Vec<u64> {
        self.stop_and_join()
    }

    /// Stops the spinners; how many cores' worth of CPU time they took on average since
    /// `started` (the process's CPU time then), which is the load the tours ran under.
    /// `None` when that cannot be measured, or when the spinners never ran.
    pub fn stop_and_measure(self, started: (Stopwatch, Option<Duration>)) -> Option<f64> {
        if self.stop().iter().sum::<u64>() == 0 {
            return None;
        }
        let (wall, cpu_before) = started;
        let cpu = common::testing::process_cpu_time()?.checked_sub(cpu_before?)?;
        Some(cpu.as_secs_f64() / wall.seconds().max(f64::EPSILON))
    }

    fn stop_and_join(&mut self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.spinners
            .drain(..)
            .map(|spinner| spinner.join().unwrap_or(0))
            .collect()
    }
}

/// Busy work until told to stop, in batches of arithmetic the compiler must keep (no system
/// calls); returns the batches done.
fn spin(stop: &AtomicBool, batches: &AtomicU64) -> u64 {
    let mut x: u64 = 1;
    let mut done = 0;
    while !stop.load(Ordering::Relaxed) {
        for _ in 0..10_000 {
            x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
        done += 1;
        batches.fetch_add(1, Ordering::Relaxed);
    }
    black_box(x);
    done
}

impl Drop for Stress {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

#[cfg(test)]
mod tests {
    use super::Stress;

    #[test]
    fn the_spinners_work_until_stopped_and_then_end() {
        let stress = Stress::with(2);
        assert_eq!(stress.spinners(), 2);
        // Wait for the work itself, not for the clock: spinners that never ran hang here (and
        // the test harness reports it), they do not pass.
        while stress.batches() < 10 {
            std::thread::yield_now();
        }
        let done = stress.stop();
        assert_eq!(done.len(), 2, "both spinners joined");
        assert!(done.iter().sum::<u64>() >= 10, "{done:?}");
    }
}

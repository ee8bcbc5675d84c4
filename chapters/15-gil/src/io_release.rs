//! Threads that release the GIL around blocking I/O still overlap: why threads help I/O-bound
//! Python code even though only one runs bytecode at a time.
//!
//! Each thread does a few rounds of: a short CPU burst under the modelled GIL (`gil.rs`), then a
//! blocking wait for "I/O". The wait is a 10 ms sleep standing for a disk or network round trip:
//! here latency *is* the subject, and the output says so.
//!
//! - `releases`: the wait is wrapped in [`allow_threads`] (exercise 15.1), as CPython wraps every
//!   blocking call: the GIL is released before the wait and taken back after. The waits of
//!   different threads overlap, and the run takes about one thread's waits, not all of them.
//! - `holds`: the wait is made while still holding the GIL, as a C extension that forgot
//!   `Py_BEGIN_ALLOW_THREADS` would. No other thread can run — or start its own wait — meanwhile,
//!   so the waits happen one after another.
//!
//! Verdicts rest on counts: how many threads were inside a wait at the same moment (at most 1 is
//! guaranteed when the GIL is held across the wait; 2 or more shows the overlap), and for `holds`
//! the lower bound that mutual exclusion guarantees (the run lasts at least the sum of the waits).
//!
//! Run: `cargo run -p chapter-15 -- run io-releases-the-lock --threads 8`.
//! Book: chapter 15, "The effect of the GIL" (I/O-bound threads) and chapter 3's threaded I/O.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::allow_threads::allow_threads;
use crate::gil::{Gil, GilStats, GilThread};
use crate::global_lock::step;

common::variants! {
    /// How a thread treats the GIL during its blocking waits.
    pub enum Waiting {
        /// Releases the GIL around each wait (`allow_threads`).
        Releases = "releases": "the GIL is released around each wait (allow_threads): waits overlap",
        /// Keeps the GIL through each wait.
        Holds = "holds": "the GIL is held through each wait: every wait in turn",
    }
}

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct IoRun {
    /// Wall time of the whole run.
    pub wall: Duration,
    /// The sum of every wait of every thread: the run's length if no two waits overlap.
    pub sum_of_waits: Duration,
    /// The most threads seen inside a wait at the same moment.
    pub max_waiting_at_once: usize,
    /// What the GIL counted.
    pub gil: GilStats,
}

/// `threads` threads each do `rounds` rounds of a CPU burst of `burst` steps under the GIL and a
/// blocking wait of `latency`.
pub fn run_io(
    threads: usize,
    rounds: u32,
    burst: u64,
    latency: Duration,
    waiting: Waiting,
) -> IoRun {
    let gil = Gil::cpython();
    let in_wait = AtomicUsize::new(0);
    let max_in_wait = AtomicUsize::new(0);
    let blocking_wait = || {
        let now = in_wait.fetch_add(1, Ordering::SeqCst) + 1;
        max_in_wait.fetch_max(now, Ordering::SeqCst);
        // The I/O's latency: a sleep stands for the device or the network (latency is the subject).
        std::thread::sleep(latency);
        in_wait.fetch_sub(1, Ordering::SeqCst);
    };
    let watch = Stopwatch::start();
    std::thread::scope(|s| {
        for id in 0..threads {
            let gil = Arc::clone(&gil);
            let blocking_wait = &blocking_wait;
            s.spawn(move || {
                let mut thread = GilThread::attach(&gil, id);
                let mut state = id as u64;
                for _ in 0..rounds {
                    for _ in 0..burst {
                        state = step(state);
                        thread.tick();
                    }
                    match waiting {
                        Waiting::Releases => allow_threads(&mut thread, blocking_wait),
                        Waiting::Holds => blocking_wait(),
                    }
                }
                std::hint::black_box(state);
            });
        }
    });
    IoRun {
        wall: watch.elapsed(),
        sum_of_waits: latency * rounds * threads as u32,
        max_waiting_at_once: max_in_wait.load(Ordering::SeqCst),
        gil: gil.stats(),
    }
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let waiting = config.variant_of::<Waiting>()?;
    let threads = config.threads;
    let rounds = config.pick(5, 20);
    let latency = Duration::from_millis(10);
    let burst = 20_000;
    let run = run_io(threads, rounds, burst, latency, waiting);

    let one_thread = latency * rounds;
    let showed = run.gil.overlaps == 0
        && match waiting {
            // Guaranteed by the GIL: nobody else can even reach its wait.
            Waiting::Holds => run.max_waiting_at_once == 1 && run.wall >= run.sum_of_waits,
            Waiting::Releases => threads < 2 || run.max_waiting_at_once >= 2,
        };

    let mut table = TableData::new(
        format!(
            "{threads} threads × {rounds} rounds: {} steps under the GIL, then a {} wait",
            common::format::count(burst),
            human(latency)
        ),
        &["measure", "value"],
    );
    table.row(["wall time".to_string(), human(run.wall)]);
    table.row([
        "one thread's waits (the best case)".to_string(),
        human(one_thread),
    ]);
    table.row([
        "all waits end to end (the worst case)".to_string(),
        human(run.sum_of_waits),
    ]);
    table.row([
        "most threads waiting at once".to_string(),
        common::format::count(run.max_waiting_at_once),
    ]);
    table.row([
        "GIL switches".to_string(),
        common::format::count(run.gil.switches),
    ]);

    let outcome = config.outcome(Verdict::from(showed))
        .table(table)
        .duration("wall time", run.wall).as_key()
        .duration("sum of waits", run.sum_of_waits)
        .count("most threads waiting at once", run.max_waiting_at_once, "threads")
        .count("GIL overlaps", run.gil.overlaps, "overlaps")
        .line(format!(
            "Each wait is a {} sleep standing for a disk or network round trip: latency is the subject here, not computation.",
            human(latency)
        ));
    Ok(match waiting {
        Waiting::Releases => outcome
            .line(format!(
                "Up to {} threads were waiting at once: the waits overlapped, so {threads} threads took {} instead of {}.",
                run.max_waiting_at_once,
                human(run.wall),
                human(run.sum_of_waits)
            ))
            .notice("a thread blocked in I/O needs no GIL: released around the wait, the other threads run (and wait) meanwhile"),
        Waiting::Holds => outcome
            .line(format!(
                "Never more than {} waiting at a time: holding the GIL through the wait serialised every wait ({} for {} of waits).",
                common::format::counted(run.max_waiting_at_once, "threads"),
                human(run.wall),
                human(run.sum_of_waits)
            ))
            .notice("blocking while holding the GIL stalls the whole interpreter: this is what Py_BEGIN_ALLOW_THREADS is for"),
    })
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn holding_the_gil_serialises_the_waits() {
        let run = run_io(3, 2, 100, Duration::from_millis(2), Waiting::Holds);
        assert_eq!(run.max_waiting_at_once, 1);
        assert!(run.wall >= run.sum_of_waits);
        assert_eq!(run.gil.overlaps, 0);
    }
}

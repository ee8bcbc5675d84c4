//! The book's countdown: 50,000,000 decrements, one after the other, split over two threads, and
//! split over two processes.
//!
//! `Chapter15/example2.py` counts down from 50,000,000 in pure Python, then again in two threads
//! of 25,000,000 each: no faster (0.74 s vs 0.83 s), because the GIL lets one thread at a time run
//! bytecode. `example3.py` adds a `multiprocessing.Pool(2)`: each process has its own
//! interpreter and its own GIL, so the two halves really run at once (0.40 s).
//!
//! Two variants:
//! - `rust`: the same three arrangements in plain Rust. No GIL: two threads are as good as two
//!   processes. (A Rust loop that counts down to zero is folded by the optimiser into `n = 0`;
//!   `std::hint::black_box` on every step keeps each decrement real.)
//! - `gil`: the same loop under the chapter's modelled GIL (`gil.rs`, CPython's 5 ms switch
//!   interval), one tick per decrement as CPython checks between bytecodes. Now two threads are
//!   no faster than one, and two processes — one GIL each — still are: what Python sees.
//!
//! The verdict rests on facts, not on timings: every countdown reached zero, every child exited
//! cleanly, and (for `gil`) no two threads ever held the GIL at once. The times are medians of
//! several runs on a machine others share: read them as a shape, not as a benchmark.
//!
//! Run: `cargo run --release -p chapter-15 -- run countdown` (both variants).
//! Book: chapter 15, "The effect of the GIL" (`Chapter15/example2.py`, `example3.py`).

use std::hint::black_box;
use std::time::Duration;

use common::timing::{human, speedup, time};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::gil::{Gil, GilStats, GilThread};

common::variants! {
    /// Where the countdown runs.
    pub enum Runtime {
        /// Plain Rust, no global lock.
        Rust = "rust": "plain Rust (black_box keeps every step): threads scale like processes",
        /// Every step under the modelled GIL.
        Gil = "gil": "under the modelled GIL: two threads no faster than one, two processes are",
    }
}

/// The book's count.
pub const COUNT: u64 = 50_000_000;

/// The count a Rust run uses. A Rust step costs well under a nanosecond, so the book's count is
/// over in a few tens of milliseconds: enough for the tour's quick look (median of 3, the three
/// arrangements taking turns), short enough to keep the tour brisk. Full runs count 10 times as
/// far, so that their times stand well clear of a busy machine's noise.
pub fn rust_count(config: &RunConfig) -> u64 {
    config.pick(COUNT, 10 * COUNT)
}

/// Counts `n` down to zero, one real decrement per step. Returns what is left (always 0).
#[inline(never)]
pub fn countdown(mut n: u64) -> u64 {
    while n > 0 {
        n = black_box(n) - 1;
    }
    n
}

/// Counts `n` down to zero under the GIL: one tick per decrement, as CPython checks its eval
/// breaker between bytecodes. Returns what is left (always 0).
#[inline(never)]
pub fn countdown_gil(thread: &mut GilThread, mut n: u64) -> u64 {
    while n > 0 {
        n = black_box(n) - 1;
        thread.tick();
    }
    n
}

/// Runs `count` on one thread, with or without a GIL. Returns the remainder.
fn sequential(count: u64, gil: bool) -> u64 {
    if gil {
        let gil = Gil::cpython();
        let mut thread = GilThread::attach(&gil, 0);
        countdown_gil(&mut thread, count)
    } else {
        countdown(count)
    }
}

/// Splits `count` over two threads, sharing one GIL if `gil` is given. Returns the sum of the
/// remainders.
fn two_threads(count: u64, gil: Option<&std::sync::Arc<Gil>>) -> u64 {
    let halves = [count / 2, count - count / 2];
    std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .into_iter()
            .enumerate()
            .map(|(id, half)| {
                s.spawn(move || match gil {
                    Some(gil) => countdown_gil(&mut GilThread::attach(gil, id), half),
                    None => countdown(half),
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(u64::MAX))
            .sum()
    })
}

/// Splits `count` over two forked processes, each with its own GIL if `gil`. Returns how many
/// children did not exit cleanly with a zero remainder.
#[cfg(unix)]
fn two_processes(count: u64, gil: bool, deadline: Duration) -> anyhow::Result<usize> {
    let halves = [count / 2, count - count / 2];
    // Everything a child touches is built before the fork: a forked child of a multi-threaded
    // process may not allocate (see `process.rs`). One fresh GIL per child: one per interpreter.
    let gils = [Gil::cpython(), Gil::cpython()];
    let mut children = Vec::new();
    for (half, gil_of_child) in halves.into_iter().zip(gils.iter()) {
        let child = crate::process::fork_child(move || {
            let left = if gil {
                countdown_gil(&mut GilThread::attach(gil_of_child, 0), half)
            } else {
                countdown(half)
            };
            i32::from(left != 0)
        })?;
        children.push(child);
    }
    let mut failed = 0;
    for child in children {
        if !crate::process::wait_ok(child, deadline)? {
            failed += 1;
        }
    }
    Ok(failed)
}

/// The three times of one variant, and what the GIL counted when two threads shared it.
#[derive(Debug, Clone)]
pub struct CountdownTimes {
    /// One thread counts all of it.
    pub sequential: Duration,
    /// Two threads count half each.
    pub threads: Duration,
    /// Two processes count half each (`None` where fork is unavailable).
    pub processes: Option<Duration>,
    /// True if every countdown reached zero and every child exited cleanly.
    pub all_reached_zero: bool,
    /// What the shared GIL counted over the two-thread runs (`gil` variant only).
    pub gil: Option<GilStats>,
}

/// The median of `times` (zero for none); `global-lock` takes its rows' medians with it too.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Times the three arrangements, median of `runs` each. The arrangements take turns within each
/// run, so a burst of other work on a shared machine slows all three alike rather than one.
pub fn measure(count: u64, gil: bool, runs: usize) -> anyhow::Result<CountdownTimes> {
    let mut ok = true;
    let shared = gil.then(Gil::cpython);
    let (mut sequential_times, mut thread_times, mut process_times) =
        (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let (left, took) = time(|| sequential(count, gil));
        ok &= left == 0;
        sequential_times.push(took);
        let (left, took) = time(|| two_threads(count, shared.as_ref()));
        ok &= left == 0;
        thread_times.push(took);
        #[cfg(unix)]
        {
            let (failed, took) = time(|| two_processes(count, gil, Duration::from_secs(30)));
            ok &= failed? == 0;
            process_times.push(took);
        }
    }
    Ok(CountdownTimes {
        sequential: median(sequential_times),
        threads: median(thread_times),
        processes: (!process_times.is_empty()).then(|| median(process_times)),
        all_reached_zero: ok,
        gil: shared.map(|g| g.stats()),
    })
}

/// A line for a run whose times contradict the lesson's shape, or `None` when they show it.
/// Both shapes have a margin: timings on a shared machine scatter.
pub fn shape_caveat(gil: bool, times: &CountdownTimes) -> Option<String> {
    let threads = speedup(times.sequential, times.threads);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let contradicted = if gil {
        threads > 1.3
    } else {
        cores >= 2 && threads < 1.3
    };
    contradicted.then(|| {
        format!(
            "This run's times do not show the shape ({} for two threads): other work on this machine disturbed them. \
             The counts are what the verdict rests on; a full run (without --quick) times longer counts.",
            common::format::ratio(threads)
        )
    })
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let gil = match config.variant_of::<Runtime>()? {
        Runtime::Rust => false,
        Runtime::Gil => true,
    };
    let runs = config.pick(3, 5);
    let count = rust_count(config);
    let times = measure(count, gil, runs)?;
    let overlaps = times.gil.map_or(0, |s| s.overlaps);
    let showed = times.all_reached_zero && overlaps == 0;

    let label = if gil {
        "Rust under the modelled GIL (5 ms switch interval)"
    } else {
        "Plain Rust, no GIL"
    };
    let how_far = if count == COUNT {
        "the book's count".to_string()
    } else {
        format!(
            "{}× the book's {}",
            count / COUNT,
            common::format::count(COUNT)
        )
    };
    let mut table = TableData::new(
        format!(
            "{label}: count down from {} ({how_far}), median of {runs}",
            common::format::count(count)
        ),
        &["arrangement", "time", "speedup vs one thread"],
    );
    let row = |table: &mut TableData, name: &str, time: Duration| {
        table.row([
            name.to_string(),
            human(time),
            common::format::ratio(speedup(times.sequential, time)),
        ]);
    };
    row(&mut table, "one thread", times.sequential);
    row(
        &mut table,
        if gil {
            "two threads, one GIL"
        } else {
            "two threads"
        },
        times.threads,
    );
    match times.processes {
        Some(p) => row(
            &mut table,
            if gil {
                "two processes, one GIL each"
            } else {
                "two processes"
            },
            p,
        ),
        None => table.row(["two processes", "not on this platform", "-"]),
    }

    let mut outcome = config
        .outcome(Verdict::from(showed))
        .table(table)
        .duration("one thread", times.sequential)
        .duration("two threads", times.threads)
        .key_figure(
            "two-thread speedup",
            speedup(times.sequential, times.threads),
            "x",
        );
    if let Some(p) = times.processes {
        outcome = outcome.duration("two processes", p).figure(
            "two-process speedup",
            speedup(times.sequential, p),
            "x",
        );
    }
    if let Some(stats) = times.gil {
        outcome = outcome
            .count("GIL switches (two threads)", stats.switches, "switches")
            .count("GIL overlaps", stats.overlaps, "overlaps")
            .line(format!(
                "Over the two-thread runs the GIL changed hands {} ({}) and was never held by two threads at once ({}).",
                common::format::counted(stats.switches, "times"),
                common::format::counted(stats.forced_drops, "forced drops"),
                common::format::counted(stats.overlaps, "overlaps")
            ));
    }
    outcome = outcome.line(format!(
        "Every countdown reached zero: {}. Each decrement goes through black_box, so the loop is not folded away.",
        common::format::yes_no(times.all_reached_zero)
    ));
    if let Some(caveat) = shape_caveat(gil, &times) {
        outcome = outcome.line(caveat);
    }
    Ok(if gil {
        outcome.notice("with one GIL, two threads take turns: no faster than one (the book: 0.74 s vs 0.83 s); two processes have a GIL each and do run at once (0.40 s)")
    } else {
        outcome.notice("without a GIL, two threads are as fast as two processes: on 2 cores both halve the time")
    })
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn countdowns_reach_zero() {
        assert_eq!(countdown(1000), 0);
        let gil = Gil::cpython();
        assert_eq!(countdown_gil(&mut GilThread::attach(&gil, 0), 1000), 0);
        assert_eq!(two_threads(1001, None), 0);
        assert_eq!(two_threads(1001, Some(&gil)), 0);
    }

    #[test]
    fn a_caveat_only_when_the_times_contradict_the_shape() {
        let ms = Duration::from_millis;
        let times = |sequential, threads| CountdownTimes {
            sequential: ms(sequential),
            threads: ms(threads),
            processes: None,
            all_reached_zero: true,
            gil: None,
        };
        // Under a GIL two threads should not beat one.
        assert!(shape_caveat(true, &times(100, 100)).is_none());
        assert!(shape_caveat(true, &times(200, 100)).is_some());
        // Without one they should, given two cores.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(shape_caveat(false, &times(100, 50)).is_none());
        assert_eq!(shape_caveat(false, &times(100, 100)).is_some(), cores >= 2);
    }
}

//! An inherently sequential task: each step needs the one before, so more threads cannot help.
//!
//! `Chapter01/example2.py` iterates f(x) = x² − x + 1 twenty times from 3 and prints the last
//! five digits (35443). Its "concurrent" version submits 20 jobs to a thread pool that all
//! update one global `result` — and gets the same answer, but only because every job is the same
//! step and they happen to run one at a time. Nothing ran in parallel; nothing could.
//!
//! Work–span: the *work* is the total number of steps, the *span* the longest chain of steps
//! that must run one after another. No number of workers can beat span, so the best speedup is
//! work / span. For an iterated function the span *is* the work: the bound is exactly 1.
//!
//! - `book`: the book's 20 steps, once on one thread and once as 20 threads that each apply one
//!   step to a shared value under a lock. Both give 35443. The values grow to millions of digits
//!   (the book uses Python's big integers), so here every step is taken mod 100000: exact for
//!   the last five digits, since f has integer coefficients and (a mod m) fixes f(a) mod m.
//! - `hand-off`: a long chain (millions of steps mod the prime 10^9 + 7), once on one thread (the
//!   same code with one segment, so that only the hand-offs differ) and
//!   once "split across `--threads` threads": the chain is cut into segments dealt round-robin,
//!   and each thread must wait for the previous segment's value before it can start its own — a
//!   hand-off chain. Expect the same value, about the same time (a little worse: the hand-offs
//!   cost), and the per-thread busy times summing to the total: only one thread ever runs.
//!
//! Run: `cargo run --release -p chapter-1 -- run inherently-sequential --variant hand-off --threads 4`.

use std::sync::{Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::format;
use common::timing::{human, speedup};
use common::{Outcome, RunConfig, TableData, Verdict};

common::variants! {
    /// Which chain runs: the book's short one, or a long one handed along threads.
    pub enum Chain {
        /// The book's 20 steps, alone and as 20 threads sharing one value.
        Book = "book": "20 steps from 3, last five digits (35443), alone and as 20 threads sharing one value",
        /// Millions of steps, one thread against a chain of threads.
        HandOff = "hand-off": "millions of steps, one thread vs a chain of threads handing the value along",
    }
}

/// The prime the long chain works modulo: x² fits in a `u64` for every x below it.
pub const PRIME: u64 = 1_000_000_007;

/// The book's modulus: it prints the last five digits.
pub const BOOK_MODULUS: u64 = 100_000;

/// The book's last five digits after 20 steps from 3.
pub const BOOK_DIGITS: u64 = 35_443;

/// f(x) = x² − x + 1, modulo `m` (for x < m < 2^32).
pub fn f_mod(x: u64, m: u64) -> u64 {
    (x * x % m + m - x + 1) % m
}

/// `steps` applications of f from `x`, modulo `m`: the chain, on one thread.
pub fn chain(mut x: u64, steps: u64, m: u64) -> u64 {
    for _ in 0..steps {
        x = f_mod(x, m);
    }
    x
}

/// The book's result: 20 steps from 3, last five digits.
pub fn book_iterate() -> u64 {
    chain(3, 20, BOOK_MODULUS)
}

/// The book's "concurrent" version: `jobs` threads each apply one step to a shared value under a
/// lock. The answer is right only because every job is the same step; the lock makes them take
/// turns, one at a time.
pub fn book_concurrent(jobs: usize) -> u64 {
    let result = Mutex::new(3u64);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut x = result.lock().unwrap_or_else(PoisonError::into_inner);
                *x = f_mod(*x, BOOK_MODULUS);
            });
        }
    });
    result.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// What the hand-off chain did.
#[derive(Debug, Clone, PartialEq)]
pub struct HandOff {
    /// The chain's final value.
    pub value: u64,
    /// Per thread: the time it spent computing its segments.
    pub busy: Vec<Duration>,
    /// Each segment's (thread, start, end) relative to the chain's start.
    pub segments: Vec<(usize, Duration, Duration)>,
}

/// One chain thread's part: its busy time, and its segments as (segment, start, end).
type ThreadWork = (Duration, Vec<(usize, Duration, Duration)>);

/// The chain of `steps` steps from `x0`, cut into `segments` segments dealt round-robin to
/// `threads` threads. Segment s cannot start before segment s − 1 has handed over its value, so
/// the threads run one at a time. Fails instead of hanging if a value does not arrive within
/// `budget`.
pub fn chain_hand_off(
    x0: u64,
    steps: u64,
    threads: usize,
    segments: usize,
    budget: Duration,
) -> anyhow::Result<HandOff> {
    let threads = threads.max(1);
    let segments = segments.max(1);
    let deadline = Instant::now() + budget;
    let start = Instant::now();
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..threads)
        .map(|_| mpsc::channel::<(u64, usize)>())
        .unzip();
    let (done_tx, done_rx) = mpsc::channel::<u64>();
    let per_thread: Vec<anyhow::Result<ThreadWork>> = std::thread::scope(|scope| {
        let handles: Vec<_> = receivers
            .into_iter()
            .enumerate()
            .map(|(t, inbox)| {
                let senders = senders.clone();
                let done_tx = done_tx.clone();
                scope.spawn(move || {
                    let mut busy = Duration::ZERO;
                    let mut mine = Vec::new();
                    let my_segments = (t..segments).step_by(threads).count();
                    for _ in 0..my_segments {
                        let left = deadline.saturating_duration_since(Instant::now());
                        let (x, s) = inbox
                            .recv_timeout(left)
                            .context("no value handed over in time")?;
                        let began = Instant::now();
                        // Segment s: steps [s*steps/segments, (s+1)*steps/segments).
                        let from = steps * s as u64 / segments as u64;
                        let to = steps * (s as u64 + 1) / segments as u64;
                        let y = chain(x, to - from, PRIME);
                        let ended = Instant::now();
                        busy += ended - began;
                        mine.push((s, began - start, ended - start));
                        if s + 1 == segments {
                            let _ = done_tx.send(y);
                        } else {
                            senders[(s + 1) % threads]
                                .send((y, s + 1))
                                .context("the next thread is gone")?;
                        }
                    }
                    Ok((busy, mine))
                })
            })
            .collect();
        let _ = senders[0].send((x0, 0));
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| bail!("a chain thread panicked"))
            })
            .collect()
    });
    let value = done_rx
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .context("the chain did not finish in time")?;
    let mut busy = Vec::new();
    let mut all = Vec::new();
    for (t, r) in per_thread.into_iter().enumerate() {
        let (b, mine) = r?;
        busy.push(b);
        all.extend(mine.into_iter().map(|(s, a, e)| (s, t, a, e)));
    }
    all.sort_by_key(|&(s, ..)| s);
    Ok(HandOff {
        value,
        busy,
        segments: all.into_iter().map(|(_, t, a, e)| (t, a, e)).collect(),
    })
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Chain>()? {
        Chain::Book => Ok(run_book(config)),
        Chain::HandOff => run_hand_off(config),
    }
}

fn run_hand_off(config: &RunConfig) -> anyhow::Result<Outcome> {
    let threads = config.threads;
    let steps = config.pick(5_000_000, 40_000_000);
    let segments = threads * 4;
    let mut seq_value = 0;
    let mut last = None;
    let mut error = None;
    let mut seq_error = None;
    let timed = crate::prime_check_report::alternate(
        3,
        // The same code with one thread and one segment, so that only the hand-offs differ (the
        // compiler optimizes a loop differently in a different place: up to 12 % here).
        || match chain_hand_off(3, steps, 1, 1, config.budget()) {
            Ok(h) => seq_value = h.value,
            Err(e) => seq_error = Some(e),
        },
        || match chain_hand_off(3, steps, threads, segments, config.budget()) {
            Ok(h) => last = Some(h),
            Err(e) => error = Some(e),
        },
    );
    if let Some(e) = seq_error.or(error) {
        return Err(e);
    }
    let (seq_time, par_time) = (timed.sequential, timed.parallel);
    let handoff = last.context("the hand-off chain did not run")?;
    let gain = speedup(seq_time, par_time);
    let same = handoff.value == seq_value && seq_value == chain(3, steps, PRIME);
    // Measured segments never overlap: each starts after the previous one ended.
    let overlaps = handoff
        .segments
        .windows(2)
        .filter(|w| w[1].1 < w[0].2)
        .count();
    // The structural fact, not a timing: the value is right and no two segments ever ran at
    // once. (The measured speedup stays near 1, but a busy machine can skew one side.)
    let showed = same && overlaps == 0;
    let mut table = TableData::new(
        "each thread's busy time (last run)",
        &["thread", "segments", "busy"],
    );
    for (t, busy) in handoff.busy.iter().enumerate() {
        let n = handoff.segments.iter().filter(|s| s.0 == t).count();
        table.row([t.to_string(), n.to_string(), human(*busy)]);
    }
    let busy_sum: Duration = handoff.busy.iter().sum();
    Ok(config.outcome(Verdict::from(showed))
        .line(format!(
            "f(x) = x² − x + 1 mod 10^9+7, {} from 3. Work = {0}; span = {0} (each step needs the previous value); best possible speedup = work / span = 1.",
            format::counted(steps, "steps")
        ))
        .line(format!(
            "One thread, one segment: {}; {} handing the value along {}: {} (3 runs each, alternating, medians): {}.",
            human(seq_time),
            format::counted(threads, "threads"),
            format::counted(segments, "segments"),
            human(par_time),
            format::ratio(gain)
        ))
        .line(format!(
            "Final value {} — {} the single thread's. Segments overlapping in time: {overlaps}; the threads' busy times add up to {} of the {} run.",
            handoff.value,
            if same { "the same as" } else { "NOT the same as" },
            human(busy_sum),
            human(par_time)
        ))
        .table(table)
        .key_figure("speedup", gain, "x")
        .count("work", steps, "steps")
        .count("span", steps, "steps")
        .figure("max speedup (work/span)", 1.0, "x")
        .duration("sequential time", seq_time)
        .duration("hand-off time", par_time)
        .count("overlapping segments", overlaps, "segments")
        .notice("when every step needs the last one, the span is the whole job: threads only take turns"))
}

fn run_book(config: &RunConfig) -> Outcome {
    let sequential = book_iterate();
    let concurrent = book_concurrent(20);
    let showed = sequential == BOOK_DIGITS && concurrent == BOOK_DIGITS;
    config.outcome(Verdict::from(showed))
        .line(format!(
            "20 steps of f(x) = x² − x + 1 from 3, last five digits: {sequential:05} (the book prints 35443). Every step is taken mod 100,000, exact for the last five digits."
        ))
        .line(format!(
            "The book's \"concurrent\" version — 20 threads each applying one step to one shared value under a lock — gives {concurrent:05}: right only because every job is the same step, and the lock makes them run one at a time."
        ))
        .line("Work = 20 steps, span = 20 steps: the best possible speedup is work / span = 1.")
        .key_figure("last five digits", sequential as f64, "")
        .figure("concurrent last five digits", concurrent as f64, "")
        .count("work", 20, "steps")
        .count("span", 20, "steps")
        .figure("max speedup (work/span)", 1.0, "x")
        .notice("the threads did not run the chain in parallel; they queued for it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_steps_are_sylvester_like() {
        // 3 → 7 → 43 → 1807 → 3263443: exact while below the modulus.
        assert_eq!(chain(3, 1, PRIME), 7);
        assert_eq!(chain(3, 2, PRIME), 43);
        assert_eq!(chain(3, 3, PRIME), 1807);
        assert_eq!(chain(3, 4, PRIME), 3_263_443);
        assert_eq!(chain(3, 4, BOOK_MODULUS), 3_263_443 % BOOK_MODULUS);
    }

    #[test]
    fn exact_with_u128_while_it_fits() {
        // x₅ = 3263443² − 3263443 + 1 ≈ 1.06e13 and x₆ ≈ 1.1e26 fit in a u128; x₇ does not.
        let mut x: u128 = 3;
        for _ in 0..6 {
            x = x * x - x + 1;
        }
        assert_eq!(chain(3, 6, BOOK_MODULUS) as u128, x % 100_000);
    }
}

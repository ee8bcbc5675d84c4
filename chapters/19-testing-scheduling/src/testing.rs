//! Unit tests for the book's Fibonacci functions, and its point about slow suites: run the tests
//! concurrently. A tiny in-process test harness times the same suite on one thread and on several.
//!
//! Mirrors `Chapter19/example5.py` (unittest of recursive `fib`), `example6.py` (iterative
//! big-integer `fib`; three slow tests, 4.17 s for the suite) and `example7.py` (the same suite
//! through `concurrencytest` on 4 forked processes). In Rust the first two are plain `#[test]`s
//! (see `src/fib.rs` and `tests/slow_fib.rs`) and the third needs no library: `cargo test` already
//! runs a test binary's tests on one thread per core. `cargo test -- --test-threads=1` runs them
//! one after the other, and `cargo nextest run` (if installed) runs each test in a process of its
//! own, as the book's forked runner does.
//!
//! The example runs the suite through a small harness that does what libtest does: N threads
//! take tests from a shared queue and report pass or fail with the panic message. The slow tests
//! compute `fib(n)` on big integers — real work, no sleeps — and compare its last ten digits with
//! an independent fast-doubling oracle. Speed-up is bounded by the cores (the report says how many).
//!
//! Run: `cargo run --release -p chapter-19 -- run testing` (`--threads N` for the parallel run,
//! without `--quick` for the book's n = 500 000).
//! Expect: all tests pass both ways; the parallel run about min(N, cores, 3) times faster.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::fib::{fib_iterative, fib_mod, fib_recursive};
use common::timing::{Stopwatch, human, speedup};
use common::watchdog::panic_message;
use common::{Outcome, RunConfig, TableData, Verdict};

common::variants! {
    /// The one suite the example runs.
    pub enum Suite {
        /// The book's Fibonacci tests, serially and in parallel.
        Fibonacci = "suite": "recursive and big-integer Fibonacci tests, run serially and in parallel",
    }
}

/// One test: a name and a body that panics (an `assert!`) to fail.
pub struct TestCase {
    /// The test's name.
    pub name: String,
    /// The test.
    pub body: Box<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for TestCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCase")
            .field("name", &self.name)
            .finish()
    }
}

/// How one test went.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// `None` if it passed, else its panic message.
    pub failure: Option<String>,
    /// How long it took.
    pub took: Duration,
}

/// Runs `tests` on `threads` threads taking them from a shared queue, as libtest does; returns
/// the results in the suite's order and the wall time of the whole run.
pub fn run_suite(tests: &[TestCase], threads: usize) -> (Vec<TestResult>, Duration) {
    let next = AtomicUsize::new(0);
    let clock = Stopwatch::start();
    let mut results: Vec<(usize, TestResult)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        // Each test is taken once: fetch_add hands out every index exactly once.
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(test) = tests.get(i) else { break };
                        let started = Stopwatch::start();
                        let failure = catch_unwind(AssertUnwindSafe(|| (test.body)()))
                            .err()
                            .map(|p| panic_message(&*p));
                        mine.push((
                            i,
                            TestResult {
                                name: test.name.clone(),
                                failure,
                                took: started.elapsed(),
                            },
                        ));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let took = clock.elapsed();
    results.sort_by_key(|(i, _)| *i);
    (results.into_iter().map(|(_, r)| r).collect(), took)
}

/// The book's suite: example5's three recursive checks, then example6's three slow big-integer
/// tests at `n - 10`, `n - 5` and `n` (the book's n is 500 000).
pub fn fibonacci_suite(n: u32) -> Vec<TestCase> {
    let mut tests = vec![
        TestCase {
            name: "test_start (fib(0) = 0, fib(1) = 1)".into(),
            body: Box::new(|| {
                assert_eq!(fib_recursive(0), 0);
                assert_eq!(fib_recursive(1), 1);
            }),
        },
        TestCase {
            name: "test_other (fib(10) = 55)".into(),
            body: Box::new(|| assert_eq!(fib_recursive(10), 55)),
        },
    ];
    for k in [n.saturating_sub(10), n.saturating_sub(5), n] {
        tests.push(TestCase {
            name: format!("test_fib_{k} (last 10 digits)"),
            body: Box::new(move || {
                let big = fib_iterative(k);
                assert_eq!(
                    big.last_digits(10),
                    fib_mod(u64::from(k), 10_000_000_000),
                    "fib({k}) mod 10^10"
                );
            }),
        });
    }
    tests
}

/// Serial and parallel timings of one suite.
#[derive(Debug, Clone)]
pub struct SuiteTimings {
    /// Results of the serial run.
    pub serial: Vec<TestResult>,
    /// Results of the parallel run.
    pub parallel: Vec<TestResult>,
    /// Median wall time on one thread.
    pub serial_took: Duration,
    /// Median wall time on `threads` threads.
    pub parallel_took: Duration,
}

/// Runs `suite` `repeats` times on one thread and on `threads` threads; keeps the medians.
pub fn time_suite(suite: &[TestCase], threads: usize, repeats: usize) -> SuiteTimings {
    let measure = |n: usize| {
        let mut runs: Vec<_> = (0..repeats.max(1)).map(|_| run_suite(suite, n)).collect();
        runs.sort_by_key(|(_, took)| *took);
        runs.swap_remove(runs.len() / 2)
    };
    let (serial, serial_took) = measure(1);
    let (parallel, parallel_took) = measure(threads);
    SuiteTimings {
        serial,
        parallel,
        serial_took,
        parallel_took,
    }
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Suite::Fibonacci = config.variant_of()?;
    // The tour: n = 40 000 (some 8,000 digits), a few tens of ms per slow test: the same
    // big-integer work as the book's 500 000, smaller; the median of three suite runs each way
    // steadies the speed-up figure.
    let n = config.pick(40_000, 500_000);
    let suite = fibonacci_suite(n);
    let t = time_suite(&suite, config.threads, config.pick(3, 1));
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());

    let mut table = TableData::new(
        "The suite (times from the serial run)",
        &["test", "serial", "parallel", "took"],
    );
    let verdict = |r: &TestResult| match &r.failure {
        None => "ok".to_string(),
        Some(message) => format!("FAILED: {message}"),
    };
    for (s, p) in t.serial.iter().zip(&t.parallel) {
        table.row([s.name.clone(), verdict(s), verdict(p), human(s.took)]);
    }
    let all_pass = t
        .serial
        .iter()
        .chain(&t.parallel)
        .all(|r| r.failure.is_none());
    // The speed-up is reported as measured, never judged: it depends on how many cores are
    // free at this moment, which the verdict must not.
    let gain = speedup(t.serial_took, t.parallel_took);
    let reading = if config.threads < 2 || cores < 2 {
        format!(
            "with {} on {} there was nothing to gain",
            common::format::counted(config.threads, "test threads"),
            common::format::counted(cores, "cores")
        )
    } else if gain >= 1.2 {
        format!(
            "here the parallel run was {} as fast",
            common::format::ratio(gain)
        )
    } else {
        format!(
            "here it gained nothing ({}){}: a parallel run needs free cores",
            common::format::ratio(gain),
            load_average().map_or(String::new(), |l| format!(
                " with a load average of {l} on {cores} cores"
            ))
        )
    };
    Ok(config.outcome(Verdict::from(all_pass))
        .line(format!(
            "{} tests, the slow ones computing fib(n) for n near {} on big integers ({} digits).",
            suite.len(),
            common::format::count(n),
            common::format::count(crate::fib::fib_iterative(1_000).digit_count() * n as usize / 1_000)
        ))
        .line(format!(
            "Suite on 1 thread: {}; on {}: {} ({} here).",
            human(t.serial_took),
            common::format::counted(config.threads, "threads"),
            human(t.parallel_took),
            common::format::counted(cores, "cores")
        ))
        .line("cargo test does this by default (one thread per core); `-- --test-threads=1` is the serial run; `cargo nextest run` gives each test its own process.")
        .key_figure("speed-up of the parallel run", gain, "x")
        .duration("suite, one test thread", t.serial_took)
        .duration("suite, parallel", t.parallel_took)
        .count("cores", cores, "cores")
        .table(table)
        .notice(format!("independent slow tests can run in parallel, up to the number of slow tests and of free cores — {reading}; tests that share state (a file, a port, a global) must not run in parallel — or must not share it")))
}

/// The one-minute load average, where the system tells it (Linux's `/proc/loadavg`).
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next().map(str::to_string)
}

//! Spawn and join: start threads, wait for them, get their answers back — and their panics.
//!
//! Three variants, each one of the book's first programs redone:
//!
//! - `countdown` (`Chapter03/example1.py` with `my_thread.py`): two named threads, A and B, count
//!   down from 5 with different delays (10 ms and 15 ms: the book's 0.5 s scaled down; the sleeps
//!   are latency, the subject here). They are built with `thread::Builder` (which names them) and
//!   each *returns* its [`Countdown`] through its `JoinHandle<Countdown>`. The book's output
//!   interleaves; here the steps go into a shared timeline, printed merged afterwards. Both run at
//!   once, so the pair takes about as long as the slower one alone, not the sum.
//! - `primes` (`example2.py` and `example3.py`): one thread per number in
//!   `[2, 193, 323, 1327, 433785907]`, each checking whether its number is prime. The book's
//!   example2 uses `_thread` and blocks on `input()` so the program does not exit under its
//!   threads; `join` is the real way to wait. Its example3 has a quirk: `run` prints the *global*
//!   loop variable `x`, not `self.x`, so a thread may report another thread's number. In Rust the
//!   closure must `move` its own `n` in (`thread::spawn` demands `'static`), so that bug cannot
//!   be written. The answers come back through `join`, in order, via [`run_all`] (exercise 3.1).
//! - `panic`: one of the threads panics. Its panic does not crash the program: it surfaces at
//!   `join` as an `Err` with the panic's message, and the other threads' answers still arrive.
//!   (Rust's default panic hook also prints the message to stderr: that line is expected.)
//!
//! Run: `cargo run -p chapter-3 -- run spawn-join` (all three) or `--variant primes`.
//! Expect: `countdown` about 75 ms with the two threads' steps interleaved; `primes` the five
//! answers (323 = 17 × 19 is the one composite); `panic` one `Err` and two answers.

use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::countdown::{COUNT_FROM, Countdown, Timeline, count_down};
use crate::join_all::{Job, Joined, run_all};

common::variants! {
    /// The book's first three programs, one per variant.
    pub enum Program {
        /// Two named countdown threads, their steps merged into one timeline.
        Countdown = "countdown": "the book's threads A and B count down with different delays; merged timeline",
        /// One thread per number checks primality; the answers come back through join.
        Primes = "primes": "one thread per number checks primality; answers come back through join",
        /// One thread panics; join hands its message back as an `Err`.
        Panic = "panic": "one thread panics: join returns Err with its message, the others answer",
    }
}

/// The book's numbers for its prime-checking threads.
pub const BOOK_NUMBERS: [u64; 5] = [2, 193, 323, 1327, 433_785_907];

/// The smallest factor of `n` greater than 1 (`n` itself when `n` is prime), by trial division.
/// Panics for `n < 2`, where primality is not defined: the `panic` variant relies on that.
pub fn smallest_factor(n: u64) -> u64 {
    assert!(n >= 2, "is_prime({n}): primality is defined from 2 up");
    (2..)
        .take_while(|d| d * d <= n)
        .find(|d| n.is_multiple_of(*d))
        .unwrap_or(n)
}

/// What a prime-checking thread returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimeCheck {
    /// The number it was given (moved into its closure: not a shared global).
    pub n: u64,
    /// Its smallest factor above 1.
    pub smallest_factor: u64,
}

impl PrimeCheck {
    /// True if the number is prime.
    pub fn is_prime(&self) -> bool {
        self.smallest_factor == self.n
    }
}

/// One thread per number, named `is_prime(n)`; the answers come back in the numbers' order.
pub fn check_primes(numbers: &[u64]) -> Vec<Joined<PrimeCheck>> {
    let jobs = numbers
        .iter()
        .map(|&n| {
            Job::new(format!("is_prime({n})"), move || PrimeCheck {
                n,
                smallest_factor: smallest_factor(n),
            })
        })
        .collect();
    run_all(jobs)
}

/// The two countdown threads' delays: different, as the lesson asks, scaled from the book's 0.5 s.
pub fn countdown_delays(config: &RunConfig) -> [(&'static str, Duration); 2] {
    let (a, b) = config.pick((10, 15), (50, 75));
    [
        ("A", Duration::from_millis(a)),
        ("B", Duration::from_millis(b)),
    ]
}

/// Starts the named countdown threads with `thread::Builder`, joins them, and returns what each
/// handed back, with the shared timeline and the wall-clock time of the whole run.
pub fn run_countdowns(
    delays: &[(&str, Duration)],
) -> anyhow::Result<(Vec<Countdown>, Timeline, Duration)> {
    let timeline = Timeline::new();
    let watch = Stopwatch::start();
    let mut handles = Vec::new();
    for &(name, delay) in delays {
        let timeline = timeline.clone();
        // The builder names the thread (panics and debuggers show it) and reports a failed
        // spawn as an error instead of panicking.
        let handle: std::thread::JoinHandle<Countdown> = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || count_down(delay, &timeline))?;
        handles.push(handle);
    }
    let mut countdowns = Vec::new();
    for handle in handles {
        countdowns.push(
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a countdown thread panicked"))?,
        );
    }
    Ok((countdowns, timeline, watch.elapsed()))
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Program>()? {
        Program::Countdown => run_countdown(config),
        Program::Primes => Ok(run_primes(config)),
        Program::Panic => Ok(run_panic(config)),
    }
}

fn run_countdown(config: &RunConfig) -> anyhow::Result<Outcome> {
    let delays = countdown_delays(config);
    let (countdowns, timeline, total) = run_countdowns(&delays)?;
    let sum: Duration = countdowns.iter().map(|c| c.took).sum();
    let complete = countdowns
        .iter()
        .all(|c| c.counts == (1..=COUNT_FROM).rev().collect::<Vec<_>>());
    let showed = complete && total < sum;

    let mut returned = TableData::new(
        "What each thread handed back through its JoinHandle<Countdown>",
        &["thread", "delay", "counts", "took"],
    );
    for (c, (_, delay)) in countdowns.iter().zip(delays) {
        returned.row([
            c.name.clone(),
            human(delay),
            format!("{:?}", c.counts),
            human(c.took),
        ]);
    }
    Ok(config.outcome(Verdict::from(showed))
        .line(format!(
            "Threads A and B count down from {COUNT_FROM}, sleeping {} and {} per step (the book's 0.5 s, scaled: the sleeps are latency, the subject).",
            human(delays[0].1),
            human(delays[1].1)
        ))
        .line(format!(
            "Their steps switched threads {} times in the merged timeline: the book's interleaved output.",
            timeline.switches()
        ))
        .table(timeline.table("The merged timeline of both threads"))
        .table(returned)
        .duration("total time", total).as_key()
        .duration("sum of both countdowns", sum)
        .count("thread switches in the timeline", timeline.switches(), "switches")
        .notice("both threads wait at once: the pair takes about as long as the slower one, and each hands its result back through join"))
}

fn prime_table(results: &[Joined<PrimeCheck>], names: &[String]) -> TableData {
    let mut table = TableData::new(
        "One thread per number; join hands back each answer (or the panic)",
        &["thread", "answer through join"],
    );
    for (name, result) in names.iter().zip(results) {
        let answer = match result {
            Ok(check) if check.is_prime() => format!("{} is prime", check.n),
            Ok(check) => format!(
                "{} is not prime: {} x {}",
                check.n,
                check.smallest_factor,
                check.n / check.smallest_factor
            ),
            Err(message) => format!("Err (panicked: {message})"),
        };
        table.row([name.clone(), answer]);
    }
    table
}

fn run_primes(config: &RunConfig) -> Outcome {
    let results = check_primes(&BOOK_NUMBERS);
    let names: Vec<String> = BOOK_NUMBERS
        .iter()
        .map(|n| format!("is_prime({n})"))
        .collect();
    let expected = [true, true, false, true, true];
    let correct = results
        .iter()
        .zip(BOOK_NUMBERS.iter().zip(expected))
        .filter(|(r, (n, prime))| matches!(r, Ok(c) if c.n == **n && c.is_prime() == *prime))
        .count();
    config.outcome(Verdict::from(correct == BOOK_NUMBERS.len()))
        .line("All five threads start, then all are joined (the book's example3; example2 blocked on input() instead).")
        .line("The book's example3 prints the global loop variable x, so a thread may report another's number; each Rust closure moves its own n in, so every answer names its own number.")
        .table(prime_table(&results, &names))
        .count("correct answers", correct, "answers").as_key()
        .notice("each answer comes back through join, tagged with the number its own thread was given")
}

fn run_panic(config: &RunConfig) -> Outcome {
    let numbers = [1327, 0, 193];
    let results = check_primes(&numbers);
    let names: Vec<String> = numbers.iter().map(|n| format!("is_prime({n})")).collect();
    let panicked = results.iter().filter(|r| r.is_err()).count();
    let answered = results.iter().filter(|r| r.is_ok()).count();
    let showed = panicked == 1
        && results[1]
            .as_ref()
            .is_err_and(|m| m.contains("defined from 2 up"))
        && answered == 2;
    config.outcome(Verdict::from(showed))
        .line("The thread given 0 panics (primality is defined from 2 up). Rust's default hook prints that panic on stderr;")
        .line("the program does not crash: join returns Err with the panic's message, and the other threads' answers still arrive.")
        .table(prime_table(&results, &names))
        .count("threads that panicked", panicked, "threads").as_key()
        .count("threads that answered", answered, "threads")
        .notice("a panic ends only its own thread; join turns it into an Err the caller can handle")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_factors_of_the_book_numbers() {
        let factors: Vec<u64> = BOOK_NUMBERS.iter().map(|&n| smallest_factor(n)).collect();
        assert_eq!(factors, [2, 193, 17, 1327, 433_785_907]);
        assert_eq!(smallest_factor(4), 2);
    }
}

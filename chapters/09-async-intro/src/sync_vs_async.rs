//! The book's three-number prime check, synchronously and then cooperatively: async changes who
//! finishes first, not how long the work takes.
//!
//! The numbers are 9637529763296797 (prime, about 49 million odd trial divisors), 427920331
//! (prime, about 10,000) and 157.
//!
//! - `sync`: one after the other, as the book's `example1.py`. The two small numbers wait for the
//!   big one: 157 is answered only after the whole big check.
//! - `cooperative`: three tasks on the mini executor, as the book's `example2.py`; each yields
//!   every 50,000 divisors (the book's `if i % 100000 == 1: await asyncio.sleep(0)`). The big
//!   check yields after its first 50,000 divisors, the small ones run to the end in their first
//!   turn: 427920331 and 157 finish within a fraction of a millisecond, the big one last. The
//!   total is the same as the synchronous run (the book even saw asyncio *slower*, 1.9 s against
//!   1.2 s, from its ~1,000 trips through the event loop; here a yield costs far less). The same
//!   work on the same one thread takes the same time: async does not help CPU-bound work. Threads
//!   or processes do (chapter 10 runs these numbers on an executor of workers).
//!
//! Run: `cargo run --release -p chapter-9 -- run sync-vs-async --variant cooperative`. Mirrors
//! `Chapter09/example1.py` and `example2.py`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict, format};

use crate::executor::{Clock, Executor};
use crate::primes::{BOOK_NUMBERS, Checked, YIELD_EVERY, is_prime, is_prime_cooperative};

/// One number's answer and when it came, since the run started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finish {
    /// The number checked.
    pub number: u64,
    /// The check's answer and counts.
    pub checked: Checked,
    /// When the answer was ready.
    pub at: Duration,
}

/// A run over the numbers: the finishes in the order they happened, and the total time.
#[derive(Debug, Clone)]
pub struct Run {
    /// In finishing order.
    pub finishes: Vec<Finish>,
    /// Start to last finish.
    pub total: Duration,
    /// Executor polls (0 for the synchronous run).
    pub polls: u64,
}

/// The book's `example1.py`: check each number in turn.
pub fn check_sync(numbers: &[u64]) -> Run {
    let watch = Stopwatch::start();
    let finishes = numbers
        .iter()
        .map(|&number| {
            let checked = is_prime(number);
            Finish {
                number,
                checked,
                at: watch.elapsed(),
            }
        })
        .collect();
    Run {
        finishes,
        total: watch.elapsed(),
        polls: 0,
    }
}

/// The book's `example2.py`: one task per number, each yielding every `yield_every / 2`
/// divisors, on the mini executor.
pub fn check_cooperative(numbers: &[u64], yield_every: u64) -> anyhow::Result<Run> {
    let watch = Stopwatch::start();
    let executor = Executor::new(Clock::Real);
    let handle = executor.handle();
    let finishes = Rc::new(RefCell::new(Vec::new()));
    let task_finishes = Rc::clone(&finishes);
    let numbers = numbers.to_vec();
    let polls = executor.block_on(async move {
        // Spawned in the book's order: the big number gets the first turn.
        let tasks: Vec<_> = numbers
            .into_iter()
            .map(|number| {
                let finishes = Rc::clone(&task_finishes);
                handle.spawn(async move {
                    let checked = is_prime_cooperative(number, yield_every).await;
                    finishes.borrow_mut().push(Finish {
                        number,
                        checked,
                        at: watch.elapsed(),
                    });
                })
            })
            .collect();
        for task in tasks {
            task.await;
        }
        handle.polls()
    })?;
    let finishes = finishes.take();
    Ok(Run {
        finishes,
        total: watch.elapsed(),
        polls,
    })
}

fn finish_table(title: &str, run: &Run) -> TableData {
    let mut table = TableData::new(
        title,
        &["finished", "number", "prime?", "divisions", "yields", "at"],
    );
    for (i, finish) in run.finishes.iter().enumerate() {
        table.row([
            (i + 1).to_string(),
            finish.number.to_string(),
            if finish.checked.prime { "yes" } else { "no" }.to_string(),
            format::count(finish.checked.divisions),
            format::count(finish.checked.yields),
            human(finish.at),
        ]);
    }
    table
}

fn answered_at(run: &Run, number: u64) -> Duration {
    run.finishes
        .iter()
        .find(|f| f.number == number)
        .map_or(Duration::ZERO, |f| f.at)
}

/// The median run by total time: one run on a busy machine can be far off.
fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|run| run.total);
    let middle = runs.len() / 2;
    runs.swap_remove(middle)
}

common::variants! {
    /// How the three numbers are checked.
    pub enum Checks {
        /// One after the other (the book's `example1.py`).
        Sync = "sync": "one number after the other (example1.py)",
        /// As three yielding tasks, beside the sync run (`example2.py`).
        Cooperative = "cooperative": "three tasks yielding every 50,000 divisors (example2.py)",
    }
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let checks = config.variant_of::<Checks>()?;
    // The median of a few runs steadies the cooperative/sync ratio. The `sync` variant alone
    // judges only answers and order, so the tour runs it once.
    let runs = match checks {
        Checks::Sync if config.quick => 1,
        Checks::Sync | Checks::Cooperative => config.pick(3, 5),
    };
    // Sync and cooperative runs alternate, so a burst of load elsewhere hits both alike.
    let (syncs, coops) = crate::watched(config, "prime checks", move || {
        let (mut syncs, mut coops) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            syncs.push(check_sync(&BOOK_NUMBERS));
            match checks {
                Checks::Sync => {}
                Checks::Cooperative => coops.push(check_cooperative(&BOOK_NUMBERS, YIELD_EVERY)?),
            }
        }
        Ok((syncs, coops))
    })?;
    let sync = median(syncs);
    let all_prime =
        |run: &Run| run.finishes.len() == 3 && run.finishes.iter().all(|f| f.checked.prime);
    let big = BOOK_NUMBERS[0];
    let coops = match checks {
        Checks::Cooperative => coops,
        Checks::Sync => {
            let in_book_order = sync.finishes.iter().map(|f| f.number).eq(BOOK_NUMBERS);
            return Ok(config
                .outcome(Verdict::from(all_prime(&sync) && in_book_order))
                .table(finish_table("one after the other (example1.py)", &sync))
                .line(format!(
                    "157 waited {} for the big number before its 5 divisions",
                    human(answered_at(&sync, 157))
                ))
                .duration("total time", sync.total)
                .as_key()
                .figure(
                    "157 answered at",
                    answered_at(&sync, 157).as_secs_f64() * 1e3,
                    "ms",
                )
                .notice(
                    "synchronous code answers in the order it was asked: the small numbers wait",
                ));
        }
    };

    let coop = median(coops);
    let order: Vec<u64> = coop.finishes.iter().map(|f| f.number).collect();
    // The small checks finish in their first turn; the big one, which yielded, finishes last.
    let small_first = order == [BOOK_NUMBERS[1], BOOK_NUMBERS[2], big];
    let ratio = coop.total.as_secs_f64() / sync.total.as_secs_f64();
    let mut compare = TableData::new(
        "the same three checks, same one thread",
        &["run", "total", "157 answered at", "big number answered at"],
    );
    for (name, run) in [
        ("sync (example1.py)", &sync),
        ("cooperative (example2.py)", &coop),
    ] {
        compare.row([
            name.to_string(),
            human(run.total),
            human(answered_at(run, 157)),
            human(answered_at(run, big)),
        ]);
    }
    Ok(config.outcome(Verdict::from(all_prime(&coop) && small_first))
        .table(finish_table("three tasks yielding every 50,000 divisors (example2.py)", &coop))
        .table(compare)
        .line(format!(
            "{} for {}: each yield is one trip through the run queue",
            format::counted(coop.polls, "polls"),
            format::counted(coop.finishes.iter().map(|f| f.checked.yields).sum::<u64>(), "yields")
        ))
        .key_figure("cooperative / sync time", ratio, "x")
        .duration("sync total", sync.total)
        .duration("cooperative total", coop.total)
        .figure("157 answered at, sync", answered_at(&sync, 157).as_secs_f64() * 1e3, "ms")
        .figure("157 answered at, cooperative", answered_at(&coop, 157).as_secs_f64() * 1e3, "ms")
        .count("executor polls", coop.polls, "polls")
        .notice(
            "async reorders who finishes first; the CPU-bound total stays the same, because one thread does all the work either way",
        ))
}

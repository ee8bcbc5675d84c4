//! The book's 1,000 threads each doing `n += 1`, and its atomic `append` — in Rust, counted.
//!
//! The book's `Chapter17/example1.py` forces a thread switch every microsecond and starts 1,000
//! threads that each run `n += 1` once: `+=` is several bytecodes (load, add, store), so a switch
//! between the load and the store can lose an update — though the book's own run printed 1000.
//! `example2.py` appends to a list from 1,000 threads: `list.append` is one bytecode, atomic
//! under the GIL, so the list always ends with 1,000 items.
//!
//! Safe Rust cannot even write the Python race on a plain integer (a data race does not compile).
//! Its honest equivalent is a *split* read-modify-write on an atomic: `n.store(n.load() + 1)`.
//! Each step is atomic, the pair is not, and two threads that both load before either stores
//! lose an update. `fetch_add` is one atomic read-modify-write (`lock xadd` on x86): nothing can
//! come between its read and its write. The book's `append` becomes `Mutex<Vec>::push`.
//!
//! Each variant runs two rounds: the book's shape (1,000 threads, one update each — a thread's
//! start costs far more than its update, so overlaps are rare and losses too) and a contended
//! round: twice as many threads as cores, released together, updating for a fixed time (150 ms
//! quick, 1 s full) and each counting what it attempted. A fixed *count* is not enough: a few
//! million updates take a few milliseconds, less than a scheduler time slice, so on a busy
//! machine each thread can run alone from start to end and lose nothing. A fixed time keeps the
//! threads running across many slices and, on two free cores, truly side by side; and, as the
//! book sets a 1 µs switch interval, one update in 1,024 yields the thread in its middle, so
//! that even threads that never run at the same instant switch inside the window. `split` repeats
//! the round (up to 4 times) until it loses an update. (`mutex-push` keeps a fixed count, so its
//! list stays a few megabytes.)
//!
//! Run: `cargo run --release -p chapter-17 -- run non-atomic-increment` (all variants),
//! `--variant split`, `--threads N` for the book round's thread count.
//! Expect: `split` loses updates in the contended round (a sizeable share of them) and
//! rarely in the book's; `fetch-add` and `mutex-push` never lose one.
//! Book section: chapter 17, `Chapter17/example1.py` and `example2.py`.

use std::sync::Mutex;
use std::time::Duration;

use common::timing::Stopwatch;
use common::{Outcome, RunConfig, TableData, Verdict};

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

common::variants! {
    /// How a variant updates the shared total.
    pub enum Update {
        /// `n.store(n.load() + 1)`: two atomic steps, not one.
        Split = "split": "n.store(n.load() + 1): each step atomic, the pair not; updates lost",
        /// `n.fetch_add(1)`: one atomic read-modify-write.
        FetchAdd = "fetch-add": "n.fetch_add(1): one atomic read-modify-write",
        /// `list.lock().push(item)`: the book's `append`, under a mutex.
        MutexPush = "mutex-push": "the book's list.append: Mutex<Vec>::push",
    }
}

/// The shared total and the shared list, both.
#[derive(Debug, Default)]
pub struct Shared {
    /// The counter `n`.
    pub n: AtomicU64,
    /// The list the book appends to.
    pub list: Mutex<Vec<u64>>,
}

impl Shared {
    /// Applies one update.
    pub fn update(&self, how: Update, item: u64) {
        match how {
            Update::Split => {
                // The race: another thread may store between this load and this store.
                let seen = self.n.load(Ordering::Relaxed);
                self.n.store(seen + 1, Ordering::Relaxed);
            }
            Update::FetchAdd => {
                self.n.fetch_add(1, Ordering::Relaxed);
            }
            Update::MutexPush => common::sync::std_lock(&self.list).push(item),
        }
    }

    /// One update with a forced thread switch in its middle: the book's
    /// `sys.setswitchinterval(0.000001)`, which makes a switch inside `n += 1` likely. For `Split`
    /// the switch falls between the load and the store, where another thread's updates are lost;
    /// the others switch after their one indivisible step, where it can do no harm.
    pub fn update_switching(&self, how: Update, item: u64) {
        match how {
            Update::Split => {
                let seen = self.n.load(Ordering::Relaxed);
                std::thread::yield_now();
                self.n.store(seen + 1, Ordering::Relaxed);
            }
            Update::FetchAdd | Update::MutexPush => {
                self.update(how, item);
                std::thread::yield_now();
            }
        }
    }

    /// How many updates landed.
    pub fn total(&self, how: Update) -> u64 {
        match how {
            Update::MutexPush => common::sync::std_lock(&self.list).len() as u64,
            Update::Split | Update::FetchAdd => self.n.load(Ordering::Relaxed),
        }
    }
}

/// What a round counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    /// Updates attempted.
    pub expected: u64,
    /// Updates that landed.
    pub got: u64,
    /// Seconds the round took.
    pub seconds: f64,
}

impl Round {
    /// Updates lost.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.got)
    }
}

/// `threads` threads each apply `per_thread` updates with `how`; all threads are started first
/// and released together, so they really overlap.
pub fn count(how: Update, threads: usize, per_thread: u64) -> Round {
    let shared = Shared::default();
    let gate = std::sync::Barrier::new(threads);
    let watch = Stopwatch::start();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (shared, gate) = (&shared, &gate);
            s.spawn(move || {
                gate.wait();
                for i in 0..per_thread {
                    shared.update(how, (t as u64) << 32 | i);
                }
            });
        }
    });
    Round {
        expected: threads as u64 * per_thread,
        got: shared.total(how),
        seconds: watch.seconds(),
    }
}

/// `threads` threads, released together, each apply `how` (not `MutexPush`: its list would grow
/// without bound) until `duration` has passed, counting their own attempts; `expected` is the
/// sum of those counts. The stop flag is read once every 1,024 updates, so the loop stays tight,
/// and the first update of each 1,024 forces a thread switch in its middle
/// ([`Shared::update_switching`]): on a machine so busy that the threads never run at the same
/// instant, that switch is still where an update gets lost.
pub fn count_for(how: Update, threads: usize, duration: Duration) -> Round {
    let shared = Shared::default();
    let gate = std::sync::Barrier::new(threads + 1);
    let stop = AtomicBool::new(false);
    let watch = Stopwatch::start();
    let attempted: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (shared, gate, stop) = (&shared, &gate, &stop);
                s.spawn(move || {
                    gate.wait();
                    let mut done = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        shared.update_switching(how, (t as u64) << 32 | done);
                        done += 1;
                        for _ in 1..1024 {
                            shared.update(how, (t as u64) << 32 | done);
                            done += 1;
                        }
                    }
                    done
                })
            })
            .collect();
        gate.wait();
        // The round's length, not a synchronisation: the workers stop when they see the flag.
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    Round {
        expected: attempted,
        got: shared.total(how),
        seconds: watch.seconds(),
    }
}

/// The example's entry point.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let how = config.variant_of::<Update>()?;
    let book = count(how, config.threads, 1);
    // Twice as many threads as cores: on a machine busy with other work, some pair of them
    // still shares an instant on two cores now and then, which is all a lost update needs.
    let contended_threads = 2 * std::thread::available_parallelism().map_or(2, |n| n.get());
    // Pushes store every item: a fixed count keeps the list at a few megabytes. The counters run
    // for a fixed time instead, so the threads overlap however busy the machine is.
    let (contended, contended_shape) = match how {
        Update::MutexPush => {
            let each = config.pick(250_000, 1_000_000);
            (
                count(how, contended_threads, each),
                format!("× {}", common::format::count(each)),
            )
        }
        Update::Split | Update::FetchAdd => {
            let duration = Duration::from_millis(config.pick(150, 1_000));
            let mut round = count_for(how, contended_threads, duration);
            let mut rounds = 1;
            // A lost update is likely, not certain: `split` tries again before it gives up.
            while how == Update::Split && round.lost() == 0 && rounds < 4 {
                round = count_for(how, contended_threads, duration);
                rounds += 1;
            }
            let shape = match rounds {
                1 => format!("for {}", common::format::duration(duration)),
                n => format!(
                    "for {} (round {n} of {n})",
                    common::format::duration(duration)
                ),
            };
            (round, shape)
        }
    };
    let lost = book.lost() + contended.lost();
    let mut table = TableData::new(
        "updates that landed",
        &["round", "expected", "got", "lost", "time (s)"],
    );
    for (name, round) in [
        (format!("book: {} threads × 1", config.threads), book),
        (
            format!("contended: {contended_threads} threads {contended_shape}"),
            contended,
        ),
    ] {
        table.row([
            name,
            common::format::count(round.expected),
            common::format::count(round.got),
            common::format::count(round.lost()),
            format!("{:.3}", round.seconds),
        ]);
    }
    let showed = match how {
        Update::Split => lost > 0,
        Update::FetchAdd | Update::MutexPush => lost == 0,
    };
    let what = match how {
        Update::Split => "n.store(n.load() + 1)",
        Update::FetchAdd => "n.fetch_add(1)",
        Update::MutexPush => "list.lock().push(item)",
    };
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .count("updates lost", lost, "updates")
        .as_key()
        .count("lost, book round", book.lost(), "updates")
        .count("lost, contended round", contended.lost(), "updates")
        .table(table)
        .line(format!("each update: {what}"));
    outcome = match (how, lost) {
        (Update::Split, 0) => outcome.line(
            "no update lost this time: the window between load and store was never hit (the book's run printed 1000 too)",
        ),
        (Update::Split, _) => outcome.line(format!(
            "{} of the book round's and {} of the contended round's updates were lost: \
             both threads loaded the same value and stored the same + 1",
            common::format::count(book.lost()),
            common::format::count(contended.lost())
        )),
        (Update::FetchAdd | Update::MutexPush, 0) => {
            outcome.line("every update landed, in both rounds")
        }
        (Update::FetchAdd | Update::MutexPush, n) => outcome.line(format!("{} lost: a bug", common::format::counted(n, "updates"))),
    };
    Ok(outcome.notice(match how {
        Update::Split => {
            "two atomic steps are not one atomic step: the book's n += 1, made visible"
        }
        Update::FetchAdd => {
            "fetch_add is one indivisible read-modify-write: no thread can slip in between"
        }
        Update::MutexPush => {
            "the book's atomic append: one push under one lock (Python's GIL plays that lock)"
        }
    }))
}

//! A lock taken with a deadline: a timeout ends a deadlock only if the thread that times out
//! lets go of what it holds.
//!
//! Python's `lock.acquire(timeout=0.005)` is the book's way out of chapter 12's two-lock
//! deadlock that needs no global order. Rust's `std::sync::Mutex` has no timed lock;
//! `parking_lot::Mutex::try_lock_for` is the same idea. Both threads of `two-locks` take their
//! first lock, wait until the other holds its own (a barrier: the deadlock is set up on every
//! run, on any machine), then reach for the second one with a deadline of a few milliseconds:
//!
//! - `retry-holding`: on a timeout the thread tries again, still holding its first lock. The
//!   deadlock is still there, only busy now: neither thread ever gets the second lock, and each
//!   gives up after a fixed number of timeouts.
//! - `back-off`: on a timeout the thread puts its first lock down, waits a random while and
//!   starts over. Whoever comes back first finds both locks free: both threads finish, at the
//!   price of the timeouts counted.
//!
//! Run: `cargo run -p chapter-12 -- run lock-timeout [--variant retry-holding]`.

use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::rng::SplitMix64;
use common::{Outcome, RunConfig, TableData, Verdict};
use parking_lot::Mutex;

use crate::two_locks::{LOCKS, THREADS};

common::variants! {
    /// What a thread does when its deadline for the second lock passes.
    pub enum OnTimeout {
        /// Try the second lock again, still holding the first.
        RetryHolding = "retry-holding": "on a timeout, keep the first lock and try again: the deadlock stays, now busy",
        /// Put the first lock down, wait a random while, start over.
        BackOff = "back-off": "on a timeout, put the first lock down, back off a random while, start over: both finish",
    }
}

/// How long a thread waits for its second lock, and how many timeouts it takes before it
/// gives up (the bound that makes the broken variant end).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// The deadline of one `try_lock_for`.
    pub wait: Duration,
    /// Timeouts after which a thread gives up without its second lock.
    pub give_up_after: u32,
}

/// What one thread got: whether it held both locks in the end, and the timeouts it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// It held both locks and did its work.
    pub finished: bool,
    /// How many times its deadline passed.
    pub timeouts: u32,
}

/// Where the two threads meet: at the start, once each holds its first lock; at the end, so
/// that a thread that gives up keeps its lock until the other's attempt is over too (letting
/// go earlier would hand the other thread the win the lesson says it cannot have).
#[derive(Debug)]
pub struct Rendezvous {
    both_hold: Barrier,
    ended: AtomicUsize,
}

impl Default for Rendezvous {
    fn default() -> Self {
        Self {
            both_hold: Barrier::new(2),
            ended: AtomicUsize::new(0),
        }
    }
}

impl Rendezvous {
    fn end(&self) {
        self.ended.fetch_add(1, Ordering::SeqCst);
    }

    fn wait_until_both_ended(&self) {
        // The other thread ends within its own bounded number of timeouts: a short poll is
        // enough, and cannot miss a wake-up the way a condition variable used carelessly can.
        while self.ended.load(Ordering::SeqCst) < 2 {
            std::thread::sleep(Duration::from_micros(100));
        }
    }
}

/// The lesson: take `first`, wait until the other thread holds its own first lock, then reach
/// for `second` with a deadline, and on a timeout do what `on_timeout` says.
pub fn take_with_deadline(
    [first, second]: [&Mutex<()>; 2],
    meet: &Rendezvous,
    on_timeout: OnTimeout,
    deadline: Deadline,
    rng: &mut SplitMix64,
) -> Attempt {
    let mut held = Some(first.lock());
    meet.both_hold.wait();
    let mut timeouts = 0;
    loop {
        let _first = held.get_or_insert_with(|| first.lock());
        if let Some(_second) = second.try_lock_for(deadline.wait) {
            meet.end();
            return Attempt {
                finished: true,
                timeouts,
            };
        }
        timeouts += 1;
        if timeouts >= deadline.give_up_after {
            meet.end();
            meet.wait_until_both_ended();
            return Attempt {
                finished: false,
                timeouts,
            };
        }
        match on_timeout {
            OnTimeout::RetryHolding => {}
            OnTimeout::BackOff => {
                held = None;
                let most = 4 * deadline.wait.as_micros() as u64;
                std::thread::sleep(Duration::from_micros(rng.below(most + 1)));
            }
        }
    }
}

/// Thread A takes lock A then B, thread B takes B then A, both with `deadline`.
pub fn run_pair(on_timeout: OnTimeout, deadline: Deadline, seed: u64) -> [Attempt; 2] {
    let locks = [Mutex::new(()), Mutex::new(())];
    let meet = Rendezvous::default();
    std::thread::scope(|s| {
        let threads = [0usize, 1].map(|who| {
            let order = if who == 0 {
                [&locks[0], &locks[1]]
            } else {
                [&locks[1], &locks[0]]
            };
            let meet = &meet;
            let mut rng = SplitMix64::new(seed ^ (who as u64 + 1));
            std::thread::Builder::new()
                .name(THREADS[who].to_string())
                .spawn_scoped(s, move || {
                    take_with_deadline(order, meet, on_timeout, deadline, &mut rng)
                })
        });
        threads.map(|thread| match thread.map(|t| t.join()) {
            Ok(Ok(attempt)) => attempt,
            _ => Attempt {
                finished: false,
                timeouts: 0,
            },
        })
    })
}

/// Runs one variant and reports what each thread got.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let on_timeout = config.variant_of::<OnTimeout>()?;
    let deadline = Deadline {
        wait: Duration::from_millis(2),
        give_up_after: match on_timeout {
            OnTimeout::RetryHolding => 25,
            // Backing off ends the deadlock after a round or two; the bound is only a net.
            OnTimeout::BackOff => 500,
        },
    };
    let attempts = run_pair(on_timeout, deadline, config.seed);

    let mut table = TableData::new(
        format!(
            "Each thread waits {} ms for its second lock",
            deadline.wait.as_millis()
        ),
        &["thread", "takes", "timeouts", "finished"],
    );
    for (who, attempt) in attempts.iter().enumerate() {
        table.row([
            THREADS[who].to_string(),
            format!("{} then {}", LOCKS[who], LOCKS[1 - who]),
            attempt.timeouts.to_string(),
            if attempt.finished { "yes" } else { "no" }.to_string(),
        ]);
    }
    let finished = attempts.iter().filter(|a| a.finished).count();
    let timeouts: u32 = attempts.iter().map(|a| a.timeouts).sum();
    let (showed, notice) = match on_timeout {
        OnTimeout::RetryHolding => (
            finished == 0,
            "a timeout alone fixes nothing: a thread that keeps its first lock keeps the cycle",
        ),
        OnTimeout::BackOff => (
            finished == 2,
            "the timeout breaks hold-and-wait only because the thread then lets go of what it holds",
        ),
    };
    Ok(config
        .outcome(Verdict::from(showed))
        .table(table)
        .count("threads that finished", finished, "threads")
        .as_key()
        .count("timeouts", timeouts, "timeouts")
        .notice(notice))
}

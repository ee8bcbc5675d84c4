//! A future written by hand as an explicit state machine, polled by hand: what `async fn` is.
//!
//! A future is a value with one method, `poll`. Each call either finishes (`Poll::Ready(value)`)
//! or says "not yet" (`Poll::Pending`) — and before saying "not yet" it hands the **waker** from
//! the `Context` to whoever will finish the wait, so that the caller knows when to poll again.
//! Nothing runs until the first poll: futures are lazy.
//!
//! [`PrimeFacts`] asks two questions, one after the other, each answered by a job on another
//! thread ([`Offload`], the leaf future): how many primes are below 100,000, then which is the
//! last of them. Written by hand it is an enum with one state per `.await` point, and `poll`
//! moves it from state to state. [`prime_facts`] is the same computation as an `async fn`: the
//! compiler generates that enum and that `poll` for us. [`poll_by_hand`] plays executor: it polls,
//! and when it hears `Pending` it parks its thread until the waker unparks it.
//!
//! [`Offload`] itself, the one future here that keeps a waker rather than passing it on, is in
//! `hand_written_future/offload.rs`: this file is the states that wait on it and the poller.
//!
//! Run: `cargo run -p chapter-9 -- run hand-written-future` (`--variant state-machine` or
//! `async-fn`). Expect three polls and two wakes: Pending at each of the two waits, then Ready.
//! Mirrors the book's chapter 9 text on coroutines and the event loop (no numbered example).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict, format};

use crate::primes::{count_primes_below, nth_prime};

mod offload;

pub use offload::Offload;

/// The hand-written state machine: one variant per point where the computation waits.
#[derive(Debug)]
pub enum PrimeFacts {
    /// Created, not yet polled: nothing has happened.
    Start {
        /// Count primes below this.
        below: u64,
    },
    /// Waiting for the count of primes below `below`.
    Counting {
        /// The job counting primes.
        count: Offload<u64>,
    },
    /// Have the count; waiting for the `count`-th prime (the last one below `below`).
    FindingLast {
        /// The count from the previous state: a local variable that lives across an `.await`.
        count: u64,
        /// The job finding the last prime.
        last: Offload<u64>,
    },
    /// Finished; polling again is a bug.
    Done,
}

impl PrimeFacts {
    /// The future of (primes below `below`, the largest of them). Does nothing until polled.
    pub fn new(below: u64) -> Self {
        Self::Start { below }
    }

    /// The name of the current state, for the trace.
    pub fn state_name(&self) -> &'static str {
        match self {
            Self::Start { .. } => "Start",
            Self::Counting { .. } => "Counting",
            Self::FindingLast { .. } => "FindingLast",
            Self::Done => "Done",
        }
    }
}

impl Future for PrimeFacts {
    type Output = (u64, u64);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(u64, u64)> {
        // Every field is `Unpin`, so the enum is too and `&mut *self` is allowed. A loop, because
        // one poll runs as far as it can: through every state whose wait is already over.
        loop {
            match &mut *self {
                Self::Start { below } => {
                    let below = *below;
                    *self = Self::Counting {
                        count: Offload::new(move || count_primes_below(below)),
                    };
                }
                Self::Counting { count } => match Pin::new(count).poll(cx) {
                    // The job thread holds our waker now; there is nothing more to do here.
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(count) => {
                        *self = Self::FindingLast {
                            count,
                            last: Offload::new(move || nth_prime(count)),
                        };
                    }
                },
                Self::FindingLast { count, last } => match Pin::new(last).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(last) => {
                        let count = *count;
                        *self = Self::Done;
                        return Poll::Ready((count, last));
                    }
                },
                Self::Done => panic!("PrimeFacts polled after it completed"),
            }
        }
    }
}

/// The same computation as an `async fn`: the compiler writes the enum and `poll` above.
pub async fn prime_facts(below: u64) -> (u64, u64) {
    let count = Offload::new(move || count_primes_below(below)).await;
    let last = Offload::new(move || nth_prime(count)).await;
    (count, last)
}

/// A waker that counts its wakes and unparks the thread that polls.
struct ParkingWaker {
    poller: Thread,
    wakes: AtomicU64,
}

impl Wake for ParkingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.poller.unpark();
    }
}

/// One poll of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRecord {
    /// The state before the poll (for the hand-written machine; the compiler's is hidden).
    pub before: &'static str,
    /// The state after it.
    pub after: &'static str,
    /// `Pending` or `Ready`.
    pub result: &'static str,
    /// Wakes seen so far.
    pub wakes: u64,
    /// When the poll returned, since the start.
    pub at: Duration,
}

/// What polling by hand saw.
#[derive(Debug, Clone)]
pub struct Trace<T> {
    /// The future's output.
    pub output: T,
    /// Every poll, in order.
    pub polls: Vec<PollRecord>,
    /// Wakes received in total.
    pub wakes: u64,
}

/// Plays executor for one future: poll; on `Pending`, park until the waker is called; repeat.
/// `state` names the future's state for the trace. Gives up after `limit` without a wake.
pub fn poll_by_hand<F: Future>(
    future: F,
    state: impl Fn(&F) -> &'static str,
    limit: Duration,
) -> anyhow::Result<Trace<F::Output>> {
    let waker_state = Arc::new(ParkingWaker {
        poller: thread::current(),
        wakes: AtomicU64::new(0),
    });
    let waker = Waker::from(Arc::clone(&waker_state));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let watch = Stopwatch::start();
    let mut polls = Vec::new();
    loop {
        let seen = waker_state.wakes.load(Ordering::SeqCst);
        let before = state(&future);
        let result = future.as_mut().poll(&mut cx);
        polls.push(PollRecord {
            before,
            after: state(&future),
            result: if result.is_ready() {
                "Ready"
            } else {
                "Pending"
            },
            wakes: seen,
            at: watch.elapsed(),
        });
        if let Poll::Ready(output) = result {
            return Ok(Trace {
                output,
                polls,
                wakes: waker_state.wakes.load(Ordering::SeqCst),
            });
        }
        // Pending: sleep until woken. `park` may return spuriously, so check the wake count.
        let deadline = Instant::now() + limit;
        while waker_state.wakes.load(Ordering::SeqCst) == seen {
            let left = deadline.saturating_duration_since(Instant::now());
            anyhow::ensure!(
                !left.is_zero(),
                "no wake within {} after a Pending poll",
                format::duration(limit)
            );
            thread::park_timeout(left);
        }
    }
}

/// Primes below this: 9,592 of them, the last 99,991.
pub const BELOW: u64 = 100_000;

common::variants! {
    /// Who writes the state machine that is polled.
    pub enum Machine {
        /// We do: [`PrimeFacts`].
        ByHand = "state-machine": "the hand-written enum, one state per wait",
        /// The compiler does, for [`prime_facts`].
        AsyncFn = "async-fn": "the same computation as an async fn: the compiler writes the enum",
    }
}

/// Runs the example: poll the hand-written machine or the `async fn` by hand, and trace it.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let limit = config.budget() * 5;
    let machine = config.variant_of::<Machine>()?;
    let (trace, size, title) = crate::watched(config, "poller", move || {
        Ok(match machine {
            Machine::ByHand => {
                let future = PrimeFacts::new(BELOW);
                let size = std::mem::size_of_val(&future);
                let trace = poll_by_hand(future, PrimeFacts::state_name, limit)?;
                (trace, size, "the hand-written enum, polled by hand")
            }
            Machine::AsyncFn => {
                let future = prime_facts(BELOW);
                let size = std::mem::size_of_val(&future);
                // The compiler's state machine has the same states, but they are not ours to name.
                let trace = poll_by_hand(future, |_| "(hidden)", limit)?;
                (trace, size, "the async fn, polled by hand")
            }
        })
    })?;

    let mut table = TableData::new(
        format!(
            "{title}: primes below {}, then the last of them",
            format::count(BELOW)
        ),
        &[
            "poll",
            "state before",
            "state after",
            "result",
            "wakes so far",
            "at",
        ],
    );
    for (i, poll) in trace.polls.iter().enumerate() {
        table.row([
            (i + 1).to_string(),
            poll.before.to_string(),
            poll.after.to_string(),
            poll.result.to_string(),
            poll.wakes.to_string(),
            human(poll.at),
        ]);
    }
    let polls = trace.polls.len() as u64;
    let (count, last) = trace.output;
    // Each Pending was answered by exactly one wake, and no poll was wasted: polls = wakes + 1.
    let showed = (count, last) == (9_592, 99_991) && polls == trace.wakes + 1;
    Ok(config
        .outcome(Verdict::from(showed))
        .table(table)
        .line(format!(
            "result: {} below {}, the last is {}",
            format::counted(count, "primes"),
            format::count(BELOW),
            format::count(last)
        ))
        .line(format!(
            "the future is {size} bytes: its state enum ({})",
            match machine {
                Machine::ByHand => "ours, written by hand",
                Machine::AsyncFn => "the compiler's, for the async fn",
            }
        ))
        .count("polls", polls, "polls")
        .as_key()
        .count("wakes", trace.wakes, "wakes")
        .count("future size", size, "bytes")
        .notice(
            "a poll runs until the next wait, leaves the waker there and returns Pending; the \
             waker, called from the job's thread, is what makes the next poll happen",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_future_does_nothing_until_polled() {
        let future = PrimeFacts::new(10);
        assert_eq!(future.state_name(), "Start");
    }

    #[test]
    fn both_forms_compute_the_same_answer() {
        let limit = Duration::from_secs(30);
        let by_hand =
            poll_by_hand(PrimeFacts::new(1_000), PrimeFacts::state_name, limit).expect("completes");
        let compiled = poll_by_hand(prime_facts(1_000), |_| "", limit).expect("completes");
        assert_eq!(by_hand.output, (168, 997));
        assert_eq!(compiled.output, (168, 997));
        for trace in [&by_hand.polls, &compiled.polls] {
            assert!(trace.len() <= 3, "{trace:?}");
        }
        assert_eq!(by_hand.polls.len() as u64, by_hand.wakes + 1);
        assert_eq!(by_hand.polls.last().map(|p| p.after), Some("Done"));
    }
}

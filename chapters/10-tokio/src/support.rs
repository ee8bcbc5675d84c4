//! What the examples share: runtimes built the same way everywhere, the book's prime test, and a
//! heartbeat that measures how late a task wakes up (the runtime's latency, made visible).
//!
//! Not an example on its own; `countdowns`, `executors`, `blocking` and `async-primes` use it.
//! Book sections: the prime test is `Chapter09/example1.py` reused in `Chapter10/example3-6.py`.
//!
//! Run the examples that use it, e.g. `cargo run -p chapter-10 -- run blocking`.

use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

/// The book's three numbers (`Chapter10/example3.py`): a 16-digit prime, a 9-digit number and 157.
pub const BOOK_NUMBERS: [u64; 3] = [9_637_529_763_296_797, 427_920_331, 157];

/// A runtime with one thread, like asyncio's event loop: every task takes turns on it.
pub fn current_thread() -> anyhow::Result<Runtime> {
    Ok(Builder::new_current_thread().enable_all().build()?)
}

/// A work-stealing runtime with `workers` threads (tokio's default shape, sized explicitly).
pub fn multi_thread(workers: usize) -> anyhow::Result<Runtime> {
    Ok(Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()?)
}

/// Runs `future` on `runtime` under `tokio::time::timeout(budget)`: an overrun is an error that
/// names `what`, never a hang. (A timeout fires only when the future yields; code here always does.)
pub fn block_on_within<T>(
    runtime: &Runtime,
    budget: Duration,
    what: &str,
    future: impl std::future::Future<Output = T>,
) -> anyhow::Result<T> {
    runtime
        .block_on(async { tokio::time::timeout(budget, future).await })
        .map_err(|_| anyhow::anyhow!("{what} did not finish within its budget of {budget:?}"))
}

/// The book's `is_prime`: trial division by 2, then by odd numbers up to the square root.
/// Pure integer work on the stack: also safe in a forked child.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut d = 3;
    while d <= n / d {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// The book's asynchronous `is_prime` (`Chapter10/example4.py`): the same loop, but it gives the
/// event loop a turn (`yield_now`, Python's `await asyncio.sleep(0)`) every `yield_every` divisors.
pub async fn is_prime_yielding(n: u64, yield_every: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut d = 3;
    let mut since_yield = 0;
    while d <= n / d {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
        since_yield += 1;
        if since_yield == yield_every {
            since_yield = 0;
            tokio::task::yield_now().await;
        }
    }
    true
}

/// What a heartbeat task saw: how late each of its ticks woke up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heartbeat {
    /// Ticks completed.
    pub ticks: usize,
    /// The worst lateness of a tick: how much longer than its period the task waited.
    pub worst_late: Duration,
}

/// Spawns a task on the current runtime that sleeps `period` again and again until `stop` turns
/// true, recording how late each wake-up is and counting its ticks in `ticks` (so an observer can
/// count the ticks during a stretch of work). A healthy runtime wakes it within a millisecond or
/// so; a runtime whose only thread is busy elsewhere wakes it late by the whole busy stretch.
pub fn spawn_heartbeat(
    period: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
    ticks: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> tokio::task::JoinHandle<Heartbeat> {
    tokio::spawn(async move {
        let mut beat = Heartbeat::default();
        while !*stop.borrow() {
            let asked = tokio::time::Instant::now();
            tokio::time::sleep(period).await;
            let late = asked.elapsed().saturating_sub(period);
            beat.worst_late = beat.worst_late.max(late);
            beat.ticks += 1;
            ticks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        beat
    })
}

/// Milliseconds as a float, for figures.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prime_test_agrees_with_small_cases() {
        let primes: Vec<u64> = (0..50).filter(|&n| is_prime(n)).collect();
        assert_eq!(
            primes,
            [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
        );
        assert!(is_prime(157));
        assert!(!is_prime(9) && !is_prime(1_000_000_007 * 3));
        assert!(is_prime(427_920_331));
        assert!(is_prime(1_000_000_007));
    }

    #[test]
    fn the_yielding_test_gives_the_same_answers() {
        let rt = current_thread().expect("runtime");
        for n in [0, 1, 2, 9, 157, 1_000_000_007, 1_000_000_008] {
            assert_eq!(rt.block_on(is_prime_yielding(n, 7)), is_prime(n), "{n}");
        }
    }
}

//! Grading suite of exercise 10.2 (`Pairer::next_pair`), run by `cargo xtask exercise check 10.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_pairing.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! Two checks of cancellation safety:
//! - exhaustive: a fresh future polled once and dropped after every single value; and every
//!   combination of which of the first ten rounds of a loop are cancelled by a racing
//!   `yield_now`; nothing may be lost, duplicated or reordered;
//! - the example's `select!` loop against tickers of many periods and phases, under tokio's
//!   paused clock, with the graded `Pairer`.
//!
//! At every `None`, the channel must be closed and drained: `None` is how a loop knows to stop.

#![cfg(not(shuttle))]

/// The tests, against the pairing module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::future::Future;
        use std::pin::pin;
        use std::task::{Context, Poll, Waker};
        use std::time::Duration;

        use $($module)::+::Pairer;
        use tokio::sync::mpsc;
        use tokio::time::MissedTickBehavior;

        /// The first dozen of `values`, for a message.
        fn few(values: &[u64]) -> String {
            let shown: Vec<String> = values.iter().take(12).map(u64::to_string).collect();
            let more = if values.len() > 12 { ", …" } else { "" };
            format!("[{}{more}]", shown.join(", "))
        }

        /// Checks that `got` is `0..sent`, each value once and in order; `how` says what the
        /// run did, for the message.
        fn check(got: &[u64], sent: u64, how: &str) {
            let mut times = vec![0usize; sent as usize];
            for &v in got.iter().filter(|&&v| v < sent) {
                times[v as usize] += 1;
            }
            if let Some(v) = (0..sent).find(|&v| times[v as usize] > 1) {
                panic!(
                    "value {v} received more than once ({how}): got {} — a value waiting \
                     for its partner belongs to one pair: once that pair is complete, nothing is \
                     pending",
                    few(got)
                );
            }
            let lost: Vec<u64> = (0..sent).filter(|&v| times[v as usize] == 0).collect();
            assert!(
                lost.is_empty(),
                "{} lost ({how}): got {} — a value that lives only inside the future is \
                 lost with a dropped next_pair future; keep a half-received pair in the Pairer, \
                 where the next call finds it",
                if lost.len() == 1 {
                    format!("value {}", lost[0])
                } else {
                    format!("values {}", few(&lost))
                },
                few(got)
            );
            assert!(
                got.iter().copied().eq(0..sent),
                "values out of order ({how}): got {} — pairs come out in the order sent",
                few(got)
            );
        }

        /// At a `None` from `next_pair`: the channel must be closed and drained.
        fn none_means_closed(rx: &mpsc::Receiver<u64>, how: &str) {
            assert!(
                rx.is_closed() && rx.is_empty(),
                "next_pair gave None while the channel was still open ({how}): None means the \
                 channel is closed and drained, so a loop stops there — wait for the second \
                 value instead"
            );
        }

        #[tokio::test]
        async fn pairs_come_in_order_and_a_closed_channel_ends_them() {
            let how = "5 values sent, then the channel closed, no round cancelled";
            let (tx, mut rx) = mpsc::channel(8);
            for v in 0..5 {
                tx.send(v).await.expect("open");
            }
            drop(tx);
            let mut pairer = Pairer::new();
            let mut got = Vec::new();
            for _ in 0..10 {
                match pairer.next_pair(&mut rx).await {
                    Some((a, b)) => got.extend([a, b]),
                    None => {
                        none_means_closed(&rx, how);
                        break;
                    }
                }
            }
            let lone = pairer.take_pending();
            got.extend(lone);
            check(&got, 5, how);
            assert_eq!(lone, Some(4), "4 has no partner: it stays pending for take_pending");
        }

        /// The harshest schedule: one value is sent, then a *fresh* pairing future is polled
        /// once and dropped, again and again. Every time it was pending, the drop cancelled it
        /// mid-pair.
        fn cancel_after_every_value(values: u64) -> Vec<u64> {
            let how = "a fresh next_pair polled once and dropped after each value sent";
            let (tx, mut rx) = mpsc::channel(64);
            let mut pairer = Pairer::new();
            let mut received = Vec::new();
            let mut cx = Context::from_waker(Waker::noop());
            for v in 0..values {
                tx.try_send(v).expect("room");
                let polled = {
                    let mut fut = pin!(pairer.next_pair(&mut rx));
                    fut.as_mut().poll(&mut cx)
                    // `fut` is dropped here: if it was pending, it has just been cancelled.
                };
                match polled {
                    Poll::Ready(Some((a, b))) => received.extend([a, b]),
                    Poll::Ready(None) => none_means_closed(&rx, how),
                    Poll::Pending => {}
                }
            }
            drop(tx);
            received.extend(pairer.take_pending());
            received
        }

        #[test]
        fn cancelling_after_every_value_loses_nothing() {
            for values in 0..12 {
                let noun = if values == 1 { "value" } else { "values" };
                let how = format!("{values} {noun}, a fresh next_pair dropped after each");
                check(&cancel_after_every_value(values), values, &how);
            }
        }

        /// A producer task sends `values` values, yielding after each; the consumer's round `i`
        /// races the pairing future against `yield_now` when bit `i` of `mask` is set (the
        /// yield wins if the pair is not complete by then: a cancellation), and awaits it
        /// plainly otherwise.
        async fn masked(values: u64, mask: u32) -> Vec<u64> {
            let how = format!("rounds cancelled by mask {mask:#012b}");
            let (tx, mut rx) = mpsc::channel(64);
            let producer = tokio::spawn(async move {
                for v in 0..values {
                    tx.send(v).await.expect("open");
                    tokio::task::yield_now().await;
                }
            });
            let mut pairer = Pairer::new();
            let mut received = Vec::new();
            for round in 0..4 * values {
                let pair = if round < 32 && mask & (1 << round) != 0 {
                    tokio::select! {
                        biased;
                        pair = pairer.next_pair(&mut rx) => pair,
                        _ = tokio::task::yield_now() => continue,
                    }
                } else {
                    pairer.next_pair(&mut rx).await
                };
                match pair {
                    Some((a, b)) => received.extend([a, b]),
                    None => {
                        none_means_closed(&rx, &how);
                        break;
                    }
                }
            }
            received.extend(pairer.take_pending());
            producer.await.expect("producer");
            received
        }

        #[tokio::test]
        async fn every_combination_of_cancelled_rounds_loses_nothing() {
            // All 2^10 choices of which of the first ten rounds are raced against a yield:
            // exhaustive over those schedules, on one thread, so each run is deterministic.
            for mask in 0..1u32 << 10 {
                let got = tokio::time::timeout(Duration::from_secs(10), masked(9, mask))
                    .await
                    .expect("the pairing loop hung");
                check(&got, 9, &format!("9 values, rounds cancelled by mask {mask:#012b}"));
            }
        }

        /// The example's loop with the graded `Pairer`: a producer sends `values` values `gap`
        /// apart, and each round `select!`s between a fresh `next_pair` and a ticker; when the
        /// tick wins, that round's future is dropped.
        async fn select_loop(values: u64, gap: Duration, tick: Duration) -> Vec<u64> {
            let how = format!("select! loop, gap {gap:?}, tick {tick:?}");
            let (tx, mut rx) = mpsc::channel(16);
            let producer = tokio::spawn(async move {
                for v in 0..values {
                    if tx.send(v).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(gap).await;
                }
            });
            let mut ticker = tokio::time::interval(tick);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let mut pairer = Pairer::new();
            let mut received = Vec::new();
            loop {
                tokio::select! {
                    pair = pairer.next_pair(&mut rx) => match pair {
                        Some((a, b)) => received.extend([a, b]),
                        None => {
                            none_means_closed(&rx, &how);
                            break;
                        }
                    },
                    _ = ticker.tick() => {}
                }
            }
            // An odd count leaves one value waiting for its partner; a correct loop still has it.
            received.extend(pairer.take_pending());
            let _ = producer.await;
            received
        }

        #[tokio::test(start_paused = true)]
        async fn a_select_loop_with_a_ticker_receives_every_value() {
            for gap in 1..=3 {
                for tick in 1..=7 {
                    let (gap, tick) = (Duration::from_millis(gap), Duration::from_millis(tick));
                    let got = tokio::time::timeout(
                        Duration::from_secs(60),
                        select_loop(40, gap, tick),
                    )
                    .await
                    .expect("the select! loop hung (paused clock: it never finished)");
                    check(&got, 40, &format!("select! loop, gap {gap:?}, tick {tick:?}"));
                }
            }
        }
    };
}

/// The learner's `Pairer` (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_10::pairing);
}

#[cfg(mutants)]
mod e2_first_in_future {
    suite!(chapter_10::mutants::e2_first_in_future);
}

#[cfg(mutants)]
mod e2_local_buffer {
    suite!(chapter_10::mutants::e2_local_buffer);
}

#[cfg(mutants)]
mod e2_pending_not_cleared {
    suite!(chapter_10::mutants::e2_pending_not_cleared);
}

#[cfg(mutants)]
mod e2_try_recv_second {
    suite!(chapter_10::mutants::e2_try_recv_second);
}

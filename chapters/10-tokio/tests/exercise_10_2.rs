//! Grading suite of exercise 10.2 (`Pairer::next_pair`), run by `cargo xtask exercise check 10.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_pairing.rs`. Two checks of cancellation safety:
//! - exhaustive: a fresh future polled once and dropped after every single value; and every
//!   combination of which of the first ten rounds of a loop are cancelled by a racing
//!   `yield_now`; nothing may be lost, duplicated or reordered;
//! - in the example's `select!` loop against tickers of many periods and phases, under tokio's
//!   paused clock.

#![cfg(not(feature = "shuttle"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use chapter_10::pairing::Pairer;
use chapter_10::select_timeout::{PairingLoop, pairing_loop};
use tokio::sync::mpsc;

#[tokio::test]
async fn pairs_come_in_order_and_a_closed_channel_ends_them() {
    let (tx, mut rx) = mpsc::channel(8);
    for v in 0..5 {
        tx.send(v).await.expect("open");
    }
    drop(tx);
    let mut pairer = Pairer::new();
    assert_eq!(pairer.next_pair(&mut rx).await, Some((0, 1)));
    assert_eq!(pairer.next_pair(&mut rx).await, Some((2, 3)));
    assert_eq!(pairer.next_pair(&mut rx).await, None, "4 has no partner");
    assert_eq!(
        pairer.take_pending(),
        Some(4),
        "the lone value stays pending"
    );
}

/// The harshest schedule: one value is sent, then a *fresh* pairing future is polled once and
/// dropped, again and again. Every time it was pending, the drop cancelled it mid-pair.
fn cancel_after_every_value(values: u64) -> Vec<u64> {
    let (tx, mut rx) = mpsc::channel(64);
    let mut pairer = Pairer::new();
    let mut received = Vec::new();
    let mut cx = Context::from_waker(Waker::noop());
    for v in 0..values {
        tx.try_send(v).expect("room");
        let mut fut = pin!(pairer.next_pair(&mut rx));
        if let Poll::Ready(Some((a, b))) = fut.as_mut().poll(&mut cx) {
            received.extend([a, b]);
        }
        // `fut` is dropped here: if it was pending, it has just been cancelled.
    }
    drop(tx);
    received.extend(pairer.take_pending());
    received
}

#[test]
fn cancelling_after_every_value_loses_nothing() {
    for values in 0..12 {
        assert_eq!(
            cancel_after_every_value(values),
            (0..values).collect::<Vec<_>>(),
            "{values} values, every pending round cancelled"
        );
    }
}

/// A producer task sends `values` values, yielding after each; the consumer's round `i` races
/// the pairing future against `yield_now` when bit `i` of `mask` is set (the yield wins if the
/// pair is not complete by then: a cancellation), and awaits it plainly otherwise.
async fn masked(values: u64, mask: u32) -> Vec<u64> {
    let (tx, mut rx) = mpsc::channel(64);
    let producer = tokio::spawn(async move {
        for v in 0..values {
            tx.send(v).await.expect("open");
            tokio::task::yield_now().await;
        }
    });
    let mut pairer = Pairer::new();
    let mut received = Vec::new();
    for round in 0.. {
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
            None => break,
        }
    }
    received.extend(pairer.take_pending());
    producer.await.expect("producer");
    received
}

#[tokio::test]
async fn every_combination_of_cancelled_rounds_loses_nothing() {
    // All 2^10 choices of which of the first ten rounds are raced against a yield: exhaustive
    // over those schedules, on one thread, so each run is deterministic.
    for mask in 0..1u32 << 10 {
        let got = tokio::time::timeout(Duration::from_secs(10), masked(9, mask))
            .await
            .expect("the pairing loop hung");
        assert_eq!(got, (0..9).collect::<Vec<_>>(), "mask {mask:#012b}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_select_loop_with_a_ticker_receives_every_value() {
    for gap in 1..=3 {
        for tick in 1..=7 {
            let pairs = tokio::time::timeout(
                Duration::from_secs(60),
                pairing_loop(PairingLoop {
                    values: 40,
                    gap: Duration::from_millis(gap),
                    tick: Duration::from_millis(tick),
                    cancel_safe: true,
                }),
            )
            .await
            .expect("the loop hung");
            assert_eq!(
                pairs.received,
                (0..40).collect::<Vec<_>>(),
                "gap {gap} ms, tick {tick} ms: lost {:?}",
                pairs.lost(40)
            );
        }
    }
}

//! Model checks of cancellation safety with shuttle (`RUSTFLAGS="--cfg shuttle"
//! cargo test -p chapter-10 --test model_check`): a producer task and a consumer task that races each pairing round against a yield,
//! run under shuttle's randomized schedules. Where the round is cancelled depends on the
//! schedule, so the checker explores many cancellation points. The lossy `recv_pair` loses a
//! value on some schedule (the test shows shuttle finds it); the cancel-safe `Pairer` (exercise
//! 10.2's solution) loses none on any schedule tried.

#![cfg(shuttle)]

use std::pin::pin;

use chapter_10::pairing::Pairer;
use chapter_10::select_timeout::recv_pair;
use common::sync::model_check;
use futures::future::{Either, select};
use tokio::sync::mpsc;

const VALUES: u64 = 6;

/// One execution: a producer sends `VALUES` values with a yield after each; the consumer races
/// every pairing round against `shuttle::future::yield_now` and starts a new round when the
/// yield wins. Returns every value the consumer received.
fn one_execution(cancel_safe: bool) -> Vec<u64> {
    shuttle::future::block_on(async move {
        let (tx, mut rx) = mpsc::channel(VALUES as usize);
        let producer = shuttle::future::spawn(async move {
            for v in 0..VALUES {
                tx.try_send(v).expect("capacity for every value");
                shuttle::future::yield_now().await;
            }
        });
        let mut pairer = Pairer::new();
        let mut received = Vec::new();
        loop {
            let round = {
                let pairing = pin!(async {
                    if cancel_safe {
                        pairer.next_pair(&mut rx).await
                    } else {
                        recv_pair(&mut rx).await
                    }
                });
                let tick = pin!(shuttle::future::yield_now());
                match select(pairing, tick).await {
                    Either::Left((pair, _)) => Some(pair),
                    Either::Right(_) => None, // the yield won: the pairing round is dropped
                }
            };
            match round {
                Some(Some((a, b))) => received.extend([a, b]),
                Some(None) => break,
                None => continue,
            }
        }
        received.extend(pairer.take_pending());
        producer.await.expect("producer finished");
        received
    })
}

#[test]
fn the_cancel_safe_pairer_loses_nothing_on_any_schedule() {
    model_check(|| {
        let got = one_execution(true);
        assert_eq!(got, (0..VALUES).collect::<Vec<_>>(), "lost or reordered");
    });
}

#[test]
#[should_panic(expected = "lost a value")]
fn shuttle_finds_a_schedule_where_recv_pair_loses_a_value() {
    model_check(|| {
        let got = one_execution(false);
        assert!(got.len() as u64 == VALUES, "lost a value: received {got:?}");
    });
}

//! Grading suite of exercise 14.1 (the ticket dispenser), run by `cargo xtask exercise check 14.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_tickets.rs`. Two passes: real threads under a watchdog (many
//! tickets at once, so a racy dispenser hands out duplicates), and, with `--features shuttle`,
//! the model checker across many schedules (which finds a duplicate in a handful of tickets).

use std::sync::Arc;

use chapter_14::tickets::Dispenser;

/// Checks that `tickets` are exactly 0..n, each once; names the first duplicate or gap.
fn assert_each_once(mut tickets: Vec<u64>, n: u64) {
    tickets.sort_unstable();
    for (want, got) in (0..n).zip(&tickets) {
        assert_eq!(
            *got, want,
            "duplicate ticket: two customers got ticket {got} (tickets must be 0..{n}, each once)"
        );
    }
    assert_eq!(
        tickets.len() as u64,
        n,
        "{} tickets for {n} takes",
        tickets.len()
    );
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    const THREADS: u64 = 4;

    fn take_on_threads(
        dispenser: &Arc<Dispenser>,
        each: u64,
        take: fn(&Dispenser) -> Option<u64>,
    ) -> Vec<u64> {
        let workers = (0..THREADS)
            .map(|i| {
                let dispenser = Arc::clone(dispenser);
                worker(format!("customer {i}"), move |ctx: &WorkerCtx| {
                    let mut mine = Vec::new();
                    for _ in 0..each {
                        if let Some(ticket) = take(&dispenser) {
                            mine.push(ticket);
                        }
                        ctx.progress();
                    }
                    mine
                })
            })
            .collect();
        let report = Watchdog::new(Duration::from_secs(30))
            .stall_after(Duration::from_secs(5))
            .run(workers);
        assert_finished(&report, "");
        report
            .results()
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .collect()
    }

    #[test]
    fn one_customer_gets_0_1_2() {
        let dispenser = Dispenser::new();
        assert_eq!(dispenser.issued(), 0);
        assert_eq!(
            [dispenser.take(), dispenser.take(), dispenser.take()],
            [0, 1, 2]
        );
        assert_eq!(dispenser.issued(), 3);
        assert_eq!(dispenser.take_below(5), Some(3));
        assert_eq!(dispenser.take_below(5), Some(4));
        assert_eq!(dispenser.take_below(5), None, "ticket 5 is not below 5");
        assert_eq!(dispenser.issued(), 5, "a refused take_below issues nothing");
    }

    #[test]
    fn customers_at_once_never_share_a_ticket() {
        let each = 50_000;
        let dispenser = Arc::new(Dispenser::new());
        let tickets = take_on_threads(&dispenser, each, |d| Some(d.take()));
        assert_each_once(tickets, THREADS * each);
        assert_eq!(dispenser.issued(), THREADS * each);
    }

    #[test]
    fn a_limit_is_never_passed() {
        let (each, limit) = (20_000, 50_000);
        let dispenser = Arc::new(Dispenser::new());
        let tickets = take_on_threads(&dispenser, each, |d| d.take_below(50_000));
        assert!(
            tickets.iter().all(|&t| t < limit),
            "a ticket at or above the limit"
        );
        assert_each_once(tickets, limit);
        assert_eq!(dispenser.issued(), limit, "issued() counted past the limit");
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

    fn customers(take: fn(&Dispenser) -> Option<u64>, each: u64) -> (Arc<Dispenser>, Vec<u64>) {
        let dispenser = Arc::new(Dispenser::new());
        let threads: Vec<_> = (0..2)
            .map(|i| {
                let dispenser = Arc::clone(&dispenser);
                spawn_named(format!("customer {i}"), move || {
                    (0..each)
                        .filter_map(|_| take(&dispenser))
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        let tickets = threads
            .into_iter()
            .flat_map(|t| t.join().expect("no customer panicked"))
            .collect();
        (dispenser, tickets)
    }

    #[test]
    fn no_schedule_hands_out_a_ticket_twice() {
        model_check(|| {
            let (dispenser, tickets) = customers(|d| Some(d.take()), 2);
            assert_each_once(tickets, 4);
            assert_eq!(dispenser.issued(), 4);
        });
    }

    #[test]
    fn no_schedule_passes_the_limit() {
        model_check(|| {
            let (dispenser, tickets) = customers(|d| d.take_below(3), 2);
            assert!(tickets.iter().all(|&t| t < 3), "{tickets:?}");
            assert_each_once(tickets, 3);
            assert_eq!(dispenser.issued(), 3, "issued() counted past the limit");
        });
    }
}

//! Grading suite of exercise 14.1 (the ticket dispenser), run by `cargo xtask exercise check 14.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_tickets.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (many tickets at
//! once, so a racy dispenser hands out duplicates), and, with `--cfg shuttle`, the model
//! checker across many schedules (which finds a duplicate in a handful of tickets).
//!
//! The limit is an invariant at every step, not only after the join: every `take_below` is
//! checked as it returns (its ticket below the limit, `issued()` not past it, a refusal only
//! once all are gone), and an observer thread reads `issued()` while the customers take. A
//! dispenser that overshoots and then hides it (a `fetch_add`, then a `store(limit)`) ends with
//! the right count, but not every moment on the way has it.

/// The tests, against the `Dispenser` of the module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;

        use $($module)::+::Dispenser;
        use crate::assert_each_once;

        /// One `take_below`, checked as it returns: the ticket is below the limit and already
        /// counted, `issued()` is not past the limit, and a refusal means all are gone.
        fn claim(dispenser: &Dispenser, limit: u64) -> Option<u64> {
            let got = dispenser.take_below(limit);
            if let Some(ticket) = got {
                assert!(
                    ticket < limit,
                    "take_below handed out ticket {ticket}, at or past the limit {limit}"
                );
            }
            let issued = dispenser.issued();
            assert!(
                issued <= limit,
                "issued() counted past the limit: {issued} with a limit of {limit}, read right \
                 after a take_below returned (the count must never pass the limit, not even for \
                 a moment)"
            );
            match got {
                Some(ticket) => assert!(
                    ticket < issued,
                    "take_below handed out ticket {ticket}, but issued() says only {issued}"
                ),
                None => assert_eq!(
                    issued, limit,
                    "take_below refused a ticket while only {issued} of {limit} were issued (a \
                     refusal must mean they are all gone: retry when another thread got in first)"
                ),
            }
            got
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{self, assert_finished};
            use common::watchdog::{Watchdog, WorkerCtx, worker};
            use std::sync::Barrier;
            use std::sync::atomic::{AtomicU64, Ordering};
            use std::time::Duration;

            const THREADS: u64 = 4;

            /// Counts a customer as done when it is dropped.
            struct Leaving(Arc<AtomicU64>);

            impl Drop for Leaving {
                fn drop(&mut self) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }

            /// `THREADS` customers call `take` `each` times at once; with `observer`, one more
            /// thread reads `issued()` until they are done and checks each reading with it.
            fn take_on_threads(
                dispenser: &Arc<Dispenser>,
                each: u64,
                take: fn(&Dispenser) -> Option<u64>,
                observer: Option<fn(u64, u64)>,
            ) -> Vec<u64> {
                let start = Arc::new(Barrier::new(THREADS as usize));
                let done = Arc::new(AtomicU64::new(0));
                let mut workers: Vec<_> = (0..THREADS)
                    .map(|i| {
                        let (dispenser, start, done) =
                            (Arc::clone(dispenser), Arc::clone(&start), Arc::clone(&done));
                        worker(format!("customer {i}"), move |ctx: &WorkerCtx| {
                            start.wait();
                            // Counted as done on the way out, by a return or a panic alike.
                            let _leaving = Leaving(done);
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
                if let Some(check) = observer {
                    let (dispenser, done) = (Arc::clone(dispenser), Arc::clone(&done));
                    workers.push(worker("observer", move |ctx: &WorkerCtx| {
                        let mut before = 0;
                        // No `progress` here: watching is not taking, and a customer stuck
                        // in `take_below` must read as a stall, not as a busy run.
                        while done.load(Ordering::SeqCst) < THREADS && !ctx.should_stop() {
                            let now = dispenser.issued();
                            check(before, now);
                            before = now;
                        }
                        Vec::new()
                    }));
                }
                let report = Watchdog::new(Duration::from_secs(30))
                    .stall_after(Duration::from_secs(5))
                    .run(workers);
                assert_finished(&report, NEVER_RETURNED);
                report
                    .results()
                    .into_iter()
                    .flatten()
                    .flatten()
                    .copied()
                    .collect()
            }

            /// What a take that does not come back means here.
            const NEVER_RETURNED: &str = "a take never returned: once every seat is gone, \
                                          `take_below` must return `None` at once — a CAS loop \
                                          retries only while the count is below the limit, it \
                                          never waits for a seat to free up";

            #[test]
            fn one_customer_gets_0_1_2() {
                testing::watched_with_hint(
                    "one customer",
                    Duration::from_secs(5),
                    NEVER_RETURNED,
                    one_customer,
                );
            }

            fn one_customer() {
                let dispenser = Dispenser::new();
                assert_eq!(dispenser.issued(), 0);
                assert_eq!(
                    [dispenser.take(), dispenser.take(), dispenser.take()],
                    [0, 1, 2]
                );
                assert_eq!(dispenser.issued(), 3);
                assert_eq!(claim(&dispenser, 5), Some(3));
                assert_eq!(claim(&dispenser, 5), Some(4));
                assert_eq!(
                    claim(&dispenser, 5),
                    None,
                    "ticket 5 is not below the limit 5"
                );
                assert_eq!(dispenser.issued(), 5, "a refused take_below issues nothing");
                assert_eq!(claim(&dispenser, 5), None, "still none below 5");
                assert_eq!(dispenser.issued(), 5, "a refused take_below issues nothing");
            }

            #[test]
            fn customers_at_once_never_share_a_ticket() {
                let each = 50_000;
                let dispenser = Arc::new(Dispenser::new());
                let tickets = take_on_threads(&dispenser, each, |d| Some(d.take()), None);
                assert_each_once(tickets, THREADS * each);
                assert_eq!(dispenser.issued(), THREADS * each);
            }

            /// Many small rounds: the race at the limit happens once a round, when the last
            /// tickets go, so a round ends soon after.
            #[test]
            fn a_limit_is_never_passed() {
                const LIMIT: u64 = 64;
                for _ in 0..200 {
                    let dispenser = Arc::new(Dispenser::new());
                    let tickets = take_on_threads(&dispenser, 20, |d| claim(d, LIMIT), None);
                    assert_each_once(tickets, LIMIT);
                    assert_eq!(dispenser.issued(), LIMIT, "issued() counted past the limit");
                }
            }

            /// Most takes come after the limit is reached: each refusal is a chance for a
            /// dispenser that overshoots and then corrects itself to be seen doing it.
            #[test]
            fn issued_never_passes_the_limit_while_customers_take() {
                const LIMIT: u64 = 1_000;
                let dispenser = Arc::new(Dispenser::new());
                let tickets = take_on_threads(
                    &dispenser,
                    50_000,
                    |d| claim(d, LIMIT),
                    Some(|before, now| {
                        assert!(
                            now <= LIMIT,
                            "issued() counted past the limit: an observer read {now} with a \
                             limit of {LIMIT} while customers were taking (the count must never \
                             pass the limit, not even for a moment)"
                        );
                        assert!(
                            now >= before,
                            "issued() went down from {before} to {now}: tickets handed out are \
                             never taken back"
                        );
                    }),
                );
                assert_each_once(tickets, LIMIT);
                assert_eq!(dispenser.issued(), LIMIT, "issued() counted past the limit");
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::atomic::{AtomicUsize, Ordering};
            use common::sync::{model_check, spawn_named};

            /// Two customers call `take` `each` times; a third thread reads `issued()` a few
            /// times meanwhile and checks each reading with `observe` (when given).
            fn customers(
                take: fn(&Dispenser) -> Option<u64>,
                each: u64,
                observe: Option<fn(u64)>,
            ) -> (Arc<Dispenser>, Vec<u64>) {
                let dispenser = Arc::new(Dispenser::new());
                let done = Arc::new(AtomicUsize::new(0));
                let threads: Vec<_> = (0..2)
                    .map(|i| {
                        let (dispenser, done) = (Arc::clone(&dispenser), Arc::clone(&done));
                        spawn_named(format!("customer {i}"), move || {
                            let mine = (0..each)
                                .filter_map(|_| take(&dispenser))
                                .collect::<Vec<u64>>();
                            done.fetch_add(1, Ordering::SeqCst);
                            mine
                        })
                    })
                    .collect();
                let observer = observe.map(|check| {
                    let (dispenser, done) = (Arc::clone(&dispenser), Arc::clone(&done));
                    spawn_named("observer", move || {
                        // A bounded watch: each reading is a point where the checker may switch.
                        for _ in 0..8 {
                            check(dispenser.issued());
                            if done.load(Ordering::SeqCst) == 2 {
                                break;
                            }
                        }
                    })
                });
                let tickets = threads
                    .into_iter()
                    .flat_map(|t| t.join().expect("no customer panicked"))
                    .collect();
                if let Some(observer) = observer {
                    observer.join().expect("the observer saw no fault");
                }
                (dispenser, tickets)
            }

            #[test]
            fn no_schedule_hands_out_a_ticket_twice() {
                model_check(|| {
                    let (dispenser, tickets) = customers(|d| Some(d.take()), 2, None);
                    assert_each_once(tickets, 4);
                    assert_eq!(dispenser.issued(), 4);
                });
            }

            #[test]
            fn no_schedule_passes_the_limit() {
                model_check(|| {
                    let observe = |now: u64| {
                        assert!(
                            now <= 3,
                            "issued() counted past the limit: an observer read {now} with a \
                             limit of 3 while customers were taking (the count must never pass \
                             the limit, not even for a moment)"
                        );
                    };
                    let (dispenser, tickets) = customers(|d| claim(d, 3), 3, Some(observe));
                    assert_each_once(tickets, 3);
                    assert_eq!(dispenser.issued(), 3, "issued() counted past the limit");
                });
            }
        }
    };
}

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
        "{} tickets handed out where {n} were due",
        tickets.len()
    );
}

/// The learner's dispenser (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_14::tickets);
}

#[cfg(mutants)]
mod e1_store_limit {
    suite!(chapter_14::mutants::e1_store_limit);
}

#[cfg(mutants)]
mod e1_load_then_store {
    suite!(chapter_14::mutants::e1_load_then_store);
}

#[cfg(mutants)]
mod e1_check_then_add {
    suite!(chapter_14::mutants::e1_check_then_add);
}

#[cfg(mutants)]
mod e1_never_gives_up {
    suite!(chapter_14::mutants::e1_never_gives_up);
}

#[cfg(mutants)]
mod e1_no_retry {
    suite!(chapter_14::mutants::e1_no_retry);
}

#[cfg(mutants)]
mod e1_up_to_limit {
    suite!(chapter_14::mutants::e1_up_to_limit);
}

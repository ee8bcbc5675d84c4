//! Grading suite of exercise 20.2 (poison pills), run by `cargo xtask exercise check 20.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_poison_pill.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Two passes: real threads under a watchdog (a consumer waiting
//! forever for a pill, or a producer waiting forever for room, fails in seconds and says which),
//! and, with `--cfg shuttle`, the model checker across many schedules.
//!
//! What is checked, as the task states it: `produce` puts every item in order, then exactly one
//! pill per consumer, and leaves the queue open; `consume` stops at its pill and takes nothing
//! after it; in a whole pipeline with 1 to 4 consumers every item is handled exactly once, the
//! counts are right, every consumer ends and no pill is left over.

/// The tests, against the poison-pill module named by the path, on the chapter's bounded buffer
/// (or on the one named after `;`: the mutants' reference copy).
macro_rules! suite {
    ($($module:ident)::+) => {
        suite!($($module)::+; chapter_20::buffer);
    };
    ($($module:ident)::+; $($buffer:ident)::+) => {
        use std::sync::Arc;

        use $($buffer)::+::BoundedBuffer;
        use $($module)::+::{consume, produce};

        /// What a thread of the pipeline reports: items put (producer) or items handled
        /// (consumer).
        type Part = (usize, Vec<u64>);

        /// Checks a finished pipeline: every item handled exactly once, the counts right, and no
        /// pill left over in the queue (a pill too many).
        fn check(parts: &[Part], items: u64, queue: &BoundedBuffer<Option<u64>>) {
            let (produced, _) = &parts[0];
            assert_eq!(
                *produced, items as usize,
                "produce must return the number of items it put (not counting the pills)"
            );
            let mut handled: Vec<u64> = Vec::new();
            for (count, got) in &parts[1..] {
                assert_eq!(
                    *count,
                    got.len(),
                        "consume returned {count} but handed {} to `handle`: count only the items \
                     handed to `handle`, not the pill",
                    counted(got.len(), "item", "items")
                );
                handled.extend(got);
            }
            handled.sort_unstable();
            let left = queue.len();
            assert!(
                handled.len() as u64 >= items || left == 0,
                "every consumer ended, yet {} never handled and {} still queued: a \
                 consumer ended before its pill",
                counted(items as usize - handled.len(), "item was", "items were"),
                counted(left, "message", "messages")
            );
            assert_eq!(
                handled,
                (0..items).collect::<Vec<_>>(),
                "every item exactly once (sorted items handled shown on the left)"
            );
            assert!(
                left == 0,
                "{} left in the queue after every consumer ended: one pill per consumer, no \
                 more",
                counted(left, "pill", "pills")
            );
        }

        /// `n` and the noun that agrees with it: "1 pill", "no pills", "3 pills".
        fn counted(n: usize, one: &str, many: &str) -> String {
            match n {
                0 => format!("no {many}"),
                1 => format!("1 {one}"),
                _ => format!("{n} {many}"),
            }
        }

        fn consumer_body(queue: &BoundedBuffer<Option<u64>>) -> Part {
            let mut got = Vec::new();
            let count = consume(queue, |item| got.push(item));
            (count, got)
        }

        /// What `produce` left in a queue with room for everything (`put` is what it returned):
        /// the items in order, then one pill per consumer, and the queue still open.
        fn check_produced(
            queue: &BoundedBuffer<Option<u64>>,
            put: usize,
            items: u64,
            consumers: usize,
        ) {
            assert_eq!(
                put, items as usize,
                "produce returned {put} after putting {items} items: return the number of \
                 items put, not counting the pills"
            );
            let mut taken = Vec::new();
            while !queue.is_empty() {
                taken.push(queue.take().expect("the queue is not empty"));
            }
            // An open queue accepts a put; a closed one hands it back.
            let closed = queue.put(None).is_err();
            let queued: Vec<u64> = taken.iter().flatten().copied().collect();
            let pills = taken.len() - queued.len();
            assert_eq!(
                queued,
                (0..items).collect::<Vec<_>>(),
                "produce must put every item as `Some(item)`, in order (the items it queued \
                 shown on the left)"
            );
            let closing = if closed {
                " and closed the queue (a closed queue ends consumers too, but this \
                 pipeline shuts down by poison pills: leave the queue open)"
            } else {
                ""
            };
            assert!(
                pills >= consumers,
                "{} missing: after its {items} items produce put {} for {}{closing} — put \
                 one `None` per consumer after the items, or a consumer waits forever",
                counted(consumers - pills, "poison pill", "poison pills"),
                counted(pills, "pill", "pills"),
                counted(consumers, "consumer", "consumers")
            );
            assert!(
                pills <= consumers,
                "produce put {pills} pills for {}: one per consumer, no more (a pill too \
                 many stays in the queue)",
                counted(consumers, "consumer", "consumers")
            );
            assert!(
                taken.iter().position(Option::is_none) == Some(items as usize),
                "a pill came before an item: put every item first, then the pills"
            );
            assert!(
                !closed,
                "produce closed the queue: leave it open, the pills end the consumers"
            );
        }

        /// A closed queue holding two items, a pill, another item and another pill: closed, so
        /// that a consumer which ignores pills still returns.
        fn two_items_then_a_pill() -> BoundedBuffer<Option<u64>> {
            let queue = BoundedBuffer::new(8);
            for message in [Some(1), Some(2), None, Some(3), None] {
                queue.put(message).expect("the queue is open");
            }
            queue.close();
            queue
        }

        /// What `consume` did with [`two_items_then_a_pill`]: handled the two items, returned 2,
        /// and left the rest in the queue.
        fn check_consumed(queue: &BoundedBuffer<Option<u64>>, count: usize, got: &[u64]) {
            let handled: Vec<String> = got.iter().map(u64::to_string).collect();
            assert!(
                got.len() <= 2,
                "consume went on after its poison pill: it handled {}, but its pill came \
                 after 1, 2 — stop at the first `Some(None)` and take nothing more (the \
                 next pill is another consumer's)",
                handled.join(", ")
            );
            assert_eq!(
                got,
                [1, 2],
                "consume must hand every item before its pill to `handle`, in order"
            );
            assert_eq!(
                count, 2,
                "consume returned {count} after handling 2 items: count only the items handed \
                 to `handle`, not the pill"
            );
            assert_eq!(
                queue.len(),
                2,
                "consume must leave what comes after its pill in the queue"
            );
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing::{assert_finished, watched_with_hint};
            use common::watchdog::{
                GroupReport, ThreadReport, Watchdog, WorkerCtx, WorkerResult, worker,
            };
            use std::time::Duration;

            /// `produce` alone, into a queue with room for every item and pill.
            fn produce_alone(items: u64, consumers: usize) {
                let queue = BoundedBuffer::new(items as usize + consumers + 1);
                let (put, queue) = watched_with_hint(
                    "produce",
                    Duration::from_secs(10),
                    "produce never returned, with room in the queue for every item and pill",
                    move || {
                        let put = produce(&queue, 0..items, consumers);
                        (put, queue)
                    },
                );
                check_produced(&queue, put, items, consumers);
            }

            #[test]
            fn produce_puts_the_items_then_one_pill_per_consumer() {
                produce_alone(5, 3);
                produce_alone(5, 1);
                produce_alone(0, 2);
            }

            #[test]
            fn consume_stops_at_its_pill_and_takes_nothing_after_it() {
                let queue = two_items_then_a_pill();
                let (count, got, queue) = watched_with_hint(
                    "consume",
                    Duration::from_secs(10),
                    "consume never returned from a closed queue: stop at your pill, and also \
                     when `take` returns `None` (closed and drained)",
                    move || {
                        let (count, got) = consumer_body(&queue);
                        (count, got, queue)
                    },
                );
                check_consumed(&queue, count, &got);
            }

            /// Why a stalled pipeline stalled, from who is still running.
            fn why_stalled(report: &GroupReport<Part>, consumers: usize) -> String {
                let running = |t: &&ThreadReport<Part>| {
                    !matches!(t.result, WorkerResult::Finished(_) | WorkerResult::Panicked(_))
                };
                let producer_waits = report.threads.iter().take(1).any(|t| running(&t));
                let consumers_wait = report.threads.iter().skip(1).filter(running).count();
                match (producer_waits, consumers_wait) {
                    (true, 0) => format!(
                        "the consumers quit early, and the producer waits forever for room: \
                         stop at the pill, never because the queue looks empty ({} here)",
                        counted(consumers, "consumer", "consumers")
                    ),
                    (_, waiting) => format!(
                        "{waiting} of {consumers} consumer(s) never ended: waiting for a pill \
                         that never came (one per consumer?), or another consumer took two"
                    ),
                }
            }

            fn watched(consumers: usize, items: u64, capacity: usize) {
                let queue = Arc::new(BoundedBuffer::new(capacity));
                let mut workers = Vec::new();
                {
                    let queue = Arc::clone(&queue);
                    workers.push(worker("producer", move |ctx: &WorkerCtx| -> Part {
                        let put =
                            produce(&queue, (0..items).inspect(|_| ctx.progress()), consumers);
                        (put, Vec::new())
                    }));
                }
                for c in 0..consumers {
                    let queue = Arc::clone(&queue);
                    workers.push(worker(format!("consumer {c}"), move |_: &WorkerCtx| {
                        consumer_body(&queue)
                    }));
                }
                let report = Watchdog::new(Duration::from_secs(20))
                    .stall_after(Duration::from_secs(2))
                    .run(workers);
                assert_finished(&report, &why_stalled(&report, consumers));
                let parts: Vec<Part> = report
                    .results()
                    .into_iter()
                    .map(|r| r.expect("finished").clone())
                    .collect();
                check(&parts, items, &queue);
            }

            #[test]
            fn one_consumer() {
                watched(1, 500, 4);
            }

            #[test]
            fn two_to_four_consumers() {
                for consumers in 2..=4 {
                    watched(consumers, 500, 2);
                }
            }

            #[test]
            fn no_items_only_pills() {
                watched(3, 0, 1);
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::{model_check, model_check_bounded, spawn_named};

            fn pipeline(consumers: usize, items: u64, capacity: usize) {
                let queue = Arc::new(BoundedBuffer::new(capacity));
                let handles: Vec<_> = (0..consumers)
                    .map(|c| {
                        let queue = Arc::clone(&queue);
                        spawn_named(format!("consumer {c}"), move || consumer_body(&queue))
                    })
                    .collect();
                let put = produce(&queue, 0..items, consumers);
                let mut parts = vec![(put, Vec::new())];
                parts.extend(handles.into_iter().map(|h| h.join().expect("no panic")));
                check(&parts, items, &queue);
            }

            /// `produce` alone on a thread of its own, into a queue with room for every item and
            /// pill. (One thread at a time: the random scheduler, since PCT refuses a test with
            /// no choice of thread to make.)
            #[test]
            fn produce_puts_the_items_then_one_pill_per_consumer() {
                model_check_bounded(|| {
                    for (items, consumers) in [(5, 3), (5, 1), (0, 2)] {
                        let queue = Arc::new(BoundedBuffer::new(items as usize + consumers + 1));
                        let producer = {
                            let queue = Arc::clone(&queue);
                            spawn_named("producer", move || produce(&queue, 0..items, consumers))
                        };
                        let put = producer.join().expect("produce did not panic");
                        check_produced(&queue, put, items, consumers);
                    }
                }, 10_000);
            }

            /// `consume` alone on a thread of its own.
            #[test]
            fn consume_stops_at_its_pill_and_takes_nothing_after_it() {
                model_check_bounded(|| {
                    let queue = Arc::new(two_items_then_a_pill());
                    let consumer = {
                        let queue = Arc::clone(&queue);
                        spawn_named("consumer", move || consumer_body(&queue))
                    };
                    let (count, got) = consumer.join().expect("consume did not panic");
                    check_consumed(&queue, count, &got);
                }, 10_000);
            }

            #[test]
            fn no_schedule_strands_a_consumer_or_an_item_with_two_consumers() {
                model_check(|| pipeline(2, 3, 1));
            }

            #[test]
            fn no_schedule_strands_a_consumer_or_an_item_with_three_consumers() {
                model_check(|| pipeline(3, 2, 2));
            }
        }
    };
}

/// The learner's pipeline ends (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_20::poison_pill);
}

#[cfg(mutants)]
mod e2_close_instead_of_pills {
    suite!(chapter_20::mutants::e2_close_instead_of_pills; chapter_20::mutants::buffer);
}

#[cfg(mutants)]
mod e2_one_pill {
    suite!(chapter_20::mutants::e2_one_pill; chapter_20::mutants::buffer);
}

#[cfg(mutants)]
mod e2_ignores_pills {
    suite!(chapter_20::mutants::e2_ignores_pills; chapter_20::mutants::buffer);
}

#[cfg(mutants)]
mod e2_stops_when_empty {
    suite!(chapter_20::mutants::e2_stops_when_empty; chapter_20::mutants::buffer);
}

#[cfg(mutants)]
mod e2_counts_the_pill {
    suite!(chapter_20::mutants::e2_counts_the_pill; chapter_20::mutants::buffer);
}

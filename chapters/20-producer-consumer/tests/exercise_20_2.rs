//! Grading suite of exercise 20.2 (poison pills), run by `cargo xtask exercise check 20.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_poison_pill.rs`. Two passes: real threads under a watchdog
//! (a consumer waiting forever for a pill fails fast with a clear message), and, with
//! `--features shuttle`, the model checker across many schedules.

use std::sync::Arc;

use chapter_20::buffer::BoundedBuffer;
use chapter_20::poison_pill::{consume, produce};

/// What a thread of the pipeline reports: items put (producer) or items handled (consumer).
type Part = (usize, Vec<u64>);

/// Checks a finished pipeline: every item handled exactly once, the counts right, and no pill
/// left over in the queue (a pill too many).
fn check(parts: &[Part], items: u64, queue: &BoundedBuffer<Option<u64>>) {
    let (produced, _) = &parts[0];
    assert_eq!(
        *produced, items as usize,
        "produce must return the items it put"
    );
    let mut handled: Vec<u64> = Vec::new();
    for (count, got) in &parts[1..] {
        assert_eq!(
            *count,
            got.len(),
            "consume must return the items it handled"
        );
        handled.extend(got);
    }
    handled.sort_unstable();
    assert_eq!(
        handled,
        (0..items).collect::<Vec<_>>(),
        "every item exactly once (sorted items handled shown on the left)"
    );
    assert!(
        queue.is_empty(),
        "{} left in the queue after every consumer ended: one pill per consumer, no more",
        queue.len()
    );
}

fn consumer_body(queue: &BoundedBuffer<Option<u64>>) -> Part {
    let mut got = Vec::new();
    let count = consume(queue, |item| got.push(item));
    (count, got)
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::testing::assert_finished;
    use common::watchdog::{Watchdog, WorkerCtx, worker};
    use std::time::Duration;

    fn watched(consumers: usize, items: u64, capacity: usize) {
        let queue = Arc::new(BoundedBuffer::new(capacity));
        let mut workers = Vec::new();
        {
            let queue = Arc::clone(&queue);
            workers.push(worker("producer", move |ctx: &WorkerCtx| -> Part {
                let put = produce(&queue, (0..items).inspect(|_| ctx.progress()), consumers);
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
        assert_finished(
            &report,
            &format!(
                "{consumers} consumers: the pipeline never finished. A consumer still running is \
                 waiting for a pill that never came (one pill per consumer?) or took on after its \
                 pill."
            ),
        );
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

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::{model_check, spawn_named};

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

    #[test]
    fn no_schedule_strands_a_consumer_or_an_item_with_two_consumers() {
        model_check(|| pipeline(2, 3, 1));
    }

    #[test]
    fn no_schedule_strands_a_consumer_or_an_item_with_three_consumers() {
        model_check(|| pipeline(3, 2, 2));
    }
}

//! Grading suite of exercise 15.2 (`SharedCount`), run by `cargo xtask exercise check 15.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_refcount.rs`. Real threads hammer one count (a load-then-store
//! count loses updates here within a few runs), and with `--features shuttle` the model checker
//! explores schedules of two threads.

use std::sync::Arc;

use chapter_15::refcount_exercise::SharedCount;
use common::sync::spawn_named;

/// `threads` threads each retain and release `pairs` times; returns how many releases said
/// "last" (the owner still holds a reference, so it must be none).
fn traffic(count: &Arc<SharedCount>, threads: usize, pairs: u64) -> usize {
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let count = Arc::clone(count);
            spawn_named(format!("thread {i}"), move || {
                (0..pairs)
                    .filter(|_| {
                        count.retain();
                        count.release()
                    })
                    .count()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|_| panic!("a thread panicked (is SharedCount written?)"))
        })
        .sum()
}

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use super::*;
    use common::watchdog::Watchdog;
    use std::time::Duration;

    #[test]
    fn one_thread_counts_and_frees_once() {
        let outcome = Watchdog::new(Duration::from_secs(5)).run_one("owner", || {
            let count = SharedCount::new();
            count.retain();
            count.retain();
            let counted = count.get();
            let frees = [count.release(), count.release(), count.release()];
            (counted, frees, count.get())
        });
        assert_eq!(outcome, Ok((3, [false, false, true], 0)));
    }

    #[test]
    fn four_threads_lose_no_update_and_free_nothing_early() {
        for _ in 0..5 {
            let outcome = Watchdog::new(Duration::from_secs(30))
                .stall_after(Duration::from_secs(20))
                .run_one("four threads", || {
                    let count = Arc::new(SharedCount::new());
                    let early = traffic(&count, 4, 200_000);
                    (early, count.get(), count.release())
                });
            assert_eq!(
                outcome,
                Ok((0, 1, true)),
                "(early frees, final count, owner's release was the last)"
            );
        }
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use super::*;
    use common::sync::model_check;

    #[test]
    fn no_schedule_loses_an_update() {
        model_check(|| {
            let count = Arc::new(SharedCount::new());
            assert_eq!(traffic(&count, 2, 2), 0, "a live object was freed");
            assert_eq!(count.get(), 1, "an update was lost");
            assert!(count.release());
        });
    }
}

//! Integration tests on the examples' outcomes and on the executor itself. Timer logic runs on
//! the executor's virtual clock (exact, instant, no sleeps); the real-clock examples are checked
//! only for what their structure guarantees (a task that never yields lets no tick through),
//! never for speed.

#![cfg(not(shuttle))]

use std::cell::RefCell;
use std::future::{Future, pending};
use std::rc::Rc;
use std::time::Duration;

use chapter_9::cooperative::{self, Work};
use chapter_9::executor::{Clock, Executor};
use chapter_9::mini_executor::{self, TASKS};
use chapter_9::primes::{BOOK_NUMBERS, YIELD_EVERY};
use chapter_9::sync_vs_async;
use chapter_9::yield_now::yield_now;
use chapter_9::{CHAPTER, hand_written_future};
use common::Verdict;
use common::testing::run_quick;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn both_hand_written_forms_poll_three_times() {
    for variant in ["state-machine", "async-fn"] {
        let outcome = run_quick(&CHAPTER, "hand-written-future", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        let polls = outcome.get("polls").expect("polls");
        assert_eq!(Some(polls - 1.0), outcome.get("wakes"));
    }
}

#[test]
fn the_hand_written_machine_walks_its_states_in_order() {
    let trace = hand_written_future::poll_by_hand(
        hand_written_future::PrimeFacts::new(hand_written_future::BELOW),
        hand_written_future::PrimeFacts::state_name,
        Duration::from_secs(60),
    )
    .expect("completes");
    assert_eq!(trace.output, (9_592, 99_991));
    let states: Vec<&str> = std::iter::once(trace.polls[0].before)
        .chain(trace.polls.iter().map(|p| p.after))
        .collect();
    // Every state may be passed within one poll if a job is quick, but never out of order.
    let order = ["Start", "Counting", "FindingLast", "Done"];
    let positions: Vec<usize> = states
        .iter()
        .map(|s| order.iter().position(|o| o == s).expect("a known state"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] <= w[1]), "{states:?}");
    assert_eq!(states.first(), Some(&"Start"));
    assert_eq!(states.last(), Some(&"Done"));
}

#[test]
fn virtual_clock_timeline_is_exact() {
    let timeline = mini_executor::run_tasks(Clock::Virtual, 1).expect("runs");
    let order: Vec<_> = timeline.events.iter().map(|e| (e.task, e.round)).collect();
    assert_eq!(order, mini_executor::expected_order(1));
    assert!(
        timeline.events.iter().all(|e| e.at == e.due),
        "{timeline:?}"
    );
    assert_eq!(timeline.finished_at, ms(120));
    let events: u32 = TASKS.iter().map(|t| t.2).sum();
    assert_eq!(timeline.events.len(), events as usize);
    let outcome = run_quick(&CHAPTER, "mini-executor", "virtual-clock");
    assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
}

#[test]
fn real_clock_timers_never_fire_early() {
    let timeline = mini_executor::run_tasks(Clock::Real, 1).expect("runs");
    let order: Vec<_> = timeline.events.iter().map(|e| (e.task, e.round)).collect();
    let mut sorted = order.clone();
    sorted.sort();
    let mut expected = mini_executor::expected_order(1);
    expected.sort();
    assert_eq!(sorted, expected, "every event happens once");
    assert!(
        timeline.events.iter().all(|e| e.at >= e.due),
        "{timeline:?}"
    );
}

#[test]
fn tasks_take_turns_in_fifo_order() {
    let executor = Executor::new(Clock::Virtual);
    let handle = executor.handle();
    let log = Rc::new(RefCell::new(Vec::new()));
    let main_log = Rc::clone(&log);
    executor
        .block_on(async move {
            let tasks: Vec<_> = ["A", "B", "C"]
                .into_iter()
                .map(|name| {
                    let log = Rc::clone(&main_log);
                    handle.spawn(async move {
                        for step in 1..=2 {
                            log.borrow_mut().push(format!("{name}{step}"));
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        })
        .expect("finishes");
    assert_eq!(log.take(), ["A1", "B1", "C1", "A2", "B2", "C2"]);
}

#[test]
fn a_task_that_nobody_wakes_is_reported_not_hung() {
    let executor = Executor::new(Clock::Virtual).with_patience(ms(50));
    let stalled = executor
        .block_on(pending::<()>())
        .expect_err("nothing can wake it");
    assert_eq!(stalled.unfinished, 1);
    assert!(
        stalled.to_string().contains("executor stalled"),
        "{stalled}"
    );
}

#[test]
fn sleeps_on_the_virtual_clock_take_no_real_time_and_can_be_spawned_from_tasks() {
    let watch = std::time::Instant::now();
    let executor = Executor::new(Clock::Virtual);
    let handle = executor.handle();
    let now = executor
        .block_on(async move {
            let inner = handle.clone();
            // A task spawning a task that sleeps an hour.
            let outer = handle.spawn(async move {
                inner
                    .spawn({
                        let inner = inner.clone();
                        async move { inner.sleep(Duration::from_secs(3600)).await }
                    })
                    .await;
                inner.now()
            });
            outer.await
        })
        .expect("finishes");
    assert_eq!(now, Duration::from_secs(3600));
    assert!(
        watch.elapsed() < Duration::from_secs(60),
        "a generous bound"
    );
}

#[test]
fn offloaded_work_wakes_the_executor_from_another_thread() {
    let executor = Executor::new(Clock::Virtual);
    let answer = executor
        .block_on(hand_written_future::Offload::new(|| {
            chapter_9::primes::count_primes_below(1_000)
        }))
        .expect("the job thread's wake arrives");
    assert_eq!(answer, 168);
}

#[test]
fn a_blocking_task_lets_no_tick_through() {
    // Structural, not a timing claim: the ticker's timer is set before the worker starts, and a
    // worker that never yields keeps the only thread until it is done. So: zero ticks during the
    // work, and the ticker's first tick is late by at least the work minus one period.
    let stall = cooperative::measure(Work::Blocking, BOOK_NUMBERS[0], 1).expect("runs");
    assert!(stall.prime);
    assert_eq!(stall.ticks_during_work, 0);
    assert!(
        stall.longest_stall + cooperative::TICK >= stall.work_time,
        "{stall:?}"
    );
}

#[test]
fn yielding_and_offloading_let_ticks_through() {
    // The big prime takes about a second in a debug build: ~200 tick periods. A tick gets in
    // unless the machine stops this process for that whole second.
    for work in [Work::Yielding, Work::Offloaded] {
        let stall = cooperative::measure(work, BOOK_NUMBERS[0], 1).expect("runs");
        assert!(stall.prime);
        assert!(stall.ticks_during_work > 0, "{work:?}: {stall:?}");
    }
}

#[test]
fn cooperative_check_finishes_the_small_numbers_first() {
    let run = sync_vs_async::check_cooperative(&BOOK_NUMBERS, YIELD_EVERY).expect("runs");
    let order: Vec<u64> = run.finishes.iter().map(|f| f.number).collect();
    assert_eq!(order, [427_920_331, 157, 9_637_529_763_296_797]);
    assert!(run.finishes.iter().all(|f| f.checked.prime));
    assert_eq!(run.finishes[2].checked.yields, 981);
    assert_eq!(run.finishes[2].checked.divisions, 49_085_460);
    let sync = sync_vs_async::check_sync(&BOOK_NUMBERS);
    let order: Vec<u64> = sync.finishes.iter().map(|f| f.number).collect();
    assert_eq!(order, BOOK_NUMBERS);
}

#[test]
fn the_executor_needs_no_send_futures() {
    // Rc is not Send: a single-threaded executor runs such futures happily.
    fn check<F: Future>(_: &F) {}
    let shared = Rc::new(1);
    let future = async move { *shared + 1 };
    check(&future);
    assert_eq!(Executor::new(Clock::Virtual).block_on(future), Ok(2));
}

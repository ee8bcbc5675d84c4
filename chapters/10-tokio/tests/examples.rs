//! Integration tests on the examples' core functions. Async time is tokio's paused clock
//! (`start_paused`): sleeps take no real time and every timing below is exact, so the tests
//! assert what the lesson guarantees (overlap, order, loss, no loss) without wall-clock speed.
//! Where a real clock is unavoidable (a blocking call), only lower bounds that physics
//! guarantees are asserted.

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_10::select_timeout::{PairingLoop, drop_midway, pairing_loop, race, with_timeout};
use chapter_10::support::{current_thread, is_prime};
use chapter_10::{
    CHAPTER, async_primes, blocking, countdowns, executors, streams, sync_primitives, tasks,
};
use common::Verdict;
use common::testing::run_quick;

const MS: fn(u64) -> Duration = Duration::from_millis;

#[tokio::test(start_paused = true)]
async fn countdown_tasks_take_the_longest_not_the_sum() {
    let delays = countdowns::delays(1.0);
    for ticks in [
        countdowns::as_tasks(&delays).await.expect("tasks"),
        countdowns::gathered(&delays).await,
    ] {
        assert_eq!(ticks.len(), 9);
        // The book's timeline: C says 3 at 0.5 s, B at 0.8 s, A at 1 s, ... A says 1 at 3 s.
        assert_eq!((ticks[0].name, ticks[0].n, ticks[0].at), ('C', 3, MS(500)));
        let last = ticks.last().expect("ticks");
        assert_eq!((last.name, last.n, last.at), ('A', 1, MS(3000)));
    }
}

#[tokio::test(start_paused = true)]
async fn the_two_factorials_overlap() {
    let (ticks, f3, f4) = countdowns::two_factorials(Duration::from_secs(1)).await;
    assert_eq!((f3, f4), (6, 24));
    assert_eq!(ticks.len(), 5);
    assert_eq!(ticks.last().map(|t| t.at), Some(MS(3000)));
}

#[test]
fn sequential_countdowns_take_at_least_the_sum() {
    let ticks = countdowns::sequential(&countdowns::delays(0.01));
    let names: String = ticks.iter().map(|t| t.name).collect();
    assert_eq!(names, "AAABBBCCC");
    assert!(ticks[8].at >= MS(69), "{:?}", ticks[8].at);
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_the_order_each_api_promises() {
    let in_order: Vec<String> = (0..5).map(|i| format!("job {i}")).collect();
    let all = tasks::with_join_all().await;
    assert_eq!(all.results, in_order);
    assert_eq!(all.elapsed, MS(50));

    let set = tasks::with_join_set().await;
    let order: Vec<&str> = set.results.iter().map(|r| &r[..5]).collect();
    assert_eq!(order, ["job 4", "job 3", "job 2", "job 1", "job 0"]);
    assert!(
        set.notes[0].ends_with("closed at once: yes."),
        "{:?}",
        set.notes
    );

    let handles = tasks::with_handles().await;
    assert_eq!(handles.results, in_order);
    assert!(
        handles.notes[0].contains("is_panic: yes"),
        "{:?}",
        handles.notes
    );
    assert!(
        handles.notes[1].contains("is_cancelled: yes"),
        "{:?}",
        handles.notes
    );

    let joined = tasks::with_join_macros().await;
    // try_join! returned at the 10 ms failure, not after the 50 ms job.
    assert_eq!(joined.elapsed, MS(10));
    assert!(
        joined.results[1].contains("error: failed after 10.0 ms"),
        "{joined:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn select_and_timeout_drop_the_loser() {
    let r = race(MS(30), MS(80)).await;
    assert_eq!(
        (r.winner, r.elapsed, r.loser_dropped),
        ("replica 1", MS(30), true)
    );
    let (slow, waited) = with_timeout(MS(200), MS(50)).await;
    assert!(slow.is_err());
    assert_eq!(waited, MS(50));
    let (fast, took) = with_timeout(MS(10), MS(50)).await;
    assert_eq!((fast, took), (Ok("answer"), MS(10)));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_future_stops_but_a_detached_task_runs_on() {
    let d = drop_midway().await;
    assert_eq!(d.future_steps_at_drop, 6); // 5 ms steps, dropped at 32 ms
    assert_eq!(d.future_steps_later, 6);
    assert!(d.future_cleaned_up);
    assert!(d.detached_steps_after_drop >= 6, "{d:?}");
    assert!(d.detached_aborted);
}

#[tokio::test(start_paused = true)]
async fn the_lossy_loop_loses_values_and_the_cancel_safe_one_none() {
    let settings = |gap, tick, cancel_safe| PairingLoop {
        values: 60,
        gap: MS(gap),
        tick: MS(tick),
        cancel_safe,
    };
    // Settings where a tick lands between the two halves of a pair (some phases never do: with
    // a 1 ms gap and a 2 ms tick, every tick meets a completed pair).
    for (gap, tick) in [(1, 3), (2, 3), (3, 5), (2, 7)] {
        let lossy = pairing_loop(settings(gap, tick, false)).await;
        assert!(
            !lossy.lost(60).is_empty(),
            "gap {gap}, tick {tick}: {lossy:?}"
        );
    }
    // The cancel-safe loop loses nothing, whatever the phase.
    for gap in 1..=3 {
        for tick in 1..=7 {
            let safe = pairing_loop(settings(gap, tick, true)).await;
            assert_eq!(
                safe.received,
                (0..60).collect::<Vec<_>>(),
                "gap {gap}, tick {tick}"
            );
            assert!(safe.ticks > 0);
        }
    }
}

#[test]
fn a_blocking_call_stalls_the_heartbeat_for_all_of_it() {
    let rt = current_thread().expect("runtime");
    let call = MS(150);
    let stall = rt
        .block_on(blocking::observe(
            blocking::PERIOD,
            blocking::blocking_inline(call),
        ))
        .expect("observed");
    // The heartbeat's thread was asleep in the call: it cannot have woken less late than the
    // call minus one period. A lower bound, guaranteed, not a speed claim.
    assert!(stall.work_time >= call);
    assert!(
        stall.heartbeat.worst_late >= call - blocking::PERIOD,
        "{stall:?}"
    );
    assert_eq!(stall.ticks_during_work, 0, "{stall:?}");
}

#[test]
fn offloaded_work_gives_the_right_answers_and_the_heartbeat_ticks() {
    let rt = current_thread().expect("runtime");
    let s = rt
        .block_on(blocking::observe(
            blocking::PERIOD,
            blocking::prime_on_rayon(1_000_000_007),
        ))
        .expect("observed");
    assert!(s.heartbeat.ticks >= 4, "{s:?}");
    assert!(s.value.expect("rayon answered"));
    let s = rt
        .block_on(blocking::observe(
            blocking::PERIOD,
            blocking::blocking_offloaded(MS(30)),
        ))
        .expect("observed");
    s.value.expect("spawn_blocking finished");
}

#[test]
fn yielding_tasks_answer_the_small_numbers_first() {
    let rt = current_thread().expect("runtime");
    let numbers = [1_000_000_007, 427_920_331, 157];
    for style in [
        async_primes::Style::Yielding,
        async_primes::Style::SpawnBlocking,
    ] {
        let answers = rt
            .block_on(async_primes::check(&numbers, style, 100))
            .expect("checked");
        assert_eq!(answers.len(), 3);
        assert!(answers.iter().all(|a| a.1 == is_prime(a.0)));
        if style == async_primes::Style::Yielding {
            // On one thread, the big check yields every 100 divisors; 157 needs none.
            let order: Vec<u64> = answers.iter().map(|a| a.0).collect();
            assert_eq!(order, [157, 427_920_331, 1_000_000_007], "{answers:?}");
        }
    }
    let sync = rt
        .block_on(async_primes::check(
            &numbers,
            async_primes::Style::Sync,
            100,
        ))
        .expect("checked");
    assert_eq!(sync.last().map(|a| a.0), Some(157));
}

#[tokio::test(start_paused = true)]
async fn each_sync_primitive_scene_shows_its_property() {
    let (held, released) = sync_primitives::mutex_scene().await.expect("mutex");
    assert_eq!(held, sync_primitives::TASKS * sync_primitives::INCREMENTS);
    assert_eq!(released, sync_primitives::INCREMENTS); // every round of four read the same value
    assert_eq!(
        sync_primitives::semaphore_scene(9, MS(20), Some(3)).await,
        (3, MS(60))
    );
    assert_eq!(
        sync_primitives::semaphore_scene(9, MS(20), None).await,
        (9, MS(20))
    );
    assert_eq!(sync_primitives::notify_scene().await, (true, false));
    let seen = sync_primitives::watch_scene(50).await.expect("watch");
    assert_eq!(seen.last(), Some(&50));
    assert!(
        seen.len() < 50 && seen.windows(2).all(|w| w[0] < w[1]),
        "{seen:?}"
    );
    let subs = sync_primitives::broadcast_scene(30, 8)
        .await
        .expect("broadcast");
    for prompt in &subs[..2] {
        assert_eq!(prompt.received, (1..=30).collect::<Vec<_>>());
        assert_eq!(prompt.missed, 0);
    }
    assert!(subs[2].missed > 0);
    assert_eq!(subs[2].received.len() as u64 + subs[2].missed, 30);
}

#[test]
fn executors_give_the_same_answers_as_one_thread() {
    let rt = chapter_10::support::multi_thread(2).expect("runtime");
    let numbers = [157, 1_000_000_007, 15, 2];
    let want: Vec<bool> = numbers.iter().map(|&n| is_prime(n)).collect();
    assert_eq!(
        rt.block_on(executors::primes_on_processes(&numbers))
            .expect("fork"),
        want
    );
    assert_eq!(
        rt.block_on(executors::primes_on_rayon(&numbers))
            .expect("rayon"),
        want
    );
    let each = rt
        .block_on(executors::countdowns_on_blocking_pool(&[MS(3), MS(2)]))
        .expect("blocking pool");
    assert!(each[0] >= MS(9) && each[1] >= MS(6), "{each:?}");
}

#[test]
fn the_echo_server_echoes_at_most_100_bytes_to_each_client() {
    let rt = current_thread().expect("runtime");
    let replies = rt.block_on(streams::echo_scene(MS(20))).expect("echo");
    assert_eq!(replies.len(), 3);
    for (sent, echoed, _) in &replies {
        assert_eq!(echoed, &sent[..sent.len().min(streams::READ_SIZE)]);
    }
}

#[test]
fn the_deterministic_examples_show_their_lesson() {
    for (example, variant) in [
        ("tasks", "join-all"),
        ("select-timeout", "cancel-safe"),
        ("sync-primitives", "mutex"),
        ("sync-primitives", "notify"),
        ("streams", "echo"),
        ("streams", "http-client"),
        ("executors", "processes"),
    ] {
        let outcome = run_quick(&CHAPTER, example, variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
    }
}

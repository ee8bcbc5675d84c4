//! Grading suite of exercise 5.2 (`collect_until`), run by `cargo xtask exercise check 5.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_deadline.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Real channels and threads, and real requests to the local
//! status server; every check runs under a watchdog, so a collector that waits forever fails with
//! a report instead of hanging the grader.
//!
//! What is checked, as the task states it, by counts and outcomes rather than the clock: results
//! land in their slots; a repeated or out-of-range index fills nothing; a result sent while the
//! collector waits is collected; the wait *sleeps* (the kernel's count of the thread's wake-ups
//! and its CPU time, from `/proc/thread-self`, tell sleeping from polling); once every sender has
//! hung up the call returns (the deadline is an hour away, the watchdog gives it seconds).

#![cfg(not(shuttle))]

/// The tests, against the deadline module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
        use std::sync::mpsc;
        use std::time::{Duration, Instant};

        use $($module)::+::collect_until;
        use common::testing::{thread_cpu_demand, watched_with_hint};

        /// A deadline no test reaches: a call that waits for it is stopped by the watchdog.
        const AN_HOUR: Duration = Duration::from_secs(3600);

        /// Runs `body` on a watched thread for at most `limit`; `hint` says what a hang means.
        fn watched<R: Send + 'static>(
            limit: Duration,
            hint: &str,
            body: impl FnOnce() -> R + Send + 'static,
        ) -> R {
            watched_with_hint("collect_until", limit, hint, body)
        }

        #[test]
        fn results_land_in_their_slots_whatever_the_order() {
            let hint = "did not return once every slot was filled";
            let slots = watched(Duration::from_secs(5), hint, || {
                let (sender, results) = mpsc::channel();
                for (index, value) in [(2, 'c'), (0, 'a'), (1, 'b')] {
                    sender.send((index, value)).expect("sends");
                }
                // The sender stays alive: the call must return because every slot is filled.
                let slots = collect_until(&results, 3, Instant::now() + AN_HOUR);
                drop(sender);
                slots
            });
            assert_eq!(
                slots,
                vec![Some('a'), Some('b'), Some('c')],
                "each result goes to the slot of its index"
            );
        }

        /// An out-of-range index and a repeated one come first; the result that fills the last
        /// slot is already waiting behind them. Counting every message as a filled slot returns
        /// before reading it.
        #[test]
        fn repeated_and_out_of_range_indexes_fill_no_slot() {
            let hint = "an index out of range must be ignored, and the call must return once \
                        every slot is filled";
            let slots = watched(Duration::from_secs(5), hint, || {
                let (sender, results) = mpsc::channel();
                for (index, value) in [(9, 'x'), (0, 'a'), (0, 'A'), (1, 'b')] {
                    sender.send((index, value)).expect("sends");
                }
                let slots = collect_until(&results, 2, Instant::now() + AN_HOUR);
                drop(sender);
                slots
            });
            assert_eq!(
                slots,
                vec![Some('A'), Some('b')],
                "returned before every slot was filled: the result for slot 1 was waiting on the \
                 channel (count a slot as filled only when it goes from empty to full; an index \
                 out of range fills nothing)"
            );
        }

        /// The collector gets slot 0 at once and waits for slot 1; a worker sends it only once
        /// the collector's thread is asleep in the kernel (or has returned). The deadline is an
        /// hour away and the sender alive: returning before slot 1 arrives is wrong.
        #[test]
        fn a_result_sent_while_it_waits_is_collected() {
            let hint = "did not return once every slot was filled";
            let slots = watched(Duration::from_secs(10), hint, || {
                let (sender, results) = mpsc::channel();
                sender.send((0, "first")).expect("sends");
                let tid = Arc::new(AtomicU32::new(kernel_tid()));
                let returned = Arc::new(AtomicBool::new(false));
                let worker = {
                    let (tid, returned) = (Arc::clone(&tid), Arc::clone(&returned));
                    std::thread::spawn(move || {
                        until_asleep_or(tid.load(Ordering::SeqCst), &returned);
                        // The collector may be gone already: then nobody hears this.
                        let _ = sender.send((1, "late"));
                    })
                };
                let slots = collect_until(&results, 2, Instant::now() + AN_HOUR);
                returned.store(true, Ordering::SeqCst);
                worker.join().expect("the worker");
                slots
            });
            assert_eq!(
                slots,
                vec![Some("first"), Some("late")],
                "returned while a result was still coming: the sender was alive and the deadline \
                 an hour away (wait on the channel for what is missing)"
            );
        }

        /// Slot 1's worker never reports: the call sleeps until the deadline, one second away.
        /// The kernel counts every time the thread went to sleep and woke up again; blocking on
        /// the channel with the time left takes a few, polling takes one per poll.
        #[test]
        fn the_wait_until_the_deadline_sleeps_instead_of_polling() {
            const WAIT: Duration = Duration::from_secs(1);
            let hint = "did not return at the deadline: bound every wait by the time left";
            let (slots, wake_ups, used) = watched(Duration::from_secs(5), hint, || {
                let (sender, results) = mpsc::channel();
                sender.send((0, "fast")).expect("sends");
                sender.send((2, "also fast")).expect("sends");
                let (woke, cpu) = (wake_ups(), thread_cpu_demand().expect("Linux has /proc"));
                // Slot 1's worker is still "running": it holds a sender and never sends.
                let slots = collect_until(&results, 3, Instant::now() + WAIT);
                let used = thread_cpu_demand().expect("still readable") - cpu;
                let wake_ups = wake_ups() - woke;
                drop(sender);
                (slots, wake_ups, used)
            });
            assert_eq!(
                slots,
                vec![Some("fast"), None, Some("also fast")],
                "a worker that never reports leaves its slot empty"
            );
            assert!(
                used <= WAIT / 6,
                "spins instead of blocking: wanted the CPU for {} ms while waiting {} ms for a \
                 result (block on the channel with a timeout)",
                used.as_millis(),
                WAIT.as_millis()
            );
            assert!(
                wake_ups <= 10,
                "polls instead of blocking: the thread woke up {wake_ups} times in {} ms of \
                 waiting for one result (block on the channel until a result or the deadline)",
                WAIT.as_millis()
            );
        }

        #[test]
        fn when_every_sender_hangs_up_it_returns_without_waiting_for_the_deadline() {
            let hint = "waited although every sender had hung up: a disconnected channel \
                        delivers nothing more, so stop waiting";
            let slots = watched(Duration::from_secs(5), hint, || {
                let (sender, results) = mpsc::channel();
                let worker = std::thread::spawn(move || {
                    sender.send((1, 10)).expect("sends");
                    sender.send((9, 99)).expect("sends"); // out of range: ignored
                    // The worker ends here; its sender is dropped without filling slot 0.
                });
                let slots = collect_until(&results, 2, Instant::now() + AN_HOUR);
                worker.join().expect("the worker");
                slots
            });
            assert_eq!(
                slots,
                vec![None, Some(10)],
                "slot 1 was sent before the sender hung up, slot 0 never"
            );
        }

        /// How many times this thread has gone to sleep of its own accord (blocked, slept,
        /// waited): `voluntary_ctxt_switches` of proc(5).
        fn wake_ups() -> u64 {
            let status = std::fs::read_to_string("/proc/thread-self/status")
                .expect("Linux has /proc/thread-self/schedstatus");
            status
                .lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|n| n.trim().parse().ok())
                .expect("proc(5) counts voluntary context switches")
        }

        /// This thread's kernel id, from the `/proc/thread-self` link (`<pid>/task/<tid>`).
        fn kernel_tid() -> u32 {
            let link = std::fs::read_link("/proc/thread-self").expect("Linux has /proc");
            link.file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.parse().ok())
                .expect("/proc/thread-self ends in the thread id")
        }

        /// Waits until thread `tid` of this process has been asleep (`S`) for three samples
        /// 10 ms apart, or `returned` is set, or 3 s have passed (a safety net).
        fn until_asleep_or(tid: u32, returned: &AtomicBool) {
            let mut asleep = 0;
            for _ in 0..300 {
                if returned.load(Ordering::SeqCst) || asleep >= 3 {
                    return;
                }
                let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat"));
                let state = stat.ok().and_then(|s| {
                    let (_, after_name) = s.rsplit_once(')')?;
                    after_name.split_whitespace().next()?.chars().next()
                });
                asleep = if state == Some('S') { asleep + 1 } else { 0 };
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    };
}

/// The learner's collector (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_5::deadline);
}

/// The chapter's `timeouts` example, which collects with the graded module: the slow request is
/// left out at the deadline, the fast ones are in.
mod graded_in_the_timeouts_example {
    use std::time::Duration;

    use chapter_5::probe::{Answer, Target};
    use chapter_5::timeouts::with_timeouts;
    use common::http::StatusServer;
    use common::testing::watched_with_hint;

    #[test]
    fn real_requests_the_slow_one_is_left_out_at_the_deadline() {
        let server = StatusServer::start().expect("starts");
        let base = server.url("");
        let hint = "did not return at the deadline: bound every wait by the time left";
        let probes = watched_with_hint("with_timeouts", Duration::from_secs(20), hint, move || {
            let targets = vec![
                Target::status(&base, 200, Duration::ZERO),
                Target::status(&base, 404, Duration::ZERO),
                Target::status(&base, 200, Duration::from_secs(5)),
            ];
            // Each request may take 20 s, but the run has 1.5 s: the deadline has to act.
            with_timeouts(
                &targets,
                Duration::from_secs(20),
                Duration::from_millis(1_500),
            )
        });
        assert_eq!(probes[0].answer, Answer::Status(200), "the fast 200");
        assert_eq!(probes[1].answer, Answer::Status(404), "the fast 404");
        assert_eq!(
            probes[2].answer,
            Answer::Unfinished,
            "the slow one, cut off"
        );
    }
}

#[cfg(mutants)]
mod e2_polling {
    suite!(chapter_5::mutants::e2_polling);
}

#[cfg(mutants)]
mod e2_waits_after_hang_up {
    suite!(chapter_5::mutants::e2_waits_after_hang_up);
}

#[cfg(mutants)]
mod e2_counts_every_message {
    suite!(chapter_5::mutants::e2_counts_every_message);
}

#[cfg(mutants)]
mod e2_no_wait {
    suite!(chapter_5::mutants::e2_no_wait);
}

#[cfg(mutants)]
mod e2_no_deadline {
    suite!(chapter_5::mutants::e2_no_deadline);
}

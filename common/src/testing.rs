//! Test support shared by every chapter's `tests/`: running an example as the tour does, and
//! running a grader's check on a watched thread.
//!
//! Two chores every chapter's integration tests repeat, written once:
//!
//! - [`run_quick`] / [`run_quick_threads`]: run one variant of one example with the tour's
//!   settings ([`RunConfig::quick`]) and hand back its [`Outcome`]; [`every_variant`] runs them
//!   all and checks that each showed what it teaches.
//! - [`watched`] / [`watched_with_hint`] / [`assert_finished`]: an exercise's grading suite runs a
//!   learner's code under a [`Watchdog`], so that a deadlock or an endless loop fails the test
//!   fast with the watchdog's report (who was blocked, who was busy) instead of hanging it.
//!
//! Not an example: nothing here runs on its own. Used as `common::testing::run_quick(&CHAPTER,
//! "two-locks", "broken")` in `chapters/*/tests/examples.rs`.

use std::time::Duration;

use crate::watchdog::{Ending, GroupReport, NotReturned, Watchdog};
use crate::{Chapter, Example, Outcome, RunConfig, Variant, Verdict};

/// Runs `variant` of `example` as the tour does (quick settings, the default thread count, seed
/// 42). Panics, naming the example and variant, if either is unknown or the run fails.
pub fn run_quick(chapter: &Chapter, example: &str, variant: &'static str) -> Outcome {
    run_with(chapter, example, variant, |config| config)
}

/// [`run_quick`] with `threads` in place of the example's default thread count.
pub fn run_quick_threads(
    chapter: &Chapter,
    example: &str,
    variant: &'static str,
    threads: usize,
) -> Outcome {
    run_with(chapter, example, variant, |config| {
        config.with_threads(threads)
    })
}

/// [`run_quick`] with the quick settings changed by `adjust` first (another seed, full size).
pub fn run_with(
    chapter: &Chapter,
    example: &str,
    variant: &'static str,
    adjust: impl FnOnce(RunConfig) -> RunConfig,
) -> Outcome {
    let found = chapter.example(example).unwrap_or_else(|| {
        panic!(
            "chapter {} has no example {example:?} (it has {})",
            chapter.number,
            chapter.example_names()
        )
    });
    assert!(
        found.variant(variant).is_some(),
        "{example} has no variant {variant:?} (it has {})",
        found.variant_names()
    );
    (found.run)(&adjust(RunConfig::quick(found, variant)))
        .unwrap_or_else(|e| panic!("{example} --variant {variant}: {e:#}"))
}

/// One run of [`every_variant`]: which example and variant, and what it returned.
#[derive(Debug)]
pub struct VariantRun {
    /// The example run.
    pub example: &'static Example,
    /// The variant run.
    pub variant: &'static Variant,
    /// What it returned.
    pub outcome: Outcome,
}

/// Runs every variant of every example of `chapter` as the tour does, except the variants named
/// in `skip` (ones a test file checks more closely on its own), and asserts that each showed
/// what it teaches ([`Verdict::Showed`]). Returns the runs for any further checks.
pub fn every_variant(chapter: &'static Chapter, skip: &[&str]) -> Vec<VariantRun> {
    let mut runs = Vec::new();
    for example in chapter.examples {
        for variant in example.variants {
            if skip.contains(&variant.name) {
                continue;
            }
            let outcome = run_quick(chapter, example.name, variant.name);
            assert_eq!(
                outcome.verdict,
                Verdict::Showed,
                "{} {}: {outcome:#?}",
                example.name,
                variant.name
            );
            runs.push(VariantRun {
                example,
                variant,
                outcome,
            });
        }
    }
    runs
}

/// Runs `body` alone on a thread named `name` under a watchdog and returns its value. If it
/// panics (a learner's `todo!()`, a failed assertion) or has not returned within `limit` (a
/// deadlock, an endless loop), the test fails with the watchdog's report instead of hanging.
pub fn watched<R: Send + 'static>(
    name: &str,
    limit: Duration,
    body: impl FnOnce() -> R + Send + 'static,
) -> R {
    watched_with_hint(name, limit, "", body)
}

/// [`watched`], with `hint` (what a learner should look at when it hangs) added to the message
/// of a hang; a panic's message is its own.
pub fn watched_with_hint<R: Send + 'static>(
    name: &str,
    limit: Duration,
    hint: &str,
    body: impl FnOnce() -> R + Send + 'static,
) -> R {
    // The body records no progress, so the stall period is the whole limit.
    match Watchdog::new(limit)
        .stall_after(limit)
        .run_one_telling(name, body)
    {
        Ok(value) => value,
        // The hint is about a hang; a panic says what went wrong itself.
        Err(NotReturned::Panicked(why)) => panic!("{why}"),
        Err(NotReturned::Hung(why)) => panic!("{why}{}", with_dash(hint)),
    }
}

/// The CPU time the calling thread has used so far (user and system), from
/// `/proc/thread-self/stat`, in the kernel's clock ticks (10 ms each on Linux); `None` where that
/// file does not exist. A thread blocked on a lock or a condition variable uses none, one that
/// spins (even with `yield_now`, a system call) uses about as much as it waits: that is how a
/// suite tells waiting from busy-waiting on real threads without reading the clock.
pub fn thread_cpu_time() -> Option<Duration> {
    cpu_time_in("/proc/thread-self/stat")
}

/// How long the calling thread has wanted a CPU so far: the time it ran plus the time it waited,
/// runnable, in a run queue (`/proc/thread-self/schedstat`, in nanoseconds); `None` where that
/// file does not exist. A blocked thread wants none, whatever the machine's load; one that spins
/// wants all the time it waits, even when a loaded machine lets it run for little of it — where
/// [`thread_cpu_time`] alone undercounts a spinner.
pub fn thread_cpu_demand() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = stat.split_whitespace().map(|f| f.parse::<u64>().ok());
    let (ran, waited) = (fields.next()??, fields.next()??);
    Some(Duration::from_nanos(ran.saturating_add(waited)))
}

/// The CPU time the whole process has used so far, every thread's, those that have ended too
/// (from `/proc/self/stat`, in clock ticks); `None` where that file does not exist.
pub fn process_cpu_time() -> Option<Duration> {
    cpu_time_in("/proc/self/stat")
}

/// The user and system time of a proc(5) `stat` file.
fn cpu_time_in(stat: &str) -> Option<Duration> {
    stat_of(stat).map(|(_, cpu)| cpu)
}

/// The scheduler state and the user and system time of a proc(5) `stat` file.
fn stat_of(stat: &str) -> Option<(char, Duration)> {
    let stat = std::fs::read_to_string(stat).ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let (_, after_name) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Field 3 is the state; fields 14 (utime) and 15 (stime); `fields[0]` is field 3.
    let state = fields.first()?.chars().next()?;
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((state, Duration::from_millis(ticks * 10)))
}

/// The calling thread's kernel id, from the `/proc/thread-self` link (`<pid>/task/<tid>`), for
/// another thread to watch it by with [`thread_state`]; `None` where there is no such link.
pub fn kernel_thread_id() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// What the kernel says of thread `tid` of this process (a [`kernel_thread_id`]): its
/// scheduler state (`R` running, `S` asleep, `D` in the disk, ...) and the CPU time it has
/// used; `None` once the thread has ended. A thread blocked on a lock or a condition variable
/// is `S` with its CPU time standing still; one that spins is `R`, or its time grows.
pub fn thread_state(tid: u32) -> Option<(char, Duration)> {
    stat_of(&format!("/proc/self/task/{tid}/stat"))
}

/// Runs `work` and says how much of the CPU time it cost the process the calling thread spent
/// itself: near 1 when the caller did the work alone, near 0 when other threads did it while the
/// caller waited for them. `None` where `/proc` is missing, or when `work` cost less than
/// `at_least` in all, too little to split by 10 ms ticks. This is how a suite tells work split
/// across threads from work done in a loop on the caller, whatever the machine's speed or load.
pub fn caller_share_of_cpu<R>(work: impl FnOnce() -> R, at_least: Duration) -> (R, Option<f64>) {
    let before = thread_cpu_time().zip(process_cpu_time());
    let result = work();
    let after = thread_cpu_time().zip(process_cpu_time());
    let share = before
        .zip(after)
        .and_then(|((caller0, all0), (caller1, all1))| {
            let all = all1.saturating_sub(all0);
            (all >= at_least && !all.is_zero())
                .then(|| caller1.saturating_sub(caller0).as_secs_f64() / all.as_secs_f64())
        });
    (result, share)
}

/// How a piece of work was spread over threads, from [`split_of_enough_work`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkSplit {
    /// The share of the work's CPU time that the calling thread spent itself, from 0 to 1.
    pub caller_share: f64,
    /// The most threads the work had running at once besides the caller's (0 for work done on
    /// the caller, 1 for threads spawned and joined one after the other).
    pub most_at_once: usize,
}

/// The process's live threads now, from `/proc/self/status`.
fn live_threads() -> Option<std::collections::BTreeSet<u32>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(|task| task.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
    )
}

/// Runs `work` while a sampler thread counts the process's live threads, and returns the most
/// there were at once that were not alive before it started (by thread id: a thread of another
/// test ending meanwhile must not hide one of these). A thread is alive from its spawn to
/// its end, however the scheduler runs it, and the work lasts long enough for the sampler to wake
/// many times while a correct split's threads are alive.
fn most_threads_during<R>(work: impl FnOnce() -> R) -> (R, usize) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let done = AtomicBool::new(false);
    let ready = std::sync::Barrier::new(2);
    std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let before = live_threads().unwrap_or_default();
            ready.wait();
            let mut most = 0;
            while !done.load(Ordering::SeqCst) {
                let new = live_threads()
                    .unwrap_or_default()
                    .difference(&before)
                    .count();
                most = most.max(new);
                std::thread::sleep(Duration::from_micros(200));
            }
            most
        });
        ready.wait();
        /// Stops the sampler however `work` ends: a panicking learner's code must fail with its
        /// own message, not leave the scope waiting for the sampler until the watchdog calls it
        /// a hang.
        struct StopSampler<'a>(&'a AtomicBool);
        impl Drop for StopSampler<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let stop = StopSampler(&done);
        let result = work();
        drop(stop);
        let most = sampler.join().unwrap_or(0);
        (result, most)
    })
}

/// [`caller_share_of_cpu`] and the most threads at once of `work` on `prepare(size)`, for sizes
/// growing fourfold from `start` until one run costs 100 ms of CPU time in all: enough work to
/// tell on any machine, in any build profile, without a size tuned to one. The input is
/// prepared outside the measure. Panics if no CPU time can be read (no `/proc`).
pub fn split_of_enough_work<I>(
    start: usize,
    mut prepare: impl FnMut(usize) -> I,
    mut work: impl FnMut(&I),
) -> WorkSplit {
    let mut size = start.max(1);
    loop {
        let input = prepare(size);
        let ((_, share), most_at_once) = most_threads_during(|| {
            caller_share_of_cpu(|| work(&input), Duration::from_millis(100))
        });
        if let Some(caller_share) = share {
            return WorkSplit {
                caller_share,
                most_at_once,
            };
        }
        assert!(
            size < start.max(1) << 20,
            "no CPU time measured: this check reads /proc/self/stat and /proc/thread-self/stat"
        );
        size *= 4;
    }
}

/// Fails unless `split` shows work done on threads, at least two at once: `what` names the work
/// ("test the chunks"), `threads` the parameter that sets the count.
pub fn assert_split_across_threads(split: WorkSplit, what: &str, threads: &str) {
    // A count first: no thread alive beside the caller is proof without reading any clock,
    // and the CPU share below can be muddied by other tests running in the same process.
    assert!(
        split.most_at_once > 0,
        "the calling thread did all of the work itself (no thread was alive beside it): {what} \
         on `{threads}` scoped threads"
    );
    assert!(
        split.caller_share < 0.75,
        "the calling thread did {:.0}% of the work itself: {what} on `{threads}` scoped threads, \
         not one after the other on the caller",
        split.caller_share * 100.0
    );
    assert!(
        split.most_at_once >= 2,
        "at most one thread worked at a time ({} at once): spawn every thread before joining \
         any, so that they run together",
        split.most_at_once
    );
}

/// Asserts that a watched group ended with every thread returned and none panicked. Otherwise
/// fails with the ending (a deadlock names its cycle), `hint` (what a learner should look at;
/// may be empty), each thread's state and counters, and any panic messages.
pub fn assert_finished<R>(report: &GroupReport<R>, hint: &str) {
    let panics = report.panics();
    if report.ending != Ending::Finished {
        let panics = if panics.is_empty() {
            String::new()
        } else {
            format!("\npanicked: {}", panics.join("\n"))
        };
        panic!(
            "{}{}\n{}{panics}",
            report.describe_ending(),
            with_dash(hint),
            report.thread_lines().join("\n")
        );
    }
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

/// " — hint", or nothing for an empty hint.
fn with_dash(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!(" — {hint}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watchdog::{WorkerCtx, worker};

    #[test]
    fn a_blocked_thread_wants_no_cpu_and_a_spinning_one_wants_all_its_wait() {
        let blocked = std::thread::spawn(|| {
            let before = thread_cpu_demand().expect("Linux has schedstat");
            std::thread::sleep(Duration::from_millis(200));
            thread_cpu_demand().expect("still readable") - before
        });
        let spinning = std::thread::spawn(|| {
            let before = thread_cpu_demand().expect("Linux has schedstat");
            let start = std::time::Instant::now();
            while start.elapsed() < Duration::from_millis(200) {
                std::thread::yield_now();
            }
            thread_cpu_demand().expect("still readable") - before
        });
        let blocked = blocked.join().expect("no panic");
        let spinning = spinning.join().expect("no panic");
        assert!(
            blocked < Duration::from_millis(30),
            "blocked wanted {blocked:?}"
        );
        assert!(
            spinning > Duration::from_millis(150),
            "spinning wanted {spinning:?}"
        );
    }

    #[test]
    fn work_that_panics_fails_with_its_own_message_and_does_not_hang() {
        let ended = watched_with_hint("measured", Duration::from_secs(20), "", || {
            std::panic::catch_unwind(|| {
                split_of_enough_work(1, |size| size, |_| panic!("the learner's own panic"))
            })
        });
        let message = ended.expect_err("the work panicked");
        assert_eq!(
            message.downcast_ref::<&str>(),
            Some(&"the learner's own panic")
        );
    }

    /// Burns about `ms` milliseconds of CPU on the calling thread.
    fn burn(ms: u64) -> u64 {
        let start = thread_cpu_time().expect("Linux");
        let mut x = 1_u64;
        while thread_cpu_time().expect("Linux") - start < Duration::from_millis(ms) {
            for i in 0..100_000 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
            }
        }
        x
    }

    #[test]
    fn the_sampler_counts_threads_alive_together() {
        // Threads that stay alive a while (parked, not working): a sampler waking every 200 µs
        // cannot miss them.
        let (_, together) = most_threads_during(|| {
            std::thread::scope(|scope| {
                for _ in 0..3 {
                    scope.spawn(|| std::thread::sleep(Duration::from_millis(100)));
                }
            });
        });
        // Other tests of this binary may spawn threads meanwhile, which only adds to the count:
        // so no check that work on the caller counts 0 here (graded suites run one test at a
        // time, where it does).
        assert!(
            together >= 3,
            "three threads alive at once, counted {together}"
        );
    }

    #[test]
    fn the_callers_share_is_high_for_its_own_work_and_low_for_other_threads() {
        let at_least = Duration::from_millis(100);
        let (_, alone) = caller_share_of_cpu(|| burn(300), at_least);
        let (_, elsewhere) = caller_share_of_cpu(
            || std::thread::spawn(|| burn(300)).join().expect("burned"),
            at_least,
        );
        let (alone, elsewhere) = (alone.expect("measured"), elsewhere.expect("measured"));
        // Other tests of this binary may burn CPU meanwhile, which only lowers both shares.
        assert!(alone > 0.3, "the caller's own work: share {alone:.2}");
        assert!(
            elsewhere < 0.2,
            "work on another thread: share {elsewhere:.2}"
        );
        let (_, too_little) = caller_share_of_cpu(|| 1 + 1, at_least);
        assert_eq!(too_little, None, "too little work to tell");
    }

    #[test]
    fn a_spinning_thread_uses_cpu_time_and_a_sleeping_one_does_not() {
        let start = thread_cpu_time().expect("Linux has /proc/thread-self/stat");
        let until = std::time::Instant::now() + Duration::from_millis(300);
        while std::time::Instant::now() < until {
            std::hint::spin_loop();
        }
        let spun = thread_cpu_time().expect("still readable") - start;
        assert!(spun >= Duration::from_millis(50), "spun for {spun:?}");
        let before = thread_cpu_time().expect("still readable");
        std::thread::sleep(Duration::from_millis(300));
        let slept = thread_cpu_time().expect("still readable") - before;
        assert!(slept <= Duration::from_millis(20), "slept using {slept:?}");
    }

    #[test]
    fn watched_returns_the_value() {
        assert_eq!(watched("adder", Duration::from_secs(5), || 2 + 2), 4);
    }

    #[test]
    #[should_panic(expected = "grader panicked: the learner's todo")]
    fn watched_fails_with_the_panic() {
        watched("grader", Duration::from_secs(5), || -> u32 {
            panic!("the learner's todo")
        });
    }

    #[test]
    #[should_panic(expected = "— is a waiter woken?")]
    fn a_hang_fails_with_the_hint() {
        watched_with_hint(
            "sleeper",
            Duration::from_millis(50),
            "is a waiter woken?",
            || std::thread::sleep(Duration::from_millis(400)),
        );
    }

    #[test]
    fn a_finished_group_passes() {
        let report = Watchdog::new(Duration::from_secs(5))
            .run(vec![worker("one", |ctx: &WorkerCtx| ctx.progress())]);
        assert_finished(&report, "");
    }
}

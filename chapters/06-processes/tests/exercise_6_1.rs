//! Grading suite of exercise 6.1 (join a child with a timeout), run by `cargo xtask exercise
//! check 6.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_wait_timeout.rs`. Each check runs under a watchdog, so an
//! implementation that blocks fails fast with a clear message instead of hanging the grader.
//! Every child forked here only sleeps, kills itself or `_exit`s, and is reaped.

mod on_real_threads {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use chapter_6::fork::{fork_child, kill_and_reap, reaped};
    use chapter_6::wait_timeout::wait_timeout;
    use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
    use nix::sys::signal::{Signal, kill};
    use nix::sys::wait::WaitStatus;
    use nix::unistd::{Pid, getpid};

    /// Calls `wait_timeout(child, timeout)` on a watchdog thread; fails if it does not return
    /// within `limit`. Returns the answer and how long it took.
    fn watched(
        child: Pid,
        timeout: Duration,
        limit: Duration,
    ) -> (nix::Result<Option<WaitStatus>>, Duration) {
        let slot = Arc::new(Mutex::new(None));
        let out = Arc::clone(&slot);
        let report =
            Watchdog::new(limit).run(vec![worker("wait_timeout", move |ctx: &WorkerCtx| {
                let start = Instant::now();
                let answer = wait_timeout(child, timeout);
                ctx.progress();
                *out.lock().expect("not poisoned") = Some((answer, start.elapsed()));
            })]);
        if report.ending != Ending::Finished {
            let _ = kill_and_reap(child);
            panic!(
                "wait_timeout did not return within {limit:?}: does it block? {}",
                report.describe_ending()
            );
        }
        assert!(report.panics().is_empty(), "{:?}", report.panics());
        slot.lock()
            .expect("not poisoned")
            .take()
            .expect("the worker stored its answer")
    }

    #[test]
    fn an_exited_child_is_reported_with_its_code_and_reaped() {
        let child = fork_child(|| 3).expect("fork");
        let (answer, _) = watched(child, Duration::from_secs(5), Duration::from_secs(10));
        assert_eq!(answer, Ok(Some(WaitStatus::Exited(child, 3))));
        assert!(
            reaped(child),
            "after wait_timeout, waitpid must answer ECHILD: no zombie"
        );
    }

    #[test]
    fn a_killed_child_is_reported_with_its_signal() {
        let child = fork_child(|| {
            let _ = kill(nix::unistd::getpid(), Signal::SIGKILL);
            0
        })
        .expect("succeeds");
        let (answer, _) = watched(child, Duration::from_secs(5), Duration::from_secs(10));
        assert!(
            matches!(answer, Ok(Some(WaitStatus::Signaled(p, Signal::SIGKILL, _))) if p == child),
            "{answer:?}"
        );
        assert!(reaped(child));
    }

    #[test]
    fn a_running_child_gives_none_at_the_timeout_and_stays_alive() {
        let parent = getpid();
        let child = fork_child(move || {
            // Runs for up to 8 s unless killed; exits 1 if somehow orphaned.
            for _ in 0..800 {
                std::thread::sleep(Duration::from_millis(10));
            }
            i32::from(nix::unistd::getppid() != parent)
        })
        .expect("succeeds");
        let (answer, _) = watched(child, Duration::from_millis(100), Duration::from_secs(4));
        assert_eq!(
            answer,
            Ok(None),
            "the child is still running at the timeout"
        );
        assert!(
            !reaped(child),
            "a timed-out join must leave the child to its caller"
        );
        let status = kill_and_reap(child).expect("succeeds");
        assert!(matches!(
            status,
            WaitStatus::Signaled(_, Signal::SIGKILL, _)
        ));
    }
}

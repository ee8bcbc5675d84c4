//! Grading suite of exercise 6.1 (join a child with a timeout), run by `cargo xtask exercise
//! check 6.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_wait_timeout.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it: an ended child is reported with its status and
//! reaped (even with a zero timeout, once it has ended); a running child gives `None` at the
//! timeout and is left running and unreaped (the test then tells it to exit with a code of its
//! own, which only a live child can do); the wait never blocks past the timeout (a watchdog
//! fails the test in seconds) and sleeps between looks (a spinning thread uses CPU, a sleeping
//! one does not). Every child forked here only sleeps, reads a pipe, kills itself or `_exit`s,
//! and is reaped.

use std::os::fd::OwnedFd;
use std::time::Duration;

use chapter_6::fork::{fork_child, kill_and_reap, proc_stat};
use nix::errno::Errno;
use nix::unistd::Pid;

/// Forks a child that waits for one byte on a pipe and exits with it as its code (or exits 1
/// after about 8 s, if never told). Returns the child and the pipe's write end.
fn child_waiting_for_its_code() -> (Pid, OwnedFd) {
    let (rx, tx) = nix::unistd::pipe().expect("a pipe");
    let child = fork_child(move || {
        let mut code = [1u8];
        // `read` and `nanosleep` are async-signal-safe; the parent's write end stays open in
        // the child too, so the read returns only when the parent writes (or is killed).
        for _ in 0..800 {
            match nix::unistd::read(std::os::fd::AsRawFd::as_raw_fd(&rx), &mut code) {
                Ok(1) => return i32::from(code[0]),
                Err(Errno::EINTR) => continue,
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        1
    })
    .expect("fork");
    (child, tx)
}

/// Waits (bounded) until `child` has ended and is a zombie, not yet reaped.
fn until_a_zombie(child: Pid) {
    for _ in 0..5000 {
        match proc_stat(child) {
            Some(('Z', _)) => return,
            Some(_) => std::thread::sleep(Duration::from_millis(1)),
            None => panic!("the child {child} vanished before the test reaped it"),
        }
    }
    let _ = kill_and_reap(child);
    panic!("the child {child} did not end within 5 s");
}

/// Reaps `child` whatever state the graded code left it in.
fn clean_up(child: Pid) {
    let _ = kill_and_reap(child);
}

/// The tests, against the `wait_timeout` module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::time::{Duration, Instant};

        use $($module)::+::wait_timeout;
        use chapter_6::fork::{fork_child, proc_stat, reaped};
        use common::testing::thread_cpu_time;
        use common::watchdog::Watchdog;
        use nix::sys::signal::{Signal, kill};
        use nix::sys::wait::WaitStatus;
        use nix::unistd::Pid;

        use super::{child_waiting_for_its_code, clean_up, until_a_zombie};

        /// What a watched call of `wait_timeout` gave back.
        struct Call {
            answer: nix::Result<Option<WaitStatus>>,
            took: Duration,
            /// CPU time the calling thread used inside the call.
            cpu: Duration,
        }

        /// Calls `wait_timeout(child, timeout)` on a watchdog thread; fails, naming the fault,
        /// if it has not returned `limit` after it started.
        fn call(child: Pid, timeout: Duration, limit: Duration) -> Call {
            let outcome = Watchdog::new(limit).stall_after(limit).run_one("wait_timeout", move || {
                let cpu = thread_cpu_time().expect("Linux has /proc/thread-self/stat");
                let start = Instant::now();
                let answer = wait_timeout(child, timeout);
                let took = start.elapsed();
                let cpu = thread_cpu_time().expect("still readable") - cpu;
                Call { answer, took, cpu }
            });
            outcome.unwrap_or_else(|why| {
                clean_up(child);
                panic!(
                    "wait_timeout blocks past the timeout: it had not returned {} s after it was \
                     called with a timeout of {} ms, the child still running (it must answer None \
                     once the timeout has passed, without waiting for the child to end)\n{why}",
                    limit.as_secs(),
                    timeout.as_millis()
                )
            })
        }

        #[test]
        fn an_exited_child_is_reported_with_its_code_and_reaped() {
            let child = fork_child(|| {
                std::thread::sleep(Duration::from_millis(200));
                3
            })
            .expect("fork");
            let timeout = Duration::from_secs(5);
            let Call { answer, took, .. } = call(child, timeout, Duration::from_secs(10));
            match answer {
                Ok(Some(WaitStatus::Exited(pid, 3))) if pid == child => assert!(
                    reaped(child),
                    "wait_timeout reported the child's end but left a zombie: after it, waitpid \
                     must answer ECHILD (reap the child you report)"
                ),
                Ok(None) if took < timeout => {
                    clean_up(child);
                    panic!(
                        "wait_timeout gave up before the timeout: it answered None after {} ms of \
                         a {} ms timeout while the child, which exits after 200 ms, still ran \
                         (keep looking until the deadline)",
                        took.as_millis(),
                        timeout.as_millis()
                    );
                }
                Ok(None) => {
                    clean_up(child);
                    panic!(
                        "wait_timeout never reaps an ended child: the child exited after 200 ms, \
                         yet after the whole {} ms timeout it answered None (an ended child stays \
                         a zombie until waitpid reaps it)",
                        timeout.as_millis()
                    );
                }
                Ok(Some(WaitStatus::StillAlive)) => {
                    clean_up(child);
                    panic!(
                        "StillAlive is not an ending: wait_timeout answered \
                         Some(WaitStatus::StillAlive) for a child that was running (None means \
                         it still runs at the timeout; before that, keep waiting)"
                    );
                }
                other => {
                    clean_up(child);
                    panic!("a child that exits with code 3 gave {other:?}, not Some(Exited(pid, 3))");
                }
            }
        }

        #[test]
        fn a_killed_child_is_reported_with_its_signal() {
            let child = fork_child(|| {
                let _ = kill(nix::unistd::getpid(), Signal::SIGKILL);
                0
            })
            .expect("fork");
            let Call { answer, .. } = call(child, Duration::from_secs(5), Duration::from_secs(10));
            let killed = matches!(
                answer,
                Ok(Some(WaitStatus::Signaled(p, Signal::SIGKILL, _))) if p == child
            );
            if !killed {
                clean_up(child);
            }
            assert!(
                killed,
                "a child killed by SIGKILL gave {answer:?}, not Some(Signaled(pid, SIGKILL, _))"
            );
            assert!(reaped(child), "wait_timeout left the killed child a zombie");
        }

        /// The child has ended (the test sees the zombie) before `wait_timeout` is called: even
        /// a zero timeout must find it, report it and reap it.
        #[test]
        fn an_ended_child_is_reaped_even_with_a_zero_timeout() {
            let child = fork_child(|| 0).expect("fork");
            until_a_zombie(child);
            let Call { answer, .. } = call(child, Duration::ZERO, Duration::from_secs(5));
            if let Ok(None) = answer {
                // Tell "never looked" from "looked, but cannot see an ended child".
                let again = call(child, Duration::from_secs(1), Duration::from_secs(5)).answer;
                clean_up(child);
                if let Ok(Some(_)) = again {
                    panic!(
                        "wait_timeout checks the deadline before looking at the child: with a \
                         zero timeout it answered None for a child that had already ended (a \
                         zombie), and left it unreaped; look at least once, then compare with \
                         the deadline"
                    );
                }
                panic!(
                    "wait_timeout never reaps an ended child: the child had already ended (a \
                     zombie, waiting to be reaped), yet it answered None with a zero timeout and \
                     again with a 1 s timeout ({again:?}); a zombie still exists, so it looks \
                     alive to anything but waitpid"
                );
            }
            let ok = matches!(answer, Ok(Some(WaitStatus::Exited(p, 0))) if p == child);
            if !ok {
                clean_up(child);
            }
            assert!(ok, "a child that had exited with code 0 gave {answer:?}");
            assert!(
                reaped(child),
                "wait_timeout reported the child's end but left a zombie: after it, waitpid \
                 must answer ECHILD (reap the child you report)"
            );
        }

        /// A child that waits to be told its exit code: `None` at the timeout, and then the child
        /// must still be there, unreaped and alive, to take its code and exit with it.
        #[test]
        fn a_running_child_gives_none_at_the_timeout_and_stays_running() {
            const TIMEOUT: Duration = Duration::from_millis(300);
            let (child, tell) = child_waiting_for_its_code();
            let Call { answer, cpu, .. } = call(child, TIMEOUT, Duration::from_secs(4));
            match answer {
                Ok(None) => {}
                Ok(Some(WaitStatus::StillAlive)) => {
                    clean_up(child);
                    panic!(
                        "StillAlive is not an ending: wait_timeout answered \
                         Some(WaitStatus::StillAlive) for a child that was running (None means \
                         it still runs at the timeout; before that, keep waiting)"
                    );
                }
                Ok(Some(WaitStatus::Signaled(_, Signal::SIGKILL, _))) => panic!(
                    "wait_timeout killed the child at the timeout (and reaped it): a timed-out \
                     join must leave the child running, for its caller to decide"
                ),
                other => {
                    clean_up(child);
                    panic!("a child that runs past the timeout gave {other:?}, not None");
                }
            }
            // Looked up in /proc, not with waitpid, which would reap a dead child itself.
            match proc_stat(child) {
                None => panic!(
                    "wait_timeout answered None but reaped the child: a timed-out join must \
                     leave the child to its caller"
                ),
                Some(('Z', _)) => {
                    clean_up(child);
                    panic!(
                        "wait_timeout killed the child at the timeout: it answered None, but the \
                         child, which waits to be told its exit code, had ended (a zombie); a \
                         timed-out join must leave it running"
                    );
                }
                Some(_) => {}
            }
            // Only a live child can read its code and exit with it.
            let _ = common::process::write_all(&tell, &[7]);
            let status = loop {
                match nix::sys::wait::waitpid(child, None) {
                    Err(nix::errno::Errno::EINTR) => continue,
                    other => break other,
                }
            };
            match status {
                Ok(WaitStatus::Exited(_, 7)) => {}
                Ok(WaitStatus::Signaled(_, Signal::SIGKILL, _)) => panic!(
                    "wait_timeout killed the child at the timeout: it answered None, but the \
                     child had been killed by SIGKILL; a timed-out join must leave it running"
                ),
                other => panic!("the child, told to exit with code 7, ended with {other:?}"),
            }
            // A sleeping thread uses no CPU; one that spins uses about all it waits.
            assert!(
                cpu <= TIMEOUT / 6,
                "wait_timeout spins instead of sleeping between looks: it used {} ms of CPU in a \
                 {} ms wait (pause between two looks at the child)",
                cpu.as_millis(),
                TIMEOUT.as_millis()
            );
        }
    };
}

/// The learner's `wait_timeout` (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_6::wait_timeout);
}

#[cfg(mutants)]
mod e1_blocking_waitpid {
    suite!(chapter_6::mutants::e1_blocking_waitpid);
}

#[cfg(mutants)]
mod e1_deadline_first {
    suite!(chapter_6::mutants::e1_deadline_first);
}

#[cfg(mutants)]
mod e1_kills_at_timeout {
    suite!(chapter_6::mutants::e1_kills_at_timeout);
}

#[cfg(mutants)]
mod e1_one_look {
    suite!(chapter_6::mutants::e1_one_look);
}

#[cfg(mutants)]
mod e1_spins {
    suite!(chapter_6::mutants::e1_spins);
}

#[cfg(mutants)]
mod e1_still_alive_status {
    suite!(chapter_6::mutants::e1_still_alive_status);
}

#[cfg(mutants)]
mod e1_zombie_probe {
    suite!(chapter_6::mutants::e1_zombie_probe);
}

//! Integration tests on the examples' outcomes: exit codes and signals told apart, SIGTERM
//! handled or not, SIGKILL uncatchable, zombies reaped (ECHILD afterwards), a child that dies
//! with its parent and one that does not, and a join that times out. Real processes; no timing
//! assertions.

use std::time::Duration;

use chapter_6::daemon::{join_with_timeout, orphan};
use chapter_6::signals::{Plan, as_expected, signal_worker};
use chapter_6::spawn::{ChildPlan, Ending, fork_and_wait, run_sh};
use chapter_6::{CHAPTER, fork::reaped};
use common::testing::every_variant;
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;

#[test]
fn every_example_and_variant_shows_its_lesson() {
    every_variant(&CHAPTER, &[]);
}

#[test]
fn command_tells_exit_codes_from_signals() {
    assert_eq!(run_sh("exit 3").expect("succeeds").0, Ending::Exited(3));
    assert_eq!(run_sh("/bin/true").expect("succeeds").0, Ending::Exited(0));
    assert_eq!(run_sh("/bin/false").expect("succeeds").0, Ending::Exited(1));
    assert_eq!(
        run_sh("kill -9 $$").expect("succeeds").0,
        Ending::Signaled(Signal::SIGKILL as i32)
    );
    assert_eq!(
        run_sh("kill -15 $$").expect("succeeds").0,
        Ending::Signaled(Signal::SIGTERM as i32)
    );
}

#[test]
fn fork_and_waitpid_tell_exit_codes_from_signals_and_reap() {
    let results = fork_and_wait(&[ChildPlan::Exit(0), ChildPlan::Exit(3), ChildPlan::KillSelf])
        .expect("forks");
    assert!(matches!(results[0].1, WaitStatus::Exited(p, 0) if p == results[0].0));
    assert!(matches!(results[1].1, WaitStatus::Exited(p, 3) if p == results[1].0));
    assert!(
        matches!(results[2].1, WaitStatus::Signaled(p, Signal::SIGKILL, _) if p == results[2].0)
    );
    for (pid, _, was_reaped) in &results {
        assert!(was_reaped, "{pid} left a zombie");
        assert!(reaped(*pid), "waitpid on {pid} must answer ECHILD");
    }
}

#[test]
fn sigterm_handled_unhandled_and_sigkill() {
    let budget = Duration::from_secs(5);
    let graceful = signal_worker(Plan::Graceful, budget).expect("succeeds");
    assert!(
        matches!(graceful.status, Some(WaitStatus::Exited(_, 0))),
        "{graceful:?}"
    );
    assert!(as_expected(Plan::Graceful, &graceful), "{graceful:?}");
    let default = signal_worker(Plan::Default, budget).expect("succeeds");
    assert!(
        matches!(
            default.status,
            Some(WaitStatus::Signaled(_, Signal::SIGTERM, _))
        ),
        "{default:?}"
    );
    let kill = signal_worker(Plan::Sigkill, budget).expect("succeeds");
    assert!(
        matches!(
            kill.status,
            Some(WaitStatus::Signaled(_, Signal::SIGKILL, _))
        ),
        "{kill:?}"
    );
    for seen in [graceful, default, kill] {
        assert!(seen.zombie_seen && seen.reaped, "{seen:?}");
    }
}

#[test]
fn a_pdeathsig_worker_dies_with_its_parent_and_an_orphan_does_not() {
    let life = Duration::from_secs(5);
    let tied = orphan(true, life, Duration::from_secs(3)).expect("succeeds");
    assert!(!tied.outlived_parent, "{tied:?}");
    let orphaned = orphan(false, life, Duration::from_millis(200)).expect("succeeds");
    assert!(orphaned.outlived_parent, "{orphaned:?}");
}

#[test]
fn a_join_with_a_timeout_returns_while_the_child_runs() {
    let j =
        join_with_timeout(Duration::from_secs(5), Duration::from_millis(100)).expect("succeeds");
    assert_eq!(j.joined, None);
    assert!(j.alive_after);
    assert!(matches!(
        j.finally,
        WaitStatus::Signaled(_, Signal::SIGKILL, _)
    ));
}

#[test]
fn every_message_over_the_pipes_arrives_exactly_once() {
    use chapter_6::pipes::{Encoding, exchange};
    for encoding in [Encoding::Raw, Encoding::Json] {
        let r = exchange(encoding, 4, 2_000, Duration::from_secs(20)).expect("runs");
        assert_eq!(r.received, vec![2_000; 4], "{encoding:?} {r:?}");
        assert_eq!(r.intact, vec![2_000; 4], "{encoding:?} {r:?}");
        assert!(r.all_exited_cleanly && r.exactly_once(), "{r:?}");
    }
}

#[test]
fn the_process_pool_answers_every_task_once_and_its_workers_exit_on_their_pills() {
    use chapter_6::process_pool::{TASKS, is_prime, on_processes, on_threads};
    assert!(is_prime(433_785_907) && !is_prime(9_999_999) && !is_prime(1));
    for workers in [1, 3, 8] {
        let r = on_processes(&TASKS, workers, Duration::from_secs(20)).expect("runs");
        assert_eq!(r.results.len(), TASKS.len(), "{r:?}");
        assert!(r.correct(&TASKS), "{workers} workers: {r:?}");
        assert!(on_threads(&TASKS, workers).correct(&TASKS));
    }
}

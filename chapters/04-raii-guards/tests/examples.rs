//! Integration tests of the chapter's examples on real threads: only guaranteed outcomes — a
//! guard released on every exit, the skipped release found as a one-thread cycle, poison seen
//! and recovered, parking_lot's silence, permits never over-used, and one worker at a time
//! while a guard is held across the slow work. (The descriptor counts live in
//! `tests/descriptors.rs`, a test binary of its own: see there why.)

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_4::custom_guard::run_permits;
use chapter_4::guards::{EXITS, Exit, Release, check_exit, run_book_main};
use chapter_4::held_too_long::{Scope, run_scope};
use chapter_4::poisoning::{TOTAL, parking_lot_mutex, std_mutex};
use common::watchdog::Ending;

#[test]
fn a_guard_releases_the_lock_on_every_exit() {
    for exit in EXITS {
        let after = check_exit(exit);
        assert!(after.released, "{exit:?} left the lock held");
        assert_eq!(after.poisoned, exit == Exit::Panic, "{exit:?}");
    }
}

#[test]
fn the_skipped_release_is_found_as_a_one_thread_cycle() {
    let report = run_book_main(Release::Manual, Duration::from_secs(10));
    let Ending::Deadlock(cycle) = &report.ending else {
        panic!("expected a deadlock, got {}", report.describe_ending());
    };
    assert_eq!(
        cycle.lines(),
        ["main waits for my_lock, which it holds already"]
    );
    assert_eq!(
        report.total_progress(),
        0,
        "the final acquire never returned"
    );
}

#[test]
fn with_a_guard_the_final_acquire_succeeds() {
    let report = run_book_main(Release::Guard, Duration::from_secs(10));
    assert_eq!(
        report.ending,
        Ending::Finished,
        "{}",
        report.describe_ending()
    );
    assert_eq!(report.total_progress(), 1);
    match report.results().first() {
        Some(Some(Ok(message))) => assert!(message.starts_with("File could not be found")),
        other => panic!("unexpected result {other:?}"),
    }
}

#[test]
fn std_poisons_and_the_next_locker_recovers() {
    let report = std_mutex();
    assert!(
        report.saw_poison,
        "the lock after the panic was not poisoned"
    );
    assert_eq!(report.total_found, TOTAL - 50, "the half-done transfer");
    assert_eq!(report.total_repaired, TOTAL);
    assert!(report.clean_after_clear, "clear_poison did not clear it");
}

#[test]
fn parking_lot_does_not_poison() {
    assert_eq!(parking_lot_mutex(), TOTAL - 50);
}

#[test]
fn permits_are_never_overused_and_all_come_back() {
    let report = run_permits(2, 6, 50, Duration::ZERO, Duration::from_secs(20));
    assert_eq!(report.ending, Ending::Finished);
    assert!(
        report.most_inside <= 2,
        "{} inside with 2 permits",
        report.most_inside
    );
    assert_eq!(report.free_at_end, 2);
    assert_eq!(report.uses, 300);
    assert_eq!(report.stats.count(), 300, "one timer span per use");
}

#[test]
fn a_guard_held_across_the_work_lets_one_worker_in_at_a_time() {
    for scope in [Scope::Held, Scope::MatchTemporary] {
        let report = run_scope(
            scope,
            4,
            40,
            Duration::from_micros(200),
            Duration::from_secs(20),
        );
        assert_eq!(report.ending, Ending::Finished, "{scope:?}");
        assert_eq!(report.processed, 40, "{scope:?}");
        assert_eq!(report.most_inside, 1, "{scope:?}: mutual exclusion");
        // A lower bound that mutual exclusion guarantees: the slow calls ran one after another.
        assert!(
            report.elapsed >= Duration::from_micros(200) * 40,
            "{scope:?}"
        );
    }
}

#[test]
fn the_narrowed_scope_processes_every_item() {
    let report = run_scope(
        Scope::Narrowed,
        4,
        40,
        Duration::ZERO,
        Duration::from_secs(20),
    );
    assert_eq!(report.ending, Ending::Finished);
    assert_eq!(report.processed, 40);
}

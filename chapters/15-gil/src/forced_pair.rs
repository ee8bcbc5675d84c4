//! The lost update of `reference-counting --variant broken`, forced: the schedule that loses a
//! retain and frees a live object in every round, on any machine, however busy.
//!
//! Left to the scheduler, a racy count loses an update only when both threads are on a core at
//! the same instant and one's store lands between the other's load and store; on a machine whose
//! cores are busy with other work that may not happen in a whole run. Here each of two threads
//! makes one retain/release pair, to a schedule (OSTEP's homework forces interleavings the same
//! way):
//! 1. in the window between a retain's load and its store, each thread waits until the other has
//!    loaded too: both read 1, both write 2, and one retain is lost;
//! 2. once both have retained, the releases take turns: thread 0 takes the count from 2 to 1,
//!    then thread 1 from 1 to 0, and "frees" an object its owner still holds.
//!
//! The choreography does not touch the counting code: step 1 runs in the `between` hook of
//! `RacyCount::retain` (in `refcount`, which implements [`Count`] for it), where a real preemption would fall; step 2 runs between a thread's
//! retain and its release. An atomic count has no window inside its retain (one `fetch_add`), so
//! step 1 never happens there; step 2 runs all the same, and the count stays exact. Every wait
//! has a hang guard.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::refcount_exercise::SharedCount;

/// How long a thread waits at most for the other: a guard against a hang, never reached when
/// the other thread runs at all.
const HANG_GUARD: Duration = Duration::from_secs(5);

/// A reference count the forced schedule can drive: its retain, with the window inside it (if
/// it has one), and its release.
pub trait Count: Sync {
    /// Adds a reference; `between` runs between the load and the store, if there are two steps.
    fn retain_between(&self, between: impl FnOnce());
    /// Drops a reference; true if this call saw the count reach zero.
    fn release(&self) -> bool;
    /// The count now.
    fn get(&self) -> usize;
}

impl Count for SharedCount {
    /// One `fetch_add`: no window, so `between` never runs.
    fn retain_between(&self, _between: impl FnOnce()) {
        self.retain();
    }
    fn release(&self) -> bool {
        SharedCount::release(self)
    }
    fn get(&self) -> usize {
        SharedCount::get(self)
    }
}

/// Where the two threads are in the schedule.
#[derive(Debug, Default)]
struct Steps {
    /// Threads that have loaded the count inside their retain.
    loaded: usize,
    /// Threads whose retain has returned.
    retained: usize,
    /// Whether thread 0 has released.
    first_released: bool,
}

#[derive(Debug, Default)]
struct Schedule {
    steps: Mutex<Steps>,
    moved: Condvar,
}

impl Schedule {
    /// Applies `step`, wakes the other thread, then waits (at most the hang guard) while `blocked`.
    fn step(&self, step: impl FnOnce(&mut Steps), blocked: impl FnMut(&mut Steps) -> bool) {
        let mut steps = self.lock();
        step(&mut steps);
        self.moved.notify_all();
        drop(
            self.moved
                .wait_timeout_while(steps, HANG_GUARD, blocked)
                .unwrap_or_else(PoisonError::into_inner),
        );
    }

    fn lock(&self) -> MutexGuard<'_, Steps> {
        self.steps.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How a forced round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forced {
    /// The count at the end. The owner's reference is still alive, so it must be 1.
    pub final_count: usize,
    /// Releases that saw the count reach zero although the owner still held its reference.
    pub premature_frees: u64,
}

impl Forced {
    /// Whether an update was lost: the count is wrong, or a live object was "freed".
    pub fn lost_an_update(&self) -> bool {
        self.final_count != 1 || self.premature_frees > 0
    }
}

/// One forced round on `count` (fresh, at 1): two threads, one retain/release pair each, to the
/// schedule above. The owner's reference is never released, so the count must end at 1.
pub fn forced_round(count: &impl Count) -> Forced {
    let schedule = Schedule::default();
    let frees: usize = std::thread::scope(|s| {
        let threads: Vec<_> = (0..2)
            .map(|me| {
                let schedule = &schedule;
                s.spawn(move || {
                    count.retain_between(|| {
                        schedule.step(|s| s.loaded += 1, |s| s.loaded < 2);
                    });
                    if me == 0 {
                        schedule.step(|s| s.retained += 1, |s| s.retained < 2);
                        let freed = count.release();
                        schedule.step(|s| s.first_released = true, |_| false);
                        freed
                    } else {
                        schedule.step(|s| s.retained += 1, |s| !s.first_released);
                        count.release()
                    }
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| usize::from(t.join().unwrap_or(false)))
            .sum()
    });
    Forced {
        final_count: count.get(),
        premature_frees: frees as u64,
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn the_atomic_count_passes_through_the_forced_schedule_exactly() {
        for _ in 0..20 {
            let round = forced_round(&SharedCount::new());
            assert!(!round.lost_an_update(), "{round:?}");
        }
    }
}

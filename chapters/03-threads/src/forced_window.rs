//! The gap of `work-queue --variant check-then-get`, forced open: the schedule that strands
//! workers in every run, on any machine, however busy.
//!
//! Left to the scheduler, two workers strand each other only if both check "not empty" before
//! either takes the last item; a 20 ms pause in the gap makes that likely on an idle machine, but
//! on one whose cores are busy a late worker can check after the last get and simply finish.
//! Here the gap holds a rendezvous: a worker that has checked waits there until every other
//! worker has checked too (reached the same window) or finished. Then all act on what they saw:
//! with four items and three workers, the second round's three checks all see the last item,
//! one worker takes it and two wait in `get()` for ever.
//!
//! The rendezvous does not touch the queue or the worker loop: it is what runs *between* check
//! and get, where the pause stood. A worker that takes with one `try_pop()` has no gap, so it
//! never waits here and the fix runs as it always does. Every wait has a hang guard.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long a worker waits at most for the others: a guard against a hang, never reached when
/// the others run at all (the watchdog's budget is the same).
const HANG_GUARD: Duration = Duration::from_secs(2);

/// Where one worker is: working, with the count of windows it has reached, or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Working(usize),
    Finished,
}

/// The meeting point of one run's workers.
#[derive(Debug)]
pub struct Rendezvous {
    places: Mutex<Vec<Place>>,
    moved: Condvar,
}

impl Rendezvous {
    /// A rendezvous for `workers` workers.
    pub fn new(workers: usize) -> Self {
        Self {
            places: Mutex::new(vec![Place::Working(0); workers]),
            moved: Condvar::new(),
        }
    }

    /// Worker `me`'s place at the rendezvous, for one run of its loop.
    pub fn seat(&self, me: usize) -> Seat<'_> {
        Seat {
            rendezvous: self,
            me,
        }
    }

    fn places(&self) -> MutexGuard<'_, Vec<Place>> {
        self.places.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One worker at the rendezvous; it counts as finished when dropped, so nobody waits for a
/// window it will not reach.
#[derive(Debug)]
pub struct Seat<'a> {
    rendezvous: &'a Rendezvous,
    me: usize,
}

impl Seat<'_> {
    /// The gap between this worker's check and its get: waits until every other worker has
    /// reached this window too (checked as often) or finished.
    pub fn window(&self) {
        let rendezvous = self.rendezvous;
        let mut places = rendezvous.places();
        let reached = match places[self.me] {
            Place::Working(n) => n + 1,
            Place::Finished => return,
        };
        places[self.me] = Place::Working(reached);
        rendezvous.moved.notify_all();
        let behind = |places: &mut Vec<Place>| {
            places
                .iter()
                .any(|p| matches!(p, Place::Working(n) if *n < reached))
        };
        drop(
            rendezvous
                .moved
                .wait_timeout_while(places, HANG_GUARD, behind)
                .unwrap_or_else(PoisonError::into_inner),
        );
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        self.rendezvous.places()[self.me] = Place::Finished;
        self.rendezvous.moved.notify_all();
    }
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn a_window_waits_for_the_others_to_reach_it_or_finish() {
        let rendezvous = Rendezvous::new(3);
        let reached = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for me in 0..3 {
                let (rendezvous, reached) = (&rendezvous, &reached);
                s.spawn(move || {
                    let seat = rendezvous.seat(me);
                    if me == 2 {
                        return; // finishes without a window
                    }
                    reached.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    seat.window();
                    // Past the window: every worker that has one has reached it.
                    assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 2);
                });
            }
        });
    }
}

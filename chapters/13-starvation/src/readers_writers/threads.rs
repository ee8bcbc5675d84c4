//! The book's reader and writer threads around a [`RwAccess`] lock: the room they share (which
//! checks on every access that the lock really excludes), one traced and counted access, and
//! [`measure`], which runs the threads under the watchdog and returns a [`Measurement`]. Apart
//! from the locks (`readers_writers.rs`) so the lesson reads on its own; what the numbers mean
//! is `readers_writers/report.rs`.

use std::sync::Arc;
use std::time::Duration;

use common::rng::SplitMix64;
use common::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use common::trace::tracing::{field::Empty, info_span};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};

use crate::primitives::{RwAccess, hold};
use crate::tally::{Entries, Row, Tally, Wait, rows_from};

/// The shared data, and a check on every access that the lock really excludes.
#[derive(Debug, Default)]
pub struct Room {
    /// Accesses begun so far, by anyone: the clock that `overtaken` is measured on.
    entries: Entries,
    readers_inside: AtomicUsize,
    writers_inside: AtomicUsize,
    /// The book's shared `text`, reduced to its length: writers append, readers look.
    text_len: AtomicU64,
    /// Whether readers hand the room on (see [`Room::relayed`]).
    relay: bool,
}

/// Reader or writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads the text.
    Reader,
    /// Appends to the text.
    Writer,
}

impl Room {
    /// A room the readers hand on to each other: a reader leaves only once another reader is
    /// inside, so from the moment two readers overlap the room is never without one — the
    /// schedule under which a readers-first lock starves its writers, forced rather than left
    /// to the scheduler (on a busy machine all the readers may be off their cores at once, and
    /// a writer slips in). Until the run's end: then they leave as they please.
    pub fn relayed() -> Self {
        Self {
            relay: true,
            ..Self::default()
        }
    }

    /// Accesses begun so far.
    pub fn entries(&self) -> u64 {
        self.entries.count()
    }

    /// The text's length: the number of writes.
    pub fn writes(&self) -> u64 {
        self.text_len.load(Ordering::SeqCst)
    }

    fn enter(&self, role: Role) {
        match role {
            Role::Reader => {
                self.readers_inside.fetch_add(1, Ordering::SeqCst);
                let writers = self.writers_inside.load(Ordering::SeqCst);
                assert_eq!(writers, 0, "a reader met a writer inside");
            }
            Role::Writer => {
                let writers = self.writers_inside.fetch_add(1, Ordering::SeqCst);
                let readers = self.readers_inside.load(Ordering::SeqCst);
                assert!(
                    writers == 0 && readers == 0,
                    "a writer met {writers} writer(s) and {readers} reader(s) inside"
                );
            }
        }
    }

    fn leave(&self, role: Role, ctx: &WorkerCtx) {
        match role {
            Role::Reader if self.relay => {
                // Leave only as one of two or more, so the count never drops to 0 meanwhile.
                while !ctx.should_stop() {
                    let inside = self.readers_inside.load(Ordering::SeqCst);
                    let handed_on = inside >= 2
                        && self
                            .readers_inside
                            .compare_exchange(
                                inside,
                                inside - 1,
                                Ordering::SeqCst,
                                Ordering::SeqCst,
                            )
                            .is_ok();
                    if handed_on {
                        return;
                    }
                    std::thread::sleep(Duration::from_micros(20));
                }
                self.readers_inside.fetch_sub(1, Ordering::SeqCst)
            }
            Role::Reader => self.readers_inside.fetch_sub(1, Ordering::SeqCst),
            Role::Writer => {
                self.text_len.fetch_add(1, Ordering::SeqCst);
                self.writers_inside.fetch_sub(1, Ordering::SeqCst)
            }
        };
    }
}

/// One access as `role`: request, wait, stay inside for `micros` µs. Returns how long it waited
/// and how many accesses by others began between its request and its own.
pub fn access(lock: &dyn RwAccess, room: &Room, role: Role, micros: u64) -> Wait {
    access_watched(lock, room, role, micros, &WorkerCtx::detached())
}

/// [`access`] by a watched worker: the wait is marked late if the turn came after `ctx`'s stop
/// flag (then it counts as a wait, not an access; see [`Tally::count`]).
pub fn access_watched(
    lock: &dyn RwAccess,
    room: &Room,
    role: Role,
    micros: u64,
    ctx: &WorkerCtx,
) -> Wait {
    // Under `--trace`: the wait, then the access, as two bars. Disabled spans cost a check each.
    let mut waiting = Some(
        match role {
            Role::Reader => info_span!("waiting to read", overtaken = Empty),
            Role::Writer => info_span!("waiting to write", overtaken = Empty),
        }
        .entered(),
    );
    let request = room.entries.request();
    let mut seen = Wait::default();
    let mut body = || {
        seen = request.admitted(ctx);
        if let Some(waiting) = waiting.take() {
            waiting.record("overtaken", seen.overtaken);
        }
        let _inside = match role {
            Role::Reader => info_span!("reading"),
            Role::Writer => info_span!("writing"),
        }
        .entered();
        room.enter(role);
        hold(micros);
        room.leave(role, ctx);
    };
    match role {
        Role::Reader => lock.read(&mut body),
        Role::Writer => lock.write(&mut body),
    }
    seen
}

/// The book's threads on real threads for `duration`: who got in, and how long each waited.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// One row per thread: the readers, then the writers.
    pub rows: Vec<Row>,
    /// How the watched run ended (`DeadlineReached` when all went to plan).
    pub ending: Ending,
    /// How long the run lasted.
    pub ran_for: Duration,
    /// Panic messages (an exclusion check that failed).
    pub panics: Vec<String>,
}

/// How long one access stays inside, in µs: drawn per access from 10 to 100 (seeded), so the
/// readers drift out of step instead of leaving the room together.
pub const HOLD_MICROS: (u64, u64) = (10, 100);

/// Runs `readers` reader and `writers` writer threads on `lock` for `duration`; each access
/// stays inside for a random [`HOLD_MICROS`] sleep drawn from `seed`.
pub fn measure(
    lock: Arc<dyn RwAccess>,
    readers: usize,
    writers: usize,
    duration: Duration,
    seed: u64,
) -> Measurement {
    measure_in(Room::default(), lock, readers, writers, duration, seed)
}

/// [`measure`] in `room` (a [`Room::relayed`] one forces the readers' overlap).
pub fn measure_in(
    room: Room,
    lock: Arc<dyn RwAccess>,
    readers: usize,
    writers: usize,
    duration: Duration,
    seed: u64,
) -> Measurement {
    let room = Arc::new(room);
    let roles = (0..readers)
        .map(|i| (format!("reader {i}"), Role::Reader))
        .chain((0..writers).map(|i| (format!("writer {i}"), Role::Writer)));
    let workers = roles
        .enumerate()
        .map(|(i, (name, role))| {
            let (lock, room) = (Arc::clone(&lock), Arc::clone(&room));
            worker(name, move |ctx: &WorkerCtx| {
                let mut rng = SplitMix64::for_stream(seed, i as u64);
                let mut tally = Tally::default();
                while !ctx.should_stop() {
                    let micros = HOLD_MICROS.0 + rng.below(HOLD_MICROS.1 - HOLD_MICROS.0 + 1);
                    tally.count(access_watched(lock.as_ref(), &room, role, micros, ctx));
                    ctx.progress();
                }
                tally
            })
        })
        .collect();
    let report = Watchdog::new(duration)
        .stall_after(duration / 2)
        .grace(Duration::from_secs(2))
        .run(workers);
    // "reader 0" plays "reader".
    let rows = rows_from(&report, |name| {
        name.split(' ').next().unwrap_or_default().to_string()
    });
    Measurement {
        rows,
        ending: report.ending.clone(),
        ran_for: report.ended_after,
        panics: report.panics(),
    }
}

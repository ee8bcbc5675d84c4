//! Readers-writers: many readers may share the data, a writer needs it alone — and whichever
//! side the lock favours can starve the other.
//!
//! Mirrors the book's `Chapter13/example1.py`–`example3.py`, with its 3 reader and 2 writer
//! threads looping without pause:
//!
//! - `readers-first` (example1, the *first* readers-writers problem): readers count themselves in
//!   `rcount` under the `rcounter` lock; the first reader in takes `resource`, the last one out
//!   releases it; a writer takes `resource`. While readers overlap, `rcount` never drops to zero
//!   and `resource` is never free: **the writers starve** (the book: 830,852 reads, 0 writes).
//! - `writers-first` (example2, the *second* problem): a waiting writer closes the `read_try`
//!   gate (the first writer takes it, the last releases it), so new readers queue while writers
//!   keep handing `resource` to each other: **the readers starve** (the book: 35,186 writes,
//!   1,148 reads).
//! - `fair` (example3, the *third* problem): both sides pass one `service` turnstile before
//!   touching `rcounter`/`resource`; a waiting writer holds the turnstile, so readers that come
//!   later queue behind it. Both progress (the book: 342,955 reads, 24,592 writes). It lives in
//!   [`crate::fair_rwlock`]: that is exercise 13.1.
//! - `std-rwlock` and `parking-lot-rwlock`: the ready-made locks under the same load. These two
//!   are *measurements*, not demonstrations: the run says which side, if any, starved, and the
//!   verdict only says that the measurement completed (no panic, no stall).
//!
//! Two notes on the translation. The book's `resource` and `read_try` are `threading.Lock`s that
//! one thread acquires and *another* releases; a Rust `Mutex` guard cannot be handed between
//! threads, so they are [`Semaphore`]s with one permit (binary semaphores, which is what the book
//! is using them as). And the turnstile is only as fair as the `service` lock: the book's is a
//! plain `Lock`, ours is a FIFO [`crate::primitives::TicketLock`], so that "a waiting writer is
//! overtaken by at most the readers already queued" is a property the model checker can check.
//!
//! Each thread reports its accesses, its longest wait, and the most accesses that overtook it in
//! one wait (see [`crate::tally`]). A turn that comes after the watchdog's stop flag counts as a
//! wait, not an access: in `readers-first` the writers get in only once the readers have quit.
//! Every access also checks the exclusion itself: a reader that meets a writer, or a writer that
//! meets anyone, panics.
//!
//! Run: `cargo run -p chapter-13 -- run readers-writers [--variant readers-first]`. Expect the
//! starving side to show a handful of accesses (often none) and a longest wait close to the
//! whole run; the fair variants to show every thread with thousands of accesses. With
//! `--trace trace.json`, each access is a "waiting to read"/"waiting to write" bar (its
//! `overtaken` argument counts who got in meanwhile) then a "reading"/"writing" bar, per thread:
//! under `readers-first` the writers' rows are one bar of waiting, the whole run long.
//!
//! This file is the locks (the book's two policies and the ready-made `RwLock`s), the variants
//! and the run; the threads that drive a lock (the room, one access, the measured run) are
//! `readers_writers/threads.rs`, and the report (who starved, the policy in words, the verdict,
//! lines, figures and table) is `readers_writers/report.rs`, so the locks read on their own.

use std::sync::Arc;
use std::time::Duration;

use common::sync::{Mutex, lock};
use common::{Outcome, RunConfig};

use crate::fair_rwlock::FairRwLock;
pub use crate::primitives::RwAccess;
use crate::primitives::Semaphore;

mod report;
mod threads;

pub use threads::{
    HOLD_MICROS, Measurement, Role, Room, access, access_watched, measure, measure_in,
};

/// The book's thread counts.
pub const READERS: usize = 3;
/// The book's thread counts.
pub const WRITERS: usize = 2;

/// The book's example1: the first reader locks the writers out, the last lets them in.
#[derive(Debug)]
pub struct ReadersFirst {
    /// `rcount`, guarded by the `rcounter` lock.
    rcount: Mutex<usize>,
    /// Held by a writer, or by the readers as a group.
    resource: Semaphore,
}

impl Default for ReadersFirst {
    fn default() -> Self {
        Self {
            rcount: Mutex::new(0),
            resource: Semaphore::new(1),
        }
    }
}

impl RwAccess for ReadersFirst {
    fn read(&self, body: &mut dyn FnMut()) {
        {
            let mut rcount = lock(&self.rcount);
            *rcount += 1;
            if *rcount == 1 {
                self.resource.acquire();
            }
        }
        body();
        let mut rcount = lock(&self.rcount);
        *rcount -= 1;
        if *rcount == 0 {
            // Possibly a different reader from the one that acquired it: a semaphore, not a guard.
            self.resource.release();
        }
    }

    fn write(&self, body: &mut dyn FnMut()) {
        self.resource.acquire();
        body();
        self.resource.release();
    }
}

/// The book's example2: the first waiting writer closes the readers' gate, the last opens it.
#[derive(Debug)]
pub struct WritersFirst {
    rcount: Mutex<usize>,
    wcount: Mutex<usize>,
    /// The readers' gate: held by the writers as a group while any writer waits or writes.
    read_try: Semaphore,
    resource: Semaphore,
}

impl Default for WritersFirst {
    fn default() -> Self {
        Self {
            rcount: Mutex::new(0),
            wcount: Mutex::new(0),
            read_try: Semaphore::new(1),
            resource: Semaphore::new(1),
        }
    }
}

impl RwAccess for WritersFirst {
    fn read(&self, body: &mut dyn FnMut()) {
        self.read_try.acquire();
        {
            let mut rcount = lock(&self.rcount);
            *rcount += 1;
            if *rcount == 1 {
                self.resource.acquire();
            }
        }
        self.read_try.release();
        body();
        let mut rcount = lock(&self.rcount);
        *rcount -= 1;
        if *rcount == 0 {
            self.resource.release();
        }
    }

    fn write(&self, body: &mut dyn FnMut()) {
        {
            let mut wcount = lock(&self.wcount);
            *wcount += 1;
            if *wcount == 1 {
                self.read_try.acquire();
            }
        }
        self.resource.acquire();
        body();
        self.resource.release();
        let mut wcount = lock(&self.wcount);
        *wcount -= 1;
        if *wcount == 0 {
            self.read_try.release();
        }
    }
}

/// `std::sync::RwLock`, under the same load.
#[derive(Debug, Default)]
pub struct StdRwLock(std::sync::RwLock<()>);

impl RwAccess for StdRwLock {
    fn read(&self, body: &mut dyn FnMut()) {
        let _guard = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        body();
    }

    fn write(&self, body: &mut dyn FnMut()) {
        let _guard = self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        body();
    }
}

/// `parking_lot::RwLock`, under the same load.
#[derive(Debug, Default)]
pub struct ParkingLotRwLock(parking_lot::RwLock<()>);

impl RwAccess for ParkingLotRwLock {
    fn read(&self, body: &mut dyn FnMut()) {
        let _guard = self.0.read();
        body();
    }

    fn write(&self, body: &mut dyn FnMut()) {
        let _guard = self.0.write();
        body();
    }
}

common::variants! {
    /// The example's variants: which lock, and what its run is expected to show.
    pub enum Kind {
        /// The book's example1: the writers starve.
        ReadersFirst = "readers-first": "the first reader locks writers out, the last lets them in: writers starve (book example1)",
        /// The book's example2: the readers starve.
        WritersFirst = "writers-first": "a waiting writer closes the readers' gate: readers starve (book example2)",
        /// The book's example3: both sides progress.
        Fair = "fair": "both sides pass a FIFO service turnstile: both progress (book example3)",
        /// `std::sync::RwLock`: measured.
        StdRwLock = "std-rwlock": "std::sync::RwLock under the same load: a measurement of its policy (who starved, if anyone)",
        /// `parking_lot::RwLock`: measured.
        ParkingLotRwLock = "parking-lot-rwlock": "parking_lot::RwLock under the same load: a measurement of its policy (who starved, if anyone)",
    }
}

impl Kind {
    /// A fresh lock of this kind.
    pub fn lock(self) -> Arc<dyn RwAccess> {
        match self {
            Self::ReadersFirst => Arc::new(ReadersFirst::default()),
            Self::WritersFirst => Arc::new(WritersFirst::default()),
            Self::Fair => Arc::new(FairRwLock::default()),
            Self::StdRwLock => Arc::new(StdRwLock::default()),
            Self::ParkingLotRwLock => Arc::new(ParkingLotRwLock::default()),
        }
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    // The tour: 250 ms, thousands of accesses; a starved side still waits the whole run.
    let duration = config.pick(Duration::from_millis(250), Duration::from_secs(3));
    let kind = config.variant_of::<Kind>()?;
    if kind != Kind::ReadersFirst {
        let m = measure(kind.lock(), READERS, WRITERS, duration, config.seed);
        return Ok(report::outcome(config, kind, &m));
    }
    // The verdict's run: the readers hand the room on, the overlap the starvation needs. Then
    // one left to the scheduler, as a measurement.
    let forced = measure_in(
        Room::relayed(),
        kind.lock(),
        READERS,
        WRITERS,
        duration,
        config.seed,
    );
    let free = measure(kind.lock(), READERS, WRITERS, duration, config.seed);
    let (free_writes, _) = free.side(Role::Writer);
    Ok(report::outcome(config, kind, &forced)
        .line(
            "The readers hand the room on: one leaves only once another is inside, so from the \
             moment two overlap the room is never without a reader.",
        )
        .line(format!(
            "Left to the scheduler, another {} gave the writers {}: {}.",
            common::timing::human(free.ran_for),
            common::format::counted(free_writes, "writes"),
            if free.starved(Role::Writer) {
                "starved all the same"
            } else {
                "a busy machine let every reader off its core at once, and a writer slipped in"
            }
        ))
        .count("writes free-running", free_writes, "writes"))
}

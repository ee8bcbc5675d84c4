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

use std::sync::Arc;
use std::time::Duration;

use common::rng::SplitMix64;
use common::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use common::sync::{Mutex, lock};
use common::timing::human;
use common::trace::tracing::{field::Empty, info_span};
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, Verdict};

use crate::fair_rwlock::FairRwLock;
pub use crate::primitives::RwAccess;
use crate::primitives::{Semaphore, hold};
use crate::tally::{Entries, Row, Tally, Wait, percent, rows_from, share_table, total};

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

/// The shared data, and a check on every access that the lock really excludes.
#[derive(Debug, Default)]
pub struct Room {
    /// Accesses begun so far, by anyone: the clock that `overtaken` is measured on.
    entries: Entries,
    readers_inside: AtomicUsize,
    writers_inside: AtomicUsize,
    /// The book's shared `text`, reduced to its length: writers append, readers look.
    text_len: AtomicU64,
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

    fn leave(&self, role: Role) {
        match role {
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
        room.leave(role);
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

impl Measurement {
    /// Accesses and the longest single wait of one side.
    pub fn side(&self, role: Role) -> (u64, Duration) {
        let prefix = if role == Role::Reader {
            "reader"
        } else {
            "writer"
        };
        let rows = self.rows.iter().filter(|r| r.role == prefix);
        rows.fold((0, Duration::ZERO), |(n, w), r| {
            (n + r.tally.accesses, w.max(r.tally.longest_wait))
        })
    }

    /// One side's share of all accesses, in percent.
    pub fn share(&self, role: Role) -> f64 {
        percent(self.side(role).0, total(&self.rows))
    }

    /// A side starved if it got under 1 % of the accesses, or one of its threads waited at
    /// least half the run for a single access.
    pub fn starved(&self, role: Role) -> bool {
        let (accesses, longest) = self.side(role);
        percent(accesses, total(&self.rows)) < 1.0 || longest >= self.ran_for / 2
    }

    /// Accesses per thread of one side (0 for a side with no threads).
    pub fn per_thread(&self, role: Role) -> f64 {
        let prefix = if role == Role::Reader {
            "reader"
        } else {
            "writer"
        };
        let threads = self.rows.iter().filter(|r| r.role == prefix).count();
        if threads == 0 {
            0.0
        } else {
            self.side(role).0 as f64 / threads as f64
        }
    }

    /// The policy these numbers show, in words: who starved, or else whether one side's threads
    /// got in ten times as often as the other's.
    pub fn policy(&self) -> &'static str {
        let (reads, writes) = (self.per_thread(Role::Reader), self.per_thread(Role::Writer));
        match (self.starved(Role::Reader), self.starved(Role::Writer)) {
            (false, true) => "readers first: the writers starved",
            (true, false) => "writers first: the readers starved",
            (true, true) => "both sides starved",
            (false, false) if writes > 10.0 * reads => {
                "writers favoured: the readers slowed to a trickle, though not starved this run"
            }
            (false, false) if reads > 10.0 * writes => {
                "readers favoured: the writers slowed to a trickle, though not starved this run"
            }
            (false, false) => "neither side starved: fair in this run",
        }
    }
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
    let room = Arc::new(Room::default());
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

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    // The tour: 250 ms, thousands of accesses; a starved side still waits the whole run.
    let duration = config.pick(Duration::from_millis(250), Duration::from_secs(3));
    let kind = config.variant_of::<Kind>()?;
    let m = measure(kind.lock(), READERS, WRITERS, duration, config.seed);
    let (reads, read_wait) = m.side(Role::Reader);
    let (writes, write_wait) = m.side(Role::Writer);
    let table = share_table(
        &format!("Per thread, {} run", human(m.ran_for)),
        "accesses",
        &m.rows,
    );
    let ran = m.ending == Ending::DeadlineReached && m.panics.is_empty();
    let (readers_starved, writers_starved) = (m.starved(Role::Reader), m.starved(Role::Writer));
    let every_thread_in = m.rows.iter().all(|r| r.tally.accesses > 0);
    let least_served = m.rows.iter().map(|r| r.tally.accesses).min().unwrap_or(0);
    let (showed, key, key_value, notice) = match kind {
        Kind::ReadersFirst => (
            writers_starved && m.share(Role::Reader) >= 50.0,
            "writes",
            writes,
            "while readers overlap, rcount never reaches 0 and resource is never free: the writers wait the whole run",
        ),
        Kind::WritersFirst => (
            readers_starved && m.share(Role::Writer) >= 50.0,
            "reads",
            reads,
            "the two writers keep the read_try gate closed between them: new readers never get past it",
        ),
        Kind::Fair => (
            !readers_starved && !writers_starved && every_thread_in,
            "accesses by the least-served thread",
            least_served,
            "the service turnstile queues readers behind a waiting writer: both sides progress",
        ),
        // The ready-made locks are measurements: the verdict says the measurement completed
        // (checked by `ran`), and the policy line says what it found.
        Kind::StdRwLock | Kind::ParkingLotRwLock => (
            true,
            "accesses by the least-served thread",
            least_served,
            "a measurement, not a promise: the policy is read off the numbers — who starved, and how long the worst wait was",
        ),
    };
    let verdict = Verdict::from(ran && showed);
    let mut outcome = config.outcome(verdict)
        .line(format!(
            "{READERS} readers and {WRITERS} writers for {}: {reads} reads, {writes} writes.",
            human(m.ran_for)
        ))
        .line(format!(
            "Longest wait for one access: a reader {}, a writer {}.",
            human(read_wait),
            human(write_wait)
        ))
        .line(format!(
            "Each access stays inside for a {}–{} µs sleep, standing for I/O: sleeping keeps the CPUs free, so the numbers show the lock's policy, not the OS's time-slicing.",
            HOLD_MICROS.0, HOLD_MICROS.1
        ))
        .line(format!("Measured policy: {}.", m.policy()))
        .key_figure(key, key_value as f64, "accesses")
        .figure("reads", reads as f64, "accesses")
        .figure("writes", writes as f64, "accesses")
        .figure("longest reader wait", read_wait.as_secs_f64(), "s")
        .figure("longest writer wait", write_wait.as_secs_f64(), "s")
        .notice(notice)
        .table(table);
    if !ran {
        outcome = outcome.line(format!(
            "The run did not go to plan: {:?} {:?}",
            m.ending, m.panics
        ));
    }
    Ok(outcome)
}

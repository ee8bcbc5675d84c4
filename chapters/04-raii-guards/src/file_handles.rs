//! Files that close themselves: the book's descriptor leak, and why a Rust `File` cannot leak
//! by accident.
//!
//! Mirrors the book's `Chapter04/example1.py`. Its method 1 opens `n_files = 254` files and keeps
//! them all open; with enough files the process hits its descriptor limit and `open` fails with
//! "Too many open files" (EMFILE). Its method 3 is the cure: `with open(...) as f:` closes each
//! file when the block ends. In Rust every `File` is a `with` block: it closes its descriptor
//! when it is dropped, at the end of its scope, on early return, on `?` and on panic.
//!
//! - `scoped` (the book's method 3): open 254 files one after another, each dropped at the end
//!   of its loop turn. The process's open descriptors (counted in `/proc/self/fd`) are the same
//!   before and after, and never more than one above the start during the loop.
//! - `leaked` (the book's method 1): keep every `File` alive in a `Vec`, as the book keeps them
//!   in a list, under a soft descriptor limit lowered to "open now + 32". After about 32 files
//!   the next open fails with EMFILE, handled as an ordinary `io::Error`. Then the `Vec` is dropped (every file
//!   closes), the limit is restored — by an RAII guard, [`SoftLimit`] — and the descriptor count
//!   is back where it started. `std::mem::forget` on each `File` would leak them for good (safe
//!   Rust allows it: leaking is not undefined behaviour); a `Vec` that lives too long is the
//!   leak Rust code actually meets.
//!
//! Why the limit is lowered the way it is: `RLIMIT_NOFILE` belongs to the whole process, so a
//! lowered limit could make another thread's `open` fail. Only the *soft* limit is lowered, to
//! the descriptors open now plus 32, and [`SoftLimit`] restores it as soon as the demo's scope
//! ends (even on panic). The chapter binary runs one example at a time on one thread; the tests
//! that lower the limit live in their own test binary (`tests/descriptors.rs`) with a single
//! test function, so no other test thread can be opening files meanwhile.
//!
//! Run: `cargo run -p chapter-4 -- run file-handles`. Expect: `scoped` ends with the start count;
//! `leaked` opens about 32 files, then reports EMFILE, then the count returns to the start.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use nix::sys::resource::{Resource, getrlimit, setrlimit};

use common::{Outcome, RunConfig, TableData, Variants, Verdict};

common::variants! {
    /// How long each `File` lives.
    pub enum Keeping {
        /// Every file kept alive (the book's method 1).
        Leaked = "leaked": "keep every File alive (the book's method 1) under a lowered limit",
        /// Each file dropped at the end of its loop turn (the book's `with`).
        Scoped = "scoped": "each File dropped at the end of its loop turn (the book's `with`)",
    }
}

/// The book's file count.
pub const BOOK_FILES: usize = 254;

/// How many files the `leaked` variant may open above what is already open.
pub const HEADROOM: u64 = 32;

/// Counts this process's open file descriptors (the entries of `/proc/self/fd`; reading the
/// directory opens one more, which every count includes alike).
pub fn open_descriptors() -> io::Result<usize> {
    Ok(fs::read_dir("/proc/self/fd")?.count())
}

/// A scratch directory under the system temp dir, removed (with its files) when dropped: one
/// more RAII guard.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a fresh directory named after the process id and `tag`.
    pub fn new(tag: &str) -> io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "chapter-4-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&path)?;
        Ok(Self { path })
    }

    /// Where the directory is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The book's file name for file `i`.
    pub fn sample(&self, i: usize) -> PathBuf {
        self.path.join(format!("sample{i}.txt"))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Best effort: a failure to clean up a temp dir must not turn into a panic in drop.
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// The process's soft descriptor limit, lowered for as long as this guard lives and restored
/// when it is dropped.
#[derive(Debug)]
pub struct SoftLimit {
    soft: u64,
    hard: u64,
}

impl SoftLimit {
    /// Lowers the soft `RLIMIT_NOFILE` to `soft` (never above the hard limit).
    pub fn lower_to(soft: u64) -> nix::Result<Self> {
        let (old_soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
        setrlimit(Resource::RLIMIT_NOFILE, soft.min(hard), hard)?;
        Ok(Self {
            soft: old_soft,
            hard,
        })
    }
}

impl Drop for SoftLimit {
    fn drop(&mut self) {
        // Raising the soft limit back up to (at most) the hard limit is always permitted.
        let _ = setrlimit(Resource::RLIMIT_NOFILE, self.soft, self.hard);
    }
}

/// What the `scoped` variant saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedReport {
    /// Files opened (and closed).
    pub files: usize,
    /// Open descriptors before.
    pub before: usize,
    /// Most descriptors seen open while a file was open.
    pub peak: usize,
    /// Open descriptors after.
    pub after: usize,
}

/// The book's method 3: each file lives for one loop turn, like `with open(...) as f:`.
pub fn open_scoped(dir: &ScratchDir, files: usize) -> io::Result<ScopedReport> {
    let before = open_descriptors()?;
    let mut peak = before;
    for i in 0..files {
        let file = File::create(dir.sample(i))?;
        peak = peak.max(open_descriptors()?);
        drop(file); // what the end of the loop body does anyway; written out to show it
    }
    let after = open_descriptors()?;
    Ok(ScopedReport {
        files,
        before,
        peak,
        after,
    })
}

/// What the `leaked` variant saw.
#[derive(Debug)]
pub struct LeakReport {
    /// Open descriptors before.
    pub before: usize,
    /// The lowered soft limit.
    pub limit: u64,
    /// Files opened before `open` failed.
    pub opened: usize,
    /// The error that stopped it (EMFILE expected), if any.
    pub error: Option<io::Error>,
    /// Open descriptors after the kept files were dropped and the limit restored.
    pub after: usize,
    /// The soft limit after the demo (equal to the one before it).
    pub limit_restored: bool,
}

impl LeakReport {
    /// True if `open` failed with "too many open files".
    pub fn hit_emfile(&self) -> bool {
        self.error.as_ref().and_then(io::Error::raw_os_error)
            == Some(nix::errno::Errno::EMFILE as i32)
    }
}

/// The book's method 1: keep every file open (in a `Vec`, as the book keeps them in a list)
/// under a soft limit of "open now + `headroom`", until `open` fails or `max_files` are open.
pub fn open_and_keep(
    dir: &ScratchDir,
    headroom: u64,
    max_files: usize,
) -> anyhow::Result<LeakReport> {
    let limit_before = getrlimit(Resource::RLIMIT_NOFILE)?;
    let before = open_descriptors()?;
    let limit = before as u64 + headroom;
    let (opened, error) = {
        let _lowered = SoftLimit::lower_to(limit)?;
        let mut kept = Vec::new();
        let mut error = None;
        for i in 0..max_files {
            match File::create(dir.sample(i)) {
                Ok(file) => kept.push(file),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        (kept.len(), error)
        // `kept` drops here, closing every file; then `_lowered` restores the limit.
    };
    let after = open_descriptors()?;
    let limit_restored = getrlimit(Resource::RLIMIT_NOFILE)? == limit_before;
    Ok(LeakReport {
        before,
        limit,
        opened,
        error,
        after,
        limit_restored,
    })
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let keeping = config.variant_of::<Keeping>()?;
    let dir = ScratchDir::new(keeping.name())?;
    let outcome = match keeping {
        Keeping::Leaked => {
            let report = open_and_keep(&dir, HEADROOM, BOOK_FILES)?;
            let mut table = TableData::new(
                "Keeping every file open under a lowered soft limit",
                &[
                    "open before",
                    "soft limit",
                    "files opened",
                    "then",
                    "open after",
                ],
            );
            table.row([
                report.before.to_string(),
                report.limit.to_string(),
                report.opened.to_string(),
                report
                    .error
                    .as_ref()
                    .map_or_else(|| "no error".to_string(), ToString::to_string),
                report.after.to_string(),
            ]);
            let showed =
                report.hit_emfile() && report.after == report.before && report.limit_restored;
            config.outcome(Verdict::from(showed))
                .line(format!(
                    "Kept every File in a Vec (the book's list) with the soft limit at {}: open #{} failed.",
                    report.limit,
                    report.opened + 1
                ))
                .line("The error is an ordinary io::Error, handled; then the Vec dropped, closing every file,")
                .line("and the SoftLimit guard restored the limit. mem::forget on each File would leak them for good.")
                .count("files opened before EMFILE", report.opened, "files").as_key()
                .count("descriptors open before", report.before, "fds")
                .count("descriptors open after", report.after, "fds")
                .table(table)
                .notice("a File closes on drop; keeping it alive too long is the leak that remains")
        }
        Keeping::Scoped => {
            let report = open_scoped(&dir, BOOK_FILES)?;
            let mut table = TableData::new(
                "Opening the book's 254 files, each dropped at the end of its loop turn",
                &["files", "open before", "peak while open", "open after"],
            );
            table.row([report.files, report.before, report.peak, report.after]);
            let showed = report.after == report.before && report.peak <= report.before + 1;
            config
                .outcome(Verdict::from(showed))
                .line(format!(
                    "Opened {} files in {}, one at a time; each closed when it went out of scope.",
                    report.files,
                    dir.path().display()
                ))
                .key_figure(
                    "descriptors leaked",
                    report.after as f64 - report.before as f64,
                    "fds",
                )
                .count(
                    "peak descriptors above start",
                    report.peak.saturating_sub(report.before),
                    "fds",
                )
                .table(table)
                .notice("every File is a `with` block: dropping it closes the descriptor")
        }
    };
    Ok(outcome)
}

//! False sharing: two threads that share no data still slow each other down when their data
//! shares a cache line.
//!
//! Each thread increments a counter of its own: nothing is shared, so there is no race and no
//! lock. But cores keep memory coherent a cache line at a time (64 bytes on x86): when both
//! counters sit in one line, every increment on one core takes the line away from the other,
//! and the line travels back and forth between the cores at each step. The program shares
//! nothing; the hardware shares the line ("false" sharing). Giving each counter a line of its
//! own — [`crate::padded::Padded`], aligned to 128 bytes like crossbeam's `CachePadded` — removes
//! it. This is why the per-thread parts of this chapter's sharded and approximate counters
//! (`counters`, exercise 16.1, OSTEP's sloppy counter) are padded.
//!
//! The variants are the two layouts; each run counts with its own layout, then with the other
//! one for comparison:
//! - `adjacent`: the two counters side by side in one 64-byte-aligned block, one line;
//! - `padded`: each counter aligned to 128 bytes, on lines of its own.
//!
//! The verdict rests on facts: where the counters are (one line, or two) and that both count
//! exactly. How much slower the shared line is — several times on an idle x86, less when the
//! threads rarely run at the same instant — is the measurement beside it.
//!
//! Run: `cargo run --release -p chapter-16 -- run false-sharing [--variant adjacent]`.
//! Book section: chapter 16, "Building concurrent data structures" (counters per thread).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::timing::Stopwatch;
use common::{Outcome, RunConfig, Verdict};

use crate::padded::Padded;

common::variants! {
    /// Where the two threads' counters live.
    pub enum Layout {
        /// Side by side: one cache line.
        Adjacent = "adjacent": "two threads' own counters in one cache line: each increment takes the line from the other core",
        /// A line each.
        Padded = "padded": "each counter aligned to 128 bytes, on a line of its own: the same work, nothing travels",
    }
}

/// The size of a cache line on the machines this course runs on (x86; 128 on some ARM cores,
/// which `Padded` covers too).
pub const LINE: usize = 64;

/// Two counters in one 64-byte-aligned block: both within its first 16 bytes, one line.
#[derive(Debug, Default)]
#[repr(C, align(64))]
pub struct Adjacent([AtomicU64; 2]);

/// Thread `i` increments counter `i` of `counters` `increments` times; both at once. Returns the
/// final counts and how long the pair took.
pub fn count_apart(counters: [&AtomicU64; 2], increments: u64) -> ([u64; 2], Duration) {
    let watch = Stopwatch::start();
    std::thread::scope(|scope| {
        for counter in counters {
            scope.spawn(move || {
                for _ in 0..increments {
                    // Relaxed: each counter has one writer; the only cost is the line's travel.
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let took = watch.elapsed();
    (counters.map(|c| c.load(Ordering::Relaxed)), took)
}

/// What one layout did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counted {
    /// Whether the two counters are in one cache line (by their addresses).
    pub same_line: bool,
    /// Whether each counter ended at exactly the increments made on it.
    pub exact: bool,
    /// How long the two threads took.
    pub took: Duration,
}

/// Counts with `layout`, `increments` on each of the two counters.
pub fn count_with(layout: Layout, increments: u64) -> Counted {
    let adjacent = Adjacent::default();
    let padded: [Padded<AtomicU64>; 2] = Default::default();
    let counters = match layout {
        Layout::Adjacent => [&adjacent.0[0], &adjacent.0[1]],
        Layout::Padded => [&padded[0].0, &padded[1].0],
    };
    let line = |c: &AtomicU64| std::ptr::from_ref(c) as usize / LINE;
    let same_line = line(counters[0]) == line(counters[1]);
    let (counts, took) = count_apart(counters, increments);
    Counted {
        same_line,
        exact: counts == [increments; 2],
        took,
    }
}

/// Runs one variant: its layout, then the other for comparison.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let layout = config.variant_of::<Layout>()?;
    let other = match layout {
        Layout::Adjacent => Layout::Padded,
        Layout::Padded => Layout::Adjacent,
    };
    let increments = config.pick(2_000_000, 50_000_000);
    let mine = count_with(layout, increments);
    let theirs = count_with(other, increments);
    let expected_line = layout == Layout::Adjacent;
    let showed = mine.exact && theirs.exact && mine.same_line == expected_line;
    let ns = |c: &Counted| c.took.as_secs_f64() * 1e9 / increments as f64;
    let (shared, apart) = match layout {
        Layout::Adjacent => (&mine, &theirs),
        Layout::Padded => (&theirs, &mine),
    };
    let slowdown = shared.took.as_secs_f64() / apart.took.as_secs_f64().max(f64::EPSILON);
    Ok(config
        .outcome(Verdict::from(showed))
        .line(format!(
            "Two threads each add 1 to a counter of their own, {} times; nothing is shared.",
            common::format::count(increments)
        ))
        .line(if mine.same_line {
            "Their counters are in one 64-byte cache line (by their addresses): every increment \
             takes the line from the other core."
        } else {
            "Their counters are on separate cache lines (by their addresses): each core keeps its \
             own."
        })
        .line(format!(
            "One line: {} ({:.1} ns an increment); a line each: {} ({:.1} ns) — the shared line \
             is {} as slow. Both counted exactly: {}.",
            common::format::duration(shared.took),
            ns(shared),
            common::format::duration(apart.took),
            ns(apart),
            common::format::ratio(slowdown),
            common::format::yes_no(mine.exact && theirs.exact)
        ))
        .flag("same cache line", mine.same_line)
        .figure("one line / a line each", slowdown, "x")
        .as_key()
        .duration("time", mine.took)
        .duration("other layout's time", theirs.took)
        .count("increments", 2 * increments, "increments")
        .notice(match layout {
            Layout::Adjacent => {
                "no data is shared, yet the threads wait on each other: the hardware shares the line"
            }
            Layout::Padded => {
                "128 bytes of padding per counter: the price of a line each, paid in memory, not time"
            }
        }))
}

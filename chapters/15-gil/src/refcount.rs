//! Reference counting and aliasing: the bookkeeping the GIL exists to protect.
//!
//! Every CPython object carries a count of the references to it; the object is freed when the
//! count drops to zero. The book's `Chapter15/example1.py` prints `sys.getrefcount` as names are
//! bound to a list, then changes the list through one name and sees the change through the other
//! (two names, one object). Rust's `Rc` is the same idea: `Rc::strong_count` counts the handles,
//! and a change made through one handle (here through a `RefCell`) shows through every other.
//!
//! Why that leads to a GIL: CPython updates counts with a plain load and store. Two threads
//! doing that to the same count at once can lose an update — then the object is freed while in
//! use, or never freed. CPython's answer is one lock around the whole interpreter. Rust's answer
//! is in the types: `Rc` (plain counts) is not `Send`, so it cannot reach a second thread at
//! all; `Arc` (atomic counts, each update one indivisible read-modify-write) can.
//!
//! Variants:
//! - `aliasing`: the book's example with `Rc<RefCell<Vec<i32>>>`, counts printed step by step;
//! - `broken`: a count shared by two threads and updated the CPython way (load, then store), with
//!   no GIL. In the rounds the verdict counts, the schedule is forced ([`crate::forced_pair`]):
//!   both threads load before either stores, so a retain is lost and a release "frees" an object
//!   still in use, every round on any machine. Then rounds left to the scheduler: how often the
//!   race happens on its own (sometimes on an idle machine, rarely on a busy one);
//! - `atomic`: the same traffic on `Arc` and on exercise 15.2's `SharedCount`, free-running and
//!   through the forced schedule: exact every time; plus what each kind of count costs per
//!   clone+drop, the price CPython avoided with a GIL.
//!
//! Run: `cargo run -p chapter-15 -- run reference-counting` (all three variants).
//! Book: chapter 15, "Memory management in Python" (`Chapter15/example1.py`).

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;

use common::sync::atomic::{AtomicUsize, Ordering};
use common::timing::Stopwatch;
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::forced_pair::{Count, forced_round};
use crate::refcount_exercise::SharedCount;

common::variants! {
    /// What the example shows of reference counts.
    pub enum Counting {
        /// The book's example: names bound to one list, counted.
        Aliasing = "aliasing": "the book's example: names bound to one list, counted with Rc::strong_count",
        /// A count shared by two threads, updated by load-then-store with no GIL.
        Broken = "broken": "two threads update one count by load-then-store, no GIL: lost updates, counted",
        /// The same traffic on atomic counts, and what atomics cost.
        Atomic = "atomic": "the same traffic on Arc and an atomic count: exact; and what atomics cost",
    }
}

/// A reference count updated the way CPython updates one: read it, then write the new value.
/// Correct under a GIL; with two threads and no GIL, the other thread's update can land between
/// the read and the write and be overwritten.
#[derive(Debug)]
pub struct RacyCount {
    count: AtomicUsize,
}

impl RacyCount {
    /// A count of 1.
    pub fn new() -> Self {
        Self {
            count: AtomicUsize::new(1),
        }
    }

    /// `Py_INCREF` without a GIL: load, then store; `between` runs between the two, where the
    /// other thread's update can land. (Atomics only so that the race is a well-defined lost
    /// update rather than undefined behaviour; the load-then-store is the bug.)
    pub fn retain(&self, between: impl FnOnce()) {
        let seen = self.count.load(Ordering::Relaxed);
        between();
        self.count.store(seen + 1, Ordering::Relaxed);
    }

    /// `Py_DECREF` without a GIL: load, then store; true if this call saw the count reach zero.
    pub fn release(&self) -> bool {
        let seen = self.count.load(Ordering::Relaxed);
        self.count.store(seen.saturating_sub(1), Ordering::Relaxed);
        seen <= 1
    }

    /// The count now.
    pub fn get(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

impl Count for RacyCount {
    fn retain_between(&self, between: impl FnOnce()) {
        self.retain(between);
    }
    fn release(&self) -> bool {
        RacyCount::release(self)
    }
    fn get(&self) -> usize {
        RacyCount::get(self)
    }
}

impl Default for RacyCount {
    fn default() -> Self {
        Self::new()
    }
}

/// What two threads did to one shared count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountTraffic {
    /// Retain/release pairs each thread made.
    pub pairs_per_thread: u64,
    /// The count at the end. The owner's reference is still alive, so it must be 1.
    pub final_count: usize,
    /// Releases that saw the count reach zero although the owner still held its reference: each
    /// one would have freed an object in use.
    pub premature_frees: u64,
}

impl CountTraffic {
    /// How far the count is from the true count, 1: the net of the lost updates.
    pub fn error(&self) -> u64 {
        (self.final_count as u64).abs_diff(1)
    }
}

/// Two threads each retain and release `pairs` times: the racy count, no GIL.
pub fn racy_traffic(pairs: u64) -> CountTraffic {
    let count = RacyCount::new();
    let premature = AtomicUsize::new(0);
    // Both threads start together: a round is about a millisecond of work, so a thread released
    // as soon as it is spawned can be done before the other one starts, and race with nobody.
    let gate = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                gate.wait();
                for _ in 0..pairs {
                    count.retain(|| ());
                    if count.release() {
                        premature.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    CountTraffic {
        pairs_per_thread: pairs,
        final_count: count.get(),
        premature_frees: premature.load(Ordering::Relaxed) as u64,
    }
}

/// Two threads each retain and release `pairs` times on exercise 15.2's atomic count.
pub fn atomic_traffic(pairs: u64) -> CountTraffic {
    let count = SharedCount::new();
    let premature = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..pairs {
                    count.retain();
                    if count.release() {
                        premature.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    CountTraffic {
        pairs_per_thread: pairs,
        final_count: count.get(),
        premature_frees: premature.load(Ordering::Relaxed) as u64,
    }
}

/// Two threads each clone and drop one `Arc` `pairs` times; returns the strong count after.
pub fn arc_traffic(pairs: u64) -> usize {
    let shared = Arc::new(vec![7]);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..pairs {
                    drop(black_box(Arc::clone(&shared)));
                }
            });
        }
    });
    Arc::strong_count(&shared)
}

/// Runs one variant.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    Ok(match config.variant_of::<Counting>()? {
        Counting::Aliasing => aliasing(config),
        Counting::Broken => broken(config),
        Counting::Atomic => atomic(config),
    })
}

/// The book's example 1 with `Rc`: counts as handles come and go, and one object seen through
/// two names.
fn aliasing(config: &RunConfig) -> Outcome {
    let mut table = TableData::new(
        "One list, several names (Rc<RefCell<Vec<i32>>>)",
        &["step", "Rc::strong_count", "a", "b"],
    );
    let show = |v: &Rc<RefCell<Vec<i32>>>| format!("{:?}", v.borrow());
    let a = Rc::new(RefCell::new(vec![7]));
    table.row([
        "let a = Rc::new(RefCell::new(vec![7]))".to_string(),
        Rc::strong_count(&a).to_string(),
        show(&a),
        "-".to_string(),
    ]);
    let once = Rc::strong_count(&a);
    let b = Rc::clone(&a);
    let twice = Rc::strong_count(&a);
    table.row([
        "let b = Rc::clone(&a)".to_string(),
        twice.to_string(),
        show(&a),
        show(&b),
    ]);
    a.borrow_mut()[0] = 8;
    table.row([
        "a.borrow_mut()[0] = 8".to_string(),
        Rc::strong_count(&a).to_string(),
        show(&a),
        show(&b),
    ]);
    let b_sees_change = b.borrow()[0] == 8;
    drop(b);
    let after_drop = Rc::strong_count(&a);
    table.row([
        "drop(b)".to_string(),
        after_drop.to_string(),
        show(&a),
        "-".to_string(),
    ]);
    let showed = once == 1 && twice == 2 && after_drop == 1 && b_sees_change;
    config
        .outcome(Verdict::from(showed))
        .table(table)
        .count("count with two names", twice, "references").as_key()
        .line("The book's sys.getrefcount printed one more than these (its own argument is a reference too).")
        .line("Changing the list through a changed it for b as well: two names, one object, one count.")
        .notice("Rc is not Send: the compiler will not let this plain count reach a second thread")
}

/// Two threads update one count the CPython way with no GIL: in forced rounds, where the
/// verdict is counted, then left to the scheduler, for how often it happens on its own.
fn broken(config: &RunConfig) -> Outcome {
    let rounds = config.pick(20, 200);
    let forced: Vec<_> = (0..rounds)
        .map(|_| forced_round(&RacyCount::new()))
        .collect();
    let lost = forced.iter().filter(|r| r.lost_an_update()).count();
    let frees: u64 = forced.iter().map(|t| t.premature_frees).sum();

    // Left to the scheduler: whole rounds of traffic, as many as fit in half the budget (the
    // clock bounds the work here; it decides no verdict).
    let pairs = config.pick(200_000, 2_000_000);
    let watch = Stopwatch::start();
    let mut free: Vec<CountTraffic> = Vec::new();
    while free.len() < config.pick(5, 20) && watch.elapsed() < config.budget() / 2 {
        free.push(racy_traffic(pairs));
    }
    let free_lost = free
        .iter()
        .filter(|t| t.error() > 0 || t.premature_frees > 0)
        .count();
    let free_frees: u64 = free.iter().map(|t| t.premature_frees).sum();

    config
        .outcome(Verdict::from(lost == rounds))
        .count("rounds that lost a retain", lost, "rounds").as_key()
        .count("rounds", rounds, "rounds")
        .count("frees of a live object", frees, "frees")
        .count("rounds losing updates free-running", free_lost, "rounds")
        .count("free-running rounds", free.len(), "rounds")
        .line(format!(
            "{rounds} forced rounds: two threads, one retain/release pair each, on one count updated by load-then-store, no GIL."
        ))
        .line(
            "Inside each retain, between load and store, each thread waits until the other has loaded too; then the releases take turns.",
        )
        .line(format!(
            "Lost a retain in {lost} of {rounds} rounds: both read 1 and wrote 2, so the second release took the count to 0 \
             and \"freed\" an object the owner still held ({}).",
            common::format::counted(frees, "frees")
        ))
        .line(format!(
            "Left to the scheduler, {} of {} pairs per thread: updates lost in {free_lost} \
             ({}); the race needs both threads on a core at the same instant, which a busy machine may not grant.",
            common::format::counted(free.len(), "rounds"),
            common::format::count(pairs),
            common::format::counted(free_frees, "frees of a live object"),
        ))
        .notice(if lost == rounds {
            "a lost update in a reference count frees a live object or leaks one: CPython's GIL prevents it by letting one thread at a time run"
        } else {
            "some forced round lost no update: a thread waited out the hang guard"
        })
}

/// Nanoseconds per clone+drop of one handle, on one thread.
fn per_pair(pairs: u64, work: impl Fn()) -> f64 {
    let watch = Stopwatch::start();
    for _ in 0..pairs {
        work();
    }
    watch.seconds() * 1e9 / pairs as f64
}

/// The same traffic on atomic counts: exact. And what atomics cost compared with plain counts.
fn atomic(config: &RunConfig) -> Outcome {
    let pairs = config.pick(200_000, 2_000_000);
    let arc_count = arc_traffic(pairs);
    let ours = atomic_traffic(pairs);
    let rounds = config.pick(20, 200);
    let forced_exact = (0..rounds)
        .map(|_| forced_round(&SharedCount::new()))
        .filter(|r| !r.lost_an_update())
        .count();
    let exact = arc_count == 1
        && ours.final_count == 1
        && ours.premature_frees == 0
        && forced_exact == rounds;

    let rc = Rc::new(7);
    let rc_ns = per_pair(pairs, || drop(black_box(Rc::clone(&rc))));
    let arc = Arc::new(7);
    let arc_ns = per_pair(pairs, || drop(black_box(Arc::clone(&arc))));
    let contended = Stopwatch::start();
    let _ = arc_traffic(pairs);
    // Two threads made `pairs` pairs each; per pair, per thread.
    let contended_ns = contended.seconds() * 1e9 / pairs as f64;

    let mut counts = TableData::new(
        format!(
            "Two threads, {} clone/drop pairs each, one shared count",
            common::format::count(pairs)
        ),
        &["count", "final (should be 1)", "frees of a live object"],
    );
    counts.row(["Arc::strong_count", &arc_count.to_string(), "0"]);
    counts.row([
        "SharedCount (exercise 15.2)",
        &ours.final_count.to_string(),
        &ours.premature_frees.to_string(),
    ]);
    let mut cost = TableData::new("What a clone + drop costs", &["count", "ns per clone+drop"]);
    cost.row(["Rc (plain, one thread)".to_string(), format!("{rc_ns:.1}")]);
    cost.row([
        "Arc (atomic, one thread)".to_string(),
        format!("{arc_ns:.1}"),
    ]);
    cost.row([
        "Arc (atomic, two threads on one count)".to_string(),
        format!("{contended_ns:.1}"),
    ]);
    config
        .outcome(Verdict::from(exact))
        .table(counts)
        .table(cost)
        .count("final Arc count", arc_count, "references").as_key()
        .figure("Rc ns per pair", rc_ns, "ns")
        .figure("Arc ns per pair", arc_ns, "ns")
        .figure("contended Arc ns per pair", contended_ns, "ns")
        .count("forced rounds exact", forced_exact, "rounds")
        .line(format!(
            "Through the broken variant's forced schedule (releases in turn; a fetch_add has no window to wait in), SharedCount stayed exact in {forced_exact} of {rounds} rounds."
        ))
        .line("Every update is one indivisible fetch_add / fetch_sub: nothing is lost, nothing is freed early.")
        .notice("atomic counts are exact but dearer, dearer still when threads share a count: the cost CPython avoided with one lock (and that free-threaded 3.13 pays)")
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn a_racy_count_is_exact_on_one_thread() {
        let count = RacyCount::new();
        count.retain(|| ());
        assert!(!count.release());
        assert!(count.release());
        assert_eq!(count.get(), 0);
    }

    #[test]
    fn atomic_traffic_is_exact() {
        assert_eq!(atomic_traffic(10_000).error(), 0);
        assert_eq!(arc_traffic(10_000), 1);
    }
}

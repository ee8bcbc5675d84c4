//! A concurrent sorted linked list (a set) two ways: one lock for the whole list, and
//! hand-over-hand locking (lock coupling) with one lock per link.
//!
//! The book's chapter 16 builds a linked list and then discusses making it thread-safe (its
//! `bad_linked_list` survives only as bytecode in the book's repository: `add_at_tail`,
//! `find_index_of`, `delete_at_index`). The two classic answers:
//! - **coarse**: one `Mutex` around the whole list. Simple and correct; every operation of every
//!   thread queues for it, even two readers at opposite ends;
//! - **hand-over-hand**: every link has its own lock. A thread walking the list locks the next
//!   link *before* releasing the current one, like a climber who always keeps one hand on the
//!   rope, so nobody can unlink or insert between the two nodes it stands on. Threads working at
//!   different places proceed at once; all threads still take the locks in list order, so no
//!   cycle of waits can form.
//!
//! In safe Rust, "lock the next link, then release this one" needs a guard that does not borrow
//! the previous guard: parking_lot's owned guards (`lock_arc`) on `Arc`-shared links do exactly
//! that. Each link (`Slot`) is an `Arc<Mutex<Option<Node>>>`; a node carries its value and the
//! slot of the next link.
//!
//! Correctness is counted, not assumed: each thread tallies its successful inserts and removes
//! per key; at the end, for every key, `initially present + inserts − removes` must equal
//! `present now` (0 or 1), and the list must be sorted without repeats. A lost or duplicated
//! element breaks that tally. Throughput is reported for 1..`--threads` threads; hand-over-hand
//! pays a lock per node visited, so on 2 cores it usually loses to one lock — the point of the
//! measurement is that finer locks are not automatically faster.
//!
//! Run: `cargo run --release -p chapter-16 -- run linked-list --threads 4`.

use std::sync::Arc;
use std::time::Duration;

use common::rng::SplitMix64;
use common::{Outcome, RunConfig, TableData, Verdict};
use parking_lot::{ArcMutexGuard, Mutex, RawMutex};

use crate::bench::run_timed;

common::variants! {
    /// The example's one variant: both lists, side by side.
    pub enum Lists {
        /// Coarse and hand-over-hand under the same load.
        Compare = "compare": "both lists under the same random insert/remove/contains load, 1..N threads",
    }
}

/// A set of keys many threads may change at once.
pub trait ConcurrentSet: Send + Sync {
    /// Adds `key`; `false` if it was there already.
    fn insert(&self, key: u64) -> bool;
    /// Removes `key`; `false` if it was not there.
    fn remove(&self, key: u64) -> bool;
    /// Whether `key` is there.
    fn contains(&self, key: u64) -> bool;
    /// The keys in list order (meaningful when no thread is changing the set).
    fn to_vec(&self) -> Vec<u64>;
}

/// A node of the coarse list.
#[derive(Debug)]
struct PlainNode {
    key: u64,
    next: Option<Box<PlainNode>>,
}

/// A sorted list behind one lock.
#[derive(Debug, Default)]
pub struct CoarseList {
    head: Mutex<Option<Box<PlainNode>>>,
}

impl CoarseList {
    /// The link where `key` is, or would go: the first link whose node is not below `key`.
    fn seek(mut link: &mut Option<Box<PlainNode>>, key: u64) -> &mut Option<Box<PlainNode>> {
        while link.as_ref().is_some_and(|node| node.key < key) {
            link = &mut link.as_mut().expect("checked just above").next;
        }
        link
    }
}

impl ConcurrentSet for CoarseList {
    fn insert(&self, key: u64) -> bool {
        let mut head = self.head.lock();
        let link = Self::seek(&mut head, key);
        if link.as_ref().is_some_and(|node| node.key == key) {
            return false;
        }
        let next = link.take();
        *link = Some(Box::new(PlainNode { key, next }));
        true
    }

    fn remove(&self, key: u64) -> bool {
        let mut head = self.head.lock();
        let link = Self::seek(&mut head, key);
        match link.take() {
            Some(node) if node.key == key => {
                *link = node.next;
                true
            }
            other => {
                *link = other;
                false
            }
        }
    }

    fn contains(&self, key: u64) -> bool {
        let head = self.head.lock();
        let mut link = &*head;
        while let Some(node) = link {
            if node.key >= key {
                return node.key == key;
            }
            link = &node.next;
        }
        false
    }

    fn to_vec(&self) -> Vec<u64> {
        let head = self.head.lock();
        let mut keys = Vec::new();
        let mut link = &*head;
        while let Some(node) = link {
            keys.push(node.key);
            link = &node.next;
        }
        keys
    }
}

impl Drop for CoarseList {
    fn drop(&mut self) {
        // Unlink one node at a time: the default drop would recurse once per node.
        let mut next = self.head.get_mut().take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

/// One link of the hand-over-hand list: a lock around "the next node, if any".
type Slot = Arc<Mutex<Option<Node>>>;
/// An owned guard on a link: it keeps its own `Arc` to the link, so it borrows nothing.
type SlotGuard = ArcMutexGuard<RawMutex, Option<Node>>;

/// A node of the hand-over-hand list.
#[derive(Debug)]
struct Node {
    key: u64,
    next: Slot,
}

/// A sorted list with one lock per link, walked hand over hand.
#[derive(Debug, Default)]
pub struct HandOverHandList {
    head: Slot,
}

impl HandOverHandList {
    /// Walks hand over hand to the link where `key` is, or would go, and returns it locked.
    fn seek(&self, key: u64) -> SlotGuard {
        let mut guard = self.head.lock_arc();
        loop {
            let next = match &*guard {
                // Lock the next link while still holding this one...
                Some(node) if node.key < key => node.next.lock_arc(),
                _ => return guard,
            };
            // ...and only then let go of this one (the old guard drops here).
            guard = next;
        }
    }
}

impl ConcurrentSet for HandOverHandList {
    fn insert(&self, key: u64) -> bool {
        let mut link = self.seek(key);
        if link.as_ref().is_some_and(|node| node.key == key) {
            return false;
        }
        // The node now here moves into a fresh link behind the new one. Nobody can be looking
        // at it: reaching it takes this link's lock, which we hold.
        let rest = link.take();
        *link = Some(Node {
            key,
            next: Arc::new(Mutex::new(rest)),
        });
        true
    }

    fn remove(&self, key: u64) -> bool {
        let mut link = self.seek(key);
        let after = match &*link {
            Some(node) if node.key == key => {
                // Lock the next link too (a thread may still stand on it: wait for it to move
                // on), then take its contents: they move up into this link.
                node.next.lock().take()
            }
            _ => return false,
        };
        *link = after; // drops the removed node and its now empty link
        true
    }

    fn contains(&self, key: u64) -> bool {
        self.seek(key).as_ref().is_some_and(|node| node.key == key)
    }

    fn to_vec(&self) -> Vec<u64> {
        let mut keys = Vec::new();
        let mut guard = self.head.lock_arc();
        loop {
            let next = match &*guard {
                Some(node) => {
                    keys.push(node.key);
                    node.next.lock_arc()
                }
                None => return keys,
            };
            guard = next;
        }
    }
}

impl Drop for HandOverHandList {
    fn drop(&mut self) {
        // One node at a time: the default drop would recurse once per node.
        let mut next = self.head.lock().take();
        while let Some(node) = next {
            next = node.next.lock().take();
        }
    }
}

/// The two lists, by name.
pub const KINDS: [&str; 2] = ["coarse", "hand-over-hand"];

/// A fresh, empty list by name (one of [`KINDS`]).
pub fn make(kind: &str) -> Arc<dyn ConcurrentSet> {
    match kind {
        "hand-over-hand" => Arc::new(HandOverHandList::default()),
        _ => Arc::new(CoarseList::default()),
    }
}

/// What one stress run counted.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRun {
    /// Operations done, all threads.
    pub ops: u64,
    /// Keys whose tally (initial + inserts − removes) disagrees with the final list.
    pub bad_keys: u64,
    /// Whether the final list is strictly increasing (sorted, no repeats).
    pub sorted: bool,
    /// Operations per second, all threads together.
    pub per_second: f64,
}

/// Fills `set` with the even keys below `keys`, then runs `threads` threads doing `each` random
/// operations (half `contains`, a quarter each `insert` and `remove`) on keys below `keys`.
pub fn stress(
    set: Arc<dyn ConcurrentSet>,
    threads: usize,
    each: u64,
    keys: u64,
    seed: u64,
) -> anyhow::Result<ListRun> {
    for key in (0..keys).step_by(2) {
        set.insert(key);
    }
    let shared = Arc::clone(&set);
    let timed = run_timed("list", threads, Duration::from_secs(60), move |me, ctx| {
        let mut rng = SplitMix64::for_stream(seed, me as u64);
        // Per key: successful inserts minus successful removes by this thread.
        let mut net = vec![0i64; keys as usize];
        for _ in 0..each {
            let key = rng.below(keys);
            match rng.below(4) {
                0 => net[key as usize] += i64::from(shared.insert(key)),
                1 => net[key as usize] -= i64::from(shared.remove(key)),
                _ => {
                    std::hint::black_box(shared.contains(key));
                }
            }
            ctx.progress();
        }
        net
    })?;
    let finals = set.to_vec();
    let sorted = finals.windows(2).all(|w| w[0] < w[1]);
    let mut present = vec![0i64; keys as usize];
    for &key in &finals {
        if let Some(p) = present.get_mut(key as usize) {
            *p += 1;
        }
    }
    let bad_keys = (0..keys as usize)
        .filter(|&k| {
            let initial = i64::from(k % 2 == 0);
            let net: i64 = timed.results.iter().map(|n| n[k]).sum();
            initial + net != present[k]
        })
        .count() as u64;
    let ops = each * threads as u64;
    Ok(ListRun {
        ops,
        bad_keys,
        sorted,
        per_second: timed.per_second(ops),
    })
}

/// The `linked-list` example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Lists::Compare = config.variant_of()?;
    let threads = config.threads;
    // The same total work in every cell, split among its threads (see `counters`). Quick cells
    // stay small: on a loaded machine hand-over-hand convoys behind preempted lock holders, and
    // 120,000 operations a cell once took 5.6 s of a 10 s tour.
    let total = config.pick(60_000, 800_000);
    let keys = 256;
    let mut header = vec!["threads".to_string()];
    header.extend(KINDS.iter().map(|k| format!("{k} (k ops/s)")));
    let mut table = TableData {
        title: format!(
            "{} ops per cell split among the threads, keys 0..{keys} (½ contains, ¼ insert, \
             ¼ remove)",
            common::format::count(total)
        ),
        header,
        rows: Vec::new(),
    };
    let mut intact = true;
    let mut bad_total = 0;
    let mut outcome = config.outcome(Verdict::Showed);
    for n in 1..=threads {
        let mut row = vec![n.to_string()];
        for kind in KINDS {
            let run = stress(make(kind), n, total / n as u64, keys, config.seed)?;
            intact &= run.bad_keys == 0 && run.sorted;
            bad_total += run.bad_keys;
            row.push(common::format::count((run.per_second / 1e3).round() as i128));
            if n == threads {
                let name = format!("{kind} at {threads} threads");
                outcome = if kind == "hand-over-hand" {
                    outcome.key_figure(name, run.per_second / 1e3, "k ops/s")
                } else {
                    outcome.figure(name, run.per_second / 1e3, "k ops/s")
                };
            }
        }
        table.rows.push(row);
    }
    outcome.verdict = Verdict::from(intact);
    Ok(outcome
        .count("keys lost or duplicated", bad_total, "keys")
        .table(table)
        .line(format!(
            "after every run, each key's tally (initial + inserts − removes) matched the final \
             sorted list: {}",
            if intact { "yes" } else { "NO" }
        ))
        .notice(
            "hand-over-hand lets threads work at different places at once, but pays one lock per \
             node visited: on few cores and a short list one coarse lock usually wins",
        ))
}

//! The book's network race: a reader looks up the primary node's key, pauses, then indexes the
//! node table — while another thread replaces the primary. The key is gone: `KeyError: 'A'`.
//! The fix without a reader lock: readers work on an immutable snapshot that writers replace.
//!
//! Mirrors `Chapter16/network.py` (a `Network`: nodes `{A: 1, B: 2, C: 3}` and a primary key;
//! `refresh_primary` deletes the primary and picks a random new one; `get_primary_value` reads
//! the key, sleeps 1 s, then indexes), `example5.py` (the race: `KeyError: 'A'` in the reader),
//! `concurrent_network.py` and `example6.py` (the reader works on a `copy.deepcopy` of the whole
//! network: no error, and it prints the old value, 1).
//!
//! The book's fix copies the whole network on every *read*. Here the copy moves to the *writer*:
//! the network is immutable once published, readers take a reference-counted pointer to the
//! current one (one atomic increment, no copy), and a writer clones, modifies and publishes a
//! new one. A reader keeps its snapshot for as long as it needs it; the old network is freed when
//! the last reader drops it. This is read-copy-update.
//!
//! Variants:
//! - `broken`: the network behind a `Mutex`, each step under its own short lock, as Python's
//!   dictionary operations are each atomic: the pause falls between the two steps;
//! - `arc-mutex`: a `Mutex<Arc<Network>>`: a reader holds the lock only to clone the `Arc`;
//!   a writer holds it to swap in the new network;
//! - `arc-swap`: an `ArcSwap<Network>` (the `arc-swap` crate): readers take no lock at all.
//!
//! Each variant runs the book's scene once, scripted so the refresh lands in the reader's pause
//! (the book's 1 s sleep made that near certain; a handshake makes it certain), then a load
//! phase: a writer refreshing the primary non-stop while `--threads` readers each do hundreds of
//! key-pause-index reads (a 100 µs pause: the window is the subject, so it is a real sleep).
//!
//! Run: `cargo run -p chapter-16 -- run snapshot-read` (all three) or `--variant broken`.
//! Expect: `broken` prints `KeyError: 'A'` and counts many misses under load; both snapshot
//! variants print the old value 1 and count no misses (but many *stale* reads: the price).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use common::rng::SplitMix64;
use common::timing::human;
use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
use common::{Outcome, RunConfig, TableData, Verdict};

use crate::published::Published;

/// The book's `Network`: named nodes with values, one of them primary.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Node name → value.
    pub nodes: BTreeMap<String, u64>,
    /// The primary node's name.
    pub primary_key: String,
    /// The number the next added node gets (its value too).
    next_id: u64,
}

impl Network {
    /// The book's network: `{A: 1, B: 2, C: 3}`, primary `A`.
    pub fn book() -> Self {
        let nodes = [("A", 1), ("B", 2), ("C", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        Self {
            nodes,
            primary_key: "A".to_string(),
            next_id: 4,
        }
    }

    /// The book's `refresh_primary`: deletes the primary node and makes a random other node the
    /// primary. So that a long run never empties the table, it then adds a fresh node
    /// (`N4`, `N5`, …, value 4, 5, …): the table always holds three nodes.
    pub fn refresh_primary(&mut self, rng: &mut SplitMix64) {
        self.nodes.remove(&self.primary_key);
        let others: Vec<&String> = self.nodes.keys().collect();
        if let Some(&pick) = others.get(rng.below(others.len() as u64) as usize) {
            self.primary_key = pick.clone();
        }
        self.nodes
            .insert(format!("N{}", self.next_id), self.next_id);
        self.next_id += 1;
    }
}

common::variants! {
    /// How the network is shared: the example's variants, each building one kind of [`Shared`].
    pub enum Sharing {
        /// One `Mutex<Network>`, each step under its own short lock.
        Locked = "broken": "read the primary key, pause, index: the node can be gone",
        /// Snapshots in a `Mutex<Arc<Network>>` (exercise 16.2).
        ArcMutex = "arc-mutex": "readers clone an Arc under a short lock; writers copy, change, publish (exercise 16.2)",
        /// Snapshots in an `ArcSwap<Network>`.
        ArcSwap = "arc-swap": "the same with arc-swap: readers take no lock at all",
    }
}

/// How the network is shared between the reader(s) and the writer.
#[derive(Debug)]
pub enum Shared {
    /// One `Mutex<Network>`; each step takes it on its own.
    Locked(Mutex<Network>),
    /// A `Mutex<Arc<Network>>` ([`Published`], exercise 16.2): snapshots swapped under a short
    /// lock.
    ArcMutex(Published<Network>),
    /// An `ArcSwap<Network>`: published snapshots, no lock for readers.
    ArcSwap(ArcSwap<Network>),
}

/// What one read returned: the book's `get_primary_value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// The primary's value, and whether that node was still the primary when the read ended
    /// (`false`: a stale but consistent answer from an old snapshot).
    Value {
        /// The value read.
        value: u64,
        /// Whether the node read is still the current primary.
        current: bool,
    },
    /// The key read in the first step was gone by the second: Python's `KeyError`.
    KeyError(String),
}

impl Shared {
    /// The network shared the way `sharing` says.
    pub fn new(sharing: Sharing, network: Network) -> Self {
        match sharing {
            Sharing::Locked => Self::Locked(Mutex::new(network)),
            Sharing::ArcMutex => Self::ArcMutex(Published::new(network)),
            Sharing::ArcSwap => Self::ArcSwap(ArcSwap::from_pointee(network)),
        }
    }

    /// The current primary key (for checking staleness; takes whatever lock the variant uses).
    pub fn current_primary(&self) -> String {
        match self {
            Self::Locked(m) => crate::sync::lock_std(m).primary_key.clone(),
            Self::ArcMutex(p) => p.load().primary_key.clone(),
            Self::ArcSwap(s) => s.load().primary_key.clone(),
        }
    }

    /// The book's `get_primary_value`: read the primary key, `pause()`, then index the nodes.
    pub fn primary_value(&self, pause: impl FnOnce()) -> Read {
        let (key, value) = match self {
            Self::Locked(m) => {
                let key = crate::sync::lock_std(m).primary_key.clone();
                pause(); // the lock is free here: a writer may delete the node `key` names
                let value = crate::sync::lock_std(m).nodes.get(&key).copied();
                (key, value)
            }
            Self::ArcMutex(p) => {
                // The lock is held for one reference-count increment, not for the read.
                let snapshot = p.load();
                let key = snapshot.primary_key.clone();
                pause(); // writers publish new networks; this one cannot change
                (key.clone(), snapshot.nodes.get(&key).copied())
            }
            Self::ArcSwap(s) => {
                let snapshot = s.load_full();
                let key = snapshot.primary_key.clone();
                pause();
                (key.clone(), snapshot.nodes.get(&key).copied())
            }
        };
        match value {
            None => Read::KeyError(key),
            Some(value) => Read::Value {
                value,
                current: self.current_primary() == key,
            },
        }
    }

    /// The book's `refresh_primary`, done the variant's way: in place under the lock, or by
    /// copying the current network, changing the copy and publishing it.
    pub fn refresh_primary(&self, rng: &mut SplitMix64) {
        match self {
            Self::Locked(m) => crate::sync::lock_std(m).refresh_primary(rng),
            // Copy, change, publish (under the lock, so no refresh is lost).
            Self::ArcMutex(p) => p.update(|next| next.refresh_primary(rng)),
            Self::ArcSwap(s) => {
                // `rcu` retries the copy if another writer published first: no refresh is lost.
                s.rcu(|current| {
                    let mut next = Network::clone(current);
                    next.refresh_primary(&mut rng.clone());
                    next
                });
                rng.next_u64(); // advance the caller's generator once per refresh
            }
        }
    }
}

/// The book's scene, scripted: the reader reads the key and signals; the writer refreshes the
/// primary and signals back; only then does the reader index. Returns what the reader got.
pub fn book_scene(sharing: Sharing, seed: u64) -> anyhow::Result<Read> {
    let shared = Arc::new(Shared::new(sharing, Network::book()));
    let (paused_tx, paused_rx) = crossbeam_channel::bounded::<()>(1);
    let (refreshed_tx, refreshed_rx) = crossbeam_channel::bounded::<()>(1);
    let reader = {
        let shared = Arc::clone(&shared);
        worker("reader", move |_: &WorkerCtx| {
            shared.primary_value(|| {
                // Either side failing means the other one is gone: just go on.
                let _ = paused_tx.send(());
                let _ = refreshed_rx.recv_timeout(Duration::from_secs(5));
            })
        })
    };
    let writer = {
        let shared = Arc::clone(&shared);
        worker("writer", move |_: &WorkerCtx| {
            let _ = paused_rx.recv_timeout(Duration::from_secs(5));
            shared.refresh_primary(&mut SplitMix64::new(seed));
            let _ = refreshed_tx.send(());
            Read::Value {
                value: 0,
                current: true,
            }
        })
    };
    let report = Watchdog::new(Duration::from_secs(10))
        .stall_after(Duration::from_secs(8))
        .run(vec![reader, writer]);
    anyhow::ensure!(
        report.ending == Ending::Finished && report.panics().is_empty(),
        "the scene did not finish: {}",
        report.describe_ending()
    );
    report
        .results()
        .first()
        .copied()
        .flatten()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the reader returned nothing"))
}

/// What the load phase counted, per reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderCounts {
    /// Reads done.
    pub reads: u64,
    /// Reads whose key was gone at the second step.
    pub key_errors: u64,
    /// Reads that returned the value of a node no longer primary (consistent, but old).
    pub stale: u64,
}

/// The load phase: one writer refreshes the primary non-stop while `readers` threads each do
/// `reads` reads with a `pause` between the two steps. Returns per-reader counts and the
/// number of refreshes.
pub fn under_load(
    sharing: Sharing,
    readers: usize,
    reads: u64,
    pause: Duration,
    seed: u64,
) -> anyhow::Result<(Vec<ReaderCounts>, u64)> {
    let shared = Arc::new(Shared::new(sharing, Network::book()));
    let readers_done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers: Vec<_> = (0..readers)
        .map(|i| {
            let (shared, done) = (Arc::clone(&shared), Arc::clone(&readers_done));
            worker(format!("reader {i}"), move |ctx: &WorkerCtx| {
                let mut counts = ReaderCounts::default();
                while counts.reads < reads && !ctx.should_stop() {
                    match shared.primary_value(|| std::thread::sleep(pause)) {
                        Read::KeyError(_) => counts.key_errors += 1,
                        Read::Value { current, .. } => counts.stale += u64::from(!current),
                    }
                    counts.reads += 1;
                    ctx.progress();
                }
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                (counts, 0)
            })
        })
        .collect();
    let writer = {
        let (shared, done) = (Arc::clone(&shared), Arc::clone(&readers_done));
        worker("writer", move |ctx: &WorkerCtx| {
            let mut rng = SplitMix64::for_stream(seed, 1);
            let mut refreshes = 0;
            while done.load(std::sync::atomic::Ordering::Relaxed) < readers && !ctx.should_stop() {
                shared.refresh_primary(&mut rng);
                refreshes += 1;
                ctx.progress();
                // Let the readers in: on 2 cores a writer spinning flat out would crowd them out.
                std::thread::sleep(pause / 4);
            }
            (ReaderCounts::default(), refreshes)
        })
    };
    workers.push(writer);
    let report = Watchdog::new(Duration::from_secs(20))
        .stall_after(Duration::from_secs(3))
        .run(workers);
    anyhow::ensure!(
        report.ending == Ending::Finished && report.panics().is_empty(),
        "the load phase did not finish: {}",
        report.describe_ending()
    );
    let mut results: Vec<(ReaderCounts, u64)> =
        report.results().into_iter().flatten().cloned().collect();
    let refreshes = results.pop().map_or(0, |(_, r)| r);
    Ok((results.into_iter().map(|(c, _)| c).collect(), refreshes))
}

/// The `snapshot-read` example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let sharing = config.variant_of::<Sharing>()?;
    let scene = book_scene(sharing, config.seed)?;
    let reads = config.pick(300, 2_000);
    let pause = Duration::from_micros(100);
    let (counts, refreshes) = under_load(sharing, config.threads, reads, pause, config.seed)?;

    let mut table = TableData::new(
        "under load: one writer refreshing the primary non-stop",
        &["reader", "reads", "KeyErrors", "stale (old snapshot)"],
    );
    for (i, c) in counts.iter().enumerate() {
        table.row([
            format!("reader {i}"),
            common::format::count(c.reads),
            common::format::count(c.key_errors),
            common::format::count(c.stale),
        ]);
    }
    let errors: u64 = counts.iter().map(|c| c.key_errors).sum();
    let stale: u64 = counts.iter().map(|c| c.stale).sum();
    let total: u64 = counts.iter().map(|c| c.reads).sum();

    let scene_line = match &scene {
        Read::KeyError(key) => format!("book scene: the reader raised KeyError: '{key}'"),
        Read::Value { value, .. } => {
            format!(
                "book scene: the reader printed {value} (the old primary's value, from its snapshot)"
            )
        }
    };
    let scene_erred = matches!(scene, Read::KeyError(_));
    let broken = match sharing {
        Sharing::Locked => true,
        Sharing::ArcMutex | Sharing::ArcSwap => false,
    };
    let showed = if broken {
        scene_erred && errors > 0
    } else {
        !scene_erred && errors == 0
    };
    let outcome = config
        .outcome(Verdict::from(showed))
        .count("KeyErrors under load", errors, "reads")
        .as_key()
        .count("reads under load", total, "reads")
        .count("stale reads", stale, "reads")
        .count("refreshes", refreshes, "refreshes")
        .line(scene_line)
        .line(format!(
            "under load: {} readers × {reads} reads (key, sleep {} — the race window, a real \
             pause —, index) against {refreshes} refreshes",
            config.threads,
            human(pause)
        ))
        .table(table);
    Ok(if broken {
        outcome.notice(
            "each step is atomic, the read is two steps: the node the key names can be deleted \
             in between (the book's KeyError)",
        )
    } else {
        outcome.notice(
            "a reader keeps one immutable snapshot for its whole read: never a KeyError, no \
             reader lock, no copy per read — only a stale (old but consistent) answer",
        )
    })
}

//! Map-reduce word counts: per-thread maps merged at the end, against one shared locked map.
//!
//! Counting words is a reduction whose values are maps and whose operator is "add the counts":
//! associative and commutative, so each thread can count its own chunk into its own `HashMap`
//! (map) and the maps can be merged at the end (reduce) — exercise 7.2's `count_words`. The
//! alternative, every thread incrementing one `Mutex<HashMap>`, gives the same counts but takes
//! the lock once per word, so the threads mostly wait for each other.
//!
//! The text is generated: words picked from a fixed vocabulary by `common::rng::SplitMix64`
//! (seeded, so a run can be replayed). Both ways must give identical counts, equal to a
//! sequential count; the table shows how long each took.
//!
//! Extends the book's chapter 7 (reduction operators) to the reduction behind map-reduce.
//! Run: `cargo run --release -p chapter-7 -- run map-reduce`.

use std::collections::HashMap;

use common::rng::SplitMix64;
use common::timing::{human, median_of, speedup};
use common::{Outcome, RunConfig, TableData, Verdict, format};
use std::sync::{Mutex, PoisonError};

use crate::word_count::{Counts, count_words};

/// The vocabulary the text is drawn from.
pub const VOCABULARY: [&str; 16] = [
    "reduce", "map", "thread", "lock", "queue", "sum", "tree", "merge", "count", "word", "core",
    "chunk", "pair", "round", "value", "result",
];

/// `n` words picked from [`VOCABULARY`] with a seeded generator.
pub fn generate(n: usize, seed: u64) -> Vec<&'static str> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| VOCABULARY[rng.below(VOCABULARY.len() as u64) as usize])
        .collect()
}

/// One shared map behind one lock: every thread takes the lock for every word.
pub fn count_words_shared(words: &[&str], threads: usize) -> Counts {
    let threads = threads.clamp(1, words.len().max(1));
    let chunk = words.len().div_ceil(threads).max(1);
    let shared = Mutex::new(HashMap::new());
    std::thread::scope(|s| {
        for part in words.chunks(chunk) {
            let shared = &shared;
            s.spawn(move || {
                for &word in part {
                    *shared
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(word)
                        .or_insert(0) += 1;
                }
            });
        }
    });
    owned(shared.into_inner().unwrap_or_else(PoisonError::into_inner))
}

/// The counts keyed by owned words.
fn owned(counts: HashMap<&str, u64>) -> Counts {
    counts
        .into_iter()
        .map(|(w, n)| (w.to_string(), n))
        .collect()
}

/// Counts on one thread: the reference.
pub fn count_words_sequential(words: &[&str]) -> Counts {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for &word in words {
        *counts.entry(word).or_insert(0) += 1;
    }
    owned(counts)
}

common::variants! {
    /// The example's one variant: the three counts side by side.
    pub enum Counting {
        /// Sequential, per-thread maps merged, one shared locked map, timed one after the other.
        Compare = "compare": "sequential, per-thread maps merged, one shared locked map",
    }
}

/// Runs the example: sequential, per-thread maps merged, one shared locked map; timed.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Counting::Compare = config.variant_of()?;
    let n = config.pick(1_000_000, 4_000_000);
    let threads = config.threads;
    let words = generate(n, config.seed);
    let mut results: Vec<(&str, Counts, std::time::Duration)> = Vec::new();
    for (name, f) in [
        (
            "sequential",
            &(|w: &[&str]| count_words_sequential(w)) as &dyn Fn(&[&str]) -> Counts,
        ),
        ("per-thread maps, merged", &|w: &[&str]| {
            count_words(w, threads)
        }),
        ("one shared Mutex<HashMap>", &|w: &[&str]| {
            count_words_shared(w, threads)
        }),
    ] {
        let mut counts = Counts::new();
        let time = median_of(3, || counts = f(&words));
        results.push((name, counts, time));
    }
    let identical = results.iter().all(|(_, c, _)| *c == results[0].1);
    let total: u64 = results[1].1.values().sum();
    let mut table = TableData::new(
        format!(
            "counting {} on {} (median of 3)",
            format::counted(n, "words"),
            format::counted(threads, "threads")
        ),
        &["way", "time", "speedup"],
    );
    for (name, _, time) in &results {
        table.row([
            name.to_string(),
            human(*time),
            format::ratio(speedup(results[0].2, *time)),
        ]);
    }
    let per_thread_vs_shared = speedup(results[2].2, results[1].2);
    Ok(config
        .outcome(Verdict::from(identical && total == n as u64))
        .table(table)
        .line(format!(
            "identical counts from all three: {}; {} distinct words, {} in all",
            format::yes_no(identical),
            format::count(results[0].1.len()),
            format::count(total)
        ))
        .key_figure("per-thread / shared speedup", per_thread_vs_shared, "x")
        .figure(
            "per-thread speedup",
            speedup(results[0].2, results[1].2),
            "x",
        )
        .notice("count privately, merge once: the shared map takes its lock once per word"))
}

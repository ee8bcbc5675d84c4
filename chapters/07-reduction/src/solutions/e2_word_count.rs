//! Exercise 7.2 (reference solution): map-reduce word counts with per-thread maps.
//!
//! Map: each scoped thread counts the words of its own chunk into its own `HashMap`, touching no
//! shared state. Reduce: the per-thread maps are merged into one at the end, adding the counts of
//! a word seen by several threads. Adding counts is associative and commutative, so the merge
//! order does not matter and the result equals a sequential count exactly.
//!
//! Threads come from `common::sync::thread::scope`, so the same code runs on real threads and,
//! with `--cfg shuttle`, under the model checker.
//!
//! Checked by `tests/exercise_7_2.rs`; the learner's starter is `exercises/e2_word_count.rs`.

use common::sync::thread;
use std::collections::HashMap;

/// Word → number of occurrences.
pub type Counts = HashMap<String, u64>;

/// Adds every count of `part` into `total`.
pub fn merge_into(total: &mut Counts, part: Counts) {
    for (word, n) in part {
        *total.entry(word).or_insert(0) += n;
    }
}

/// Counts `words` on up to `threads` scoped threads (0 counts as 1), one map per thread, merged.
pub fn count_words(words: &[&str], threads: usize) -> Counts {
    let threads = threads.clamp(1, words.len().max(1));
    let chunk = words.len().div_ceil(threads).max(1);
    let parts: Vec<Counts> = thread::scope(|s| {
        let handles: Vec<_> = words
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    // Keyed by the borrowed word: no allocation per word, one per distinct word.
                    let mut counts: HashMap<&str, u64> = HashMap::new();
                    for &word in part {
                        *counts.entry(word).or_insert(0) += 1;
                    }
                    counts
                        .into_iter()
                        .map(|(word, n)| (word.to_string(), n))
                        .collect::<Counts>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("counting thread panicked"))
            .collect()
    });
    let mut total = Counts::new();
    for part in parts {
        merge_into(&mut total, part);
    }
    total
}

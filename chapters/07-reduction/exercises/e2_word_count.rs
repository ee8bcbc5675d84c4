//! Exercise 7.2 (starter): map-reduce word counts with per-thread maps.
//!
//! Task: count `words` on up to `threads` scoped threads (0 counts as 1). Map: each thread counts
//! its own contiguous chunk into its own `HashMap`, sharing nothing. Reduce: merge the per-thread
//! maps with `merge_into`, so that a word several threads saw gets the sum of their counts. Take
//! the threads from `common::sync::thread::scope`, so the model checker can run your code.
//!
//! Checked by `tests/exercise_7_2.rs` (`cargo xtask exercise check 7.2`): `merge_into` adds the
//! counts of a word found in both maps; the counts equal a sequential count for many inputs
//! (none, too) and thread counts, no word lost and none counted twice — on real threads under a
//! watchdog, and under the shuttle model checker; and the words are counted on the threads (the
//! calling thread spends at most three quarters of the CPU time the count costs, read from
//! `/proc`), and at least two of the threads are alive at once.

use std::collections::HashMap;

/// Word → number of occurrences.
pub type Counts = HashMap<String, u64>;

/// Adds every count of `part` into `total`.
pub fn merge_into(total: &mut Counts, part: Counts) {
    // TODO: afterwards `total` must hold, for every word, the sum of its counts in both maps.
    let _ = (total, part);
    todo!("merge one map into another")
}

/// Counts `words` on up to `threads` scoped threads (0 counts as 1), one map per thread, merged.
pub fn count_words(words: &[&str], threads: usize) -> Counts {
    // TODO: count each of at most `threads` contiguous chunks on its own scoped thread, into
    // a map of its own.
    // TODO: merge the maps into one total with `merge_into`.
    let _ = (words, threads);
    todo!("map-reduce word count")
}

//! Exercise 7.2 (starter): map-reduce word counts with per-thread maps.
//!
//! Task: count `words` on up to `threads` scoped threads (0 counts as 1). Map: each thread counts
//! its own contiguous chunk into its own `HashMap`, sharing nothing. Reduce: merge the per-thread
//! maps with `merge_into`, adding the counts of a word that several threads saw. Take the threads
//! from `common::sync::thread::scope`, so the model checker can run your code.
//!
//! Checked by `tests/exercise_7_2.rs` (`cargo xtask exercise check 7.2`): the counts equal a
//! sequential count for many inputs and thread counts, no word lost and none counted twice.

use std::collections::HashMap;

/// Word → number of occurrences.
pub type Counts = HashMap<String, u64>;

/// Adds every count of `part` into `total`.
pub fn merge_into(total: &mut Counts, part: Counts) {
    // TODO: add each (word, n) of `part` into `total`.
    let _ = (total, part);
    todo!("merge one map into another")
}

/// Counts `words` on up to `threads` scoped threads (0 counts as 1), one map per thread, merged.
pub fn count_words(words: &[&str], threads: usize) -> Counts {
    // TODO: split `words` into chunks, count each chunk on a scoped thread into its own map,
    // then merge the maps with `merge_into`.
    let _ = (words, threads);
    todo!("map-reduce word count")
}

//! A wrong word count for exercise 7.2.
//!
//! Wrong: ignores `threads` and counts every word in one loop on the calling thread: the right
//! counts, with no thread at all.
//! Caught: the calling thread did

use std::collections::HashMap;

/// Word → number of occurrences.
pub type Counts = HashMap<String, u64>;

/// Adds every count of `part` into `total`.
pub fn merge_into(total: &mut Counts, part: Counts) {
    for (word, n) in part {
        *total.entry(word).or_insert(0) += n;
    }
}

/// Counts `words`.
pub fn count_words(words: &[&str], _threads: usize) -> Counts {
    let mut counts = Counts::new();
    for &word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}

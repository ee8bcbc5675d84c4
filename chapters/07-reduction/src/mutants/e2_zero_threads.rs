//! A wrong word count for exercise 7.2.
//!
//! Wrong: divides the words by `threads` without treating 0 as 1, so 0 threads panics.
//! Caught: 0 threads counts as 1

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

/// One chunk counted into a map of its own.
fn count_chunk(part: &[&str]) -> Counts {
    let mut counts = Counts::new();
    for &word in part {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}

/// Counts `words` on up to `threads` scoped threads (0 counts as 1), one map per thread, merged.
pub fn count_words(words: &[&str], threads: usize) -> Counts {
    let chunk = words.len().div_ceil(threads).max(1);
    let parts: Vec<Counts> = thread::scope(|s| {
        let handles: Vec<_> = words
            .chunks(chunk)
            .map(|part| s.spawn(move || count_chunk(part)))
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

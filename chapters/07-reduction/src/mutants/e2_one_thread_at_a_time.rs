//! A wrong word count for exercise 7.2.
//!
//! Wrong: counts each chunk on a thread of its own but joins it before spawning the next: the
//! right counts, on threads, but only one of them ever works at a time.
//! Caught: at most one thread worked at a time

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

/// Counts `words` chunk by chunk, on one thread after another.
pub fn count_words(words: &[&str], threads: usize) -> Counts {
    let chunk = words.len().div_ceil(threads.max(1)).max(1);
    let mut total = Counts::new();
    thread::scope(|s| {
        for part in words.chunks(chunk) {
            let counts = s
                .spawn(move || {
                    let mut counts = Counts::new();
                    for &word in part {
                        *counts.entry(word.to_string()).or_insert(0) += 1;
                    }
                    counts
                })
                .join()
                .expect("counting thread panicked");
            merge_into(&mut total, counts);
        }
    });
    total
}

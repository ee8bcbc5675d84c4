//! Scoped threads: threads that borrow the caller's stack data, no `Arc`, no `'static`.
//!
//! `thread::spawn` demands a `'static` closure: the new thread may outlive the function that
//! spawned it, so it may not borrow that function's locals (`error[E0373]: closure may outlive
//! the current function, but it borrows `numbers``). The usual way out is to move owned data in
//! or share it through an `Arc`. `std::thread::scope` is the other way: every thread spawned in
//! the scope is joined before `scope` returns, so the borrow checker can see that the borrowed
//! locals outlive the threads — and lets them borrow. Shared borrows (`&numbers`) for reading,
//! disjoint mutable borrows (`chunks_mut`) for writing, and no lock needed for either.
//!
//! The example: the book's prime-check numbers (`Chapter03/example3.py`) plus a few more live in
//! a `Vec` on `run`'s stack; `--threads N` scoped workers each take a slice of them and write
//! the smallest factors into their own slice of a results vector, also on the stack. After the
//! scope, `run` reads the results — the threads are certainly done.
//!
//! Run: `cargo run -p chapter-3 -- run scoped --threads 3`. Expect every number's smallest
//! factor, each computed by the worker that owned its slice.

use common::{Outcome, RunConfig, TableData, Verdict, format};

use crate::spawn_join::{BOOK_NUMBERS, smallest_factor};

common::variants! {
    /// The example's one variant.
    pub enum Scoped {
        /// Scoped workers borrow slices of the caller's vectors.
        Borrow = "borrow": "workers read slices of a local Vec and write into slices of another",
    }
}

/// The numbers the example checks: the book's five and a few more.
pub fn numbers() -> Vec<u64> {
    let mut numbers = BOOK_NUMBERS.to_vec();
    numbers.extend([91, 97, 1_000_003, 999_999_999, 2_147_483_647, 4_294_967_297]);
    numbers
}

/// Computes every number's smallest factor on `workers` scoped threads, each borrowing its own
/// slice of `numbers` (shared) and of the results (mutable). Returns the factors and, per
/// number, which worker computed it.
pub fn smallest_factors(numbers: &[u64], workers: usize) -> (Vec<u64>, Vec<usize>) {
    let mut factors = vec![0; numbers.len()];
    let mut by = vec![0; numbers.len()];
    let per_worker = numbers.len().div_ceil(workers.max(1));
    std::thread::scope(|s| {
        for (worker, ((mine, out), who)) in numbers
            .chunks(per_worker)
            .zip(factors.chunks_mut(per_worker))
            .zip(by.chunks_mut(per_worker))
            .enumerate()
        {
            // `mine`, `out` and `who` borrow `run`'s locals: allowed, because the scope joins
            // this thread before those locals can go away.
            s.spawn(move || {
                for ((n, factor), w) in mine.iter().zip(out).zip(who) {
                    *factor = smallest_factor(*n);
                    *w = worker;
                }
            });
        }
    }); // Every scoped thread has been joined here.
    (factors, by)
}

/// Runs the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Scoped::Borrow = config.variant_of()?;
    let numbers = numbers();
    let (factors, by) = smallest_factors(&numbers, config.threads);
    let mut table = TableData::new(
        "Results written by scoped threads into a Vec on the caller's stack",
        &["number", "smallest factor", "prime?", "worker"],
    );
    let mut correct = 0;
    for ((n, f), w) in numbers.iter().zip(&factors).zip(&by) {
        if *f >= 2 && n.is_multiple_of(*f) {
            correct += 1;
        }
        table.row([
            n.to_string(),
            f.to_string(),
            format::yes_no(f == n).to_string(),
            format!("worker {w}"),
        ]);
    }
    let workers_used = by.iter().max().map_or(0, |w| w + 1);
    Ok(config.outcome(Verdict::from(correct == numbers.len()))
        .line("numbers and results live in local Vecs; the scoped workers borrow slices of them — no Arc, no clone, no lock.")
        .line("With thread::spawn the same closure fails to compile: error[E0373]: closure may outlive the current function, but it borrows `mine`.")
        .line("thread::scope fixes that: it joins every thread before returning, so the borrow checker knows the locals outlive the threads.")
        .table(table)
        .count("numbers checked", correct, "numbers").as_key()
        .count("workers that got a slice", workers_used, "workers")
        .notice("the scope is what makes borrowing safe: no thread can outlive the data it borrows"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_count_gives_the_same_factors() {
        let numbers = numbers();
        let (one, _) = smallest_factors(&numbers, 1);
        for workers in [2, 3, 7, 64] {
            assert_eq!(smallest_factors(&numbers, workers).0, one);
        }
        assert_eq!(one[2], 17);
        assert_eq!(*one.last().expect("non-empty"), 641); // Euler's factor of 2^32 + 1
    }
}

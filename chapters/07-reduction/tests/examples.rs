//! Integration tests on the chapter's reductions: the book's queue rounds give 190; the tree
//! reduction equals the sequential one for many sizes and thread counts; the deterministic tree
//! gives the same bits for any thread count while chunked sums do not; map-reduce counts agree.
//! Real threads; no timing assertions.

#![cfg(not(shuttle))]

use chapter_7::CHAPTER;
use chapter_7::associativity::{chunked_sum, deterministic_sum, kahan_sum, reference_sum, values};
use chapter_7::map_reduce::{count_words_sequential, count_words_shared, generate};
use chapter_7::parallel_sum::{add, mix, queue_reduce};
use chapter_7::tree_reduce::tree_reduce;
use chapter_7::word_count::count_words;
use common::Verdict;
use common::testing::run_quick;

#[test]
fn the_book_example_gives_190_for_any_number_of_consumers() {
    for consumers in [0, 1, 2, 3, 7, 25] {
        let (result, rounds) = queue_reduce((0..20).collect(), consumers, add);
        assert_eq!(result, Some(190), "{consumers} consumers");
        assert_eq!(rounds.last(), Some(&vec![190]));
    }
    assert_eq!(queue_reduce(vec![], 2, add).0, None);
    assert_eq!(queue_reduce(vec![5], 2, add), (Some(5), vec![]));
    let outcome = run_quick(&CHAPTER, "parallel-sum", "book");
    assert_eq!(outcome.verdict, Verdict::Showed);
    assert_eq!(outcome.get("final result"), Some(190.0));
}

#[test]
fn queue_rounds_halve_the_values_each_round() {
    let (_, rounds) = queue_reduce((1..=100).collect(), 3, add);
    // Pairs are taken whole, so only the last odd value can be left over.
    let mut len: usize = 100;
    for round in &rounds {
        assert_eq!(round.len(), len.div_ceil(2), "{len} values");
        assert_eq!(round.iter().sum::<u64>(), 5050);
        len = round.len();
    }
}

#[test]
fn tree_reduce_equals_sequential_for_many_sizes_and_thread_counts() {
    for n in [0usize, 1, 2, 3, 5, 16, 17, 100, 1001] {
        let data: Vec<u64> = (0..n as u64).map(mix).collect();
        let expected = data.iter().copied().reduce(add);
        for threads in [0, 1, 2, 3, 4, 7, 64] {
            assert_eq!(
                tree_reduce(&data, threads, add),
                expected,
                "n={n} threads={threads}"
            );
        }
    }
}

#[test]
fn deterministic_sum_has_the_same_bits_for_any_thread_count() {
    for n in [0, 1, 1000, 1024, 1025, 50_000] {
        let data = values(n, 7);
        let bits = deterministic_sum(&data, 1).to_bits();
        for threads in [0, 2, 3, 4, 7, 16] {
            assert_eq!(
                deterministic_sum(&data, threads).to_bits(),
                bits,
                "n={n} threads={threads}"
            );
        }
    }
}

#[test]
fn chunked_float_sums_depend_on_the_grouping_and_kahan_is_closer() {
    let data = values(200_000, 42);
    let one = chunked_sum(&data, 1);
    assert!(
        (2..=8).any(|t| chunked_sum(&data, t).to_bits() != one.to_bits()),
        "the seeded input must show the rounding"
    );
    let exact = reference_sum(&data);
    let kahan_error = (f64::from(kahan_sum(&data)) - exact).abs();
    let naive_error = (f64::from(one) - exact).abs();
    assert!(
        kahan_error < naive_error,
        "kahan {kahan_error} vs naive {naive_error}"
    );
    assert_eq!(
        run_quick(&CHAPTER, "associativity", "broken").verdict,
        Verdict::Showed
    );
    assert_eq!(
        run_quick(&CHAPTER, "associativity", "deterministic").verdict,
        Verdict::Showed
    );
}

#[test]
fn word_counts_are_identical_every_way() {
    for n in [0, 1, 7, 10_000] {
        let words = generate(n, 3);
        let expected = count_words_sequential(&words);
        for threads in [0, 1, 2, 3, 8] {
            assert_eq!(
                count_words(&words, threads),
                expected,
                "n={n} threads={threads}"
            );
            assert_eq!(
                count_words_shared(&words, threads),
                expected,
                "n={n} threads={threads}"
            );
        }
        assert_eq!(expected.values().sum::<u64>(), n as u64);
    }
}

#[test]
fn the_large_sums_and_map_reduce_agree() {
    assert_eq!(
        run_quick(&CHAPTER, "parallel-sum", "large").verdict,
        Verdict::Showed
    );
    assert_eq!(
        run_quick(&CHAPTER, "map-reduce", "compare").verdict,
        Verdict::Showed
    );
}

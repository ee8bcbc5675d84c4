//! Chapter 7 — Reduction operators.
//!
//! The book's chapter 7 reduces a list to one number with a tree of pairwise sums computed by a
//! pool of consumer processes fed through queues. Here the same tree runs on threads, then on a
//! large array (sequential, scoped threads, rayon, timed); the chapter then shows why the operator
//! must be associative (floating-point sums change with the grouping; subtraction is wrong in
//! parallel) and scales the idea up to map-reduce word counts.
//!
//! The modules, one concept each, in tour order: [`parallel_sum`], [`associativity`],
//! [`map_reduce`]; and the exercise modules [`tree_reduce`] (7.1) and [`word_count`] (7.2),
//! which the examples use too.

use common::{Chapter, Example, ThreadsSpec};

pub mod associativity;
pub mod map_reduce;
pub mod parallel_sum;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 7.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_tree_reduce.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_tree_reduce.rs")]
pub mod tree_reduce;

/// Exercise 7.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_word_count.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_word_count.rs")]
pub mod word_count;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 7,
    title: "Reduction operators",
    tools: &[],
    examples: &[
        Example {
            name: "parallel-sum",
            summary: "the book's tree of pairwise sums through queues (0..20 → 190), then a large array summed sequentially, by scoped threads and by rayon, timed",
            variants: parallel_sum::Scale::ALL,
            threads: Some(ThreadsSpec {
                meaning: "consumer threads",
                default: 2,
                min: 1,
                max: 64,
            }),
            run: parallel_sum::run,
        },
        Example {
            name: "associativity",
            summary: "a reduction regroups its operands: float sums change with the thread count, subtraction goes wrong; a fixed tree and Kahan fix the floats",
            variants: associativity::Grouping::ALL,
            threads: None,
            run: associativity::run,
        },
        Example {
            name: "map-reduce",
            summary: "word counts: per-thread maps merged at the end vs one shared Mutex<HashMap>, same counts, timed",
            variants: map_reduce::Counting::ALL,
            threads: Some(ThreadsSpec {
                meaning: "counting threads",
                default: 2,
                min: 1,
                max: 64,
            }),
            run: map_reduce::run,
        },
    ],
};

//! Chapter 8 — Concurrent image processing.
//!
//! The book's chapter 8 loads a photo with OpenCV, turns it gray, thresholds it globally and
//! adaptively, then cuts it into 400 tiles and thresholds them with a process pool — first with
//! the parent reading every file, then with the workers reading their own. Here the picture is
//! painted procedurally, the thresholds are OpenCV's formulas written out, and the pool is
//! threads (a channel) and rayon; every parallel output is checked byte for byte against the
//! sequential one.
//!
//! The modules, one concept each, in tour order: [`imaging`] (files), [`threshold`] (the pixel
//! work), [`gaussian_threshold`] (its fast path), [`kernels`] (the weights both use),
//! [`pipeline`], [`batch`], [`convolution`], [`your_images`] (the `threshold` tool); and the
//! exercise modules [`halo`] (8.1) and [`scoped_tiles`] (8.2).

use common::{Chapter, Example, ThreadsSpec};

pub mod batch;
pub mod convolution;
pub mod gaussian_threshold;
pub mod imaging;
pub mod kernels;
pub mod pipeline;
pub mod threshold;
pub mod your_images;

#[cfg(mutants)]
pub mod mutants;

/// Exercise 8.1: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e1`.
#[cfg_attr(not(learner_e1), path = "solutions/e1_halo.rs")]
#[cfg_attr(learner_e1, path = "../exercises/e1_halo.rs")]
pub mod halo;

/// Exercise 8.2: the reference solution, or the learner's starter with `COURSE_BUILD=learner-e2`.
#[cfg_attr(not(learner_e2), path = "solutions/e2_scoped_tiles.rs")]
#[cfg_attr(learner_e2, path = "../exercises/e2_scoped_tiles.rs")]
pub mod scoped_tiles;

/// The chapter's registry, handed to the shared CLI by `main.rs`.
pub static CHAPTER: Chapter = Chapter {
    number: 8,
    title: "Concurrent image processing",
    tools: &[common::Tool {
        name: "threshold",
        summary: "threshold every PNG/JPEG in --input DIR (the book's per-tile work) in one pass on N threads",
        run: your_images::tool,
    }],
    examples: &[
        Example {
            name: "pipeline",
            summary: "load a 1577×1118 picture (PNG and JPEG), gray it, threshold it at 127 and adaptively (mean, Gaussian)",
            variants: pipeline::Steps::ALL,
            threads: None,
            run: pipeline::run,
        },
        Example {
            name: "batch",
            summary: "400 tile files thresholded by 1..N workers: the parent reads vs the workers read, rayon over tiles and over rows",
            variants: batch::Feed::ALL,
            threads: Some(ThreadsSpec {
                meaning: "workers (timed at 1..N)",
                default: 2,
                min: 1,
                max: 16,
            }),
            run: batch::run,
        },
        Example {
            name: "banded-blur",
            summary: "an 11-tap blur on row bands, one thread each: wrong at band borders without a halo, identical with one",
            variants: convolution::Bands::ALL,
            threads: Some(ThreadsSpec {
                meaning: "bands",
                default: 4,
                min: 1,
                max: 64,
            }),
            run: convolution::run,
        },
    ],
};

//! Exercise 8.2: process tiles with N scoped threads, results in tile order.
//!
//! Task: write [`threshold_tiles_scoped`]. Cut `tiles` into at most `threads` contiguous chunks,
//! run [`crate::threshold::process_tile`] over each chunk on its own scoped thread
//! (`common::sync::thread::scope`, so the model checker can drive it), and return the results
//! in the order of `tiles` — whatever order the threads finish in, for any thread count
//! (including more threads than tiles).
//!
//! Checked by `cargo xtask exercise check 8.2`: equal to the sequential results for 1 to 40 threads
//! (more threads than tiles too) and for no tiles, and, with `--cfg shuttle`, under many
//! schedules; and the tiles are thresholded on the threads (the calling thread spends at most
//! three quarters of the CPU time the batch costs, read from `/proc`), and at least two of the
//! threads are alive at once.

use image::{GrayImage, RgbImage};

/// Gray + Gaussian adaptive threshold of every tile, on `threads` scoped threads, in input order.
pub fn threshold_tiles_scoped(tiles: &[RgbImage], threads: usize) -> Vec<GrayImage> {
    // TODO: choose at most `threads` contiguous chunks covering every tile (there may be more
    // threads than tiles, or no tiles at all).
    // TODO: process each chunk on its own scoped thread; return the results in tile order,
    // whichever thread finishes first.
    let _ = (tiles, threads);
    todo!("exercise 8.2: threshold the tiles on scoped threads")
}

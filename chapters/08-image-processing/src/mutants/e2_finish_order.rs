//! A wrong tile pass for exercise 8.2.
//!
//! Wrong: each thread appends its chunk's results to one shared list when it finishes, so the
//! results come in the order the threads finished, not the tiles' order.
//! Caught: results out of tile order

use common::sync::{Mutex, lock};
use image::{GrayImage, RgbImage};

use crate::threshold::process_tile;

/// Gray + Gaussian adaptive threshold of every tile, on `threads` scoped threads, in input order.
pub fn threshold_tiles_scoped(tiles: &[RgbImage], threads: usize) -> Vec<GrayImage> {
    let chunk = tiles.len().div_ceil(threads.max(1)).max(1);
    let results = Mutex::new(Vec::with_capacity(tiles.len()));
    common::sync::thread::scope(|s| {
        for part in tiles.chunks(chunk) {
            let results = &results;
            s.spawn(move || {
                let done: Vec<GrayImage> = part.iter().map(process_tile).collect();
                lock(results).extend(done);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

//! A wrong tile pass for exercise 8.2.
//!
//! Wrong: with no tiles the chunk size comes out 0, and `chunks(0)` panics.
//! Caught: no tiles give no results

use image::{GrayImage, RgbImage};

use crate::threshold::process_tile;

/// Gray + Gaussian adaptive threshold of every tile, on `threads` scoped threads, in input order.
pub fn threshold_tiles_scoped(tiles: &[RgbImage], threads: usize) -> Vec<GrayImage> {
    let chunk = tiles.len().div_ceil(threads.max(1));
    common::sync::thread::scope(|s| {
        let handles: Vec<_> = tiles
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(process_tile).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a tile thread panicked"))
            .collect()
    })
}

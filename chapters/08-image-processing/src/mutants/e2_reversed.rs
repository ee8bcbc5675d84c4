//! A wrong tile pass for exercise 8.2.
//!
//! Wrong: joins the threads by popping their handles off the end, so the chunks come back last
//! first.
//! Caught: results out of tile order

use image::{GrayImage, RgbImage};

use crate::threshold::process_tile;

/// Gray + Gaussian adaptive threshold of every tile, on `threads` scoped threads, in input order.
pub fn threshold_tiles_scoped(tiles: &[RgbImage], threads: usize) -> Vec<GrayImage> {
    let chunk = tiles.len().div_ceil(threads.max(1)).max(1);
    common::sync::thread::scope(|s| {
        let mut handles: Vec<_> = tiles
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(process_tile).collect::<Vec<_>>()))
            .collect();
        let mut results = Vec::with_capacity(tiles.len());
        while let Some(handle) = handles.pop() {
            results.extend(handle.join().expect("a tile thread panicked"));
        }
        results
    })
}

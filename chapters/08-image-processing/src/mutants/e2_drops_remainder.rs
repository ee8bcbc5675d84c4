//! A wrong tile pass for exercise 8.2.
//!
//! Wrong: gives each of the `threads` threads `len / threads` tiles, so the tiles left over when
//! they do not divide evenly (all of them, with more threads than tiles) are never processed.
//! Caught: one result per tile

use image::{GrayImage, RgbImage};

use crate::threshold::process_tile;

/// Gray + Gaussian adaptive threshold of every tile, on `threads` scoped threads, in input order.
pub fn threshold_tiles_scoped(tiles: &[RgbImage], threads: usize) -> Vec<GrayImage> {
    let threads = threads.max(1);
    let chunk = tiles.len() / threads;
    common::sync::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let part = &tiles[i * chunk..(i + 1) * chunk];
                s.spawn(move || part.iter().map(process_tile).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a tile thread panicked"))
            .collect()
    })
}

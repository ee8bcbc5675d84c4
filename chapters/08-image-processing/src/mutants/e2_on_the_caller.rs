//! A wrong batch for exercise 8.2.
//!
//! Wrong: ignores `threads` and thresholds every tile in one loop on the calling thread: the
//! right tiles in the right order, with no thread at all.
//! Caught: the calling thread did

use image::{GrayImage, RgbImage};

use crate::threshold::process_tile;

/// Gray + Gaussian adaptive threshold of every tile, in input order.
pub fn threshold_tiles_scoped(tiles: &[RgbImage], _threads: usize) -> Vec<GrayImage> {
    tiles.iter().map(process_tile).collect()
}

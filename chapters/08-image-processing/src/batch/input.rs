//! The input of `batch`, the book's generate_input.py: the picture cut into a grid of tiles and
//! each tile written to a PNG file of its own, once per picture. It is the setup the lesson's
//! workers read from, not the lesson, so it sits apart from [`crate::batch`] (whose child module
//! it is, re-exported there as `batch::{Tile, cut, write_tiles}`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use image::{ImageFormat, RgbImage};

use crate::imaging::write_rgb;

/// One tile's place in the grid and its file.
#[derive(Debug, Clone)]
pub struct Tile {
    /// Grid row.
    pub row: u32,
    /// Grid column.
    pub col: u32,
    /// Its input file.
    pub path: PathBuf,
}

impl Tile {
    /// The book's name for it: `ship_<row>_<col>`.
    pub fn file_name(&self) -> String {
        format!("ship_{}_{}.png", self.row, self.col)
    }
}

/// Cuts `picture` into a `grid`×`grid` set of tiles of `width/grid` × `height/grid` pixels (the
/// remainder is dropped, as the book's `generate_input.py` does).
pub fn cut(picture: &RgbImage, grid: u32) -> Vec<(u32, u32, RgbImage)> {
    let (tw, th) = (picture.width() / grid, picture.height() / grid);
    let mut tiles = Vec::new();
    for row in 0..grid {
        for col in 0..grid {
            let tile = image::imageops::crop_imm(picture, col * tw, row * th, tw, th).to_image();
            tiles.push((row, col, tile));
        }
    }
    tiles
}

/// Writes the tiles of `picture` as PNG files into `dir` (skipped when `dir` already holds this
/// picture's tiles, marked by a `done` file naming its size and seed).
pub fn write_tiles(
    picture: &RgbImage,
    grid: u32,
    dir: &Path,
    mark: &str,
) -> anyhow::Result<Vec<Tile>> {
    let done = dir.join("done");
    let ready = std::fs::read_to_string(&done).is_ok_and(|m| m == mark);
    let mut tiles = Vec::new();
    for (row, col, pixels) in cut(picture, grid) {
        let mut tile = Tile {
            row,
            col,
            path: PathBuf::new(),
        };
        tile.path = dir.join(tile.file_name());
        if !ready {
            write_rgb(&tile.path, &pixels, ImageFormat::Png)?;
        }
        tiles.push(tile);
    }
    if !ready {
        std::fs::write(&done, mark).with_context(|| format!("writing {}", done.display()))?;
    }
    Ok(tiles)
}

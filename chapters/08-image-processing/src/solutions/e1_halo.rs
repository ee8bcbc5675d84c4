//! Exercise 8.1 (reference solution): blur row bands on scoped threads, each band reading a halo
//! of `radius` rows from its neighbours, so the result equals the sequential blur byte for byte.
//!
//! Used by `banded-blur --variant halo`; graded by `tests/exercise_8_1.rs`
//! (`cargo xtask exercise check 8.1`). The broken version, without the halo, is
//! [`crate::convolution::blur_bands_no_halo`].

use image::GrayImage;

use crate::imaging::band_rows;
use crate::threshold::filter_rows;

/// Blurs `gray` with the separable `kernel` in `bands` row bands, one scoped thread each.
pub fn blur_bands_with_halo(gray: &GrayImage, kernel: &[f32], bands: usize) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w == 0 || h == 0 {
        return gray.clone();
    }
    let radius = kernel.len() / 2;
    let mut out = vec![0u8; w * h];
    let rows = band_rows(h, bands);
    let per = rows[0].len();
    std::thread::scope(|s| {
        for (band, dst) in rows.iter().zip(out.chunks_mut(per * w)) {
            // The band plus `radius` rows above and below, clipped to the image.
            let known = band.start.saturating_sub(radius)..(band.end + radius).min(h);
            let src = &gray.as_raw()[known.start * w..known.end * w];
            s.spawn(move || filter_rows(src, w, known, kernel, band.clone(), dst));
        }
    });
    GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size")
}

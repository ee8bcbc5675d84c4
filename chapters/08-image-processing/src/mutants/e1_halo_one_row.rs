//! A wrong banded blur for exercise 8.1.
//!
//! Wrong: reads one row beyond each band edge, however wide the kernel, so rows deeper than one row
//! from a border see the band's edge replicated.
//! Caught: the halo must be the kernel's radius

use image::GrayImage;

use crate::imaging::band_rows;
use crate::threshold::filter_rows;

/// Blurs `gray` with the separable `kernel` in `bands` row bands, one scoped thread each.
pub fn blur_bands_with_halo(gray: &GrayImage, kernel: &[f32], bands: usize) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w == 0 || h == 0 {
        return gray.clone();
    }
    let mut out = vec![0u8; w * h];
    let rows = band_rows(h, bands);
    let per = rows[0].len();
    std::thread::scope(|s| {
        for (band, dst) in rows.iter().zip(out.chunks_mut(per * w)) {
            // One row above and below, clipped to the image.
            let known = band.start.saturating_sub(1)..(band.end + 1).min(h);
            let src = &gray.as_raw()[known.start * w..known.end * w];
            s.spawn(move || filter_rows(src, w, known, kernel, band.clone(), dst));
        }
    });
    GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size")
}

//! A wrong banded blur for exercise 8.1.
//!
//! Wrong: reads the halo above each band but not below it, so the rows near a band's bottom edge
//! come out wrong.
//! Caught: from a band's bottom edge

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
            // The band plus `radius` rows above it, clipped to the image.
            let known = band.start.saturating_sub(radius)..band.end;
            let src = &gray.as_raw()[known.start * w..known.end * w];
            s.spawn(move || filter_rows(src, w, known, kernel, band.clone(), dst));
        }
    });
    GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size")
}

//! Exercise 8.1: blur row bands on scoped threads so the result equals the sequential blur.
//!
//! Task: write [`blur_bands_with_halo`]. Cut the image into `bands` row bands with
//! [`crate::convolution::band_rows`]; blur each band on its own scoped thread with
//! [`crate::threshold::filter_rows`], writing into its own slice of the output. Each band must
//! read `kernel.len() / 2` rows above and below it (its halo), clipped to the image, or the pixels
//! near band borders come out wrong (see `blur_bands_no_halo` in `src/convolution.rs`).
//!
//! Checked by `cargo xtask exercise check 8.1`: the output equals
//! [`crate::threshold::filter`] byte for byte for several band counts and odd image sizes.

use image::GrayImage;

/// Blurs `gray` with the separable `kernel` in `bands` row bands, one scoped thread each.
pub fn blur_bands_with_halo(gray: &GrayImage, kernel: &[f32], bands: usize) -> GrayImage {
    // TODO: split the output with `chunks_mut`, give each band's thread the rows
    // `band.start - radius .. band.end + radius` (clipped) as `known`, and call `filter_rows`.
    let _ = (gray, kernel, bands);
    todo!("exercise 8.1: blur the bands with a halo")
}

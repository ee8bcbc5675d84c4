//! Exercise 8.1: blur row bands on scoped threads so the result equals the sequential blur.
//!
//! Task: write [`blur_bands_with_halo`]. Cut the image into `bands` row bands with
//! [`crate::imaging::band_rows`]; blur each band on its own scoped thread with
//! [`crate::threshold::filter_rows`], writing into its own slice of the output. Each band must
//! also read the rows beyond its edges that its border pixels depend on (its halo), and none
//! outside the image, or the pixels near band borders come out wrong (see `blur_bands_no_halo`
//! in `src/convolution.rs`).
//!
//! Checked by `cargo xtask exercise check 8.1`: the output equals
//! [`crate::threshold::filter`] byte for byte for a Gaussian and two box kernels, band counts
//! from 1 to more than the rows, and odd image sizes down to 1×1; and the bands are blurred on
//! the threads (the calling thread spends at most three quarters of the CPU time the blur costs,
//! read from `/proc`), and at least two of the threads are alive at once.

use image::GrayImage;

/// Blurs `gray` with the separable `kernel` in `bands` row bands, one scoped thread each.
pub fn blur_bands_with_halo(gray: &GrayImage, kernel: &[f32], bands: usize) -> GrayImage {
    // TODO: give each band's thread its own part of the output and the source rows it needs
    // (its band plus its halo, inside the image), and blur the band there with `filter_rows`.
    let _ = (gray, kernel, bands);
    todo!("exercise 8.1: blur the bands with a halo")
}

//! A wrong banded blur for exercise 8.1.
//!
//! Wrong: ignores `bands` and blurs the whole image on the calling thread: the right pixels, with
//! no thread at all.
//! Caught: the calling thread did

use image::GrayImage;

use crate::threshold::filter;

/// Blurs `gray` with the separable `kernel`.
pub fn blur_bands_with_halo(gray: &GrayImage, kernel: &[f32], _bands: usize) -> GrayImage {
    filter(gray, kernel)
}

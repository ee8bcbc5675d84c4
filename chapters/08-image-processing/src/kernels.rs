//! The weights of OpenCV's adaptive threshold, and the book's parameters for it: the leaf that
//! the reference filter ([`crate::threshold`]) and its fast Gaussian path
//! ([`crate::gaussian_threshold`]) both build on, so neither has to import the other.
//!
//! `getGaussianKernel(11, σ)` with OpenCV's default `σ = 0.3·((11−1)·0.5 − 1) + 0.8 = 2.0` for
//! `ADAPTIVE_THRESH_GAUSSIAN_C`, equal weights for `ADAPTIVE_THRESH_MEAN_C`; the book's block
//! size 11 and constant `C = 2` (Chapter08 example4.py).

/// The book's adaptive block size.
pub const BLOCK_SIZE: usize = 11;
/// The book's adaptive constant `C`, subtracted from the mean.
pub const C: i32 = 2;

/// OpenCV's default σ for a Gaussian kernel of `size` taps: `0.3·((size−1)·0.5 − 1) + 0.8`.
pub fn default_sigma(size: usize) -> f64 {
    0.3 * ((size as f64 - 1.0) * 0.5 - 1.0) + 0.8
}

/// `getGaussianKernel(size, σ)` for σ > 0: `exp(−x²/2σ²)` at `x = i − (size−1)/2`, normalised.
pub fn gaussian_kernel(size: usize, sigma: f64) -> Vec<f32> {
    let centre = (size as f64 - 1.0) / 2.0;
    let raw: Vec<f64> = (0..size)
        .map(|i| (-((i as f64 - centre).powi(2)) / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f64 = raw.iter().sum();
    raw.iter().map(|w| (w / sum) as f32).collect()
}

/// Equal weights: the box filter of the mean threshold.
pub fn box_kernel(size: usize) -> Vec<f32> {
    vec![1.0 / size as f32; size]
}

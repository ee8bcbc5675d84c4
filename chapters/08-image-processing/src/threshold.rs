//! Grayscale and thresholds, as OpenCV computes them: the per-pixel work of the whole chapter.
//!
//! The book's examples 2–4 turn the ship gray (`cvtColor(BGR2GRAY)`), threshold it globally at 127
//! (`THRESH_BINARY`: a pixel above 127 becomes 255, else 0), and adaptively: each pixel is compared
//! with the weighted mean of its 11×11 neighbourhood minus `C = 2`, with equal weights
//! (`ADAPTIVE_THRESH_MEAN_C`) or Gaussian ones (`ADAPTIVE_THRESH_GAUSSIAN_C`, from
//! `getGaussianKernel(11, σ)` with `σ = 0.3·((11−1)·0.5 − 1) + 0.8 = 2.0`), the border replicated.
//!
//! Grayscale is OpenCV's own 15-bit fixed-point formula, which reproduces `cvtColor` on every
//! pixel. The mean is a separable filter: [`filter_rows`], a horizontal pass into `f32`, then a
//! vertical one, rounded to 8 bits as OpenCV rounds its blurred image. It is the reference blur
//! of [`crate::convolution`]'s bands and of the plain mean threshold (OpenCV's 8-bit box filter
//! sums integers, and a sum over 121 pixels is never within `f32`'s error of `k + 0.5`, so the
//! rounding agrees). The Gaussian threshold itself, the chapter's hot loop, is
//! [`crate::gaussian_threshold`]: the same filter laid out for speed, with an exact check where
//! the decision is close.
//!
//! [`filter_rows`] computes any range of output rows from the rows it is given, and
//! [`crate::gaussian_threshold::threshold_rows`] any range of rows of the threshold; every
//! parallel variant in this chapter is built on them, so each computes each pixel with the same
//! arithmetic in the same order and the outputs are identical byte for byte. Run `cargo run -p
//! chapter-8 -- run pipeline`. Mirrors the book's Chapter08 example2.py, example3.py and
//! example4.py.

use std::ops::Range;

use image::{GrayImage, RgbImage};

pub use crate::kernels::{BLOCK_SIZE, C, box_kernel, default_sigma, gaussian_kernel};

/// OpenCV's `THRESH_BINARY` threshold in the book's example3.
pub const GLOBAL_THRESHOLD: u8 = 127;

/// BGR→gray as OpenCV 4 and 5 do it for 8 bits: `Y = 0.299 R + 0.587 G + 0.114 B` in 15-bit
/// fixed point (`9798, 19235, 3735`, summing to `1 << 15`), rounded. A gray pixel stays itself.
pub fn gray_pixel([r, g, b]: [u8; 3]) -> u8 {
    let y = 9798 * u32::from(r) + 19235 * u32::from(g) + 3735 * u32::from(b);
    ((y + (1 << 14)) >> 15) as u8
}

/// The whole image to gray.
pub fn grayscale(image: &RgbImage) -> GrayImage {
    let mut pixels = vec![0; image.as_raw().len() / 3];
    for (y, p) in pixels.iter_mut().zip(image.as_raw().chunks_exact(3)) {
        *y = gray_pixel([p[0], p[1], p[2]]);
    }
    GrayImage::from_raw(image.width(), image.height(), pixels).expect("one byte per pixel")
}

/// `THRESH_BINARY`: above `threshold` → 255, else 0.
pub fn global_threshold(gray: &GrayImage, threshold: u8) -> GrayImage {
    let mut out = gray.clone();
    for p in out.iter_mut() {
        *p = if *p > threshold { 255 } else { 0 };
    }
    out
}

/// Which adaptive method (`cv2.ADAPTIVE_THRESH_*_C`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adaptive {
    /// The plain mean of the block.
    Mean,
    /// The Gaussian-weighted mean.
    Gaussian,
}

impl Adaptive {
    /// The 1-D kernel the separable filter applies along each axis.
    pub fn kernel(self) -> Vec<f32> {
        match self {
            Adaptive::Mean => box_kernel(BLOCK_SIZE),
            Adaptive::Gaussian => gaussian_kernel(BLOCK_SIZE, default_sigma(BLOCK_SIZE)),
        }
    }
}

/// Filters output rows `out_rows` of a `width`-wide image with the separable `kernel`, applied
/// along x then y, rounded to 8 bits, into `out` (`out_rows.len() * width` bytes).
///
/// `src` holds only the image rows `known` (so `src.len() == known.len() * width`); a row index
/// outside `known` is clamped into it (`BORDER_REPLICATE`). Given the whole image, that is the
/// image's border; given a band without its halo, it is the band's border — the bug of
/// [`crate::convolution`]'s broken variant.
pub fn filter_rows(
    src: &[u8],
    width: usize,
    known: Range<usize>,
    kernel: &[f32],
    out_rows: Range<usize>,
    out: &mut [u8],
) {
    assert_eq!(src.len(), known.len() * width, "src holds the known rows");
    assert_eq!(
        out.len(),
        out_rows.len() * width,
        "out holds the output rows"
    );
    if out_rows.is_empty() || width == 0 {
        return;
    }
    assert!(!known.is_empty(), "no rows to filter from");
    let radius = kernel.len() / 2;
    let clamp_row = |row: isize| row.clamp(known.start as isize, known.end as isize - 1) as usize;
    // The horizontal pass over every row the vertical pass will read.
    let first = clamp_row(out_rows.start as isize - radius as isize);
    let last = clamp_row(out_rows.end as isize - 1 + radius as isize);
    let mut horizontal = vec![0f32; (last - first + 1) * width];
    for row in first..=last {
        let line = &src[(row - known.start) * width..][..width];
        let dst = &mut horizontal[(row - first) * width..][..width];
        for (x, d) in dst.iter_mut().enumerate() {
            let mut sum = 0f32;
            for (k, w) in kernel.iter().enumerate() {
                let sx = (x as isize + k as isize - radius as isize).clamp(0, width as isize - 1);
                sum += w * f32::from(line[sx as usize]);
            }
            *d = sum;
        }
    }
    for (i, row) in out_rows.clone().enumerate() {
        let dst = &mut out[i * width..][..width];
        for (x, d) in dst.iter_mut().enumerate() {
            let mut sum = 0f32;
            for (k, w) in kernel.iter().enumerate() {
                let sy = clamp_row(row as isize + k as isize - radius as isize);
                sum += w * horizontal[(sy - first) * width + x];
            }
            *d = (sum + 0.5).clamp(0.0, 255.0) as u8;
        }
    }
}

/// The whole image filtered, sequentially: the reference every parallel variant must equal.
pub fn filter(gray: &GrayImage, kernel: &[f32]) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let mut out = vec![0u8; w * h];
    filter_rows(gray.as_raw(), w, 0..h, kernel, 0..h, &mut out);
    GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size")
}

/// `THRESH_BINARY` against a local mean: `src > mean − C` → 255, else 0 (OpenCV compares
/// `src − mean > −C` with `C` rounded up; ours is a whole number already).
pub fn threshold_against(src: &[u8], mean: &[u8], out: &mut [u8]) {
    for ((o, &s), &m) in out.iter_mut().zip(src).zip(mean) {
        *o = if i32::from(s) > i32::from(m) - C {
            255
        } else {
            0
        };
    }
}

/// `cv2.adaptiveThreshold(gray, 255, method, THRESH_BINARY, 11, 2)`, sequentially.
pub fn adaptive_threshold(gray: &GrayImage, method: Adaptive) -> GrayImage {
    match method {
        Adaptive::Gaussian => crate::gaussian_threshold::adaptive_gaussian(gray),
        Adaptive::Mean => {
            let mean = filter(gray, &method.kernel());
            let mut out = mean.clone();
            threshold_against(gray.as_raw(), mean.as_raw(), &mut out);
            out
        }
    }
}

/// The book's per-tile work in example5/6: gray, then the Gaussian adaptive threshold.
pub fn process_tile(tile: &RgbImage) -> GrayImage {
    adaptive_threshold(&grayscale(tile), Adaptive::Gaussian)
}

/// The fraction of white pixels: one figure that tells two thresholds apart.
pub fn white_fraction(image: &GrayImage) -> f64 {
    let white = image.iter().filter(|&&p| p == 255).count();
    white as f64 / image.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grayscale_matches_hand_computed_pixels() {
        // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1.
        assert_eq!(gray_pixel([255, 0, 0]), 76);
        assert_eq!(gray_pixel([0, 255, 0]), 150);
        assert_eq!(gray_pixel([0, 0, 255]), 29);
        assert_eq!(gray_pixel([255, 255, 255]), 255);
        assert_eq!(gray_pixel([0, 0, 0]), 0);
        // 0.299·100 + 0.587·150 + 0.114·200 = 140.75 → 141.
        assert_eq!(gray_pixel([100, 150, 200]), 141);
        // Where OpenCV's 15-bit weights and the older 14-bit ones round apart: 0.114·250 = 28.5,
        // (3735·250 + 2¹⁴) >> 15 = 28 but (1868·250 + 2¹³) >> 14 = 29. cvtColor gives 28.
        assert_eq!(gray_pixel([0, 0, 250]), 28);
        // A gray pixel keeps its value (the weights sum to 2¹⁵).
        assert!((0..=255).all(|v| gray_pixel([v, v, v]) == v));
    }

    #[test]
    fn global_threshold_is_strictly_above_127() {
        let gray = GrayImage::from_raw(4, 1, vec![0, 127, 128, 255]).expect("4 pixels");
        assert_eq!(global_threshold(&gray, 127).as_raw(), &vec![0, 0, 255, 255]);
    }

    #[test]
    fn the_gaussian_kernel_follows_opencvs_formula() {
        assert!((default_sigma(11) - 2.0).abs() < 1e-12);
        let k = gaussian_kernel(11, 2.0);
        assert_eq!(k.len(), 11);
        let sum: f32 = k.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6, "{sum}");
        // Symmetric, peaked in the middle, and in the ratio exp(−x²/8) to the centre.
        for i in 0..5 {
            assert_eq!(k[i], k[10 - i]);
            let x = (5 - i) as f64;
            let ratio = f64::from(k[i]) / f64::from(k[5]);
            assert!((ratio - (-x * x / 8.0).exp()).abs() < 1e-6);
        }
    }

    #[test]
    fn a_flat_image_passes_the_adaptive_threshold() {
        // Mean = pixel, and pixel > pixel − 2: all white, as in OpenCV.
        let gray = GrayImage::from_pixel(13, 7, image::Luma([90]));
        for method in [Adaptive::Mean, Adaptive::Gaussian] {
            assert!(adaptive_threshold(&gray, method).iter().all(|&p| p == 255));
        }
    }

    #[test]
    fn a_dark_dot_on_light_ground_turns_black() {
        let mut gray = GrayImage::from_pixel(15, 15, image::Luma([200]));
        gray.put_pixel(7, 7, image::Luma([20]));
        let out = adaptive_threshold(&gray, Adaptive::Mean);
        assert_eq!(out.get_pixel(7, 7).0, [0]);
        assert_eq!(out.get_pixel(0, 0).0, [255]);
    }
}

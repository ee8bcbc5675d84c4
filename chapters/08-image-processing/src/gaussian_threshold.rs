//! The adaptive Gaussian threshold made fast — and still OpenCV's answer on every pixel.
//!
//! `cv2.adaptiveThreshold(gray, 255, ADAPTIVE_THRESH_GAUSSIAN_C, THRESH_BINARY, 11, 2)` blurs
//! the gray image with an 11-tap Gaussian (σ = 2, border replicated) in `float`, rounds the blur
//! `m` to 8 bits, and makes a pixel `s` white when `s > m − 2`. Rounded, that is `m ≤ s + 1`:
//! the decision only asks whether the blur lies below `s + 1.5`. So the blur need not be exact
//! everywhere — only where it is close to `s + 1.5`.
//!
//! The fast path is a separable filter in `f32` laid out for the vector unit: each row is padded
//! with its replicated border once, so no tap is clamped; the kernel's symmetry halves the
//! multiplies (`w₀·p₀ + Σ wᵢ·(p₋ᵢ + p₊ᵢ)`); the horizontal pass of a band of rows is kept for
//! the vertical one, and the vertical pass writes the decision directly (no blurred image). Its
//! rounding error is below 2·10⁻⁴ of a grey level (eleven products and sums of values ≤ 255,
//! each off by at most 2⁻²⁴ relative, twice). Where the blur lies within [`MARGIN`] of `s + 1.5`
//! — a few pixels in ten thousand — the pixel is decided again in `f64` from its 121
//! neighbours, with OpenCV's own `f32` weights and its rounding (half to even). The outcome is
//! the exact decision for OpenCV's kernel; OpenCV's own `float` blur agrees with it except where
//! the exact blur lies within OpenCV's rounding error (about 10⁻⁴) of `s + 1.5`.
//!
//! [`threshold_rows`] decides any range of rows from the whole image (the halo comes from the
//! shared image), so a row-parallel split gives the same bytes as one pass. Measured by
//! `cargo bench -p chapter-8 --bench one_pass`; compared with OpenCV by `compare_opencv.py`.

use std::ops::Range;

use image::GrayImage;

use crate::threshold::{BLOCK_SIZE, C, default_sigma, gaussian_kernel};

/// The kernel's radius: 5 rows and columns either side.
const RADIUS: usize = BLOCK_SIZE / 2;

/// How close to the decision boundary the `f32` blur may be before the pixel is decided again in
/// `f64`: five times the bound on the `f32` path's rounding error.
pub const MARGIN: f32 = 1e-3;

/// `getGaussianKernel(11, 2.0)` in `f32` as OpenCV builds it for a `float` image, folded: the
/// centre weight first, then the weight at distance 1..=5 (the kernel is symmetric).
fn half_kernel() -> [f32; RADIUS + 1] {
    let full = gaussian_kernel(BLOCK_SIZE, default_sigma(BLOCK_SIZE));
    std::array::from_fn(|i| full[RADIUS + i])
}

/// `w₀·c + Σ wᵢ·(lo[i] + hi[i])` over one row: `taps[i]` is the row shifted by `i − RADIUS`.
fn blur_line(w: &[f32; RADIUS + 1], taps: [&[f32]; BLOCK_SIZE], out: &mut [f32]) {
    let n = out.len();
    let t: [&[f32]; BLOCK_SIZE] = taps.map(|t| &t[..n]);
    for (x, o) in out.iter_mut().enumerate() {
        *o = w[0] * t[5][x]
            + w[1] * (t[4][x] + t[6][x])
            + w[2] * (t[3][x] + t[7][x])
            + w[3] * (t[2][x] + t[8][x])
            + w[4] * (t[1][x] + t[9][x])
            + w[5] * (t[0][x] + t[10][x]);
    }
}

/// The horizontal pass of image rows `rows` into `h` (`rows.len() * width` values).
fn horizontal(gray: &[u8], width: usize, w: &[f32; RADIUS + 1], rows: Range<usize>, h: &mut [f32]) {
    let mut padded = vec![0f32; width + 2 * RADIUS];
    for (y, dst) in rows.zip(h.chunks_exact_mut(width)) {
        let line = &gray[y * width..][..width];
        let (left, rest) = padded.split_at_mut(RADIUS);
        let (middle, right) = rest.split_at_mut(width);
        for (p, &v) in middle.iter_mut().zip(line) {
            *p = f32::from(v);
        }
        left.fill(f32::from(line[0]));
        right.fill(f32::from(line[width - 1]));
        let taps: [&[f32]; BLOCK_SIZE] = std::array::from_fn(|k| &padded[k..k + width]);
        blur_line(w, taps, dst);
    }
}

/// Decides output rows `rows` of the `width`×`height` image `gray` into `out`
/// (`rows.len() * width` bytes): 255 where `src > round(blur) − C`, else 0.
pub fn threshold_rows(
    gray: &[u8],
    width: usize,
    height: usize,
    rows: Range<usize>,
    out: &mut [u8],
) {
    assert_eq!(gray.len(), width * height, "gray holds the whole image");
    assert_eq!(out.len(), rows.len() * width, "out holds the output rows");
    if rows.is_empty() || width == 0 {
        return;
    }
    let w = half_kernel();
    let first = rows.start.saturating_sub(RADIUS);
    let last = (rows.end + RADIUS).min(height);
    let mut h = vec![0f32; (last - first) * width];
    horizontal(gray, width, &w, first..last, &mut h);
    let mut blur = vec![0f32; width];
    // `src > m − C` with `m` rounded: white below `src + C − 0.5`.
    let offset = C as f32 - 0.5;
    for (y, dst) in rows.zip(out.chunks_exact_mut(width)) {
        let taps: [&[f32]; BLOCK_SIZE] = std::array::from_fn(|k| {
            let row = (y + k).saturating_sub(RADIUS).min(height - 1) - first;
            &h[row * width..][..width]
        });
        blur_line(&w, taps, &mut blur);
        let src = &gray[y * width..][..width];
        let mut close = false;
        for ((o, &b), &s) in dst.iter_mut().zip(&blur).zip(src) {
            let d = b - (f32::from(s) + offset);
            *o = if d < 0.0 { 255 } else { 0 };
            close |= d.abs() < MARGIN;
        }
        if close {
            for (x, ((o, &b), &s)) in dst.iter_mut().zip(&blur).zip(src).enumerate() {
                if (b - (f32::from(s) + offset)).abs() < MARGIN {
                    *o = exact_decision(gray, width, height, x, y);
                }
            }
        }
    }
}

/// The weighted mean at `(x, y)` in `f64` from OpenCV's `f32` weights (error ~10⁻¹³), rounded
/// half to even as OpenCV's `convertTo` rounds, compared as `adaptiveThreshold` compares.
pub fn exact_decision(gray: &[u8], width: usize, height: usize, x: usize, y: usize) -> u8 {
    let half = half_kernel();
    let weight = |k: usize| f64::from(half[k.abs_diff(RADIUS)]);
    let clamp = |i: usize, k: usize, n: usize| (i + k).saturating_sub(RADIUS).min(n - 1);
    let mut blur = 0f64;
    for ky in 0..BLOCK_SIZE {
        let row = &gray[clamp(y, ky, height) * width..][..width];
        let mut line = 0f64;
        for kx in 0..BLOCK_SIZE {
            line += weight(kx) * f64::from(row[clamp(x, kx, width)]);
        }
        blur += weight(ky) * line;
    }
    let mean = blur.round_ties_even();
    let src = f64::from(gray[y * width + x]);
    if src > mean - f64::from(C) { 255 } else { 0 }
}

/// The whole image, one pass: `cv2.adaptiveThreshold(gray, 255, ADAPTIVE_THRESH_GAUSSIAN_C,
/// THRESH_BINARY, 11, 2)`.
pub fn adaptive_gaussian(gray: &GrayImage) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let mut out = vec![0u8; w * h];
    threshold_rows(gray.as_raw(), w, h, 0..h, &mut out);
    GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size")
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::rng::SplitMix64;

    fn noise(w: u32, h: u32, seed: u64, spread: u64) -> GrayImage {
        let mut rng = SplitMix64::new(seed);
        let base = 128 - spread / 2;
        GrayImage::from_fn(w, h, |_, _| image::Luma([(base + rng.below(spread)) as u8]))
    }

    #[test]
    fn every_pixel_is_the_exact_decision() {
        // Noise of every spread puts many blurs near the boundary; odd sizes test the borders.
        for (seed, (w, h), spread) in [(1, (61, 47), 4), (2, (13, 90), 20), (3, (200, 7), 256)] {
            let gray = noise(w, h, seed, spread);
            let fast = adaptive_gaussian(&gray);
            let (wu, hu) = (w as usize, h as usize);
            for y in 0..hu {
                for x in 0..wu {
                    let want = exact_decision(gray.as_raw(), wu, hu, x, y);
                    assert_eq!(fast.as_raw()[y * wu + x], want, "{w}×{h} at ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn any_split_into_rows_gives_the_same_bytes() {
        let gray = noise(37, 29, 9, 60);
        let whole = adaptive_gaussian(&gray);
        let (w, h) = (37, 29);
        for step in [1, 2, 5, 11, 28] {
            let mut out = vec![0u8; w * h];
            for (i, chunk) in out.chunks_mut(step * w).enumerate() {
                let rows = i * step..i * step + chunk.len() / w;
                threshold_rows(gray.as_raw(), w, h, rows, chunk);
            }
            assert_eq!(out, *whole.as_raw(), "rows of {step}");
        }
    }

    #[test]
    fn tiny_images_replicate_their_border() {
        for (w, h) in [(1, 1), (1, 9), (9, 1), (2, 3)] {
            let gray = noise(w, h, 4, 100);
            let fast = adaptive_gaussian(&gray);
            for (i, &p) in fast.as_raw().iter().enumerate() {
                let (x, y) = (i % w as usize, i / w as usize);
                assert_eq!(
                    p,
                    exact_decision(gray.as_raw(), w as usize, h as usize, x, y)
                );
            }
        }
    }
}

//! The adaptive Gaussian threshold made fast — and still the same answer on every pixel.
//!
//! `cv2.adaptiveThreshold(gray, 255, ADAPTIVE_THRESH_GAUSSIAN_C, THRESH_BINARY, 11, 2)` blurs
//! the gray image with an 11-tap Gaussian (σ = 2, border replicated) in `float`, rounds the blur
//! `m` to 8 bits, and makes a pixel `s` white when `s > m − 2`. Rounded, that is `m ≤ s + 1`:
//! the decision only asks whether the blur lies below `s + 1.5`. So the blur need not be exact
//! everywhere — only where it is close to `s + 1.5`.
//!
//! The fast path is a separable filter in `f32` laid out for the vector unit: a band of rows is
//! copied once into an array whose rows are padded with their replicated border, so no tap is
//! clamped and each pass is one long loop; the kernel's symmetry halves the multiplies
//! (`w₀·p₀ + Σ wᵢ·(p₋ᵢ + p₊ᵢ)`); a band fits in the cache, and the vertical pass yields the
//! decision directly (no blurred image is rounded or stored). Its rounding error is below
//! 4·10⁻⁴ of a grey level (eleven products and sums of values ≤ 255, each off by at most 2⁻²⁴
//! relative, twice), and so is the reference filter's. Where the blur lies within [`MARGIN`]
//! of `s + 1.5` — about two pixels in ten thousand on the book's tiles — the pixel is decided
//! again by [`reference_decision`], with the arithmetic of the chapter's reference filter
//! ([`crate::threshold::filter_rows`]: each tap in turn). So the output is that filter's on
//! every pixel, which is OpenCV's on every pixel of the book's tiles and ship. (No `f32` order
//! reproduces OpenCV's own float blur bit for bit, so "OpenCV's on every pixel" is measured, not
//! proven: a pixel whose exact mean lies within 10⁻⁵ of `s + 1.5` can go either way.)
//!
//! [`threshold_rows`] decides any range of rows from the whole image (the halo comes from the
//! shared image), so a row-parallel split gives the same bytes as one pass. Measured by
//! `cargo bench -p chapter-8 --bench one_pass`; compared with OpenCV by `compare_opencv.py`.

use std::ops::Range;

use image::GrayImage;

use crate::threshold::{BLOCK_SIZE, C, default_sigma, gaussian_kernel};

/// The kernel's radius: 5 rows and columns either side.
const RADIUS: usize = BLOCK_SIZE / 2;

/// How close to the decision boundary the fast blur may be before the pixel is decided again by
/// [`reference_decision`]: more than twice the two paths' rounding errors together.
pub const MARGIN: f32 = 1e-3;

/// `getGaussianKernel(11, 2.0)` in `f32` as OpenCV builds it for a `float` image, folded: the
/// centre weight first, then the weight at distance 1..=5 (the kernel is symmetric).
fn half_kernel() -> [f32; RADIUS + 1] {
    let full = gaussian_kernel(BLOCK_SIZE, default_sigma(BLOCK_SIZE));
    std::array::from_fn(|i| full[RADIUS + i])
}

/// `w₀·t₀ + Σ wᵢ·(t₋ᵢ + t₊ᵢ)` over `out`: tap `k` of element `j` is `src[j + k·step]`, so
/// `step` 1 is the horizontal pass and `step` = the row stride the vertical one.
fn blur(w: &[f32; RADIUS + 1], src: &[f32], step: usize, out: &mut [f32]) {
    let n = out.len();
    let t: [&[f32]; BLOCK_SIZE] = std::array::from_fn(|k| &src[k * step..][..n]);
    for (j, o) in out.iter_mut().enumerate() {
        *o = w[0] * t[5][j]
            + w[1] * (t[4][j] + t[6][j])
            + w[2] * (t[3][j] + t[7][j])
            + w[3] * (t[2][j] + t[8][j])
            + w[4] * (t[1][j] + t[9][j])
            + w[5] * (t[0][j] + t[10][j]);
    }
}

/// Rows per band: the band's three `f32` buffers stay near 256 KB, in the cache, whatever the
/// width; a band of a small image is the whole image.
fn band_rows(stride: usize) -> usize {
    ((256 * 1024) / (12 * stride))
        .saturating_sub(2 * RADIUS)
        .max(32)
}

/// Decides output rows `rows` of the `width`×`height` image `gray` into `out`
/// (`rows.len() * width` bytes): 255 where `src > round(blur) − C`, else 0.
///
/// Band by band: the band's rows and 5 rows of halo either side (replicated past the image's
/// edge) are laid out as one `f32` array whose rows are padded with 5 replicated pixels either
/// side, stride `width + 10`. Then each pass is one long loop over that array — no tap clamped,
/// no per-row start-up — and the padding columns are computed and thrown away.
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
    let stride = width + 2 * RADIUS;
    let per_band = band_rows(stride);
    let mut padded = Vec::new();
    let mut horizontal = Vec::new();
    let mut margin = Vec::new();
    for (band, dst) in (rows.start..rows.end)
        .step_by(per_band)
        .zip(out.chunks_mut(per_band * width))
    {
        let n = dst.len() / width;
        let halo = n + 2 * RADIUS;
        // Image rows band−5 .. band+n+5, clamped into the image, each padded left and right.
        padded.resize(halo * stride, 0.0);
        for (i, row) in padded.chunks_exact_mut(stride).enumerate() {
            let y = (band + i).saturating_sub(RADIUS).min(height - 1);
            let line = &gray[y * width..][..width];
            let (left, rest) = row.split_at_mut(RADIUS);
            let (middle, right) = rest.split_at_mut(width);
            for (p, &v) in middle.iter_mut().zip(line) {
                *p = f32::from(v);
            }
            left.fill(f32::from(line[0]));
            right.fill(f32::from(line[width - 1]));
        }
        // Element j of `horizontal` is the row blur centred on padded[j + 5].
        horizontal.resize(halo * stride - 2 * RADIUS, 0.0);
        blur(&w, &padded, 1, &mut horizontal);
        // Element j of `margin`: the vertical blur centred on horizontal[j + 5·stride], minus
        // the pixel's boundary `src + C − 0.5` (padded[j + 5·stride + 5]): white below 0.
        margin.resize((n - 1) * stride + width, 0.0);
        blur(&w, &horizontal, stride, &mut margin);
        let src = &padded[RADIUS * stride + RADIUS..][..margin.len()];
        let offset = C as f32 - 0.5;
        let mut close = 0u32;
        for (m, &s) in margin.iter_mut().zip(src) {
            *m -= s + offset;
            close += u32::from(m.abs() < MARGIN);
        }
        for (i, dst) in dst.chunks_exact_mut(width).enumerate() {
            let row = &margin[i * stride..][..width];
            // White where the margin is negative: its sign bit, spread over the byte (a margin
            // of exactly ±0 is within MARGIN and decided again below).
            for (o, &m) in dst.iter_mut().zip(row) {
                *o = ((m.to_bits() >> 31) as u8).wrapping_neg();
            }
            if close > 0 {
                for (x, (o, &m)) in dst.iter_mut().zip(row).enumerate() {
                    if m.abs() < MARGIN {
                        *o = reference_decision(gray, width, height, x, band + i);
                    }
                }
            }
        }
    }
}

/// The decision at `(x, y)` taken as [`crate::threshold::filter_rows`] takes it: the
/// horizontal sums of the 11 rows, then the vertical sum, each tap after the other in `f32`,
/// rounded half up — the arithmetic that agreed with OpenCV on all 3.48 million pixels of the
/// book's tiles and ship (the exact mean would differ at one: `compare_opencv.py` shows it).
pub fn reference_decision(gray: &[u8], width: usize, height: usize, x: usize, y: usize) -> u8 {
    let kernel = gaussian_kernel(BLOCK_SIZE, default_sigma(BLOCK_SIZE));
    let clamp = |i: usize, k: usize, n: usize| (i + k).saturating_sub(RADIUS).min(n - 1);
    let mut blur = 0f32;
    for (ky, wy) in kernel.iter().enumerate() {
        let row = &gray[clamp(y, ky, height) * width..][..width];
        let mut line = 0f32;
        for (kx, wx) in kernel.iter().enumerate() {
            line += wx * f32::from(row[clamp(x, kx, width)]);
        }
        blur += wy * line;
    }
    let mean = (blur + 0.5).clamp(0.0, 255.0) as u8;
    if i32::from(gray[y * width + x]) > i32::from(mean) - C {
        255
    } else {
        0
    }
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
    fn every_pixel_is_the_reference_decision() {
        // Noise of every spread puts many blurs near the boundary; odd sizes test the borders.
        for (seed, (w, h), spread) in [(1, (61, 47), 4), (2, (13, 90), 20), (3, (200, 7), 256)] {
            let gray = noise(w, h, seed, spread);
            let fast = adaptive_gaussian(&gray);
            let (wu, hu) = (w as usize, h as usize);
            for y in 0..hu {
                for x in 0..wu {
                    let want = reference_decision(gray.as_raw(), wu, hu, x, y);
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
                    reference_decision(gray.as_raw(), w as usize, h as usize, x, y)
                );
            }
        }
    }
}

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

use crate::kernels::{BLOCK_SIZE, C, default_sigma, gaussian_kernel};

/// The kernel's radius: 5 rows and columns either side.
const RADIUS: usize = BLOCK_SIZE / 2;

/// How close to the decision boundary the fast blur may be before the pixel is decided again by
/// [`reference_decision`]: more than twice the two paths' rounding errors together.
pub const MARGIN: f32 = 1e-3;

/// `getGaussianKernel(11, 2.0)` in `f32` as OpenCV builds it for a `float` image, folded: the
/// centre weight first, then the weight at distance 1..=5 (the kernel is symmetric).
fn half_kernel() -> [f32; RADIUS + 1] {
    let full = kernel();
    std::array::from_fn(|i| full[RADIUS + i])
}

/// `getGaussianKernel(11, 2.0)` in `f32`, computed once.
fn kernel() -> &'static [f32] {
    static KERNEL: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    KERNEL.get_or_init(|| gaussian_kernel(BLOCK_SIZE, default_sigma(BLOCK_SIZE)))
}

/// `w₀·t₅ + Σ wᵢ·(t₅₋ᵢ + t₅₊ᵢ)` at element `j`, where tap `k` is `src[j + k·step]`: `step` 1 is
/// the horizontal pass and `step` = the row stride the vertical one.
#[inline(always)]
fn tap_sum(w: &[f32; RADIUS + 1], t: &[&[f32]; BLOCK_SIZE], j: usize) -> f32 {
    w[0] * t[5][j]
        + w[1] * (t[4][j] + t[6][j])
        + w[2] * (t[3][j] + t[7][j])
        + w[3] * (t[2][j] + t[8][j])
        + w[4] * (t[1][j] + t[9][j])
        + w[5] * (t[0][j] + t[10][j])
}

fn taps(src: &[f32], step: usize, n: usize) -> [&[f32]; BLOCK_SIZE] {
    std::array::from_fn(|k| &src[k * step..][..n])
}

/// The horizontal pass over `out`: element `j` is the row blur centred on `src[j + 5]`.
fn horizontal(w: &[f32; RADIUS + 1], src: &[f32], out: &mut [f32]) {
    let t = taps(src, 1, out.len());
    for (j, o) in out.iter_mut().enumerate() {
        *o = tap_sum(w, &t, j);
    }
}

/// The vertical pass and the decision in one loop: element `j`'s blur is centred on
/// `h[j + 5·stride]`, its margin is that blur minus the boundary `src[j] + C − 0.5`, and the
/// pixel is white (255) where the margin is negative — its sign bit spread over the byte (a
/// margin of exactly ±0 lies within [`MARGIN`] and is decided again). Returns how many margins
/// lie within [`MARGIN`].
fn vertical_decide(
    w: &[f32; RADIUS + 1],
    h: &[f32],
    stride: usize,
    src: &[f32],
    margin: &mut [f32],
    decided: &mut [u8],
) -> u32 {
    let n = margin.len();
    let t = taps(h, stride, n);
    let (src, decided) = (&src[..n], &mut decided[..n]);
    let offset = C as f32 - 0.5;
    let mut close = 0;
    for j in 0..n {
        let m = tap_sum(w, &t, j) - (src[j] + offset);
        margin[j] = m;
        decided[j] = ((m.to_bits() >> 31) as u8).wrapping_neg();
        close += u32::from(m.abs() < MARGIN);
    }
    close
}

/// Rows per band: as many as keep the band's buffers near 256 KB, in the cache (a whole tile of
/// the book's is one band), but at least 32, so that the 10 halo rows stay a minority.
fn band_rows(stride: usize) -> usize {
    ((256 * 1024) / (13 * stride))
        .saturating_sub(2 * RADIUS)
        .max(32)
}

/// One thread's working arrays, kept between calls: a pass over many small tiles allocates once.
#[derive(Default)]
struct Scratch {
    padded: Vec<f32>,
    horizontal: Vec<f32>,
    margin: Vec<f32>,
    decided: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Decides output rows `rows` of the `width`×`height` image `gray` into `out`
/// (`rows.len() * width` bytes): 255 where `src > round(blur) − C`, else 0.
///
/// Band by band: the band's rows and 5 rows of halo either side are laid out as one `f32` array
/// whose rows are padded with 5 replicated pixels either side, stride `width + 10`. Each pass is
/// then one long loop over that array — no tap clamped, no per-row start-up — and the padding
/// columns are computed and thrown away. Halo rows past the image's edge are copies of its edge
/// row's horizontal blur (`BORDER_REPLICATE`), not computed again.
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
    SCRATCH.with_borrow_mut(|scratch| {
        let stride = width + 2 * RADIUS;
        let per_band = band_rows(stride);
        for (band, dst) in (rows.start..rows.end)
            .step_by(per_band)
            .zip(out.chunks_mut(per_band * width))
        {
            decide_band(gray, width, height, band, dst, scratch);
        }
    });
}

/// [`threshold_rows`] for the rows `band..band + dst.len() / width`.
fn decide_band(
    gray: &[u8],
    width: usize,
    height: usize,
    band: usize,
    dst: &mut [u8],
    scratch: &mut Scratch,
) {
    let w = half_kernel();
    let stride = width + 2 * RADIUS;
    let n = dst.len() / width;
    // The image rows the band reads, and how many halo rows lie past the top and bottom edges.
    let (first, last) = (band.saturating_sub(RADIUS), (band + n + RADIUS).min(height));
    let (above, below) = (RADIUS - (band - first), band + n + RADIUS - last);
    let Scratch {
        padded,
        horizontal,
        margin,
        decided,
    } = scratch;
    padded.resize((last - first) * stride, 0.0);
    for (y, row) in (first..last).zip(padded.chunks_exact_mut(stride)) {
        let line = &gray[y * width..][..width];
        let (left, rest) = row.split_at_mut(RADIUS);
        let (middle, right) = rest.split_at_mut(width);
        for (p, &v) in middle.iter_mut().zip(line) {
            *p = f32::from(v);
        }
        left.fill(f32::from(line[0]));
        right.fill(f32::from(line[width - 1]));
    }
    let halo = n + 2 * RADIUS;
    horizontal.resize(halo * stride, 0.0);
    let computed = (last - first) * stride - 2 * RADIUS;
    self::horizontal(&w, padded, &mut horizontal[above * stride..][..computed]);
    for i in 0..above {
        horizontal.copy_within(above * stride..(above + 1) * stride, i * stride);
    }
    let edge = (halo - below - 1) * stride;
    for i in 0..below {
        horizontal.copy_within(edge..edge + stride, edge + (i + 1) * stride);
    }
    let len = (n - 1) * stride + width;
    margin.resize(len, 0.0);
    decided.resize(len, 0);
    let src = &padded[(band - first) * stride + RADIUS..];
    let close = vertical_decide(&w, horizontal, stride, src, margin, decided);
    for (i, dst) in dst.chunks_exact_mut(width).enumerate() {
        dst.copy_from_slice(&decided[i * stride..][..width]);
        let row = &margin[i * stride..][..width];
        // A vector count first: most rows have no close pixel to look for.
        if close > 0
            && row
                .iter()
                .fold(0u32, |n, m| n + u32::from(m.abs() < MARGIN))
                > 0
        {
            for (x, (o, &m)) in dst.iter_mut().zip(row).enumerate() {
                if m.abs() < MARGIN {
                    *o = reference_decision(gray, width, height, x, band + i);
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
    let kernel = kernel();
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

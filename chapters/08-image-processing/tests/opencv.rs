//! The chapter against OpenCV itself, without OpenCV: `tests/fixtures/` holds a 120×90 colour
//! picture (a smooth field with ±4 noise, so that many blurs fall near the decision boundary)
//! and what OpenCV 5.1 made of it — `cvtColor(BGR2GRAY)` and `adaptiveThreshold(gray, 255,
//! ADAPTIVE_THRESH_GAUSSIAN_C, THRESH_BINARY, 11, 2)` — written by this snippet:
//!
//! ```text
//! rng = np.random.default_rng(8); y, x = np.mgrid[0:90, 0:120]
//! base = np.stack([100 + 60*np.sin(x/9.0), 120 + 50*np.cos(y/7.0), 90 + 0.8*x], axis=-1)
//! rgb = np.clip(base + rng.integers(-4, 5, size=(90, 120, 3)), 0, 255).astype(np.uint8)
//! bgr = rgb[:, :, ::-1].copy(); gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
//! thr = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 11, 2)
//! cv2.imwrite('opencv_input.png', bgr); cv2.imwrite('opencv_gray.png', gray)
//! cv2.imwrite('opencv_gaussian.png', thr)
//! ```
//!
//! The grayscale and the threshold must equal OpenCV's on every pixel, on one pass and split into
//! rows. (`compare_opencv.py` does the same on any images when `cv2` is installed.)

#![cfg(not(shuttle))]

use std::path::Path;

use chapter_8::batch::adaptive_threshold_rows;
use chapter_8::imaging::{read_gray, read_rgb};
use chapter_8::threshold::{Adaptive, adaptive_threshold, grayscale};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn differing(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

#[test]
fn grayscale_is_opencvs_on_every_pixel() {
    let rgb = read_rgb(&fixture("opencv_input.png")).expect("the fixture reads");
    let want = read_gray(&fixture("opencv_gray.png")).expect("the fixture reads");
    let got = grayscale(&rgb);
    assert_eq!(got.dimensions(), (120, 90));
    assert_eq!(differing(got.as_raw(), want.as_raw()), 0);
}

#[test]
fn the_gaussian_threshold_is_opencvs_on_every_pixel() {
    let gray = read_gray(&fixture("opencv_gray.png")).expect("the fixture reads");
    let want = read_gray(&fixture("opencv_gaussian.png")).expect("the fixture reads");
    let got = adaptive_threshold(&gray, Adaptive::Gaussian);
    assert_eq!(differing(got.as_raw(), want.as_raw()), 0);
    for workers in [1, 2, 3] {
        let rows = adaptive_threshold_rows(&gray, workers).expect("a pool");
        assert_eq!(differing(rows.as_raw(), want.as_raw()), 0, "{workers}");
    }
}

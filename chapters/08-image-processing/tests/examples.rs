//! The chapter's examples as tests: every parallel output equals the sequential one byte for byte
//! (tiles through each variant, rows, bands; several worker counts and odd sizes), the broken
//! blur differs only near band borders, and each example's verdict is `Showed`.

#![cfg(not(shuttle))]

use chapter_8::batch::{TileVariant, adaptive_threshold_rows, cut, run_tiles, write_tiles};
use chapter_8::convolution::{blur_bands_no_halo, check};
use chapter_8::halo::blur_bands_with_halo;
use chapter_8::imaging::band_rows;
use chapter_8::imaging::{output_root, read_gray, read_rgb, test_image, write_rgb};
use chapter_8::threshold::{Adaptive, adaptive_threshold, filter, grayscale, process_tile};
use common::Verdict;
use common::testing::run_quick_threads;
use image::ImageFormat;

#[test]
fn every_tile_variant_writes_the_sequential_result_for_any_worker_count() {
    // Odd sizes: 103×71 in a 3×3 grid gives 34×23 tiles and a dropped remainder.
    let picture = test_image(103, 71, 7);
    let dir = output_root().join("tests").join("tiles");
    let tiles =
        write_tiles(&picture, 3, &dir.join("input"), "103x71 grid 3 seed 7").expect("tiles");
    let expected: Vec<_> = cut(&picture, 3)
        .iter()
        .map(|(_, _, t)| process_tile(t))
        .collect();
    for (name, variant) in [
        ("parent", TileVariant::ParentReads),
        ("worker", TileVariant::WorkerReads),
        ("rayon", TileVariant::RayonTiles),
    ] {
        for workers in [1, 2, 3, 5, 16] {
            let out = dir.join(format!("{name}-{workers}"));
            run_tiles(variant, &tiles, &out, workers).expect("run");
            for (tile, want) in tiles.iter().zip(&expected) {
                let got = read_gray(&out.join(tile.file_name())).expect("output");
                assert_eq!(
                    &got,
                    want,
                    "{name} with {workers} workers, {}",
                    tile.file_name()
                );
            }
        }
    }
}

#[test]
fn rows_on_a_pool_equal_the_sequential_threshold() {
    for (w, h) in [(1, 1), (37, 5), (101, 67), (64, 129)] {
        let gray = grayscale(&test_image(w, h, 3));
        let want = adaptive_threshold(&gray, Adaptive::Gaussian);
        for workers in [1, 2, 3, 7] {
            assert_eq!(
                adaptive_threshold_rows(&gray, workers).expect("pool"),
                want,
                "{w}×{h}, {workers}"
            );
        }
    }
}

#[test]
fn the_halo_blur_equals_the_sequential_blur_and_the_broken_one_differs_only_at_borders() {
    let kernel = Adaptive::Gaussian.kernel();
    for (w, h) in [(1, 1), (31, 3), (57, 101), (80, 64)] {
        let gray = grayscale(&test_image(w, h, 11));
        let want = filter(&gray, &kernel);
        for bands in [1, 2, 3, 4, 7, 200] {
            assert_eq!(
                blur_bands_with_halo(&gray, &kernel, bands),
                want,
                "{w}×{h}, {bands}"
            );
            let broken = check(&blur_bands_no_halo(&gray, &kernel, bands), &want, bands, 5);
            assert_eq!(broken.near_borders, broken.differing, "{w}×{h}, {bands}");
        }
    }
    // A noisy image with an inner border does get pixels wrong without the halo.
    let gray = grayscale(&test_image(80, 64, 11));
    let broken = check(
        &blur_bands_no_halo(&gray, &kernel, 2),
        &filter(&gray, &kernel),
        2,
        5,
    );
    assert!(broken.differing > 0);
}

#[test]
fn band_rows_cover_the_image_without_empty_bands() {
    for h in [1, 2, 7, 100, 1118] {
        for bands in [1, 2, 3, 8, 2000] {
            let rows = band_rows(h, bands);
            assert!(rows.len() <= bands.max(1));
            assert_eq!(rows[0].start, 0);
            assert_eq!(rows.last().expect("a band").end, h);
            assert!(rows.windows(2).all(|p| p[0].end == p[1].start));
            assert!(rows.iter().all(|r| !r.is_empty()));
        }
    }
}

#[test]
fn png_round_trips_and_jpeg_reads_back_close() {
    let picture = test_image(61, 43, 5);
    let dir = output_root().join("tests").join("io");
    write_rgb(&dir.join("p.png"), &picture, ImageFormat::Png).expect("png");
    write_rgb(&dir.join("p.jpg"), &picture, ImageFormat::Jpeg).expect("jpeg");
    assert_eq!(read_rgb(&dir.join("p.png")).expect("png"), picture);
    let jpeg = read_rgb(&dir.join("p.jpg")).expect("jpeg");
    assert_eq!(jpeg.dimensions(), picture.dimensions());
    let mean_error = jpeg
        .iter()
        .zip(picture.iter())
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / jpeg.len() as f64;
    assert!(mean_error < 20.0, "{mean_error}");
}

fn verdict(example: &str, variant: &'static str, threads: usize) -> Verdict {
    run_quick_threads(&chapter_8::CHAPTER, example, variant, threads).verdict
}

#[test]
fn the_examples_show_what_they_teach() {
    assert_eq!(verdict("pipeline", "sequential", 1), Verdict::Showed);
    assert_eq!(verdict("banded-blur", "broken", 3), Verdict::Showed);
    assert_eq!(verdict("banded-blur", "halo", 3), Verdict::Showed);
    assert_eq!(verdict("batch", "rayon-rows", 2), Verdict::Showed);
}

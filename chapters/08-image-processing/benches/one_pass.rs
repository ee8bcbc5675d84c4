//! One pass of the book's per-tile work — read, decode, gray, adaptive Gaussian threshold — over
//! 400 JPEG tiles, on 1 and 2 threads, and its parts alone: decoding, and gray + threshold.
//!
//! The book's inputs are not part of the project: set `BOOK_TILES` to a folder of the book's
//! `ship_R_C.jpg` tiles (78×55 each) to measure on them. Without it the bench says so and
//! measures 400 tiles of the chapter's own painted picture, written as JPEG (quality 90) under
//! `target/chapter-8/bench-tiles/`.
//!
//! ```text
//! BOOK_TILES=/path/to/tiles cargo bench -p chapter-8 --bench one_pass
//! ```
//!
//! Expect decoding to be most of a pass (OpenCV spends 11 of its 17.4 ms on it for the book's
//! tiles), gray + threshold well under a third, and the 2-thread pass close to twice as fast as
//! the 1-thread one on an idle 2-core machine. `cargo test -p chapter-8 --benches` runs each
//! bench once, as a smoke test. Compare with OpenCV: `python3 compare_opencv.py`.

use std::path::PathBuf;
use std::sync::OnceLock;

use chapter_8::imaging::{decode, output_root, test_image, write_rgb};
use chapter_8::threshold::process_tile;
use chapter_8::your_images::pass;
use divan::Bencher;
use image::RgbImage;

fn main() {
    divan::main();
}

/// The tiles: `BOOK_TILES`'s JPEG files, or 400 painted ones.
fn tiles() -> &'static [PathBuf] {
    static TILES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    TILES.get_or_init(|| {
        if let Some(dir) = std::env::var_os("BOOK_TILES") {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .expect("BOOK_TILES is a readable folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
                .collect();
            files.sort();
            eprintln!(
                "one_pass: {} tiles from {}",
                files.len(),
                PathBuf::from(dir).display()
            );
            return files;
        }
        let dir = output_root().join("bench-tiles");
        eprintln!(
            "one_pass: BOOK_TILES not set; 400 painted 78×55 JPEG tiles in {}",
            dir.display()
        );
        let picture = test_image(1577, 1118, 1);
        chapter_8::batch::cut(&picture, 20)
            .into_iter()
            .map(|(row, col, tile)| {
                let path = dir.join(format!("ship_{row}_{col}.jpg"));
                write_rgb(&path, &tile, image::ImageFormat::Jpeg).expect("writes a tile");
                path
            })
            .collect()
    })
}

fn decoded() -> &'static [RgbImage] {
    static DECODED: OnceLock<Vec<RgbImage>> = OnceLock::new();
    DECODED.get_or_init(|| {
        tiles()
            .iter()
            .map(|p| {
                decode(&std::fs::read(p).expect("reads"))
                    .expect("decodes")
                    .rgb
            })
            .collect()
    })
}

/// Read + decode + gray + threshold of every tile, one tile a rayon task.
#[divan::bench(args = [1, 2], sample_count = 30)]
fn one_pass(bencher: Bencher, threads: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool");
    let files = tiles();
    bencher.bench_local(|| pass(files, &pool));
}

/// Read + decode of every tile, one thread.
#[divan::bench(sample_count = 30)]
fn read_and_decode(bencher: Bencher) {
    let files = tiles();
    bencher.bench_local(|| {
        files
            .iter()
            .map(|p| decode(&std::fs::read(p).expect("reads")).expect("decodes"))
            .collect::<Vec<_>>()
    });
}

/// Gray + threshold of every decoded tile, one thread.
#[divan::bench(sample_count = 30)]
fn gray_and_threshold(bencher: Bencher) {
    let images = decoded();
    bencher.bench_local(|| images.iter().map(process_tile).collect::<Vec<_>>());
}

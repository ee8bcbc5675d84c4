//! The book's single-image pipeline: load, gray, global threshold, adaptive thresholds.
//!
//! Examples 1–4 of the book load `ship.jpg`, print its shape and top-left pixel, turn it gray,
//! threshold it at 127, and threshold it adaptively (mean and Gaussian, block 11, C 2), writing each
//! result. Here the picture is painted by [`crate::imaging::test_image`], written as PNG and as JPEG,
//! read back from both (the JPEG, lossy, is what gets processed, as in the book), and every result
//! is written as a PNG under `target/chapter-8/pipeline/`. Sequential: this is the work the next
//! example spreads across workers.
//!
//! Run `cargo run -p chapter-8 -- run pipeline`. Expect the shape `1118×1577×3`, four output files,
//! and different white fractions: the global threshold keeps the sky and loses the shadowed sea,
//! the adaptive ones trace edges and texture everywhere. Mirrors the book's Chapter08
//! example1.py–example4.py (without `imshow`: look at the files).

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict, format};
use image::ImageFormat;

use crate::imaging::{
    BOOK_HEIGHT, BOOK_WIDTH, output_root, read_rgb, test_image, write_gray_png, write_rgb,
};
use crate::threshold::{
    Adaptive, GLOBAL_THRESHOLD, adaptive_threshold, global_threshold, grayscale, white_fraction,
};

common::variants! {
    /// The example's one variant: the book's steps in order.
    pub enum Steps {
        /// One step after another, on one thread.
        Sequential = "sequential": "the book's examples 1-4, one step after another, files under target/chapter-8/pipeline",
    }
}

/// Runs the pipeline on the book-sized picture.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Steps::Sequential = config.variant_of()?;
    let dir = output_root().join("pipeline");
    let clock = Stopwatch::start();
    let picture = test_image(BOOK_WIDTH, BOOK_HEIGHT, config.seed);
    let png = dir.join("ship.png");
    let jpg = dir.join("ship.jpg");
    write_rgb(&png, &picture, ImageFormat::Png)?;
    write_rgb(&jpg, &picture, ImageFormat::Jpeg)?;
    let from_png = read_rgb(&png)?;
    let ship = read_rgb(&jpg)?;
    let lossless = from_png == picture;
    let top_left = ship.get_pixel(0, 0).0;
    let loaded = clock.elapsed();

    let mut table = TableData::new(
        "each step on the whole picture, one thread",
        &["step", "book", "time", "white pixels", "file"],
    );
    let step = Stopwatch::start();
    let gray = grayscale(&ship);
    let gray_time = step.elapsed();
    write_gray_png(&dir.join("gray_ship.png"), &gray)?;
    table.row([
        "grayscale (BGR2GRAY)".to_string(),
        "example2".to_string(),
        human(gray_time),
        "-".to_string(),
        "gray_ship.png".to_string(),
    ]);
    let mut fractions = Vec::new();
    let steps: [(&str, &str, &str, Option<Adaptive>); 3] = [
        (
            "global threshold > 127",
            "example3",
            "custom_thresh_ship.png",
            None,
        ),
        (
            "adaptive mean, 11, C 2",
            "example4",
            "mean_thresh_ship.png",
            Some(Adaptive::Mean),
        ),
        (
            "adaptive Gaussian, 11, C 2",
            "example4",
            "gauss_thresh_ship.png",
            Some(Adaptive::Gaussian),
        ),
    ];
    for (name, book, file, method) in steps {
        let step = Stopwatch::start();
        let out = match method {
            None => global_threshold(&gray, GLOBAL_THRESHOLD),
            Some(method) => adaptive_threshold(&gray, method),
        };
        let took = step.elapsed();
        write_gray_png(&dir.join(file), &out)?;
        let white = white_fraction(&out);
        fractions.push(white);
        table.row([
            name.to_string(),
            book.to_string(),
            human(took),
            format::percent(100.0 * white),
            file.to_string(),
        ]);
    }
    let distinct = fractions[0] != fractions[1] && fractions[1] != fractions[2];
    let showed = lossless && distinct;
    Ok(config.outcome(Verdict::from(showed))
        .line(format!(
            "painted a {}×{}×3 picture (the book's ship is 1118×1577×3), wrote it as PNG and JPEG, read both back in {}",
            ship.height(),
            ship.width(),
            human(loaded)
        ))
        .line(format!(
            "top-left pixel of the JPEG as RGB: {top_left:?}; the PNG reads back {}",
            if lossless { "bit for bit" } else { "CHANGED (a bug)" }
        ))
        .line(format!("files in {}", dir.display()))
        .table(table)
        .key_figure("white after global threshold", 100.0 * fractions[0], "%")
        .figure("white after adaptive mean", 100.0 * fractions[1], "%")
        .figure("white after adaptive Gaussian", 100.0 * fractions[2], "%")
        .notice("one global cut-off loses whatever the shadow darkens; the adaptive thresholds compare each pixel with its own neighbourhood — and each pixel's answer depends only on that neighbourhood, which is what lets the next examples split the work"))
}

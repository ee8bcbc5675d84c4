//! The book's batch: a picture cut into a 20×20 grid of tile files, each turned gray and
//! thresholded (Gaussian, 11, C 2) and written back, by 1..N workers — and the same work done by
//! rows inside one big image.
//!
//! The book's example5 has the **parent** read every tile and ship its pixels to a `Pool` of
//! processes; example6 hands the workers only file names, so each reads its own. Threads share
//! memory, so "shipping" costs no pickling here — but the parent still decodes every file alone,
//! and that serial part caps the speedup (Amdahl). The variants:
//!
//! - `parent-reads`: the main thread decodes each tile and sends the pixels down a bounded
//!   crossbeam channel to N worker threads, which threshold and write (example5);
//! - `worker-reads`: the channel carries file names; each worker reads, decodes, thresholds and
//!   writes (example6);
//! - `rayon-tiles`: a rayon pool of N threads over the tile list (work stealing, no channel);
//! - `rayon-rows`: no files in between: one big image, its filter rows split across a rayon pool
//!   of N threads.
//!
//! Each worker count runs three times: the table keeps the median, the chart the spread too;
//! every run's output is compared with the one-worker output byte for byte. With `--quick` (the tour) only the grid's first
//! [`QUICK_GRID_ROWS`] rows of tiles (or of pixels, for `rayon-rows`) are processed. Run `cargo
//! run --release -p chapter-8 -- run batch --threads 4` (files under `target/chapter-8/batch/`).
//! Expect speedups near the core count for `worker-reads` and the rayon variants, less for
//! `parent-reads`, and identical outputs always.
//!
//! The speedups over one worker are set beside Amdahl's law, with the serial fraction that
//! explains the speedup measured on as many workers as there are cores (the Karp–Flatt metric),
//! for n processors and for this machine's cores; the outcome carries that chart as
//! `chapter-8-batch-<variant>` for `cargo xtask bench`. That reporting (the timing, the
//! comparison of outputs, the table, the chart) is in [`report`], and the tile files the workers
//! read are cut in [`input`] (the book's generate_input.py). Mirrors the book's Chapter08
//! generate_input.py, example5.py and example6.py.

use std::path::Path;

use common::{Outcome, RunConfig};
use image::{GrayImage, RgbImage};
use rayon::prelude::*;

use crate::gaussian_threshold::threshold_rows;
use crate::imaging::{BOOK_HEIGHT, BOOK_WIDTH, output_root, read_rgb, test_image, write_gray_png};
use crate::threshold::{Adaptive, grayscale, process_tile};

pub mod input;
pub mod report;

pub use input::{Tile, cut, write_tiles};
use report::{Sweep, same_files, three_runs};

/// The book's grid: 20×20 tiles.
pub const GRID: u32 = 20;

/// How many of the grid's rows of tiles a `--quick` run processes: the first 5 of 20, 100 tiles.
pub const QUICK_GRID_ROWS: u32 = 5;

common::variants! {
    /// The example's variants: how the work reaches the workers.
    pub enum Feed {
        /// [`TileVariant::ParentReads`].
        ParentReads = "parent-reads": "the parent decodes each tile and sends the pixels down a channel (example5)",
        /// [`TileVariant::WorkerReads`].
        WorkerReads = "worker-reads": "the channel carries file names; each worker reads its own (example6)",
        /// [`TileVariant::RayonTiles`].
        RayonTiles = "rayon-tiles": "a rayon pool of N threads over the tile list",
        /// No tiles: one big image, its rows split across the pool.
        RayonRows = "rayon-rows": "one big image, its rows split across a rayon pool of N threads",
    }
}

impl Feed {
    /// How this variant hands out tiles, or `None` if it works on rows of one image.
    pub fn tiles(self) -> Option<TileVariant> {
        match self {
            Self::ParentReads => Some(TileVariant::ParentReads),
            Self::WorkerReads => Some(TileVariant::WorkerReads),
            Self::RayonTiles => Some(TileVariant::RayonTiles),
            Self::RayonRows => None,
        }
    }
}

/// How the tiles reach the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileVariant {
    /// The parent decodes; workers get pixels (example5).
    ParentReads,
    /// Workers get names and decode themselves (example6).
    WorkerReads,
    /// A rayon pool over the tile list.
    RayonTiles,
}

fn threshold_and_write(tile: &Tile, pixels: &RgbImage, out_dir: &Path) -> anyhow::Result<()> {
    write_gray_png(&out_dir.join(tile.file_name()), &process_tile(pixels))
}

/// Processes every tile with `workers` workers, writing the results into `out_dir`.
pub fn run_tiles(
    variant: TileVariant,
    tiles: &[Tile],
    out_dir: &Path,
    workers: usize,
) -> anyhow::Result<()> {
    let workers = workers.max(1);
    std::fs::create_dir_all(out_dir)?;
    match variant {
        TileVariant::ParentReads => {
            let (send, receive) = crossbeam_channel::bounded::<(&Tile, RgbImage)>(2 * workers);
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        let receive = receive.clone();
                        s.spawn(move || -> anyhow::Result<()> {
                            for (tile, pixels) in receive {
                                threshold_and_write(tile, &pixels, out_dir)?;
                            }
                            Ok(())
                        })
                    })
                    .collect();
                drop(receive);
                let mut sent = Ok(());
                for tile in tiles {
                    match read_rgb(&tile.path) {
                        // A closed channel means a worker failed; its error is reported below.
                        Ok(pixels) => {
                            if send.send((tile, pixels)).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            sent = Err(e);
                            break;
                        }
                    }
                }
                drop(send);
                join_all(handles).and(sent)
            })
        }
        TileVariant::WorkerReads => {
            let (send, receive) = crossbeam_channel::unbounded::<&Tile>();
            for tile in tiles {
                send.send(tile).expect("the receiver is alive");
            }
            drop(send);
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        let receive = receive.clone();
                        s.spawn(move || -> anyhow::Result<()> {
                            for tile in receive {
                                threshold_and_write(tile, &read_rgb(&tile.path)?, out_dir)?;
                            }
                            Ok(())
                        })
                    })
                    .collect();
                join_all(handles)
            })
        }
        TileVariant::RayonTiles => pool(workers)?.install(|| {
            tiles
                .par_iter()
                .try_for_each(|tile| threshold_and_write(tile, &read_rgb(&tile.path)?, out_dir))
        }),
    }
}

fn join_all(
    handles: Vec<std::thread::ScopedJoinHandle<'_, anyhow::Result<()>>>,
) -> anyhow::Result<()> {
    let mut result = Ok(());
    for handle in handles {
        let outcome = handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("a worker panicked")));
        result = result.and(outcome);
    }
    result
}

fn pool(workers: usize) -> anyhow::Result<rayon::ThreadPool> {
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?)
}

/// Rows of output per rayon task in [`adaptive_threshold_rows`]: enough to amortise the halo's
/// recomputed horizontal pass, small enough to balance.
pub const ROWS_PER_TASK: usize = 32;

/// The Gaussian adaptive threshold of one big gray image, its rows split across a rayon pool of
/// `workers` threads: identical to [`crate::threshold::adaptive_threshold`] byte for byte.
pub fn adaptive_threshold_rows(gray: &GrayImage, workers: usize) -> anyhow::Result<GrayImage> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let mut out = vec![0u8; w * h];
    if w > 0 {
        pool(workers.max(1))?.install(|| {
            out.par_chunks_mut(ROWS_PER_TASK * w)
                .enumerate()
                .for_each(|(i, out)| {
                    let first = i * ROWS_PER_TASK;
                    let rows = first..first + out.len() / w;
                    threshold_rows(gray.as_raw(), w, h, rows, out);
                });
        });
    }
    Ok(GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size"))
}

/// The worker counts timed for `--threads n`.
fn counts(n: usize) -> Vec<usize> {
    (1..=n.max(1)).collect()
}

/// Runs one variant at 1..=N workers, checks every output against the one-worker output, and
/// reports the medians.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let feed = config.variant_of::<Feed>()?;
    let root = output_root().join("batch");
    let picture = test_image(BOOK_WIDTH, BOOK_HEIGHT, config.seed);
    let grid_rows = config.pick(QUICK_GRID_ROWS, GRID);
    let mut times = Vec::new();
    let (compared, differ, unit);
    match feed.tiles() {
        None => {
            // The tiled area of the picture as one image: the same pixels as the 400 tiles.
            let (tw, th) = (picture.width() / GRID, picture.height() / GRID);
            let area =
                image::imageops::crop_imm(&picture, 0, 0, tw * GRID, th * grid_rows).to_image();
            let gray = grayscale(&area);
            let reference = crate::threshold::adaptive_threshold(&gray, Adaptive::Gaussian);
            let mut total = (0, 0);
            for n in counts(config.threads) {
                let mut last = None;
                let took = three_runs(|| {
                    last = Some(adaptive_threshold_rows(&gray, n)?);
                    Ok(())
                })?;
                times.push((n, took));
                let out = last.expect("ran");
                write_gray_png(&root.join(format!("rows-{n}.png")), &out)?;
                let d = out
                    .iter()
                    .zip(reference.iter())
                    .filter(|(a, b)| a != b)
                    .count();
                total = (total.0 + out.len(), total.1 + d);
            }
            (compared, differ) = total;
            unit = "pixels";
        }
        Some(variant) => {
            let mark = format!(
                "{}x{} grid {GRID} seed {}",
                picture.width(),
                picture.height(),
                config.seed
            );
            let mut tiles = write_tiles(&picture, GRID, &root.join("input"), &mark)?;
            tiles.retain(|tile| tile.row < grid_rows);
            let out = |n: usize| {
                root.join("output")
                    .join(feed.to_string())
                    .join(format!("workers-{n}"))
            };
            let mut total = (0, 0);
            for n in counts(config.threads) {
                times.push((n, three_runs(|| run_tiles(variant, &tiles, &out(n), n))?));
                let (c, d) = same_files(&out(1), &out(n), &tiles)?;
                total = (total.0 + c, total.1 + d);
            }
            (compared, differ) = total;
            unit = "files";
        }
    }
    let sweep = Sweep {
        times,
        compared,
        differ,
        unit,
    };
    let size = (picture.width(), picture.height());
    Ok(report::outcome(config, feed, size, grid_rows, &sweep).notice(match feed {
            Feed::ParentReads => "the parent decodes every tile alone: that serial part caps the speedup, as pickling did in the book's example5 (and even \"1 worker\" is two threads: parent and worker form a pipeline)",
            Feed::WorkerReads => "each worker reads its own files (example6): nothing serial left but the channel, so the speedup follows the cores",
            Feed::RayonTiles => "the same work with no channel to write: rayon's pool splits the tile list and steals work",
            Feed::RayonRows => "inside one image the rows are independent too, given each band reads its neighbours' rows: the grain need not be a file",
        }))
}

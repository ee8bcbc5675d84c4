//! Your own images: the book's batch threshold run on any directory of PNG and JPEG files.
//!
//! The book's example5/6 threshold the ship's 400 tiles; the same per-image work (gray, then the
//! adaptive Gaussian threshold, block 11, C 2) is just as parallel on a learner's own photos. This
//! is a chapter tool rather than an example because it takes a directory:
//!
//! ```text
//! cargo run --release -p chapter-8 -- threshold --input ~/Pictures [--out DIR] [--threads N]
//! ```
//!
//! Every `.png`, `.jpg` or `.jpeg` file directly inside `--input` is read, processed once on one
//! thread and once on `--threads` workers (rayon, one image per task), checked identical, and
//! written as `<name>_gaussian.png` under `--out` (default `target/chapter-8/your-images/`). A
//! table shows each image's size, white fraction and time, then both totals and the speedup. A
//! file that does not decode is listed with the reason and makes the exit code 1; a missing or
//! empty directory is a usage error (exit 2).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::TableData;
use common::report::render_table;
use common::timing::{Stopwatch, human};
use image::GrayImage;
use rayon::prelude::*;

use crate::imaging::{output_root, read_rgb, write_gray_png};
use crate::threshold::{process_tile, white_fraction};

/// Threshold every PNG and JPEG in a directory (the book's per-tile work), on 1 and N threads.
#[derive(Debug, Parser)]
#[command(name = "chapter-8 threshold", disable_version_flag = true)]
struct Args {
    /// The directory of images (only files directly inside it are read).
    #[arg(long)]
    input: PathBuf,
    /// Where to write `<name>_gaussian.png` (default: target/chapter-8/your-images).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads for the parallel pass (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=common::cli::MAX_THREADS as u64))]
    threads: Option<u64>,
}

/// The `threshold` tool's entry point (see the module doc).
pub fn tool(args: Vec<OsString>) -> ExitCode {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(error) => return common::cli::clap_error(error),
    };
    let files = match image_files(&args.input) {
        Ok(files) => files,
        Err(reason) => {
            eprintln!("error: {reason}");
            return ExitCode::from(2);
        }
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let out = args
        .out
        .unwrap_or_else(|| output_root().join("your-images"));
    match run(&files, threads, &out) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The images directly inside `dir`, sorted by name; an error names what is wrong with `dir`.
fn image_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read --input {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && is_image(path))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .png, .jpg or .jpeg files in {}", dir.display()));
    }
    Ok(files)
}

fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
}

/// One image's result: the thresholded picture and its processing time, or why it failed.
type Processed = Result<(GrayImage, Duration), String>;

fn process(path: &Path) -> Processed {
    let picture = read_rgb(path).map_err(|e| format!("{e:#}"))?;
    let clock = Stopwatch::start();
    let out = process_tile(&picture);
    Ok((out, clock.elapsed()))
}

/// Processes every file on one thread, then on `threads`; prints the table; writes the outputs.
/// Returns whether every file was processed and both passes agreed.
fn run(files: &[PathBuf], threads: usize, out: &Path) -> anyhow::Result<bool> {
    let clock = Stopwatch::start();
    let sequential: Vec<Processed> = files.iter().map(|f| process(f)).collect();
    let one_thread = clock.elapsed();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let clock = Stopwatch::start();
    let parallel: Vec<Processed> = pool.install(|| files.par_iter().map(|f| process(f)).collect());
    let many_threads = clock.elapsed();

    let mut table = TableData::new(
        "adaptive Gaussian threshold (block 11, C 2) on your images",
        &["file", "size", "white", "time", "written"],
    );
    let mut all_good = true;
    for ((file, one), many) in files.iter().zip(&sequential).zip(&parallel) {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match (one, many) {
            (Ok((image, time)), Ok((again, _))) => {
                let stem = file
                    .file_stem()
                    .map_or_else(|| "image".into(), |s| s.to_string_lossy().into_owned());
                let target = out.join(format!("{stem}_gaussian.png"));
                write_gray_png(&target, image)?;
                all_good &= image == again;
                table.row([
                    name,
                    format!("{}×{}", image.width(), image.height()),
                    common::format::percent(white_fraction(image) * 100.0),
                    human(*time),
                    if image == again {
                        target.display().to_string()
                    } else {
                        "parallel output differs!".to_string()
                    },
                ]);
            }
            (Err(reason), _) | (_, Err(reason)) => {
                all_good = false;
                table.row([name, "-".into(), "-".into(), "-".into(), reason.clone()]);
            }
        }
    }
    println!("{}", render_table(&table));
    let speedup = one_thread.as_secs_f64() / many_threads.as_secs_f64().max(1e-9);
    println!(
        "{}: 1 thread {}, {} {} — {}; parallel outputs {} the sequential ones",
        common::format::counted(files.len(), "files"),
        human(one_thread),
        common::format::counted(threads, "threads"),
        human(many_threads),
        common::format::ratio(speedup),
        if all_good {
            "identical to"
        } else {
            "NOT all identical to"
        }
    );
    Ok(all_good)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_image_extensions_count() {
        assert!(is_image(Path::new("a/ship.JPG")));
        assert!(is_image(Path::new("tile.png")));
        assert!(!is_image(Path::new("notes.txt")));
        assert!(!is_image(Path::new("no_extension")));
    }

    #[test]
    fn a_missing_or_empty_directory_is_explained() {
        let missing = image_files(Path::new("/definitely/not/here"));
        assert!(missing.is_err_and(|e| e.contains("cannot read --input")));
        let empty = std::env::temp_dir().join(format!("chapter8-empty-{}", std::process::id()));
        std::fs::create_dir_all(&empty).expect("creates a temp dir");
        let none = image_files(&empty);
        let _ = std::fs::remove_dir(&empty);
        assert!(none.is_err_and(|e| e.contains("no .png")));
    }
}

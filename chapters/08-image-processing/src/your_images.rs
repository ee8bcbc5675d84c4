//! Your own images: the book's batch threshold run on any directory of PNG and JPEG files.
//!
//! The book's example5/6 threshold the ship's 400 tiles; the same per-image work (gray, then the
//! adaptive Gaussian threshold, block 11, C 2) is just as parallel on a learner's own photos. This
//! is a chapter tool rather than an example because it takes a directory:
//!
//! ```text
//! cargo run --release -p chapter-8 -- threshold --input ~/Pictures [--out DIR] [--threads N] [--compare]
//! ```
//!
//! Every `.png`, `.jpg` or `.jpeg` file directly inside `--input` is read, turned upright (EXIF),
//! grayed and thresholded in one pass on `--threads` workers (rayon, one image per task), and
//! written as `<name>_gaussian.png` under `--out` (default `target/chapter-8/your-images/`); two
//! inputs with one stem (`gray.jpg`, `gray.png`) get `<name>_<ext>_gaussian.png`. A table shows
//! each image's size, white fraction and time, then the pass's total. `--compare` first runs the
//! same pass on one thread, times both and checks every output identical (the work twice). A file
//! that does not decode is listed with the reason, and a damaged one (a truncated JPEG) is
//! written but named as damaged; either makes the exit code 1. A missing or empty directory, or
//! names that would still collide, is a usage error (exit 2).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::TableData;
use common::format::{count, counted};
use common::report::render_table;
use common::timing::{Stopwatch, human};
use image::GrayImage;
use rayon::prelude::*;

use crate::imaging::{decode, output_root, write_gray_png};
use crate::threshold::{process_tile, white_fraction};

/// Threshold every PNG and JPEG in a directory: the book's per-tile work, one pass.
#[derive(Debug, Parser)]
#[command(name = "chapter-8 threshold", disable_version_flag = true)]
struct Args {
    /// Directory of images (files directly inside it).
    #[arg(long)]
    input: PathBuf,
    /// Output dir (default target/chapter-8/your-images).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads for the pass (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=common::cli::MAX_THREADS as u64))]
    threads: Option<u64>,
    /// Also run on 1 thread first; compare times, outputs.
    #[arg(long)]
    compare: bool,
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
    let names = match output_names(&files) {
        Ok(names) => names,
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
    match run(&files, &names, threads, args.compare, &out) {
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

fn lossy(name: Option<&std::ffi::OsStr>) -> String {
    name.map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Each input's output file name: `<stem>_gaussian.png`, or `<stem>_<ext>_gaussian.png` when
/// another input has the same stem. Names are compared ignoring case (a case-insensitive file
/// system would merge them); an error names two inputs that would still write one file.
pub fn output_names(files: &[PathBuf]) -> Result<Vec<String>, String> {
    let stem = |f: &PathBuf| lossy(f.file_stem()).to_lowercase();
    let mut stems: HashMap<String, usize> = HashMap::new();
    for file in files {
        *stems.entry(stem(file)).or_default() += 1;
    }
    let names: Vec<String> = files
        .iter()
        .map(|file| {
            let base = lossy(file.file_stem());
            if stems[&stem(file)] > 1 {
                format!("{base}_{}_gaussian.png", lossy(file.extension()))
            } else {
                format!("{base}_gaussian.png")
            }
        })
        .collect();
    let mut seen: HashMap<String, &PathBuf> = HashMap::new();
    for (name, file) in names.iter().zip(files) {
        if let Some(other) = seen.insert(name.to_lowercase(), file) {
            return Err(format!(
                "{} and {} would both be written as {name}: rename one",
                lossy(other.file_name()),
                lossy(file.file_name())
            ));
        }
    }
    Ok(names)
}

/// One image thresholded: the output, the damage its file had, the time to read, decode, gray
/// and threshold it.
#[derive(Debug, Clone)]
pub struct Thresholded {
    /// The adaptive Gaussian threshold of the image.
    pub image: GrayImage,
    /// Why the file is damaged, if it is (its output is then only partly the file's).
    pub damage: Option<String>,
    /// Read + decode + gray + threshold.
    pub time: Duration,
}

/// One file's result, or why it could not be read or decoded.
pub type Processed = Result<Thresholded, String>;

/// The book's per-tile work on one file: read, decode upright, gray, threshold.
pub fn threshold_file(path: &Path) -> Processed {
    let clock = Stopwatch::start();
    let bytes = std::fs::read(path).map_err(|e| format!("reading: {e}"))?;
    let decoded = decode(&bytes).map_err(|e| format!("decoding: {e:#}"))?;
    let image = process_tile(&decoded.rgb);
    Ok(Thresholded {
        image,
        damage: decoded.damage,
        time: clock.elapsed(),
    })
}

/// One pass over `files` on `pool`, one file a task, results in file order.
pub fn pass(files: &[PathBuf], pool: &rayon::ThreadPool) -> Vec<Processed> {
    pool.install(|| files.par_iter().map(|f| threshold_file(f)).collect())
}

fn timed_pass(files: &[PathBuf], threads: usize) -> anyhow::Result<(Vec<Processed>, Duration)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let clock = Stopwatch::start();
    let results = pass(files, &pool);
    Ok((results, clock.elapsed()))
}

/// Prints a line wrapped to the terminal's width.
fn say(line: String) {
    for part in common::report::wrap(&line, common::report::width(), "  ") {
        println!("{part}");
    }
}

/// Runs the pass (after a one-thread pass with `compare`), prints the table, writes the outputs.
/// Returns whether every file was read undamaged (and, with `compare`, both passes agreed).
fn run(
    files: &[PathBuf],
    names: &[String],
    threads: usize,
    compare: bool,
    out: &Path,
) -> anyhow::Result<bool> {
    let sequential = if compare {
        Some(timed_pass(files, 1)?)
    } else {
        None
    };
    let (results, took) = timed_pass(files, threads)?;

    let mut table = TableData::new(
        "adaptive Gaussian threshold (block 11, C 2) on your images",
        &["file", "size", "white", "time", "written as"],
    );
    let (mut written, mut damaged, mut failed) = (0, 0, 0);
    for ((file, name), result) in files.iter().zip(names).zip(&results) {
        let file = lossy(file.file_name());
        match result {
            Ok(done) => {
                write_gray_png(&out.join(name), &done.image)?;
                written += 1;
                let what = match &done.damage {
                    None => name.clone(),
                    Some(damage) => {
                        damaged += 1;
                        format!("{name} — DAMAGED: {damage}")
                    }
                };
                table.row([
                    file,
                    format!("{}×{}", done.image.width(), done.image.height()),
                    common::format::percent(white_fraction(&done.image) * 100.0),
                    human(done.time),
                    what,
                ]);
            }
            Err(reason) => {
                failed += 1;
                table.row([file, "-".into(), "-".into(), "-".into(), reason.clone()]);
            }
        }
    }
    println!("{}", render_table(&table));
    let mut problems = Vec::new();
    if damaged > 0 {
        problems.push(format!("{} damaged (written anyway)", count(damaged)));
    }
    if failed > 0 {
        problems.push(format!("{} not decoded", count(failed)));
    }
    say(format!(
        "{} in {} on {} (read + gray + threshold); {} written to {}{}",
        counted(files.len(), "files"),
        human(took),
        counted(threads, "threads"),
        count(written),
        out.display(),
        if problems.is_empty() {
            String::new()
        } else {
            format!("; {}", problems.join(", "))
        }
    ));
    let mut agree = true;
    if let Some((one, one_took)) = &sequential {
        let (mut compared, mut differ) = (0, 0);
        for (a, b) in one.iter().zip(&results) {
            if let (Ok(a), Ok(b)) = (a, b) {
                compared += 1;
                differ += usize::from(a.image != b.image);
            }
        }
        agree = differ == 0;
        let speedup = one_took.as_secs_f64() / took.as_secs_f64().max(1e-9);
        say(format!(
            "compare: 1 thread {}, {} {} — {}; outputs of {}: {}",
            human(*one_took),
            counted(threads, "threads"),
            human(took),
            common::format::ratio(speedup),
            counted(compared, "decoded files"),
            if agree {
                "identical on both passes".to_string()
            } else {
                format!("{} DIFFER between the passes", count(differ))
            }
        ));
    }
    Ok(agree && damaged == 0 && failed == 0)
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

    #[test]
    fn inputs_with_one_stem_get_distinct_outputs() {
        let files: Vec<PathBuf> = ["a/gray.jpg", "a/gray.png", "a/ship.jpg"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            output_names(&files).expect("distinct"),
            [
                "gray_jpg_gaussian.png",
                "gray_png_gaussian.png",
                "ship_gaussian.png"
            ]
        );
        // Names that differ only in case are one file on a case-insensitive file system.
        let files = [PathBuf::from("Ship.PNG"), PathBuf::from("ship.png")];
        assert!(output_names(&files).is_err_and(|e| e.contains("Ship.PNG")));
        // A name that the renaming itself collides with is refused, naming both files.
        let files: Vec<PathBuf> = ["gray.jpg", "gray.png", "gray_jpg.png"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let error = output_names(&files).expect_err("collides");
        assert!(
            error.contains("gray.jpg") && error.contains("gray_jpg.png"),
            "{error}"
        );
    }
}

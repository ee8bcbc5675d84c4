//! `cargo xtask book`: the course as a browsable book. Generates an mdBook's source from the
//! READMEs, `exercises.toml` and `results/` into `target/book-src/`, builds it with the `mdbook`
//! binary into `target/book/`, then checks that every link and image in the built HTML resolves.
//!
//! The pages are generated ([`pages`]), never written by hand, so the book cannot drift from the
//! READMEs it is made of. `mdbook` is a binary, not a dependency: xtask is built by every
//! `cargo xtask run-all`, and the book's renderer has no business in that build. The first
//! `cargo xtask book` installs the pinned version into `target/tools/` with `cargo install`
//! (without mdBook's `serve` and `watch` features, which a build does not use); an `mdbook` of
//! the same version on `PATH` is used instead when there is one.

mod links;
mod markdown;
mod pages;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::workspace;

/// The mdBook version the book is built with, so every machine renders the same HTML.
pub const MDBOOK_VERSION: &str = "0.5.4";

/// The generated mdBook source, under the workspace root.
const SOURCE_DIR: &str = "target/book-src";
/// The built book, under the workspace root.
const BOOK_DIR: &str = "target/book";
/// Where `cargo install` puts mdBook (its binary in `bin/`), under the workspace root.
const TOOLS_DIR: &str = "target/tools";

/// Builds the book and checks its links. With `check`, a broken link fails the run (exit 1);
/// without it, it is a warning, so a book being written can still be looked at.
pub fn run(root: &Path, check: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let book = pages::generate(root)?;
    let source = root.join(SOURCE_DIR);
    write_source(root, &source, &book)?;
    let mdbook = mdbook(root)?;
    let built = root.join(BOOK_DIR);
    build(&mdbook, &source, &built)?;
    let report = links::check(&built)?;

    let problems: Vec<String> = book
        .dangling
        .iter()
        .map(|link| format!("{link}: links to a file that does not exist"))
        .chain(
            report
                .broken
                .iter()
                .map(|broken| format!("{BOOK_DIR}/{broken}")),
        )
        .collect();
    let label = if check { "error" } else { "warning" };
    for problem in &problems {
        eprintln!("{label}: {problem}");
    }
    let pages = book.front.len() + book.chapters.len() + book.back.len();
    println!(
        "book: {pages} pages ({} chapters), {} charts; {} HTML files with {} internal links and \
         images checked ({} with an anchor): {} broken; {:.1} s",
        book.chapters.len(),
        book.charts.len(),
        report.pages,
        report.links,
        report.anchors,
        problems.len(),
        started.elapsed().as_secs_f64(),
    );
    println!("open {BOOK_DIR}/index.html");
    Ok(if check && !problems.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `book.toml`, `src/SUMMARY.md`, every page and the charts into `source`, afresh.
fn write_source(root: &Path, source: &Path, book: &pages::Book) -> Result<()> {
    if source.exists() {
        std::fs::remove_dir_all(source)
            .with_context(|| format!("cannot remove {}", source.display()))?;
    }
    let src = source.join("src");
    let charts = src.join(pages::RESULTS_DIR);
    std::fs::create_dir_all(&charts)
        .with_context(|| format!("cannot create {}", charts.display()))?;
    write(&source.join("book.toml"), BOOK_TOML)?;
    write(&src.join("SUMMARY.md"), &pages::summary(book))?;
    for page in book.front.iter().chain(&book.chapters).chain(&book.back) {
        write(&src.join(&page.file), &page.text)?;
    }
    for chart in &book.charts {
        let from = root.join(pages::RESULTS_DIR).join(chart);
        std::fs::copy(&from, charts.join(chart))
            .with_context(|| format!("cannot copy {}", from.display()))?;
    }
    Ok(())
}

/// The book's configuration: numbers are in the chapter titles already (the course's own
/// numbering, which mdBook's would not match), and the code blocks are shell commands and
/// excerpts that need the workspace, so there is nothing for a playground to run.
const BOOK_TOML: &str = r#"[book]
title = "concurrency-chapters"
description = "Mastering Concurrency in Python, redone in Rust, chapter by chapter"
language = "en"

[build]
create-missing = false

[output.html]
no-section-label = true

[output.html.playground]
runnable = false
"#;

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The `mdbook` to build with: `target/tools/bin/mdbook`, else one on `PATH`, if either is the
/// pinned version; else the pinned version installed into `target/tools/` now.
fn mdbook(root: &Path) -> Result<PathBuf> {
    let tools = root.join(TOOLS_DIR);
    let local = tools.join("bin").join("mdbook");
    for candidate in [local.clone(), PathBuf::from("mdbook")] {
        if version(&candidate).as_deref() == Some(MDBOOK_VERSION) {
            return Ok(candidate);
        }
    }
    let install = format!(
        "cargo install mdbook --locked --version {MDBOOK_VERSION} --no-default-features \
         --features search --debug --root {TOOLS_DIR}"
    );
    eprintln!("book: installing mdbook {MDBOOK_VERSION} (once, a minute or two): {install}");
    let started = Instant::now();
    // Unoptimised and without debug info, mdBook compiles in under half the CPU time of a
    // release build and still builds this book in a second or two: CI installs it from cold on
    // every run, and builds the book once.
    let output = workspace::cargo(root)
        .args(["install", "mdbook", "--locked", "--version", MDBOOK_VERSION])
        .args([
            "--no-default-features",
            "--features",
            "search",
            "--debug",
            "--root",
        ])
        .arg(&tools)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .output();
    let failure = match output {
        Err(error) => Some(format!("cannot start cargo: {error}")),
        Ok(output) if !output.status.success() => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reason = stderr
                .lines()
                .find(|line| line.starts_with("error"))
                .map_or_else(|| output.status.to_string(), str::to_string);
            Some(reason)
        }
        Ok(_) => None,
    };
    if let Some(reason) = failure {
        bail!(
            "mdbook {MDBOOK_VERSION} is missing and `{install}` failed ({reason}); install it by \
             hand or put mdbook {MDBOOK_VERSION} on PATH"
        );
    }
    match version(&local) {
        Some(found) if found == MDBOOK_VERSION => {
            eprintln!(
                "book: installed mdbook {MDBOOK_VERSION} in {:.0} s",
                started.elapsed().as_secs_f64()
            );
            Ok(local)
        }
        found => bail!(
            "`{install}` succeeded, but {} reports version {}, not {MDBOOK_VERSION}",
            local.display(),
            found.as_deref().unwrap_or("nothing")
        ),
    }
}

/// The version an `mdbook` binary reports (`mdbook v0.5.4` gives `0.5.4`), if it runs.
fn version(mdbook: &Path) -> Option<String> {
    let output = Command::new(mdbook).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.split_whitespace().nth(1)?.trim_start_matches('v');
    output.status.success().then(|| version.to_string())
}

/// Runs `mdbook build` on `source` into `out`, afresh.
fn build(mdbook: &Path, source: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("cannot remove {}", out.display()))?;
    }
    let output = Command::new(mdbook)
        .arg("build")
        .arg(source)
        .arg("--dest-dir")
        .arg(out)
        .output()
        .with_context(|| format!("cannot run {}", mdbook.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        eprint!("{stderr}");
        bail!("mdbook build failed ({})", output.status);
    }
    // mdBook reports each step at INFO; only what needs attention is passed on.
    for line in stderr.lines().filter(|l| !l.contains("INFO")) {
        eprintln!("mdbook: {line}");
    }
    Ok(())
}

/// The `/`-separated `path` walked from the directory parts `from` (`.` stays, `..` goes up),
/// joined again; `None` when it climbs above `from`'s root.
fn walk<'a>(mut from: Vec<&'a str>, path: &'a str) -> Option<String> {
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                from.pop()?;
            }
            part => from.push(part),
        }
    }
    Some(from.join("/"))
}

//! `cargo xtask list`: every chapter's examples in one table.
//!
//! Builds the chapter binaries in release mode, asks each for `list --json` (its registry as one
//! JSON line) and prints one table: chapter, title, example, variants, summary. The chapters are
//! the source of truth; nothing here knows an example by name.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use common::TableData;
use common::report::render_table;
use serde::Deserialize;

use crate::binaries;
use crate::process::{self, Stream};
use crate::workspace;

/// What `chapter-N list --json` prints.
#[derive(Debug, Deserialize)]
pub struct ChapterListing {
    /// The chapter number.
    pub number: u32,
    /// The chapter title.
    pub title: String,
    /// Its examples.
    pub examples: Vec<ExampleListing>,
}

/// One example in a chapter listing.
#[derive(Debug, Deserialize)]
pub struct ExampleListing {
    /// The name given to `run`.
    pub name: String,
    /// One line on what it shows.
    pub summary: String,
    /// Its variants.
    #[serde(default)]
    pub variants: Vec<VariantListing>,
}

/// One variant of an example.
#[derive(Debug, Deserialize)]
pub struct VariantListing {
    /// The name given to `--variant`.
    pub name: String,
}

/// How long one `list --json` may take: it only prints the registry.
const LIST_LIMIT: Duration = Duration::from_secs(30);

/// Runs `cargo xtask list`.
pub fn run(root: &Path) -> Result<ExitCode> {
    let chapters = workspace::discover(root)?;
    if chapters.is_empty() {
        println!("No chapters yet: nothing under chapters/NN-slug/.");
        return Ok(ExitCode::SUCCESS);
    }
    let selected: Vec<_> = chapters.iter().collect();
    let built = binaries::build_release(root, &selected)?;
    let mut table = TableData::new(
        "Chapters and examples",
        &["chapter", "title", "example", "variants", "summary"],
    );
    let mut problems = Vec::new();
    for chapter in &chapters {
        let Some(executable) = built.executable(chapter) else {
            problems.push(format!("{}: did not build", chapter.label()));
            continue;
        };
        match listing(root, executable) {
            Ok(listing) => add_rows(&mut table, &listing),
            Err(error) => problems.push(format!("{}: {error:#}", chapter.label())),
        }
    }
    println!("{}", render_table(&table));
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn listing(root: &Path, executable: &Path) -> Result<ChapterListing> {
    let mut command = Command::new(executable);
    command.current_dir(root).args(["list", "--json"]);
    let described = process::describe(&command);
    let finished = process::run(command, Stream::Capture, Stream::Capture, Some(LIST_LIMIT))?;
    if !finished.ending.success() {
        let reason = finished.stderr.lines().next().unwrap_or("no message");
        bail!("`{described}` failed ({:?}): {reason}", finished.ending);
    }
    let line = finished
        .stdout
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("`{described}` printed unexpected output"))
}

/// One row per example; the chapter number and title only on its first row.
fn add_rows(table: &mut TableData, listing: &ChapterListing) {
    if listing.examples.is_empty() {
        table.row([
            listing.number.to_string(),
            listing.title.clone(),
            "—".into(),
            "—".into(),
            "no examples yet".into(),
        ]);
    }
    for (i, example) in listing.examples.iter().enumerate() {
        let (number, title) = if i == 0 {
            (listing.number.to_string(), listing.title.clone())
        } else {
            (String::new(), String::new())
        };
        let variants: Vec<&str> = example.variants.iter().map(|v| v.name.as_str()).collect();
        table.row([
            number,
            title,
            example.name.clone(),
            variants.join(", "),
            example.summary.clone(),
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chapter_listing_becomes_rows() {
        let json = r#"{"number":12,"title":"Deadlocks","examples":[
            {"name":"two-locks","summary":"a cycle","variants":[{"name":"broken","summary":"b"},{"name":"ordered","summary":"o"}],"threads":null},
            {"name":"livelock","summary":"busy","variants":[],"threads":["workers",2,2,8]}]}"#;
        let listing: ChapterListing = serde_json::from_str(json).expect("parses");
        let mut table =
            TableData::new("t", &["chapter", "title", "example", "variants", "summary"]);
        add_rows(&mut table, &listing);
        assert_eq!(
            table.rows,
            [
                ["12", "Deadlocks", "two-locks", "broken, ordered", "a cycle"],
                ["", "", "livelock", "", "busy"],
            ]
        );
    }
}

//! The workspace as the runner sees it: where its root is, how to call cargo there, and which
//! chapters exist.
//!
//! Chapters are discovered, never listed by hand: every `chapters/NN-slug/` directory with a
//! `Cargo.toml` is one. Its manifest gives the package name (`chapter-N`) and its `[features]`
//! table says what it offers: a `cfg(shuttle)` in a `tests/` file means model-checking tests, a `learner` feature
//! means exercises; a `tests/loom*.rs` file means loom tests.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::UsageError;

/// The workspace root: the parent of this crate's directory.
///
/// `cargo run` (and so `cargo xtask`) sets `CARGO_MANIFEST_DIR` when it starts us; that is
/// preferred over the directory baked in at compile time, which goes stale when a workspace is
/// copied or moved together with its (still fresh) `target/`.
pub fn root() -> PathBuf {
    let runtime = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let manifest_dir = runtime
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.clone(), Path::to_path_buf)
}

/// A `cargo` command run at the workspace root, with the same cargo that runs us.
pub fn cargo(root: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(root);
    command
}

/// The `RUSTFLAGS` a child cargo gets: ours, if any, with `extra` added.
pub fn rustflags_with(extra: &str) -> String {
    match std::env::var("RUSTFLAGS") {
        Ok(existing) if !existing.trim().is_empty() => format!("{} {extra}", existing.trim()),
        _ => extra.to_string(),
    }
}

/// One chapter crate found under `chapters/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// The chapter number (`12` for `chapters/12-deadlocks`).
    pub number: u32,
    /// The directory name, e.g. `12-deadlocks`.
    pub dir_name: String,
    /// The directory, absolute.
    pub dir: PathBuf,
    /// The package name, e.g. `chapter-12`.
    pub package: String,
    /// Its test targets with model-checking tests (a `cfg(shuttle)` in `tests/NAME.rs`): what
    /// the shuttle pass runs, beside the library's own tests. Empty: nothing to check.
    pub shuttle_tests: Vec<String>,
    /// Whether it has an `exercises/` directory (starters a `COURSE_BUILD` swaps in).
    pub learner: bool,
    /// Whether it has any `tests/loom*.rs` file.
    pub loom: bool,
}

impl Chapter {
    /// Whether the shuttle pass has anything to check in this chapter.
    pub fn shuttle(&self) -> bool {
        !self.shuttle_tests.is_empty()
    }

    /// A short label for messages: `chapter 12 (12-deadlocks)`.
    pub fn label(&self) -> String {
        format!("chapter {} ({})", self.number, self.dir_name)
    }
}

#[derive(Debug, Deserialize)]
struct Manifest {
    package: ManifestPackage,
}

#[derive(Debug, Deserialize)]
struct ManifestPackage {
    name: String,
}

/// The chapter number of a directory named `NN-slug`, or `None` for any other name.
pub fn chapter_number(dir_name: &str) -> Option<u32> {
    let (digits, slug) = dir_name.split_once('-')?;
    if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) || slug.is_empty() {
        return None;
    }
    digits.parse().ok()
}

/// Every chapter under `root/chapters`, sorted by number. No `chapters/` directory means none.
pub fn discover(root: &Path) -> Result<Vec<Chapter>> {
    let chapters_dir = root.join("chapters");
    if !chapters_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut chapters = Vec::new();
    let entries = std::fs::read_dir(&chapters_dir)
        .with_context(|| format!("cannot read {}", chapters_dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", chapters_dir.display()))?;
        let dir = entry.path();
        let dir_name = entry.file_name().to_string_lossy().into_owned();
        let manifest_path = dir.join("Cargo.toml");
        let Some(number) = chapter_number(&dir_name) else {
            continue;
        };
        if !manifest_path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest: Manifest = toml::from_str(&text)
            .with_context(|| format!("cannot parse {}", manifest_path.display()))?;
        let loom = has_loom_tests(&dir.join("tests"));
        chapters.push(Chapter {
            number,
            dir_name,
            package: manifest.package.name,
            shuttle_tests: shuttle_tests(&dir.join("tests")),
            learner: dir.join("exercises").is_dir(),
            loom,
            dir,
        });
    }
    chapters.sort_by(|a, b| (a.number, &a.dir_name).cmp(&(b.number, &b.dir_name)));
    Ok(chapters)
}

/// The names of the test targets in `tests_dir` that hold code for the shuttle pass.
fn shuttle_tests(tests_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(tests_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let stem = path.file_stem()?.to_str()?.to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            let checks = text.contains("cfg(shuttle)") || text.contains("cfg(all(shuttle");
            (path.extension()? == "rs" && checks).then_some(stem)
        })
        .collect();
    names.sort();
    names
}

fn has_loom_tests(tests_dir: &Path) -> bool {
    std::fs::read_dir(tests_dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with("loom") && name.ends_with(".rs")
        })
    })
}

/// The valid chapter numbers, for error messages: `12, 14` (or `none yet`).
pub fn valid_numbers(chapters: &[Chapter]) -> String {
    if chapters.is_empty() {
        return "none yet (no chapters/NN-slug/Cargo.toml found)".to_string();
    }
    let mut out = String::new();
    for (i, chapter) in chapters.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(out, "{sep}{}", chapter.number);
    }
    out
}

/// The chapter named by `wanted` (`12`, or `012`), or a usage error listing the valid ones.
pub fn find<'a>(chapters: &'a [Chapter], wanted: &str) -> Result<&'a Chapter, UsageError> {
    wanted
        .trim()
        .parse::<u32>()
        .ok()
        .and_then(|n| chapters.iter().find(|c| c.number == n))
        .ok_or_else(|| {
            UsageError(format!(
                "unknown chapter '{wanted}'; valid chapters: {}",
                valid_numbers(chapters)
            ))
        })
}

/// The chapters named in `selection`, in the order given, or all of them when it is empty.
pub fn select<'a>(
    chapters: &'a [Chapter],
    selection: &[String],
) -> Result<Vec<&'a Chapter>, UsageError> {
    if selection.is_empty() {
        return Ok(chapters.iter().collect());
    }
    let mut picked: Vec<&Chapter> = Vec::new();
    for wanted in selection {
        let chapter = find(chapters, wanted)?;
        if !picked.iter().any(|c| c.number == chapter.number) {
            picked.push(chapter);
        }
    }
    Ok(picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(number: u32) -> Chapter {
        Chapter {
            number,
            dir_name: format!("{number:02}-x"),
            dir: PathBuf::from(format!("chapters/{number:02}-x")),
            package: format!("chapter-{number}"),
            shuttle_tests: Vec::new(),
            learner: false,
            loom: false,
        }
    }

    #[test]
    fn directory_names_give_chapter_numbers() {
        assert_eq!(chapter_number("12-deadlocks"), Some(12));
        assert_eq!(chapter_number("01-introduction"), Some(1));
        assert_eq!(chapter_number("1-introduction"), None);
        assert_eq!(chapter_number("12-"), None);
        assert_eq!(chapter_number("ab-deadlocks"), None);
        assert_eq!(chapter_number("README.md"), None);
    }

    #[test]
    fn unknown_chapters_are_one_line_usage_errors_naming_the_valid_ones() {
        let chapters = [chapter(12), chapter(14)];
        assert_eq!(find(&chapters, "14").map(|c| c.number), Ok(14));
        for wanted in ["13", "x", ""] {
            let UsageError(reason) = find(&chapters, wanted).expect_err("unknown");
            assert!(reason.ends_with("valid chapters: 12, 14"), "{reason}");
            assert_eq!(reason.lines().count(), 1);
        }
        let UsageError(none) = find(&[], "12").expect_err("no chapters");
        assert!(none.contains("none yet"), "{none}");
    }

    #[test]
    fn selection_keeps_order_and_drops_repeats() {
        let chapters = [chapter(12), chapter(14)];
        let all = select(&chapters, &[]).expect("all");
        assert_eq!(all.len(), 2);
        let picked = select(&chapters, &["14".into(), "12".into(), "14".into()]).expect("picked");
        assert_eq!(
            picked.iter().map(|c| c.number).collect::<Vec<_>>(),
            [14, 12]
        );
        assert!(select(&chapters, &["15".into()]).is_err());
    }
}

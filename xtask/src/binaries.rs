//! Building the chapter binaries in release mode, once, and finding the executables cargo made.
//!
//! One `cargo build --release --keep-going -p chapter-12 -p chapter-14 ...` builds every selected
//! chapter in a single invocation (so shared crates build once) and carries on past a chapter
//! that does not compile. Executable paths come from cargo's own JSON messages, so a custom
//! `CARGO_TARGET_DIR` or build directory needs no guessing; diagnostics are still rendered for
//! humans on stderr.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::process::{self, Stream};
use crate::workspace::{self, Chapter};

/// The executables built, by binary name (a chapter that did not compile has none).
#[derive(Debug)]
pub struct Built {
    /// `chapter-12` → `target/release/chapter-12`.
    pub executables: BTreeMap<String, PathBuf>,
}

impl Built {
    /// The executable of a chapter, if it built.
    pub fn executable(&self, chapter: &Chapter) -> Option<&Path> {
        self.executables.get(&chapter.package).map(PathBuf::as_path)
    }
}

#[derive(Debug, Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    #[serde(default)]
    kind: Vec<String>,
}

/// Builds the chapters' binaries in release mode; cargo's progress and errors go to stderr.
pub fn build_release(root: &Path, chapters: &[&Chapter]) -> Result<Built> {
    if chapters.is_empty() {
        return Ok(Built {
            executables: BTreeMap::new(),
        });
    }
    let mut command = workspace::cargo(root);
    command.args([
        "build",
        "--release",
        "--keep-going",
        "--message-format",
        "json-render-diagnostics",
    ]);
    for chapter in chapters {
        command.args(["-p", &chapter.package]);
    }
    // A failed build is not an error here: the chapters that built still run, and the ones
    // that did not are reported by the caller (cargo has printed why on stderr).
    let finished = process::run(command, Stream::Capture, Stream::Inherit, None)?;
    Ok(Built {
        executables: executables(&finished.stdout),
    })
}

/// The binary executables named in cargo's JSON messages, by binary name.
fn executables(json_lines: &str) -> BTreeMap<String, PathBuf> {
    json_lines
        .lines()
        .filter_map(|line| serde_json::from_str::<Message>(line).ok())
        .filter(|m| m.reason == "compiler-artifact")
        .filter_map(|m| {
            let target = m.target?;
            let executable = m.executable?;
            target
                .kind
                .iter()
                .any(|k| k == "bin")
                .then_some((target.name, executable))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_come_from_bin_artifacts() {
        let lines = [
            r#"{"reason":"compiler-artifact","target":{"name":"common","kind":["lib"]},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"chapter-12","kind":["bin"]},"executable":"/t/release/chapter-12"}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        let found = executables(&lines);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found.get("chapter-12"),
            Some(&PathBuf::from("/t/release/chapter-12"))
        );
    }
}

//! `cargo xtask run N [example] [options...]`: one chapter's tour, or one of its examples.
//!
//! A thin forward to `cargo run --release -q -p chapter-N -- ...`: with no example it is the
//! tour; `run 12 two-locks --variant broken` becomes `chapter-12 run two-locks --variant broken`;
//! arguments that start with `-` (`run 12 --json`) and the chapter's own commands (`list`, `tour`)
//! go through unchanged. The chapter binary validates the rest and its exit code is ours.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::process::{self, Stream};
use crate::workspace;

/// Runs `cargo xtask run`.
pub fn run(root: &Path, chapter: &str, args: &[String]) -> Result<ExitCode> {
    let chapters = workspace::discover(root)?;
    let chapter = workspace::find(&chapters, chapter)?;
    let mut command = workspace::cargo(root);
    command.args(["run", "--release", "-q", "-p", &chapter.package, "--"]);
    command.args(chapter_args(args));
    // No time limit and no separate process group: an interactive run stops with Ctrl-C.
    let finished = process::run(command, Stream::Inherit, Stream::Inherit, None)?;
    Ok(process::exit_code(&finished.ending))
}

/// The chapter binary's arguments for `cargo xtask run N <args...>`.
fn chapter_args(args: &[String]) -> Vec<String> {
    match args.first().map(String::as_str) {
        None => Vec::new(),
        Some(first) if first.starts_with('-') || first == "list" || first == "tour" => {
            args.to_vec()
        }
        Some(_) => std::iter::once("run".to_string())
            .chain(args.iter().cloned())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        chapter_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn examples_become_run_commands_and_the_rest_passes_through() {
        assert!(args(&[]).is_empty());
        assert_eq!(
            args(&["two-locks", "--variant", "broken"]),
            ["run", "two-locks", "--variant", "broken"]
        );
        assert_eq!(args(&["--json"]), ["--json"]);
        assert_eq!(args(&["list", "--json"]), ["list", "--json"]);
    }
}

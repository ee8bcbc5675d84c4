//! Helpers for every chapter's CLI tests: run the real chapter binary and check what a user sees.
//!
//! [`ChapterBinary::check_usage_errors`] derives the usage errors to expect from the chapter's own
//! registry — an unknown example, an unknown variant of each example, a zero or absurd
//! `--threads`, `--threads` where an example takes none, an unknown flag or command — and checks
//! each exits 2 with one line on stderr naming the valid choices. A chapter's `tests/cli.rs` then
//! only adds what is its own (a broken variant that exits 0, its JSON figures).

use std::process::{Command, Output};

use crate::cli::MAX_THREADS;
use crate::outcome::Verdict;
use crate::registry::Chapter;

/// A chapter binary under test: `ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-12"))`.
#[derive(Debug, Clone, Copy)]
pub struct ChapterBinary {
    path: &'static str,
}

impl ChapterBinary {
    /// The binary at `path` (Cargo sets `CARGO_BIN_EXE_<name>` for integration tests).
    pub const fn new(path: &'static str) -> Self {
        Self { path }
    }

    /// Runs it with `args` and returns what it did.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(self.path)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.path))
    }

    /// What every chapter's `python-side-by-side` example is tested for: its quick run shows
    /// its lesson with `arrangements` rows, in which, when `python3` is here, both sides
    /// computed the same answers, and otherwise the Python cells are empty and the run says
    /// [`crate::python::SKIPPED`]; and this binary run without `python3` on `PATH` says so too
    /// and exits 0.
    pub fn check_python_side_by_side(&self, chapter: &'static Chapter, arrangements: usize) {
        let out = self.stdout_without_python(&["run", "python-side-by-side", "--quick"]);
        assert!(out.contains(crate::python::SKIPPED), "{out}");
        assert!(out.contains("Rust"), "{out}");

        let outcome = crate::testing::run_quick(chapter, "python-side-by-side", "run");
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        let table = &outcome.tables[0];
        assert_eq!(table.rows.len(), arrangements, "{outcome:#?}");
        let column = |name: &str| {
            table
                .header
                .iter()
                .position(|h| h.starts_with(name))
                .unwrap_or_else(|| panic!("no column {name:?} in {:?}", table.header))
        };
        let (python, same) = (column("Python ("), column("same answer"));
        if crate::python::find().is_some() {
            assert!(
                table.rows.iter().all(|row| row[same] == "yes"),
                "{outcome:#?}"
            );
        } else {
            assert!(outcome.mentions(crate::python::SKIPPED), "{outcome:#?}");
            assert!(
                table.rows.iter().all(|row| row[python] == "-"),
                "{outcome:#?}"
            );
        }
    }

    /// Runs it with `PATH` set to an empty directory, so that it finds no `python3` (nor any other
    /// program): a machine without Python. Returns stdout, asserting exit code 0.
    pub fn stdout_without_python(&self, args: &[&str]) -> String {
        let empty = std::env::temp_dir().join(format!("no-python-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("cannot create {empty:?}: {e}"));
        let out = Command::new(self.path)
            .args(args)
            .env("PATH", &empty)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.path));
        // Another test of this process may still be using it: a PATH naming a missing directory
        // finds no program either.
        let _ = std::fs::remove_dir(&empty);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?} without python3\nstdout:\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// Runs it and returns stdout, asserting exit code `code`.
    pub fn stdout(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}\nstdout:\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// Runs it with `--json` output and parses each stdout line, asserting exit code 0.
    pub fn json_lines(&self, args: &[&str]) -> Vec<serde_json::Value> {
        self.stdout(args, 0)
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
            })
            .collect()
    }

    /// Asserts that `args` is a usage error: exit 2, nothing on stdout, one line on stderr that
    /// contains `needle`.
    pub fn usage_error(&self, args: &[&str], needle: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    }

    /// Checks every usage error the registry implies, plus `--help` and `list --json`.
    pub fn check_usage_errors(&self, chapter: &Chapter) {
        self.usage_error(
            &["run", "no-such-example"],
            &format!("valid examples: {}", chapter.example_names()),
        );
        self.usage_error(&["--no-such-flag"], "unexpected argument");
        self.usage_error(&["no-such-command"], "unrecognized subcommand");
        self.usage_error(&["run", "--seed", "x", "y"], "invalid value");
        let absurd = (MAX_THREADS * 1000).to_string();
        for example in chapter.examples {
            self.usage_error(
                &["run", example.name, "--variant", "no-such-variant"],
                &format!("valid variants: {}", example.variant_names()),
            );
            match example.threads {
                Some(spec) => {
                    let range = format!("give {} to", spec.min);
                    let below = (spec.min.saturating_sub(1)).to_string();
                    for bad in [below.as_str(), absurd.as_str()] {
                        self.usage_error(&["run", example.name, "--threads", bad], &range);
                    }
                    self.usage_error(&["run", example.name, "--threads", "many"], "invalid value");
                }
                None => self.usage_error(
                    &["run", example.name, "--threads", "2"],
                    "does not take --threads",
                ),
            }
        }

        let help = self.stdout(&["--help"], 0);
        assert!(
            help.contains(&format!("Usage: chapter-{}", chapter.number)),
            "{help}"
        );

        let listed: serde_json::Value = serde_json::from_str(&self.stdout(&["list", "--json"], 0))
            .unwrap_or_else(|e| panic!("list --json is not JSON: {e}"));
        assert_eq!(listed["number"], chapter.number);
        let names: Vec<&str> = listed["examples"]
            .as_array()
            .map(|examples| examples.iter().filter_map(|e| e["name"].as_str()).collect())
            .unwrap_or_default();
        let expected: Vec<&str> = chapter.examples.iter().map(|e| e.name).collect();
        assert_eq!(names, expected);
    }
}

/// The value of the figure called `name` in a JSON outcome.
pub fn figure(outcome: &serde_json::Value, name: &str) -> f64 {
    outcome["figures"]
        .as_array()
        .and_then(|figures| figures.iter().find(|f| f["name"] == name))
        .and_then(|f| f["value"].as_f64())
        .unwrap_or_else(|| panic!("no figure {name:?} in {outcome}"))
}

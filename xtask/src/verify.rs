//! `cargo xtask exercise verify` (maintainers; also the last step of `cargo xtask test`): proves
//! that no exercise ships broken or solved.
//!
//! For every exercise in `exercises.toml`:
//!
//! - the starter compiles warning-free (`cargo build -p <pkg> --features learner --tests`, and
//!   with `learner,shuttle` when the chapter has shuttle), counting the warnings located in its
//!   own file or elsewhere in its chapter, but not in another exercise's starter;
//! - the starter fails its suite: at least one pass fails (a timeout counts, and is reported);
//! - the reference solution passes its suite in every pass.
//!
//! The result is one table, with the details of every ✘ below it.

use std::path::Path;

use anyhow::Result;
use common::TableData;
use common::report::render_table;

use crate::exercises::{self, Exercise};
use crate::grade::{self, Graded, PassSpec};
use crate::libtest;
use crate::process::{self, Stream};
use crate::workspace::{self, Chapter};

/// One check's verdict: passed, or failed with a short reason and detail lines.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Check {
    ok: bool,
    cell: String,
    details: Vec<String>,
}

impl Check {
    fn ok(cell: impl Into<String>) -> Self {
        Self {
            ok: true,
            cell: cell.into(),
            details: Vec::new(),
        }
    }

    fn failed(cell: impl Into<String>, details: Vec<String>) -> Self {
        Self {
            ok: false,
            cell: cell.into(),
            details,
        }
    }
}

/// Which suites `run` checks on the reference solutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Solutions {
    /// Run each solution's suite in every pass (`cargo xtask exercise verify`).
    Run,
    /// Trust passes that already ran every suite on the solutions (`cargo xtask test` runs
    /// them in its plain and shuttle passes), and check only the starters.
    AlreadyTested,
}

/// Verifies every exercise; prints the table and returns whether all checks held.
pub fn run(root: &Path, solutions: Solutions) -> Result<bool> {
    let exercises = exercises::load(root)?;
    if exercises.is_empty() {
        println!("exercise verify: no exercises yet, nothing to verify");
        return Ok(true);
    }
    let chapters = workspace::discover(root)?;
    let mut table = TableData::new(
        "exercise verify",
        &[
            "id",
            "starter compiles clean",
            "starter fails",
            "solution passes",
        ],
    );
    let mut details = Vec::new();
    let mut all_ok = true;
    for exercise in &exercises {
        let other_starters: Vec<String> = exercises
            .iter()
            .filter(|e| e.id != exercise.id)
            .map(|e| libtest::resolve_dots(&e.starter))
            .collect();
        let checks = verify_one(root, &chapters, exercise, &other_starters, solutions)?;
        let names = ["starter compiles clean", "starter fails", "solution passes"];
        for (name, check) in names.iter().zip(&checks) {
            if !check.ok {
                all_ok = false;
                details.push(format!("✘ {} — {name}: {}", exercise.id, check.cell));
                details.extend(check.details.iter().map(|d| format!("    {d}")));
            }
        }
        let [clean, fails, passes] = checks;
        let mark = |c: Check| format!("{} {}", if c.ok { "✔" } else { "✘" }, c.cell);
        table.row([exercise.id.clone(), mark(clean), mark(fails), mark(passes)]);
    }
    println!("{}", render_table(&table));
    for line in &details {
        println!("{line}");
    }
    println!(
        "exercise verify: {}",
        if all_ok {
            format!("all {} exercise(s) hold", exercises.len())
        } else {
            "some checks failed (see ✘ above)".to_string()
        }
    );
    Ok(all_ok)
}

fn verify_one(
    root: &Path,
    chapters: &[Chapter],
    exercise: &Exercise,
    other_starters: &[String],
    solutions: Solutions,
) -> Result<[Check; 3]> {
    let Some(chapter) = exercise.chapter_crate(chapters) else {
        let missing = || {
            Check::failed(
                format!("no chapter crate named {}", exercise.package),
                Vec::new(),
            )
        };
        return Ok([missing(), missing(), missing()]);
    };
    let learner = grade::passes(chapter, true);

    eprintln!("verify {}: building the starter …", exercise.id);
    let clean = compiles_clean(root, chapter, exercise, other_starters, &learner)?;

    let fails = if clean.cell == "does not compile" {
        Check::failed("does not compile", Vec::new())
    } else {
        eprintln!("verify {}: running the suite on the starter …", exercise.id);
        starter_fails(root, exercise, &learner)?
    };

    let passes = match solutions {
        Solutions::AlreadyTested => Check::ok("tested in the passes above"),
        Solutions::Run => {
            eprintln!(
                "verify {}: running the suite on the reference solution …",
                exercise.id
            );
            solution_passes(root, exercise, &grade::passes(chapter, false))?
        }
    };
    Ok([clean, fails, passes])
}

/// The starter builds (tests included) with no warning of its own: none in its file, and none
/// elsewhere in its chapter (a warning in another exercise's starter is that exercise's).
fn compiles_clean(
    root: &Path,
    chapter: &Chapter,
    exercise: &Exercise,
    other_starters: &[String],
    passes: &[PassSpec],
) -> Result<Check> {
    let relative = chapter.dir.strip_prefix(root).unwrap_or(&chapter.dir);
    let dir = format!("{}/", relative.display());
    let own_starter = libtest::resolve_dots(&exercise.starter);
    let mut warnings = Vec::new();
    for spec in passes {
        let mut command = workspace::cargo(root);
        command.args(["build", "-p", &chapter.package, "--tests"]);
        command.args(["--features", &spec.features.join(",")]);
        command.args(["--message-format", "short"]);
        let built = process::run(command, Stream::Capture, Stream::Capture, None)?;
        if !built.ending.success() {
            let errors = libtest::compile_errors(&built.stderr, 8);
            return Ok(Check::failed("does not compile", errors));
        }
        for warning in libtest::located_warnings(&built.stderr) {
            let ours = warning.file == own_starter
                || (warning.file.starts_with(&dir) && !other_starters.contains(&warning.file));
            if ours && !warnings.contains(&warning.line) {
                warnings.push(warning.line);
            }
        }
    }
    Ok(if warnings.is_empty() {
        Check::ok("yes")
    } else {
        Check::failed(format!("{} warning(s)", warnings.len()), warnings)
    })
}

/// At least one pass of the suite fails on the unsolved starter.
fn starter_fails(root: &Path, exercise: &Exercise, passes: &[PassSpec]) -> Result<Check> {
    let mut how = Vec::new();
    for spec in passes {
        let graded = grade::grade(root, exercise, spec)?;
        match &graded {
            Graded::BuildFailed(errors) => {
                return Ok(Check::failed("suite does not compile", errors.clone()));
            }
            Graded::Passed(_) => {}
            Graded::TimedOut(limit) => {
                how.push(format!(
                    "{}: timed out after {} s",
                    spec.label,
                    limit.as_secs()
                ));
            }
            Graded::Failed { counts, .. } => {
                how.push(format!("{}: {} failed", spec.label, counts.failed.max(1)));
            }
        }
    }
    Ok(if how.is_empty() {
        Check::failed(
            "passes its suite unsolved",
            vec!["every pass of the suite passed against the starter".to_string()],
        )
    } else {
        Check::ok(how.join("; "))
    })
}

/// Every pass of the suite passes on the reference solution.
fn solution_passes(root: &Path, exercise: &Exercise, passes: &[PassSpec]) -> Result<Check> {
    let mut passed = Vec::new();
    for spec in passes {
        let graded = grade::grade(root, exercise, spec)?;
        if !graded.passed() {
            return Ok(Check::failed(
                format!("{}: {}", spec.label, graded.headline()),
                graded.details(""),
            ));
        }
        passed.push(spec.label);
    }
    Ok(Check::ok(passed.join(", ")))
}

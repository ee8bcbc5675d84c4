//! `cargo xtask exercise list | check ID | hint ID | solution ID` — the learner's side of the
//! exercises (`verify`, the maintainers' side, lives in [`crate::verify`]).
//!
//! `check` grades the learner's starter in both passes (real threads, then the model checker)
//! and says exactly what failed: each failing test with its panic message, or the first compiler
//! errors. A pass is recorded in the progress file and points to the reference solution. `hint`
//! reveals one more hint each time it is called; `solution` prints the reference solution.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use common::TableData;
use common::report::render_table;

use crate::exercises::{self, Exercise, Progress};
use crate::grade::{self, Graded};
use crate::libtest;
use crate::workspace::{self, Chapter};

/// `exercise list`: every exercise and whether it is done.
pub fn list(root: &Path) -> Result<ExitCode> {
    let exercises = exercises::load(root)?;
    if exercises.is_empty() {
        println!(
            "No exercises yet ({} declares none).",
            exercises::EXERCISES_FILE
        );
        return Ok(ExitCode::SUCCESS);
    }
    let progress = Progress::load(root)?;
    let done_ids: BTreeSet<String> = exercises
        .iter()
        .filter(|e| progress.is_done(root, e))
        .map(|e| e.id.clone())
        .collect();
    let mut table = TableData::new(
        "Exercises",
        &["id", "chapter", "title", "status", "time limit"],
    );
    for exercise in &exercises {
        let done = done_ids.contains(&exercise.id);
        table.row([
            exercise.id.clone(),
            exercise.chapter.to_string(),
            exercise.title.clone(),
            if done { "done" } else { "todo" }.to_string(),
            format!("{} s", exercise.time_limit_secs),
        ]);
    }
    println!("{}", render_table(&table));
    println!(
        "{}",
        render_table(&progress_by_chapter(&exercises, &done_ids))
    );
    let done = done_ids.len();
    println!(
        "{done} of {} done. Edit the starter file, then: cargo xtask exercise check ID",
        exercises.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// One row a chapter: exercises done of the chapter's total, with a bar.
fn progress_by_chapter(exercises: &[Exercise], done_ids: &BTreeSet<String>) -> TableData {
    let mut table = TableData::new("Progress by chapter", &["chapter", "done", "progress"]);
    let mut chapters: Vec<u32> = exercises.iter().map(|e| e.chapter).collect();
    chapters.sort_unstable();
    chapters.dedup();
    for chapter in chapters {
        let of_chapter: Vec<&Exercise> =
            exercises.iter().filter(|e| e.chapter == chapter).collect();
        let done = of_chapter
            .iter()
            .filter(|e| done_ids.contains(&e.id))
            .count();
        let width = 10;
        let filled = done * width / of_chapter.len();
        table.row([
            chapter.to_string(),
            format!("{done} / {}", of_chapter.len()),
            format!("{}{}", "█".repeat(filled), "░".repeat(width - filled)),
        ]);
    }
    table
}

/// The exercise with this id and its chapter crate.
fn lookup(root: &Path, id: &str) -> Result<(Exercise, Chapter)> {
    let exercises = exercises::load(root)?;
    let exercise = exercises::find(&exercises, id)?.clone();
    let chapters = workspace::discover(root)?;
    let chapter = exercise.chapter_crate(&chapters).cloned().ok_or_else(|| {
        anyhow!(
            "exercise {} names package {}, which is not a chapter crate under chapters/",
            exercise.id,
            exercise.package
        )
    })?;
    Ok((exercise, chapter))
}

/// `exercise check ID`: grades the learner's starter; exit 0 on a pass, 1 on a failing suite, 2
/// (with one line naming the problem) when the file could not be graded at all.
pub fn check(root: &Path, id: &str) -> Result<ExitCode> {
    let (exercise, chapter) = lookup(root, id)?;
    Ok(match check_exercise(root, &exercise, &chapter)? {
        Checked::Passed => ExitCode::SUCCESS,
        Checked::Failed => ExitCode::FAILURE,
        Checked::Ungradable(why) => {
            eprintln!("error: {why}");
            ExitCode::from(2)
        }
    })
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Every pass passed.
    Passed,
    /// The suite ran and failed.
    Failed,
    /// The file was refused by the scan or did not compile: the first reason, in one line.
    Ungradable(String),
}

/// Grades one exercise as `check` does, printing what happened; records a pass in the progress
/// file (keyed to the file's content) and a failure too (an edit that breaks a passed exercise
/// puts it back to todo).
pub fn check_exercise(root: &Path, exercise: &Exercise, chapter: &Chapter) -> Result<Checked> {
    println!("Checking exercise {} — {}", exercise.id, exercise.title);
    println!("  your file: {}", exercise.starter);
    let passes = grade::passes(chapter, exercise, true);
    let mut failed_pass = None;
    let mut ungradable = None;
    let mut refused = false;
    for (i, spec) in passes.iter().enumerate() {
        let label = format!("pass {}/{} ({})", i + 1, passes.len(), spec.label);
        eprintln!(
            "  {label}: building and running the suite {} ({}) …",
            exercise.suite,
            spec.build_text()
        );
        let graded = grade::grade(root, exercise, spec)?;
        let mark = if graded.passed() { "✔" } else { "✘" };
        println!("{mark} {label}: {}", graded.headline());
        for line in graded.details("    ") {
            println!("{line}");
        }
        if graded.passed() {
            continue;
        }
        if let Graded::BuildFailed(errors) = &graded
            && let Some(note) = elsewhere_note(exercise, errors)
        {
            println!("    {note}");
        }
        refused = matches!(graded, Graded::Refused(_));
        ungradable = match &graded {
            Graded::Refused(findings) => findings.first().map(|f| format!("refused: {f}")),
            Graded::BuildFailed(errors) => Some(format!(
                "{} does not compile: {}",
                exercise.starter,
                errors.first().map_or("see above", String::as_str)
            )),
            _ => None,
        };
        // Every later pass builds the same file, and a hang would cost its limit again.
        failed_pass = Some(spec.clone());
        break;
    }
    let mut progress = Progress::load(root)?;
    let fingerprint = exercises::fingerprint(root, exercise)?;
    if let Some(spec) = failed_pass {
        progress.done.remove(&exercise.id);
        progress.save(root)?;
        // The scan is the grader's, not cargo's: a refused file has no run to replay.
        if refused {
            println!("\nChange the lines named above; the grader builds nothing until then.");
        } else {
            println!(
                "\nTip: cargo xtask exercise hint {}   (the same run by hand: {})",
                exercise.id,
                spec.replay_command(exercise)
            );
        }
        return Ok(ungradable.map_or(Checked::Failed, Checked::Ungradable));
    }
    progress.done.insert(exercise.id.clone(), fingerprint);
    progress.save(root)?;
    println!(
        "\n✔ Exercise {} passed. Compare with the reference solution: {} \
         (cargo xtask exercise solution {})",
        exercise.id, exercise.solution, exercise.id
    );
    Ok(Checked::Passed)
}

/// A note when the compiler errors are all in other files than the exercise's starter: every
/// starter of a chapter compiles into the same crate, so another exercise's file can block this one.
fn elsewhere_note(exercise: &Exercise, errors: &[String]) -> Option<String> {
    let starter = libtest::resolve_dots(&exercise.starter);
    let files: Vec<String> = errors
        .iter()
        .filter_map(|e| {
            e.split_once(':')
                .map(|(file, _)| libtest::resolve_dots(file))
        })
        .filter(|file| file.ends_with(".rs"))
        .collect();
    (!files.is_empty() && !files.contains(&starter)).then(|| {
        format!(
            "(these errors are not in your file {}: all of the chapter's starters compile together, \
             so fix or restore {} first)",
            exercise.starter, files[0]
        )
    })
}

/// `exercise hint ID`: reveals the next hint and shows all revealed so far.
pub fn hint(root: &Path, id: &str) -> Result<ExitCode> {
    let exercises = exercises::load(root)?;
    let exercise = exercises::find(&exercises, id)?;
    if exercise.hints.is_empty() {
        println!("Exercise {} has no hints.", exercise.id);
        return Ok(ExitCode::SUCCESS);
    }
    let mut progress = Progress::load(root)?;
    let shown = progress.hints_shown(&exercise.id);
    let now = (shown + 1).min(exercise.hints.len());
    if now != shown {
        progress.hints.insert(exercise.id.clone(), now);
        progress.save(root)?;
    }
    println!("Hints for exercise {} — {}:", exercise.id, exercise.title);
    for (i, text) in exercise.hints.iter().take(now).enumerate() {
        println!("  {}. {text}", i + 1);
    }
    if now == exercise.hints.len() {
        println!(
            "That was the last hint. The reference solution: cargo xtask exercise solution {}",
            exercise.id
        );
    } else {
        println!(
            "({now} of {} hints shown; run the command again for the next.)",
            exercise.hints.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `exercise solution ID`: the reference solution's path and text.
pub fn solution(root: &Path, id: &str) -> Result<ExitCode> {
    let exercises = exercises::load(root)?;
    let exercise = exercises::find(&exercises, id)?;
    let path = root.join(&exercise.solution);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the reference solution {}", path.display()))?;
    println!(
        "Reference solution for exercise {} — {}: {}\n",
        exercise.id, exercise.title, exercise.solution
    );
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_counted_per_chapter() {
        let exercises = exercises::sample(&["12.1", "12.2", "3.1"]);
        let done = BTreeSet::from(["12.2".to_string()]);
        let table = progress_by_chapter(&exercises, &done);
        assert_eq!(
            table.rows,
            [["3", "0 / 1", "░░░░░░░░░░"], ["12", "1 / 2", "█████░░░░░"],]
        );
    }

    #[test]
    fn errors_in_another_starter_get_a_note() {
        let exercise = exercises::parse(
            r#"[[exercise]]
id = "12.1"
chapter = 12
package = "chapter-12"
title = "t"
starter = "chapters/12-x/exercises/e1.rs"
solution = "s.rs"
suite = "exercise_12_1"
"#,
        )
        .expect("parses")
        .remove(0);
        let other = [
            "chapters/12-x/src/../exercises/e2.rs:3:1: error[E0308]: mismatched types".to_string(),
        ];
        let note = elsewhere_note(&exercise, &other).expect("a note");
        assert!(
            note.contains("fix or restore chapters/12-x/exercises/e2.rs first"),
            "{note}"
        );
        let own = ["chapters/12-x/src/../exercises/e1.rs:3:1: error: x".to_string()];
        assert_eq!(elsewhere_note(&exercise, &own), None);
        assert_eq!(
            elsewhere_note(&exercise, &["error: linker".to_string()]),
            None
        );
    }
}

//! `cargo xtask grade [--json] [--solutions] [--exercises 12.1,16.2]` — every exercise graded in
//! one run, for an instructor or an autograder.
//!
//! Each exercise's suite runs in its passes (real threads, then the model checker where the
//! chapter has one) exactly as `exercise check` runs them, against the learner's files — or
//! with `--solutions`, against the reference solutions, which is how an instructor checks the
//! grader itself. An exercise is `passed` when every pass passed, `timed-out` when a pass overran
//! the exercise's time limit (a deadlock or a hang), and `failed` otherwise, with the reason: the
//! failing tests and their messages, or the compiler's first errors. Passes after the first
//! failing one are not run: the exercise has failed already.
//!
//! Human output is a table; `--json` prints one JSON object (schema below, versioned by its
//! `schema` field) on stdout, progress going to stderr. The exit code is the grade: 0 when every
//! graded exercise passed, 1 otherwise, 2 for a usage error.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use common::TableData;
use common::report::render_table;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::UsageError;
use crate::exercises::{self, Exercise};
use crate::grade::{self, Graded};
use crate::workspace;

/// The version of the JSON report's shape; bumped when a field changes meaning.
pub const SCHEMA: &str = "concurrency-chapters/grade/v1";

/// What was graded: the learner's starters (as edited) or the reference solutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// The learner's files (`COURSE_BUILD=learner-eK`, one exercise at a time).
    LearnerFiles,
    /// The reference solutions (`--solutions`).
    ReferenceSolutions,
}

/// An exercise's or a pass's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every test passed.
    Passed,
    /// A test failed, the suite did not compile, or the test binary crashed.
    Failed,
    /// The run overran the exercise's time limit and was killed.
    TimedOut,
    /// Not run, because an earlier pass failed.
    NotRun,
}

/// One failing test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedTest {
    /// The test's name.
    pub test: String,
    /// Its panic message, a few lines.
    pub message: String,
}

/// One pass of one suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassReport {
    /// `real threads` or `model checker (shuttle)`.
    pub pass: String,
    /// The `COURSE_BUILD` items it was built with (empty: the reference solutions).
    pub course_build: Vec<String>,
    /// How it went.
    pub status: Status,
    /// One line on how it went.
    pub reason: String,
    /// Tests passed and failed (0 and 0 when it did not compile or was not run).
    pub tests_passed: u64,
    /// Tests failed.
    pub tests_failed: u64,
    /// The failing tests, or the compiler's first errors as `test: "(build)"`.
    pub failures: Vec<FailedTest>,
    /// Seconds the pass took, build included.
    pub seconds: f64,
}

/// One exercise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseReport {
    /// `12.1`.
    pub id: String,
    /// The chapter number.
    pub chapter: u32,
    /// The exercise's title.
    pub title: String,
    /// The file that was graded.
    pub file: String,
    /// Passed only if every pass passed.
    pub status: Status,
    /// One line: why it failed or timed out (the first failing pass's reason), or how it passed.
    pub reason: String,
    /// The grader's time limit for each pass, in seconds.
    pub time_limit_secs: u64,
    /// Every pass, in order.
    pub passes: Vec<PassReport>,
}

/// The counts at the end of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Totals {
    /// Exercises graded.
    pub exercises: usize,
    /// Of which passed.
    pub passed: usize,
    /// Failed (tests, build or crash).
    pub failed: usize,
    /// Timed out.
    pub timed_out: usize,
}

/// The whole report, as `--json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// What was graded.
    pub graded: Subject,
    /// Every exercise, in `exercises.toml` order.
    pub exercises: Vec<ExerciseReport>,
    /// The counts.
    pub totals: Totals,
    /// `passed / exercises`, from 0 to 1.
    pub score: f64,
}

impl Report {
    fn new(graded: Subject, exercises: Vec<ExerciseReport>) -> Self {
        let mut totals = Totals {
            exercises: exercises.len(),
            ..Totals::default()
        };
        for exercise in &exercises {
            match exercise.status {
                Status::Passed => totals.passed += 1,
                Status::TimedOut => totals.timed_out += 1,
                Status::Failed | Status::NotRun => totals.failed += 1,
            }
        }
        let score = if totals.exercises == 0 {
            0.0
        } else {
            totals.passed as f64 / totals.exercises as f64
        };
        Self {
            schema: SCHEMA,
            graded,
            exercises,
            totals,
            score,
        }
    }

    /// Exit code 0 only when every graded exercise passed.
    pub fn all_passed(&self) -> bool {
        self.totals.exercises > 0 && self.totals.passed == self.totals.exercises
    }
}

/// A pass's report from how it was graded.
fn pass_report(spec: &grade::PassSpec, graded: &Graded, seconds: f64) -> PassReport {
    let as_one = |test: &str, lines: &[String]| {
        vec![FailedTest {
            test: test.to_string(),
            message: lines.join("\n"),
        }]
    };
    let (status, tests_passed, tests_failed, failures) = match graded {
        Graded::Passed(counts) => (Status::Passed, counts.passed, counts.failed, Vec::new()),
        Graded::Skipped => (Status::Passed, 0, 0, Vec::new()),
        Graded::TimedOut {
            hung, blocked_in, ..
        } => (
            Status::TimedOut,
            0,
            0,
            hung.as_ref()
                .map(|test| as_one(test, blocked_in))
                .unwrap_or_default(),
        ),
        Graded::Refused(findings) => (Status::Failed, 0, 0, as_one("(scan)", findings)),
        Graded::BuildFailed(errors) => (Status::Failed, 0, 0, as_one("(build)", errors)),
        Graded::Warnings { counts, warnings } => (
            Status::Failed,
            counts.passed,
            0,
            as_one("(warnings)", warnings),
        ),
        Graded::Failed {
            counts,
            failures,
            problems,
            tail,
        } => {
            let mut list: Vec<FailedTest> = failures
                .iter()
                .map(|f| FailedTest {
                    test: f.name.clone(),
                    message: f.message.join("\n"),
                })
                .collect();
            if !problems.is_empty() {
                list.extend(as_one("(report)", problems));
            }
            if list.is_empty() && !tail.is_empty() {
                list.extend(as_one("(crash)", tail));
            }
            (Status::Failed, counts.passed, counts.failed, list)
        }
    };
    PassReport {
        pass: spec.label.to_string(),
        course_build: spec.course_build.clone(),
        status,
        reason: graded.headline(),
        tests_passed,
        tests_failed,
        failures,
        seconds: (seconds * 10.0).round() / 10.0,
    }
}

/// An exercise's overall status and reason from its passes.
fn summarize(passes: &[PassReport]) -> (Status, String) {
    match passes
        .iter()
        .find(|p| p.status != Status::Passed && p.status != Status::NotRun)
    {
        Some(first_bad) => {
            let named: Vec<&str> = first_bad
                .failures
                .iter()
                .map(|f| f.test.as_str())
                .filter(|t| !t.starts_with('('))
                .take(3)
                .collect();
            let reason = if named.is_empty() {
                format!("{}: {}", first_bad.pass, first_bad.reason)
            } else {
                format!(
                    "{}: {} ({})",
                    first_bad.pass,
                    first_bad.reason,
                    named.join(", ")
                )
            };
            (first_bad.status, reason)
        }
        None => {
            let tests: u64 = passes.iter().map(|p| p.tests_passed).sum();
            (
                Status::Passed,
                format!("{tests} test(s) passed in {} pass(es)", passes.len()),
            )
        }
    }
}

/// Grades one exercise in its passes, stopping at the first pass that does not pass.
fn grade_exercise(
    root: &Path,
    chapters: &[workspace::Chapter],
    exercise: &Exercise,
    solutions: bool,
) -> Result<ExerciseReport> {
    let file = if solutions {
        &exercise.solution
    } else {
        &exercise.starter
    };
    let Some(chapter) = exercise.chapter_crate(chapters) else {
        return Ok(ExerciseReport {
            id: exercise.id.clone(),
            chapter: exercise.chapter,
            title: exercise.title.clone(),
            file: file.clone(),
            status: Status::Failed,
            reason: format!("no chapter crate named {}", exercise.package),
            time_limit_secs: exercise.time_limit_secs,
            passes: Vec::new(),
        });
    };
    let mut passes = Vec::new();
    let mut failed = false;
    for spec in grade::passes(chapter, exercise, !solutions) {
        if failed {
            passes.push(PassReport {
                pass: spec.label.to_string(),
                course_build: spec.course_build.clone(),
                status: Status::NotRun,
                reason: "not run: an earlier pass failed".to_string(),
                tests_passed: 0,
                tests_failed: 0,
                failures: Vec::new(),
                seconds: 0.0,
            });
            continue;
        }
        let started = Instant::now();
        let graded = grade::grade(root, exercise, &spec)?;
        let report = pass_report(&spec, &graded, started.elapsed().as_secs_f64());
        failed = report.status != Status::Passed;
        passes.push(report);
    }
    let (status, reason) = summarize(&passes);
    Ok(ExerciseReport {
        id: exercise.id.clone(),
        chapter: exercise.chapter,
        title: exercise.title.clone(),
        file: file.clone(),
        status,
        reason,
        time_limit_secs: exercise.time_limit_secs,
        passes,
    })
}

/// The exercises named by `--exercises` (ids or chapter numbers), or all of them.
pub fn select<'a>(all: &'a [Exercise], wanted: &[String]) -> Result<Vec<&'a Exercise>, UsageError> {
    if wanted.is_empty() {
        return Ok(all.iter().collect());
    }
    let mut chosen: Vec<&Exercise> = Vec::new();
    for name in wanted {
        let name = name.trim();
        let matches: Vec<&Exercise> = if name.contains('.') {
            all.iter().filter(|e| e.id == name).collect()
        } else {
            all.iter()
                .filter(|e| name.parse::<u32>().is_ok_and(|n| n == e.chapter))
                .collect()
        };
        if matches.is_empty() {
            return Err(UsageError(format!(
                "no exercise or chapter {name:?} (exercises: {})",
                exercises::valid_ids(all)
            )));
        }
        for exercise in matches {
            if !chosen.iter().any(|c| c.id == exercise.id) {
                chosen.push(exercise);
            }
        }
    }
    Ok(chosen)
}

/// The table a human reads.
fn render_human(report: &Report) -> String {
    let mut table = TableData::new(
        match report.graded {
            Subject::LearnerFiles => "Grade: your files",
            Subject::ReferenceSolutions => "Grade: the reference solutions",
        },
        &["id", "title", "result", "why"],
    );
    for exercise in &report.exercises {
        let mark = match exercise.status {
            Status::Passed => "✔ passed",
            Status::Failed | Status::NotRun => "✘ failed",
            Status::TimedOut => "⏱ timed out",
        };
        table.row([
            exercise.id.clone(),
            exercise.title.clone(),
            mark.to_string(),
            exercise.reason.clone(),
        ]);
    }
    let totals = report.totals;
    format!(
        "{}\n{} of {} passed, {} failed, {} timed out (score {:.0} %)",
        render_table(&table),
        totals.passed,
        totals.exercises,
        totals.failed,
        totals.timed_out,
        report.score * 100.0
    )
}

/// `cargo xtask grade`.
pub fn run(root: &Path, wanted: &[String], solutions: bool, json: bool) -> Result<ExitCode> {
    let all = exercises::load(root)?;
    let chosen = select(&all, wanted)?;
    if chosen.is_empty() {
        return Err(UsageError(format!(
            "{} declares no exercises",
            exercises::EXERCISES_FILE
        ))
        .into());
    }
    let chapters = workspace::discover(root)?;
    let bar =
        ProgressBar::with_draw_target(Some(chosen.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("grading {bar:30} {pos}/{len} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut reports = Vec::new();
    for exercise in chosen {
        bar.set_message(format!("{} {}", exercise.id, exercise.title));
        let report = grade_exercise(root, &chapters, exercise, solutions)?;
        // Above the bar on a terminal, and still on stderr when it is a file or a pipe (where
        // the bar does not draw), so an autograder's log shows the progress too.
        bar.suspend(|| {
            eprintln!(
                "grade {} {}: {}",
                exercise.id,
                match report.status {
                    Status::Passed => "passed",
                    Status::TimedOut => "timed out",
                    Status::Failed | Status::NotRun => "failed",
                },
                report.reason
            );
        });
        reports.push(report);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let graded = if solutions {
        Subject::ReferenceSolutions
    } else {
        Subject::LearnerFiles
    };
    let report = Report::new(graded, reports);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", render_human(&report));
    }
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::libtest::{Counts, Failure};
    use std::time::Duration;

    fn spec() -> grade::PassSpec {
        grade::PassSpec {
            label: "real threads",
            course_build: vec!["learner-e1".to_string()],
            learner: true,
            checker: grade::Checker::None,
        }
    }

    fn exercises() -> Vec<Exercise> {
        exercises::sample(&["12.1", "12.2", "13.1"])
    }

    #[test]
    fn a_failing_pass_names_its_tests_and_fails_the_exercise() {
        let graded = Graded::Failed {
            counts: Counts {
                passed: 1,
                failed: 1,
            },
            failures: vec![Failure {
                name: "no_lost_updates".into(),
                message: vec!["not yet implemented".into()],
            }],
            problems: Vec::new(),
            tail: Vec::new(),
        };
        let pass = pass_report(&spec(), &graded, 1.234);
        assert_eq!(pass.status, Status::Failed);
        assert_eq!(pass.seconds, 1.2);
        assert_eq!(pass.failures[0].test, "no_lost_updates");
        let (status, reason) = summarize(&[pass]);
        assert_eq!(status, Status::Failed);
        assert_eq!(
            reason,
            "real threads: 1 of 2 test(s) failed (no_lost_updates)"
        );
    }

    #[test]
    fn a_timeout_is_its_own_status() {
        let hung = Graded::TimedOut {
            limit: Duration::from_secs(120),
            hung: Some("on_real_threads::waits".into()),
            blocked_in: vec!["thread 'diner 1' was in sit_down (e2.rs:4)".into()],
        };
        let pass = pass_report(&spec(), &hung, 120.0);
        assert_eq!(pass.failures[0].test, "on_real_threads::waits");
        let (status, reason) = summarize(&[pass]);
        assert_eq!(status, Status::TimedOut);
        assert!(reason.contains("time limit of 120 s"), "{reason}");
        assert!(reason.contains("on_real_threads::waits"), "{reason}");
    }

    #[test]
    fn passes_add_up_and_the_score_follows() {
        let ok = |n| {
            pass_report(
                &spec(),
                &Graded::Passed(Counts {
                    passed: n,
                    failed: 0,
                }),
                1.0,
            )
        };
        let (status, reason) = summarize(&[ok(3), ok(2)]);
        assert_eq!(status, Status::Passed);
        assert_eq!(reason, "5 test(s) passed in 2 pass(es)");
        let exercise = |status| ExerciseReport {
            id: "1.1".into(),
            chapter: 1,
            title: "t".into(),
            file: "f".into(),
            status,
            reason: String::new(),
            time_limit_secs: 1,
            passes: Vec::new(),
        };
        let report = Report::new(
            Subject::LearnerFiles,
            vec![
                exercise(Status::Passed),
                exercise(Status::Failed),
                exercise(Status::TimedOut),
                exercise(Status::Passed),
            ],
        );
        assert_eq!(
            report.totals,
            Totals {
                exercises: 4,
                passed: 2,
                failed: 1,
                timed_out: 1
            }
        );
        assert_eq!(report.score, 0.5);
        assert!(!report.all_passed());
        let json = serde_json::to_value(&report).expect("serializes");
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["graded"], "learner-files");
        assert_eq!(json["exercises"][2]["status"], "timed-out");
        assert_eq!(json["totals"]["timed_out"], 1);
        assert!(!Report::new(Subject::ReferenceSolutions, Vec::new()).all_passed());
    }

    #[test]
    fn exercises_are_chosen_by_id_or_chapter() {
        let all = exercises();
        let ids = |wanted: &[&str]| -> Vec<String> {
            let wanted: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
            select(&all, &wanted)
                .expect("valid")
                .iter()
                .map(|e| e.id.clone())
                .collect()
        };
        assert_eq!(ids(&[]), ["12.1", "12.2", "13.1"]);
        assert_eq!(ids(&["12"]), ["12.1", "12.2"]);
        assert_eq!(ids(&["13.1", "12.2", "13"]), ["13.1", "12.2"]);
        let error = select(&all, &["99".to_string()]).expect_err("unknown");
        assert!(
            error.0.starts_with("no exercise or chapter \"99\""),
            "{}",
            error.0
        );
    }
}

//! Grading one exercise suite in one pass: build it, run it under the exercise's time limit, and
//! turn cargo's output into what a learner needs to read.
//!
//! A suite is graded in two passes: real threads under the tests' own watchdogs, then (if the
//! chapter has a `shuttle` feature) the model checker. With the `learner` feature the suites test
//! the learner's starter; without it, the reference solution. The build runs first and without a
//! limit (a cold build is slow, and compiling is not what the limit is about); only the test run
//! is timed, and an overrun kills the test process group: the last resort against a deadlock the
//! tests' watchdogs did not catch.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::exercises::Exercise;
use crate::libtest::{self, Counts, Failure};
use crate::process::{self, Ending, Stream};
use crate::workspace::{self, Chapter};

/// One way of running a suite: which features, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassSpec {
    /// `real threads` or `model checker (shuttle)`.
    pub label: &'static str,
    /// Cargo features for the package.
    pub features: Vec<&'static str>,
}

impl PassSpec {
    /// `--features learner,shuttle` for messages (or `no features`).
    pub fn features_text(&self) -> String {
        if self.features.is_empty() {
            "no features".to_string()
        } else {
            format!("--features {}", self.features.join(","))
        }
    }
}

/// The passes of a suite, against the learner's starter or the reference solution.
pub fn passes(chapter: &Chapter, learner: bool) -> Vec<PassSpec> {
    let base: Vec<&'static str> = if learner { vec!["learner"] } else { vec![] };
    let mut passes = vec![PassSpec {
        label: "real threads",
        features: base.clone(),
    }];
    if chapter.shuttle {
        let mut features = base;
        features.push("shuttle");
        passes.push(PassSpec {
            label: "model checker (shuttle)",
            features,
        });
    }
    passes
}

/// How one pass went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Graded {
    /// The suite did not compile; the first error lines.
    BuildFailed(Vec<String>),
    /// The test run overran the time limit and was killed.
    TimedOut(Duration),
    /// Some tests failed (or the test binary crashed).
    Failed {
        /// The harness's counts.
        counts: Counts,
        /// The failing tests and their messages.
        failures: Vec<Failure>,
        /// The last lines of stderr, when no failing test could be named (a crash).
        tail: Vec<String>,
    },
    /// Every test passed.
    Passed(Counts),
}

impl Graded {
    /// Whether the pass succeeded.
    pub fn passed(&self) -> bool {
        matches!(self, Self::Passed(_))
    }

    /// One line on how it went.
    pub fn headline(&self) -> String {
        match self {
            Self::BuildFailed(_) => "does not compile".to_string(),
            Self::TimedOut(limit) => format!(
                "deadlock or hang: the grader's time limit of {} s ran out",
                limit.as_secs()
            ),
            Self::Failed { counts, .. } => {
                if counts.failed == 0 {
                    "the test binary failed without naming a failing test".to_string()
                } else {
                    format!(
                        "{} of {} test(s) failed",
                        counts.failed,
                        counts.failed + counts.passed
                    )
                }
            }
            Self::Passed(counts) if counts.passed == 0 => {
                "skipped: the suite has no test under these features".to_string()
            }
            Self::Passed(counts) => format!("{} test(s) passed", counts.passed),
        }
    }

    /// The details a learner needs, indented by `indent`: failing tests with their messages,
    /// compiler errors, or the end of a crash's output.
    pub fn details(&self, indent: &str) -> Vec<String> {
        let mut lines = Vec::new();
        match self {
            Self::BuildFailed(errors) => {
                lines.extend(errors.iter().map(|e| format!("{indent}{e}")));
            }
            Self::Failed { failures, tail, .. } => {
                for failure in failures {
                    lines.push(format!("{indent}✘ {}", failure.name));
                    lines.extend(failure.message.iter().map(|m| format!("{indent}    {m}")));
                }
                lines.extend(tail.iter().map(|t| format!("{indent}{t}")));
            }
            Self::TimedOut(_) | Self::Passed(_) => {}
        }
        lines
    }
}

/// Builds and runs the exercise's suite in one pass, the run limited to the exercise's time.
pub fn grade(root: &Path, exercise: &Exercise, spec: &PassSpec) -> Result<Graded> {
    let mut build = suite_command(root, exercise, spec);
    build.args(["--no-run", "--message-format", "short"]);
    let built = process::run(build, Stream::Capture, Stream::Capture, None)?;
    if !built.ending.success() {
        let mut errors = libtest::compile_errors(&built.stderr, 8);
        if errors.is_empty() {
            errors = last_lines(&built.stderr, 8);
        }
        return Ok(Graded::BuildFailed(errors));
    }

    let limit = Duration::from_secs(exercise.time_limit_secs.max(1));
    let run = suite_command(root, exercise, spec);
    let finished = process::run(run, Stream::Capture, Stream::Capture, Some(limit))?;
    let counts = libtest::sum_results(&finished.stdout);
    Ok(match finished.ending {
        Ending::TimedOut(limit) => Graded::TimedOut(limit),
        ending if ending.success() => Graded::Passed(counts),
        Ending::Exited(_) => {
            let failures = libtest::failures(&finished.stdout, 12, 240);
            let tail = if failures.is_empty() {
                last_lines(&format!("{}{}", finished.stdout, finished.stderr), 12)
            } else {
                Vec::new()
            };
            Graded::Failed {
                counts,
                failures,
                tail,
            }
        }
    })
}

/// `cargo test -p <package> [--features ...] --test <suite>`.
fn suite_command(root: &Path, exercise: &Exercise, spec: &PassSpec) -> std::process::Command {
    let mut command = workspace::cargo(root);
    command.args(["test", "-p", &exercise.package]);
    if !spec.features.is_empty() {
        command.args(["--features", &spec.features.join(",")]);
    }
    command.args(["--test", &exercise.suite]);
    command
}

/// The last `n` non-empty lines, shortened.
fn last_lines(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| libtest::shorten_line(l, 240))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(shuttle: bool) -> Chapter {
        Chapter {
            number: 12,
            dir_name: "12-deadlocks".into(),
            dir: "chapters/12-deadlocks".into(),
            package: "chapter-12".into(),
            shuttle,
            learner: true,
            loom: false,
        }
    }

    #[test]
    fn learner_and_solution_passes_pick_their_features() {
        let learner = passes(&chapter(true), true);
        assert_eq!(learner.len(), 2);
        assert_eq!(learner[0].features_text(), "--features learner");
        assert_eq!(learner[1].features_text(), "--features learner,shuttle");
        let solution = passes(&chapter(true), false);
        assert_eq!(solution[0].features_text(), "no features");
        assert_eq!(solution[1].features_text(), "--features shuttle");
        assert_eq!(passes(&chapter(false), true).len(), 1);
    }

    #[test]
    fn headlines_say_what_happened() {
        let timed_out = Graded::TimedOut(Duration::from_secs(120));
        assert_eq!(
            timed_out.headline(),
            "deadlock or hang: the grader's time limit of 120 s ran out"
        );
        let failed = Graded::Failed {
            counts: Counts {
                passed: 1,
                failed: 2,
            },
            failures: vec![Failure {
                name: "no_deadlock".into(),
                message: vec!["not yet implemented".into()],
            }],
            tail: Vec::new(),
        };
        assert_eq!(failed.headline(), "2 of 3 test(s) failed");
        assert_eq!(
            failed.details("  "),
            ["  ✘ no_deadlock", "      not yet implemented"]
        );
        assert!(!failed.passed());
        let empty = Graded::Passed(Counts {
            passed: 0,
            failed: 0,
        });
        assert_eq!(
            empty.headline(),
            "skipped: the suite has no test under these features"
        );
    }
}

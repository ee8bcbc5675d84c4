//! Grading one exercise suite in one pass: scan the learner's file, build the suite, list its
//! tests, run them under the exercise's time limit, and prove from the harness's own report that
//! every listed test passed.
//!
//! A suite is graded in two passes: real threads under the tests' own watchdogs, then (if the
//! suite has `cfg(shuttle)` tests) the model checker. The learner's pass swaps in only this
//! exercise's starter (`COURSE_BUILD=learner-eK`); without it, the suite tests the reference
//! solution. Everything builds in its own target directory (`target/grade`), so a graded build
//! never replaces the ordinary `target/debug/chapter-N` that `cargo run` starts.
//!
//! A pass is proven, not printed. The test binary is run directly: first `--list`, which names
//! the suite's tests (a listing runs none of the learner's code), then the tests one at a time.
//! Every listed test must report its own `ok` in the harness's running section and the closing
//! summary must count them all; a missing, extra or unfinished test, a clean exit before the
//! summary, or no tests at all is a failure with its reason. The build runs without a limit (a
//! cold build is slow, and compiling is not what the limit is about); only the run is timed, and
//! an overrun kills the test process: the last resort against a hang the watchdogs missed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::exercises::Exercise;
use crate::libtest::{self, Counts, Failure, Reported};
use crate::process::{self, Ending, Stream};
use crate::scan;
use crate::workspace::{self, Chapter};

/// Where graded builds go, below the workspace root.
pub const TARGET_DIR: &str = "target/grade";

/// Where the loom pass's graded builds go: `--cfg loom` rebuilds every crate, so it gets its
/// own directory rather than invalidating [`TARGET_DIR`]'s.
pub const LOOM_TARGET_DIR: &str = "target/grade-loom";

/// Where the shuttle pass's builds go, graded or not (`cargo xtask test` shares it): `--cfg
/// shuttle` rebuilds every crate too.
pub const SHUTTLE_TARGET_DIR: &str = "target/shuttle";

/// What a pass runs the suite on: real threads, or one of the model checkers. A checker is
/// switched on by a `--cfg` in `RUSTFLAGS`, never by a feature, so a plain build with any
/// features stays plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Checker {
    /// A plain build: std's locks and threads.
    None,
    /// `--cfg shuttle`: `common::sync` hands out shuttle's locks and threads.
    Shuttle,
    /// `--cfg loom`, in release: the chapters' loom tests.
    Loom,
}

impl Checker {
    /// The `--cfg` this checker's builds get, if any.
    pub fn cfg(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::Shuttle => Some("--cfg shuttle"),
            Self::Loom => Some("--cfg loom"),
        }
    }

    /// Where this checker's graded builds go.
    pub fn target_dir(self) -> &'static str {
        match self {
            Self::None => TARGET_DIR,
            Self::Shuttle => SHUTTLE_TARGET_DIR,
            Self::Loom => LOOM_TARGET_DIR,
        }
    }

    /// Sets up `command` (a cargo build or test) for this checker: its `RUSTFLAGS`, target
    /// directory and profile.
    pub fn configure(self, command: &mut Command, root: &Path) {
        if let Some(cfg) = self.cfg() {
            command.env("RUSTFLAGS", workspace::rustflags_with(cfg));
        }
        if self == Self::Loom {
            command.arg("--release");
        }
        command.env("CARGO_TARGET_DIR", root.join(self.target_dir()));
    }
}

/// One way of running a suite: which coursework build, on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassSpec {
    /// `real threads` or `model checker (shuttle)`.
    pub label: &'static str,
    /// The package's `COURSE_BUILD` items (`learner-e1`, `mutants`): what the shared build
    /// script switches on. Empty: the reference solutions.
    pub course_build: Vec<String>,
    /// Whether the learner's starter is swapped in (and so scanned, and its warnings count).
    pub learner: bool,
    /// Real threads, or the model checker this pass builds for.
    pub checker: Checker,
}

impl PassSpec {
    /// `COURSE_BUILD=learner-e1` for messages (or `the reference solutions`).
    pub fn build_text(&self) -> String {
        if self.course_build.is_empty() {
            "the reference solutions".to_string()
        } else {
            format!("COURSE_BUILD={}", self.course_build.join(","))
        }
    }

    /// The target directory of this pass's builds, below the workspace root.
    pub fn target_dir(&self) -> &'static str {
        self.checker.target_dir()
    }

    /// The cargo command that rebuilds and reruns this pass of `exercise` as the grader does,
    /// for a learner to paste.
    pub fn replay_command(&self, exercise: &Exercise) -> String {
        let (env, release) = match self.checker {
            Checker::None => ("", ""),
            Checker::Shuttle => ("RUSTFLAGS=\"--cfg shuttle\" ", ""),
            Checker::Loom => (
                "RUSTFLAGS=\"--cfg loom\" LOOM_MAX_PREEMPTIONS=2 ",
                " --release",
            ),
        };
        let course = if self.course_build.is_empty() {
            String::new()
        } else {
            format!("COURSE_BUILD={} ", self.course_build.join(","))
        };
        format!(
            "{course}{env}CARGO_TARGET_DIR={} cargo test -p {}{release} --test {} -- --test-threads 1",
            self.target_dir(),
            exercise.package,
            exercise.suite
        )
    }
}

/// The passes of an exercise's suite, against the learner's starter or the reference solution.
pub fn passes(chapter: &Chapter, exercise: &Exercise, learner: bool) -> Vec<PassSpec> {
    let base: Vec<String> = if learner {
        vec![exercise.learner_build()]
    } else {
        Vec::new()
    };
    let mut passes = vec![PassSpec {
        label: "real threads",
        course_build: base.clone(),
        learner,
        checker: Checker::None,
    }];
    if chapter.shuttle_tests.contains(&exercise.suite) {
        passes.push(PassSpec {
            label: "model checker (shuttle)",
            course_build: base.clone(),
            learner,
            checker: Checker::Shuttle,
        });
    }
    if chapter.loom && has_loom_tests(chapter, exercise) {
        passes.push(PassSpec {
            label: "model checker (loom)",
            course_build: base,
            learner,
            checker: Checker::Loom,
        });
    }
    passes
}

/// Whether the exercise's suite has tests for loom (a `#[cfg(loom)]` module); a chapter's
/// loom tests elsewhere do not make its other suites worth a loom build.
fn has_loom_tests(chapter: &Chapter, exercise: &Exercise) -> bool {
    let suite = chapter
        .dir
        .join("tests")
        .join(format!("{}.rs", exercise.suite));
    std::fs::read_to_string(suite).is_ok_and(|text| text.contains("#[cfg(loom)]"))
}

/// How one pass went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Graded {
    /// The learner's file uses something a solution may not (the scan's findings).
    Refused(Vec<String>),
    /// The suite did not compile; the first error lines.
    BuildFailed(Vec<String>),
    /// The test run overran the time limit and was killed.
    TimedOut {
        /// The limit.
        limit: Duration,
        /// The test that was running.
        hung: Option<String>,
        /// Where its threads were, when that could be seen (a few frames each).
        blocked_in: Vec<String>,
    },
    /// Some tests failed, or the harness's report does not prove that all passed.
    Failed {
        /// The harness's counts.
        counts: Counts,
        /// The failing tests and their messages.
        failures: Vec<Failure>,
        /// What is wrong with the report itself (a test that never reported, an early exit).
        problems: Vec<String>,
        /// The last lines of output, when no failing test could be named (a crash).
        tail: Vec<String>,
    },
    /// This pass has no test under its features (a suite without model-checking tests).
    Skipped,
    /// Every test passed, but the learner's file compiles with warnings.
    Warnings {
        /// The harness's counts.
        counts: Counts,
        /// The warnings located in the learner's file.
        warnings: Vec<String>,
    },
    /// Every listed test reported `ok`.
    Passed(Counts),
}

impl Graded {
    /// Whether the pass succeeded.
    pub fn passed(&self) -> bool {
        matches!(self, Self::Passed(_) | Self::Skipped)
    }

    /// One line on how it went.
    pub fn headline(&self) -> String {
        match self {
            Self::Refused(findings) => format!(
                "refused before building: {} use(s) of something a solution may not do",
                findings.len()
            ),
            Self::BuildFailed(_) => "does not compile".to_string(),
            Self::TimedOut { limit, hung, .. } => match hung {
                Some(test) => format!(
                    "deadlock or hang: {test} did not finish within the time limit of {} s",
                    limit.as_secs()
                ),
                None => format!(
                    "deadlock or hang: the time limit of {} s ran out",
                    limit.as_secs()
                ),
            },
            Self::Failed {
                counts, problems, ..
            } => {
                if counts.failed > 0 {
                    format!(
                        "{} of {} test(s) failed",
                        counts.failed,
                        counts.failed + counts.passed
                    )
                } else if let Some(first) = problems.first() {
                    first.clone()
                } else {
                    "the test binary failed without naming a failing test".to_string()
                }
            }
            Self::Skipped => "skipped: the suite has no test in this build".to_string(),
            Self::Warnings { counts, warnings } => format!(
                "{} test(s) passed, but your file compiles with {} warning(s)",
                counts.passed,
                warnings.len()
            ),
            Self::Passed(counts) => format!("{} test(s) passed", counts.passed),
        }
    }

    /// The details a learner needs, indented by `indent`: failing tests with their messages,
    /// compiler errors, findings, warnings, or the end of a crash's output.
    pub fn details(&self, indent: &str) -> Vec<String> {
        let indented = |lines: &[String]| -> Vec<String> {
            lines.iter().map(|l| format!("{indent}{l}")).collect()
        };
        match self {
            Self::Refused(lines) | Self::BuildFailed(lines) => indented(lines),
            Self::Warnings { warnings, .. } => indented(warnings),
            Self::TimedOut { blocked_in, .. } => indented(blocked_in),
            Self::Failed {
                failures,
                problems,
                tail,
                ..
            } => {
                let mut lines = Vec::new();
                for failure in failures {
                    lines.push(format!("{indent}✘ {}", failure.name));
                    lines.extend(failure.message.iter().map(|m| format!("{indent}    {m}")));
                }
                // The headline already says the first problem when no test failed.
                let skip = usize::from(failures.is_empty());
                lines.extend(indented(problems.get(skip..).unwrap_or_default()));
                lines.extend(indented(tail));
                lines
            }
            Self::Skipped | Self::Passed(_) => Vec::new(),
        }
    }
}

/// Scans (for the learner), builds and runs the exercise's suite in one pass.
pub fn grade(root: &Path, exercise: &Exercise, spec: &PassSpec) -> Result<Graded> {
    if spec.learner
        && let Some(refused) = refusal(root, exercise)?
    {
        return Ok(refused);
    }
    let built = build(root, &exercise.package, spec, &[&exercise.suite])?;
    let Some(executable) = built.executables.get(&exercise.suite) else {
        return Ok(Graded::BuildFailed(built.errors));
    };
    let limit = Duration::from_secs(exercise.time_limit_secs.max(1));
    let graded = run_suite(root, executable, &Select::all(), limit)?;
    let starter = libtest::resolve_dots(&exercise.starter);
    let warnings: Vec<String> = built
        .warnings
        .iter()
        .filter(|w| spec.learner && w.file == starter)
        .map(|w| w.line.clone())
        .collect();
    Ok(match graded {
        Graded::Passed(counts) if !warnings.is_empty() => Graded::Warnings { counts, warnings },
        other => other,
    })
}

/// The scan's verdict on the learner's file: `None` when it may be built.
pub fn refusal(root: &Path, exercise: &Exercise) -> Result<Option<Graded>> {
    let path = root.join(&exercise.starter);
    let source = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let findings = match scan::scan(&source, &exercise.allow) {
        Ok(findings) => findings,
        // Not even Rust tokens: the compiler says it best.
        Err(_) => return Ok(None),
    };
    Ok((!findings.is_empty()).then(|| {
        Graded::Refused(
            findings
                .iter()
                .map(|f| format!("{}:{f}", exercise.starter))
                .collect(),
        )
    }))
}

/// What a build produced: the suites' test binaries, or the first errors; and every warning.
#[derive(Debug, Default)]
pub struct Built {
    /// Test binaries by suite name (only when the build succeeded).
    pub executables: BTreeMap<String, PathBuf>,
    /// The first compiler errors, when it failed.
    pub errors: Vec<String>,
    /// Every located warning.
    pub warnings: Vec<libtest::Warning>,
}

/// Builds the named test targets of `package` as the pass `spec` needs them, in its target
/// directory.
pub fn build(root: &Path, package: &str, spec: &PassSpec, suites: &[&str]) -> Result<Built> {
    let request = BuildRequest {
        package: package.to_string(),
        course_build: spec.course_build.clone(),
        suites: suites.iter().map(|s| s.to_string()).collect(),
    };
    let mut built = build_many(root, &[request], spec.checker)?;
    Ok(built.remove(package).unwrap_or_default())
}

/// One package's part of a [`build_many`]: its features and the suites wanted from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRequest {
    /// The package, `chapter-12`.
    pub package: String,
    /// Its `COURSE_BUILD` items, unqualified (`learner`, `mutants`, `learner-e2`).
    pub course_build: Vec<String>,
    /// The test targets wanted, `exercise_12_2`.
    pub suites: Vec<String>,
}

/// Builds several packages' suites in one cargo run (so cargo spreads the work over every core
/// and builds the shared crates once), in the `checker`'s target directory under its `--cfg`. Each package gets its own [`Built`]: its suites' binaries, its errors,
/// and the warnings located in its files. `--keep-going`: one package that does not compile
/// does not stop the others.
pub fn build_many(
    root: &Path,
    requests: &[BuildRequest],
    checker: Checker,
) -> Result<BTreeMap<String, Built>> {
    let mut command = workspace::cargo(root);
    // `cargo build --test` makes the same test binaries as `cargo test --no-run`, and unlike
    // it can keep going past a package that does not compile.
    command.args(["build", "--keep-going"]);
    command.args(["--message-format", "json-diagnostic-short"]);
    let mut course_build = Vec::new();
    for request in requests {
        command.args(["-p", &request.package]);
        course_build.extend(
            request
                .course_build
                .iter()
                .map(|item| format!("{}:{item}", request.package)),
        );
        for suite in &request.suites {
            command.args(["--test", suite]);
        }
    }
    // Always set, so a COURSE_BUILD in the grader's own environment cannot leak in.
    command.env("COURSE_BUILD", course_build.join(","));
    checker.configure(&mut command, root);
    let finished = process::run(command, Stream::Capture, Stream::Capture, None)?;
    let chapters = workspace::discover(root)?;
    let package_of = |manifest: &str| {
        chapters
            .iter()
            .find(|c| Path::new(manifest).parent() == Some(c.dir.as_path()))
            .map(|c| c.package.clone())
    };
    let mut rendered: BTreeMap<String, String> = BTreeMap::new();
    let mut built: BTreeMap<String, Built> = requests
        .iter()
        .map(|r| (r.package.clone(), Built::default()))
        .collect();
    for line in finished.stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(package) = message["manifest_path"].as_str().and_then(package_of) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-message") => {
                if let Some(text) = message["message"]["rendered"].as_str() {
                    let into = rendered.entry(package).or_default();
                    into.push_str(text);
                    if !text.ends_with('\n') {
                        into.push('\n');
                    }
                }
            }
            Some("compiler-artifact") => {
                let name = message["target"]["name"].as_str().unwrap_or_default();
                let is_test = message["profile"]["test"].as_bool() == Some(true);
                let wanted = requests
                    .iter()
                    .any(|r| r.package == package && r.suites.iter().any(|s| s == name));
                if let (true, true, Some(exe), Some(into)) = (
                    is_test,
                    wanted,
                    message["executable"].as_str(),
                    built.get_mut(&package),
                ) {
                    into.executables
                        .insert(name.to_string(), PathBuf::from(exe));
                }
            }
            _ => {}
        }
    }
    for (package, into) in &mut built {
        let text = rendered.get(package).map_or("", String::as_str);
        into.warnings = libtest::located_warnings(text);
        let complete = requests
            .iter()
            .filter(|r| &r.package == package)
            .flat_map(|r| &r.suites)
            .all(|suite| into.executables.contains_key(suite));
        if !complete {
            into.executables.clear();
            into.errors = libtest::compile_errors(text, 8);
            if into.errors.is_empty() {
                // Cargo's own errors (an unknown feature, a dependency that failed) are plain
                // text on stderr.
                into.errors = last_lines(&finished.stderr, 8);
            }
        }
    }
    let kept = root
        .join(checker.target_dir())
        .join("kept")
        .join(kept_name(&course_build));
    for into in built.values_mut() {
        keep_executables(&mut into.executables, &kept)?;
    }
    Ok(built)
}

/// The directory name under `kept/` for the binaries of one `COURSE_BUILD`: the items, made
/// safe for a file name (`chapter-12_learner-e1`), or `reference` for none.
fn kept_name(course_build: &[String]) -> String {
    if course_build.is_empty() {
        return "reference".to_string();
    }
    let joined = course_build.join("+");
    let safe: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '+' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Long selections (every chapter's starters) get a short stable name.
    if safe.len() <= 80 {
        safe
    } else {
        let hash = joined.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        format!("many-{hash:016x}")
    }
}

/// Copies each test binary into `kept` and points at the copy. A coursework build is switched
/// on by the environment, which cargo does not hash into a binary's file name: the next build
/// with another `COURSE_BUILD` overwrites the same file, so a caller that builds several
/// selections before running any keeps each selection's binaries apart this way.
fn keep_executables(executables: &mut BTreeMap<String, PathBuf>, kept: &Path) -> Result<()> {
    if executables.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(kept).with_context(|| format!("cannot create {}", kept.display()))?;
    for path in executables.values_mut() {
        let Some(name) = path.file_name() else {
            continue;
        };
        let copy = kept.join(name);
        // Remove first: the old copy may be running (a watch loop) or read-only.
        let _ = std::fs::remove_file(&copy);
        std::fs::copy(&*path, &copy)
            .with_context(|| format!("cannot copy {} to {}", path.display(), copy.display()))?;
        *path = copy;
    }
    Ok(())
}

/// Which of a suite's tests a run takes, by libtest's substring filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Select {
    /// Only the tests whose names contain this.
    pub only: Option<String>,
    /// Minus those whose names contain any of these.
    pub skip: Vec<String>,
}

impl Select {
    /// Every test.
    pub fn all() -> Self {
        Self::default()
    }

    /// The tests whose names contain `filter`.
    pub fn only(filter: impl Into<String>) -> Self {
        Self {
            only: Some(filter.into()),
            skip: Vec::new(),
        }
    }
}

/// The command that runs a test binary as the grader does (`--test-threads 1`, so a hang names
/// its test), in its package's directory, on the tests `select` picks.
pub fn test_command(root: &Path, executable: &Path, select: &Select) -> Command {
    let mut command = Command::new(executable);
    command.arg("--test-threads").arg("1");
    if let Some(filter) = &select.only {
        command.arg(filter);
    }
    for skip in &select.skip {
        command.args(["--skip", skip]);
    }
    if let Some(dir) = package_dir(root, executable) {
        command.current_dir(&dir).env("CARGO_MANIFEST_DIR", &dir);
    }
    command.env("RUST_BACKTRACE", "0");
    // The bound `cargo xtask test` gives its loom pass; without it loom explores for hours.
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        command.env("LOOM_MAX_PREEMPTIONS", "2");
    }
    command
}

/// The package directory a test binary belongs to: cargo runs integration tests there.
fn package_dir(root: &Path, executable: &Path) -> Option<PathBuf> {
    let stem = executable.file_name()?.to_string_lossy().into_owned();
    let suite = stem.rsplit_once('-').map_or(stem.as_str(), |(s, _)| s);
    let chapters = workspace::discover(root).ok()?;
    chapters
        .into_iter()
        .find(|c| c.dir.join("tests").join(format!("{suite}.rs")).is_file())
        .map(|c| c.dir)
}

/// Lists and runs the tests of a built suite that `select` picks and proves from the harness's
/// report that every one passed.
pub fn run_suite(
    root: &Path,
    executable: &Path,
    select: &Select,
    limit: Duration,
) -> Result<Graded> {
    let mut list = test_command(root, executable, select);
    list.args(["--list", "--format", "terse"]);
    let listed = process::run(list, Stream::Capture, Stream::Capture, Some(limit))?;
    let mut ignored = test_command(root, executable, select);
    ignored.args(["--list", "--format", "terse", "--ignored"]);
    let ignored = process::run(ignored, Stream::Capture, Stream::Capture, Some(limit))?;
    if !listed.ending.success() || !ignored.ending.success() {
        return Ok(Graded::Failed {
            counts: Counts::default(),
            failures: Vec::new(),
            problems: vec!["the test binary could not list its tests".to_string()],
            tail: last_lines(&format!("{}{}", listed.stdout, listed.stderr), 12),
        });
    }
    let skipped = libtest::listed_tests(&ignored.stdout);
    let expected: Vec<String> = libtest::listed_tests(&listed.stdout)
        .into_iter()
        .filter(|name| !skipped.contains(name))
        .collect();
    if expected.is_empty() {
        return Ok(Graded::Skipped);
    }

    let stacks = Mutex::new(Vec::new());
    let finished = process::run_inspecting(
        test_command(root, executable, select),
        Stream::Capture,
        Stream::Capture,
        Some(limit),
        &|pid| {
            if let Ok(mut stacks) = stacks.lock() {
                *stacks = blocked_in(pid);
            }
        },
    )?;
    let report = libtest::run_report(&finished.stdout);
    if let Ending::TimedOut(limit) = finished.ending {
        return Ok(Graded::TimedOut {
            limit,
            hung: report.unfinished,
            blocked_in: stacks.into_inner().unwrap_or_default(),
        });
    }
    Ok(verdict(&expected, &report, &finished))
}

/// Whether the harness's report proves that every expected test passed.
fn verdict(
    expected: &[String],
    report: &libtest::RunReport,
    finished: &process::Finished,
) -> Graded {
    let reported = |name: &str| {
        report
            .results
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
    };
    let mut problems = Vec::new();
    let missing: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|name| reported(name).is_none())
        .collect();
    let extra: Vec<&str> = report
        .results
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !expected.iter().any(|e| e == n))
        .collect();
    let ok = expected
        .iter()
        .filter(|name| reported(name) == Some(Reported::Ok))
        .count() as u64;
    let failed = expected
        .iter()
        .filter(|name| reported(name) == Some(Reported::Failed))
        .count() as u64;
    if let Some(test) = &report.unfinished {
        problems.push(format!(
            "the test process ended inside {test}, before it reported ({})",
            ending_text(&finished.ending)
        ));
    }
    if !missing.is_empty() {
        problems.push(format!(
            "{} of {} test(s) never reported a result ({}): the process ended early ({})",
            missing.len(),
            expected.len(),
            missing.join(", "),
            ending_text(&finished.ending)
        ));
    }
    if !extra.is_empty() {
        problems.push(format!(
            "the report names tests the suite does not have: {}",
            extra.join(", ")
        ));
    }
    let counted = Counts { passed: ok, failed };
    if report.summary != Some(counted) && problems.is_empty() && failed == 0 {
        problems.push(match report.summary {
            None => "the test harness never printed its summary".to_string(),
            Some(summary) => format!(
                "the harness's summary ({} passed, {} failed) does not match its {} reported test(s)",
                summary.passed,
                summary.failed,
                expected.len()
            ),
        });
    }
    if problems.is_empty()
        && failed == 0
        && ok == expected.len() as u64
        && finished.ending.success()
    {
        return Graded::Passed(counted);
    }
    if problems.is_empty() && failed == 0 {
        problems.push(format!(
            "the test binary {} although every test reported ok",
            ending_text(&finished.ending)
        ));
    }
    let failures = libtest::failures(&finished.stdout, 12, 240)
        .into_iter()
        .filter(|f| expected.contains(&f.name))
        .collect::<Vec<_>>();
    let tail = if failures.is_empty() {
        last_lines(&format!("{}{}", finished.stdout, finished.stderr), 12)
    } else {
        Vec::new()
    };
    Graded::Failed {
        counts: counted,
        failures,
        problems,
        tail,
    }
}

fn ending_text(ending: &Ending) -> String {
    match ending {
        Ending::Exited(status) => match status.code() {
            Some(code) => format!("exit code {code}"),
            None => format!("killed by a signal: {status}"),
        },
        Ending::TimedOut(limit) => format!("killed after {} s", limit.as_secs()),
    }
}

/// Where a hung test process's threads are, read with gdb when it is installed: the innermost
/// frames of each thread that are in the workspace's own code (what it was blocked on).
fn blocked_in(pid: u32) -> Vec<String> {
    let Ok(output) = Command::new("gdb")
        .args(["-p", &pid.to_string(), "-batch", "-nx"])
        .args(["-ex", "set print frame-arguments none"])
        .args(["-ex", "thread apply all bt 24"])
        .stdin(std::process::Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    summarize_stacks(&String::from_utf8_lossy(&output.stdout))
}

/// From gdb's `thread apply all bt`: one line per thread that is inside the workspace's code
/// (`chapters/` or `common/`), naming the thread and its innermost such frame.
fn summarize_stacks(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut thread = String::new();
    let mut found = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Thread ") {
            thread = rest
                .split_once('"')
                .and_then(|(_, r)| r.split_once('"'))
                .map_or_else(|| rest.to_string(), |(name, _)| name.to_string());
            found = false;
            continue;
        }
        if found || !line.starts_with('#') {
            continue;
        }
        let in_workspace = ["chapters/", "common/src/"]
            .iter()
            .any(|d| line.contains(d));
        if in_workspace && let Some((function, place)) = frame_parts(line) {
            lines.push(format!("thread '{thread}' was in {function} ({place})"));
            found = true;
        }
    }
    lines.truncate(8);
    lines
}

/// `#3  0x… in chapter_12::waiter::Waiter::sit_down (self=…) at chapters/…/e2_waiter.rs:30`
/// gives the function and the file and line.
fn frame_parts(line: &str) -> Option<(String, String)> {
    let after_in = line.split_once(" in ").map_or(line, |(_, r)| r);
    let function = after_in.split([' ', '(']).next()?.to_string();
    let place = line.rsplit_once(" at ")?.1.trim();
    let place = place
        .find("chapters/")
        .or_else(|| place.find("common/"))
        .map_or(place, |i| &place[i..]);
    Some((function, place.to_string()))
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
    use std::os::unix::process::ExitStatusExt as _;

    fn chapter(shuttle: bool) -> Chapter {
        Chapter {
            number: 12,
            dir_name: "12-deadlocks".into(),
            dir: "chapters/12-deadlocks".into(),
            package: "chapter-12".into(),
            shuttle_tests: if shuttle {
                vec!["exercise_12_2".into()]
            } else {
                Vec::new()
            },
            learner: true,
            loom: false,
        }
    }

    #[test]
    fn learner_and_solution_passes_pick_their_builds() {
        let exercise = &crate::exercises::sample(&["12.2"])[0];
        let learner = passes(&chapter(true), exercise, true);
        assert_eq!(learner.len(), 2);
        assert_eq!(learner[0].build_text(), "COURSE_BUILD=learner-e2");
        assert_eq!(learner[1].build_text(), "COURSE_BUILD=learner-e2");
        assert_eq!(learner[1].checker, Checker::Shuttle);
        assert!(learner[1].replay_command(exercise).starts_with(
            "COURSE_BUILD=learner-e2 RUSTFLAGS=\"--cfg shuttle\" CARGO_TARGET_DIR=target/shuttle "
        ));
        let solution = passes(&chapter(true), exercise, false);
        assert_eq!(solution[0].build_text(), "the reference solutions");
        assert_eq!(solution[0].checker, Checker::None);
        assert_eq!(solution[1].build_text(), "the reference solutions");
        assert_eq!(passes(&chapter(false), exercise, true).len(), 1);
    }

    fn finished(code: i32, stdout: &str) -> process::Finished {
        process::Finished {
            ending: Ending::Exited(std::process::ExitStatus::from_raw(code << 8)),
            stdout: stdout.to_string(),
            stderr: String::new(),
            elapsed: Duration::ZERO,
        }
    }

    fn judge(code: i32, stdout: &str) -> Graded {
        let expected = ["graded::a".to_string(), "graded::b".to_string()];
        verdict(
            &expected,
            &libtest::run_report(stdout),
            &finished(code, stdout),
        )
    }

    const SUMMARY_OK: &str = "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n";

    #[test]
    fn only_a_full_report_of_oks_is_a_pass() {
        let honest = format!("test graded::a ... ok\ntest graded::b ... ok\n\n{SUMMARY_OK}");
        assert_eq!(
            judge(0, &honest),
            Graded::Passed(Counts {
                passed: 2,
                failed: 0
            })
        );
        // `process::exit(0)` inside the second test: a clean exit, no result, no summary.
        let exited = judge(0, "test graded::a ... ok\ntest graded::b ... ");
        assert!(!exited.passed());
        assert_eq!(
            exited.headline(),
            "the test process ended inside graded::b, before it reported (exit code 0)"
        );
        // A forged summary with no result lines for the tests.
        let forged = judge(0, SUMMARY_OK);
        assert!(!forged.passed());
        assert!(
            forged.headline().contains("2 of 2 test(s) never reported"),
            "{}",
            forged.headline()
        );
        // Fake oks in a failing test's captured output do not count.
        let captured = format!(
            "test graded::a ... ok\ntest graded::b ... FAILED\n\nfailures:\n\n---- graded::b stdout ----\ntest graded::b ... ok\n{SUMMARY_OK}"
        );
        assert!(!judge(101, &captured).passed());
        // A test name the suite does not have.
        let extra = format!(
            "test graded::a ... ok\ntest graded::b ... ok\ntest graded::z ... ok\n{SUMMARY_OK}"
        );
        assert!(
            judge(0, &extra)
                .headline()
                .contains("tests the suite does not have: graded::z")
        );
        // Every test ok, but the process then failed.
        let late = format!("test graded::a ... ok\ntest graded::b ... ok\n{SUMMARY_OK}");
        assert!(!judge(1, &late).passed());
    }

    #[test]
    fn headlines_say_what_happened() {
        let timed_out = Graded::TimedOut {
            limit: Duration::from_secs(120),
            hung: Some("graded::waits".into()),
            blocked_in: vec!["thread 'diner 0' was in x (chapters/a.rs:3)".into()],
        };
        assert_eq!(
            timed_out.headline(),
            "deadlock or hang: graded::waits did not finish within the time limit of 120 s"
        );
        assert_eq!(
            timed_out.details("  "),
            ["  thread 'diner 0' was in x (chapters/a.rs:3)"]
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
            problems: Vec::new(),
            tail: Vec::new(),
        };
        assert_eq!(failed.headline(), "2 of 3 test(s) failed");
        assert_eq!(
            failed.details("  "),
            ["  ✘ no_deadlock", "      not yet implemented"]
        );
        assert!(!failed.passed());
        assert!(Graded::Skipped.passed());
        let warned = Graded::Warnings {
            counts: Counts {
                passed: 3,
                failed: 0,
            },
            warnings: vec!["e1.rs:3:9: warning: unused variable: `x`".into()],
        };
        assert!(!warned.passed());
        assert_eq!(
            warned.headline(),
            "3 test(s) passed, but your file compiles with 1 warning(s)"
        );
    }

    #[test]
    fn stacks_name_each_thread_in_the_workspaces_code() {
        let gdb = "\
Thread 3 (Thread 0x7f (LWP 12) \"diner 1\"):
#0  0x00007f in syscall () from /lib/libc.so.6
#1  0x000055 in std::sys::pal::unix::futex::futex_wait () at library/std/src/futex.rs:70
#2  0x000055 in chapter_12::waiter::Waiter::sit_down (self=...) at chapters/12-deadlocks/src/../exercises/e2_waiter.rs:41
#3  0x000055 in exercise_12_2::dine () at chapters/12-deadlocks/tests/exercise_12_2.rs:20

Thread 1 (Thread 0x7e (LWP 11) \"graded::waits\"):
#0  0x00007f in clock_nanosleep () from /lib/libc.so.6
";
        assert_eq!(
            summarize_stacks(gdb),
            [
                "thread 'diner 1' was in chapter_12::waiter::Waiter::sit_down \
                 (chapters/12-deadlocks/src/../exercises/e2_waiter.rs:41)"
            ]
        );
    }
}

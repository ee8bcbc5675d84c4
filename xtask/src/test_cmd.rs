//! `cargo xtask test`: the project's one test command (the README's, and CI's).
//!
//! It runs, in order, and always all of them:
//!
//! 1. the plain pass, `cargo test --workspace --all-features` (this includes the tidy test and
//!    every exercise suite against its reference solution);
//! 2. the shuttle pass: one `cargo test` under `RUSTFLAGS="--cfg shuttle"`, in `target/shuttle`,
//!    of every chapter's library tests and of the test files that hold model-checking tests (a
//!    `cfg(shuttle)`); a checker is a `--cfg`, not a feature, so `--all-features` stays plain;
//! 3. the loom pass: `cargo test -p <chapter> --release --tests` under `RUSTFLAGS="--cfg loom"`
//!    for every chapter with a `tests/loom*.rs` file, in its own target directory
//!    (`target/loom`) so the main build cache stays valid, with `LOOM_MAX_PREEMPTIONS`
//!    defaulting to 2;
//! 4. `exercise verify`: every starter compiles cleanly and fails its suite (the reference
//!    solutions' suites already ran in passes 1 and 2, so they are not run a second time).
//!
//! The children's output streams through while `test result:` lines are summed; the end is a
//! per-pass table and one plain line, `test: N passed, M failed` (passes 1–3; the starters'
//! expected failures in 4 are not counted). Anything failing makes the exit code non-zero.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::Result;
use common::TableData;
use common::report::render_table;
use common::timing::Stopwatch;

use crate::grade::Checker;
use crate::libtest::{self, Counts};
use crate::process::{self, Stream};
use crate::verify;
use crate::workspace::{self, Chapter};

/// The result of one pass.
#[derive(Debug)]
struct Pass {
    name: String,
    /// `None` for a pass that is not a cargo test run (exercise verify).
    counts: Option<Counts>,
    ok: bool,
    seconds: f64,
}

/// Runs `cargo xtask test`.
pub fn run(root: &Path) -> Result<ExitCode> {
    let watch = Stopwatch::start();
    let chapters = workspace::discover(root)?;
    let mut passes = Vec::new();

    let mut plain = workspace::cargo(root);
    // Every feature on: a plain build must not change with features (a checker or a coursework
    // build is a cfg, never a feature), and this is how that stays true. The chapters' own
    // features are unified into this build anyway, so it costs no second build.
    plain.args(["test", "--workspace", "--all-features", "--no-fail-fast"]);
    passes.push(cargo_pass("plain", plain)?);

    let shuttle: Vec<&Chapter> = chapters.iter().filter(|c| c.shuttle()).collect();
    if shuttle.is_empty() {
        println!("shuttle pass: no crate has model-checking tests yet");
    } else {
        passes.push(cargo_pass("shuttle", shuttle_command(root, &shuttle))?);
    }

    let loom: Vec<&Chapter> = chapters.iter().filter(|c| c.loom).collect();
    if loom.is_empty() {
        println!("loom pass: no crate has loom tests yet");
    }
    for chapter in loom {
        passes.push(cargo_pass(
            &format!("loom {}", chapter.package),
            loom_command(root, chapter),
        )?);
    }

    let verify_watch = Stopwatch::start();
    banner("exercise verify");
    let verified = verify::run(root, &[], verify::Solutions::AlreadyTested)?;
    passes.push(Pass {
        name: "exercise verify".to_string(),
        counts: None,
        ok: verified,
        seconds: verify_watch.seconds(),
    });

    let (text, ok) = summary(&passes, watch.seconds());
    print!("{text}");
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn banner(what: &str) {
    println!("\n==> {what}");
}

/// One `cargo test` over every chapter's model-checking test targets (and its library's own
/// tests) under `--cfg shuttle`, in `target/shuttle`: one build spread over every core, and the
/// chapters' other test files never see shuttle, so they need no guard against it.
fn shuttle_command(root: &Path, chapters: &[&Chapter]) -> Command {
    let mut command = workspace::cargo(root);
    command.args(["test", "--no-fail-fast"]);
    for chapter in chapters {
        command.args(["-p", &chapter.package]);
    }
    command.arg("--lib");
    let mut targets: Vec<&str> = chapters
        .iter()
        .flat_map(|c| c.shuttle_tests.iter().map(String::as_str))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    for target in targets {
        command.args(["--test", target]);
    }
    Checker::Shuttle.configure(&mut command, root);
    command
}

/// `cargo test -p <chapter> --release --tests` with loom switched on, in `target/loom`.
fn loom_command(root: &Path, chapter: &Chapter) -> Command {
    let mut command = workspace::cargo(root);
    command.args([
        "test",
        "--no-fail-fast",
        "-p",
        &chapter.package,
        "--release",
        "--tests",
    ]);
    command.env("RUSTFLAGS", workspace::rustflags_with("--cfg loom"));
    command.env("CARGO_TARGET_DIR", root.join("target").join("loom"));
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        command.env("LOOM_MAX_PREEMPTIONS", "2");
    }
    command
}

/// Runs one cargo test command, its stdout echoed and scanned for `test result:` lines.
fn cargo_pass(name: &str, command: Command) -> Result<Pass> {
    banner(&format!("{name} pass: {}", process::describe(&command)));
    let finished = process::run(command, Stream::Tee, Stream::Inherit, None)?;
    Ok(Pass {
        name: name.to_string(),
        counts: Some(libtest::sum_results(&finished.stdout)),
        ok: finished.ending.success(),
        seconds: finished.elapsed.as_secs_f64(),
    })
}

/// The per-pass table and the final `test: N passed, M failed` line; and whether all is well.
fn summary(passes: &[Pass], seconds: f64) -> (String, bool) {
    let mut table = TableData::new("test", &["pass", "passed", "failed", "time", "result"]);
    let mut total = Counts::default();
    for pass in passes {
        let (passed, failed) = match pass.counts {
            Some(counts) => {
                total += counts;
                (counts.passed.to_string(), counts.failed.to_string())
            }
            None => ("—".to_string(), "—".to_string()),
        };
        let result = match (pass.ok, pass.counts) {
            (true, _) => "✔",
            (false, Some(counts)) if counts.failed == 0 => "✘ (did not build or crashed)",
            (false, _) => "✘",
        };
        table.row([
            pass.name.clone(),
            passed,
            failed,
            format!("{:.1} s", pass.seconds),
            result.to_string(),
        ]);
    }
    let ok = total.failed == 0 && passes.iter().all(|p| p.ok);
    let text = format!(
        "\n{}\nall passes took {seconds:.1} s{}\ntest: {} passed, {} failed\n",
        render_table(&table),
        if ok {
            ""
        } else {
            "; something failed (see ✘ above)"
        },
        total.passed,
        total.failed
    );
    (text, ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(name: &str, counts: Option<(u64, u64)>, ok: bool) -> Pass {
        Pass {
            name: name.into(),
            counts: counts.map(|(passed, failed)| Counts { passed, failed }),
            ok,
            seconds: 1.0,
        }
    }

    #[test]
    fn the_last_line_sums_the_cargo_passes_only() {
        let (text, ok) = summary(
            &[
                pass("plain", Some((10, 0)), true),
                pass("shuttle chapter-12", Some((3, 0)), true),
                pass("exercise verify", None, true),
            ],
            2.0,
        );
        assert!(ok);
        assert!(text.ends_with("\ntest: 13 passed, 0 failed\n"), "{text}");
    }

    #[test]
    fn a_build_failure_fails_even_with_no_failed_test() {
        let (text, ok) = summary(&[pass("plain", Some((0, 0)), false)], 1.0);
        assert!(!ok);
        assert!(text.contains("did not build"), "{text}");
        let (_, ok) = summary(&[pass("exercise verify", None, false)], 1.0);
        assert!(!ok);
    }

    #[test]
    fn the_loom_pass_has_its_own_target_dir_and_cfg() {
        let chapter = Chapter {
            number: 16,
            dir_name: "16-lock-free".into(),
            dir: "chapters/16-lock-free".into(),
            package: "chapter-16".into(),
            shuttle_tests: Vec::new(),
            learner: false,
            loom: true,
        };
        let command = loom_command(Path::new("/ws"), &chapter);
        let envs: Vec<(String, String)> = command
            .get_envs()
            .filter_map(|(k, v)| {
                Some((
                    k.to_string_lossy().into_owned(),
                    v?.to_string_lossy().into_owned(),
                ))
            })
            .collect();
        assert!(
            envs.contains(&("CARGO_TARGET_DIR".into(), "/ws/target/loom".into())),
            "{envs:?}"
        );
        assert!(
            envs.iter()
                .any(|(k, v)| k == "RUSTFLAGS" && v.ends_with("--cfg loom")),
            "{envs:?}"
        );
        assert!(process::describe(&command).ends_with("-p chapter-16 --release --tests"));
    }
}

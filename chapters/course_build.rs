//! The build script every chapter crate shares (`build = "../course_build.rs"`): it switches
//! on the coursework builds — a learner's starter in place of a reference solution, the
//! committed wrong solutions — from the environment, never from cargo features, so that
//! `cargo test --workspace --all-features` stays a plain build of the reference solutions.
//!
//! `COURSE_BUILD` lists what to switch on, comma- or space-separated, each item optionally
//! limited to one package with a `PACKAGE:` prefix:
//!
//! - `learner`: every exercise's starter (`cfg(learner_e1)`, `cfg(learner_e2)`, ...);
//! - `learner-eK`: exercise K's starter only (what the grader builds);
//! - `mutants`: the committed wrong solutions, for `cargo xtask exercise verify` (`cfg(mutants)`).
//!
//! E.g. `COURSE_BUILD=learner cargo run -p chapter-12 -- run dining-philosophers` runs the
//! chapter with your exercises; `COURSE_BUILD=chapter-12:learner-e1,chapter-14:learner-e2` is
//! how the grader builds two exercises in one cargo run.

#[path = "course_build_mutants.rs"]
mod mutants;

/// The exercise numbers a chapter may have (`learner` switches on every one of them).
const EXERCISES: std::ops::RangeInclusive<u32> = 1..=9;

fn main() {
    println!("cargo::rerun-if-env-changed=COURSE_BUILD");
    println!("cargo::rustc-check-cfg=cfg(mutants)");
    for k in EXERCISES {
        println!("cargo::rustc-check-cfg=cfg(learner_e{k})");
    }
    let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
    let wanted = std::env::var("COURSE_BUILD").unwrap_or_default();
    let mut with_mutants = false;
    for item in wanted.split([',', ' ']).filter(|item| !item.is_empty()) {
        let (only_for, what) = match item.split_once(':') {
            Some((only_for, what)) => (Some(only_for), what),
            None => (None, item),
        };
        if only_for.is_some_and(|only_for| only_for != package) {
            continue;
        }
        let exercise = what
            .strip_prefix("learner-e")
            .and_then(|k| k.parse::<u32>().ok())
            .filter(|k| EXERCISES.contains(k));
        match (what, exercise) {
            ("learner", _) => {
                for k in EXERCISES {
                    println!("cargo::rustc-cfg=learner_e{k}");
                }
            }
            ("mutants", _) => with_mutants = true,
            (_, Some(k)) => println!("cargo::rustc-cfg=learner_e{k}"),
            _ => {
                println!(
                    "cargo::error=COURSE_BUILD: unknown item '{item}'; valid items: learner, \
                     learner-e1 … learner-e9, mutants, each optionally prefixed PACKAGE:"
                );
            }
        }
    }
    if with_mutants {
        write_mutants();
    }
}

/// Switches on `cfg(mutants)` and writes the mutants from their diffs (see `course_build_mutants.rs`).
fn write_mutants() {
    println!("cargo::rustc-cfg=mutants");
    let (Some(manifest_dir), Some(out_dir)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
    ) else {
        println!("cargo::error=COURSE_BUILD=mutants: cargo set no CARGO_MANIFEST_DIR or OUT_DIR");
        return;
    };
    match mutants::generate(manifest_dir.as_ref(), out_dir.as_ref()) {
        Ok(read) => {
            for path in read {
                println!("cargo::rerun-if-changed={}", path.display());
            }
        }
        Err(error) => println!("cargo::error=COURSE_BUILD=mutants: {error}"),
    }
}

//! `cargo xtask exercise verify` (maintainers; also the last step of `cargo xtask test`): proves
//! that no exercise ships broken or solved, and that its suite catches wrong solutions.
//!
//! For every exercise in `exercises.toml`, graded as a learner's file is (see [`crate::grade`]):
//!
//! - the starter passes the scan and compiles warning-free (counting warnings in its own file
//!   and elsewhere in its chapter, but not in another exercise's starter);
//! - the starter fails its suite: at least one pass fails (a timeout counts, and is reported);
//! - the reference solution passes its suite in every pass;
//! - at least three mutants are committed, and every one fails, with a message that names its
//!   fault. A mutant is a wrong solution kept beside the reference as its diff against it,
//!   `src/mutants/eK_<name>.diff`, which the chapters' build script turns into a module of
//!   the chapter with `COURSE_BUILD=mutants`; the suite runs its tests against it in a module
//!   of the same name. The doc comment the diff opens with says what is wrong (`//! Wrong: …`)
//!   and which words the grader's message must contain (`//! Caught: …`).
//!
//! The builds are made first, one cargo run per pass for every chapter at once (cargo then
//! spreads them over the cores and builds the shared crates once): a chapter's starters are
//! swapped in together, with its mutants compiled in beside them, and a starter's run skips the
//! mutants' modules. Only `cargo xtask exercise check` needs one starter alone (a learner's
//! solved exercise beside an unsolved one); a starter fails either way.
//!
//! The result is a table per exercise, a table of every mutant, the details of every ✘, and the
//! line `mutants: N of M caught`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use common::TableData;

/// The fewest committed wrong solutions an exercise may have: a suite proven against fewer has
/// not been attacked enough to trust.
const MUTANTS_AT_LEAST: usize = 3;
use common::report::render_table;

use crate::exercises::{self, Exercise};
use crate::grade::{self, Graded, PassSpec};
use crate::libtest;
use crate::scan;
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

    fn mark(&self) -> String {
        format!("{} {}", if self.ok { "✔" } else { "✘" }, self.cell)
    }
}

/// Which suites `run` checks on the reference solutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Solutions {
    /// Run each solution's suite in every pass (`cargo xtask exercise verify`).
    Run,
    /// Trust passes that already ran every suite on the solutions (`cargo xtask test` runs
    /// them in its plain and shuttle passes), and check only the starters and the mutants.
    AlreadyTested,
}

/// A committed wrong solution of one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// The exercise's id.
    pub exercise: String,
    /// The module name, `e1_unsorted`: the file's stem, and the suite's module for it.
    pub module: String,
    /// The file, relative to the workspace root.
    pub file: String,
    /// What it gets wrong, in a line.
    pub wrong: String,
    /// The words the grader's message must contain.
    pub caught: String,
    /// Its Rust source, as the build makes it from the diff: what the scan reads.
    pub source: String,
}

/// The mutants of `exercise` in its chapter's `src/mutants/`, sorted by name.
pub fn mutants_of(root: &Path, chapter: &Chapter, exercise: &Exercise) -> Result<Vec<Mutant>> {
    let dir = chapter.dir.join("src").join("mutants");
    let prefix = format!("e{}_", exercise.number());
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(found);
    };
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", dir.display()))?
            .path();
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if !stem.starts_with(&prefix) || path.extension().is_none_or(|e| e != "diff") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let solution = root.join(&exercise.solution);
        let solution_text = std::fs::read_to_string(&solution)
            .with_context(|| format!("cannot read {}", solution.display()))?;
        let source = crate::course_build_mutants::mutant_source(&solution_text, &text)
            .map_err(|e| anyhow::anyhow!("{}: {e} of {}", path.display(), exercise.solution))?;
        found.push(Mutant {
            exercise: exercise.id.clone(),
            module: stem,
            file: relative(root, &path),
            wrong: doc_field(&text, "Wrong:"),
            caught: doc_field(&text, "Caught:"),
            source,
        });
    }
    found.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(found)
}

/// The text of a `//! Tag: ...` line in a file's opening doc comment, with the lines that continue
/// it (up to a blank doc line or the next tag) joined by spaces; empty when there is none.
fn doc_field(text: &str, tag: &str) -> String {
    let mut doc = text
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(str::trim);
    let Some(first) = doc.by_ref().find_map(|l| l.strip_prefix(tag)) else {
        return String::new();
    };
    let mut field = first.trim().to_string();
    for line in doc.take_while(|l| !l.is_empty() && !l.starts_with("Caught:")) {
        field.push(' ');
        field.push_str(line);
    }
    field
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// How one mutant fared.
#[derive(Debug, Clone)]
struct MutantResult {
    mutant: Mutant,
    check: Check,
    seconds: f64,
}

/// Verifies every exercise; prints the tables and returns whether all checks held.
pub fn run(root: &Path, wanted: &[String], solutions: Solutions) -> Result<bool> {
    let all = exercises::load(root)?;
    let exercises: Vec<Exercise> = crate::grade_report::select(&all, wanted)?
        .into_iter()
        .cloned()
        .collect();
    if exercises.is_empty() {
        println!("exercise verify: no exercises yet, nothing to verify");
        return Ok(true);
    }
    let chapters = workspace::discover(root)?;
    let names = ["starter", "starter fails", "solution passes", "mutants"];
    let mut table = TableData::new(
        "exercise verify",
        &["id", names[0], names[1], names[2], names[3]],
    );
    let mut details = Vec::new();
    let mut all_ok = true;
    let mut all_mutants = Vec::new();
    let builds = Builds::make(root, &chapters, &exercises, solutions)?;
    for exercise in &exercises {
        let Some(chapter) = exercise.chapter_crate(&chapters) else {
            all_ok = false;
            details.push(format!(
                "✘ {}: no chapter crate named {}",
                exercise.id, exercise.package
            ));
            continue;
        };
        let other_starters: Vec<String> = all
            .iter()
            .filter(|e| e.id != exercise.id)
            .map(|e| libtest::resolve_dots(&e.starter))
            .collect();
        let starter = starter_checks(root, &builds, chapter, exercise, &other_starters)?;
        let (solution, mutants) =
            reference_and_mutants(root, &builds, chapter, exercise, solutions)?;
        let caught = mutants.iter().filter(|m| m.check.ok).count();
        let mutants_cell = if mutants.len() < MUTANTS_AT_LEAST {
            Check::failed(
                format!(
                    "{caught} of {} caught ({MUTANTS_AT_LEAST} at least)",
                    mutants.len()
                ),
                vec![format!(
                    "commit at least {MUTANTS_AT_LEAST} wrong solutions in {}/src/mutants/e{}_*.diff",
                    relative(root, &chapter.dir),
                    exercise.number()
                )],
            )
        } else if caught == mutants.len() {
            Check::ok(format!("{caught} of {} caught", mutants.len()))
        } else {
            Check::failed(format!("{caught} of {} caught", mutants.len()), Vec::new())
        };
        let checks = [starter.0, starter.1, solution, mutants_cell];
        for (name, check) in names.iter().zip(&checks) {
            if !check.ok {
                all_ok = false;
                details.push(format!("✘ {} — {name}: {}", exercise.id, check.cell));
                details.extend(check.details.iter().map(|d| format!("    {d}")));
            }
        }
        table.row([
            exercise.id.clone(),
            checks[0].mark(),
            checks[1].mark(),
            checks[2].mark(),
            checks[3].mark(),
        ]);
        all_mutants.extend(mutants);
    }
    println!("{}", render_table(&table));
    let mut mutant_table = TableData::new(
        "mutants",
        &["exercise", "mutant", "what is wrong", "caught by", "time"],
    );
    for result in &all_mutants {
        mutant_table.row([
            result.mutant.exercise.clone(),
            result.mutant.module.clone(),
            result.mutant.wrong.clone(),
            result.check.mark(),
            format!("{:.1} s", result.seconds),
        ]);
        if !result.check.ok {
            details.push(format!(
                "✘ {} mutant {} ({}): {}",
                result.mutant.exercise, result.mutant.module, result.mutant.file, result.check.cell
            ));
            details.extend(result.check.details.iter().map(|d| format!("    {d}")));
        }
    }
    if !all_mutants.is_empty() {
        println!("{}", render_table(&mutant_table));
    }
    for line in &details {
        println!("{line}");
    }
    let caught = all_mutants.iter().filter(|m| m.check.ok).count();
    println!("mutants: {caught} of {} caught", all_mutants.len());
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

/// Which implementation of a chapter's exercises a build swaps in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    /// Every starter of the chapter (`learner`), with the committed mutants compiled in
    /// (`mutants`): the starters' checks and the mutants' share one build.
    Starters,
    /// The reference solutions, for [`Solutions::Run`].
    References,
}

/// Every build `verify` needs, made before anything runs: one cargo run per side and pass for
/// all the chapters at once, instead of one per exercise and pass.
struct Builds {
    built: BTreeMap<(Side, &'static str, String), grade::Built>,
}

impl Builds {
    fn make(
        root: &Path,
        chapters: &[Chapter],
        exercises: &[Exercise],
        solutions: Solutions,
    ) -> Result<Self> {
        let sides: &[Side] = match solutions {
            Solutions::Run => &[Side::Starters, Side::References],
            Solutions::AlreadyTested => &[Side::Starters],
        };
        let mut groups: BTreeMap<(Side, &'static str), (grade::Checker, Vec<grade::BuildRequest>)> =
            BTreeMap::new();
        let mut seen: Vec<&str> = Vec::new();
        for exercise in exercises {
            let Some(chapter) = exercise.chapter_crate(chapters) else {
                continue;
            };
            if seen.contains(&chapter.package.as_str()) {
                continue;
            }
            seen.push(&chapter.package);
            let has_mutants = chapter.dir.join("src").join("mutants").is_dir();
            // A pass builds the suites that run in it (only some suites have loom tests).
            let mut by_pass: Vec<(PassSpec, Vec<String>)> = Vec::new();
            for of_chapter in exercises.iter().filter(|e| e.package == chapter.package) {
                for spec in grade::passes(chapter, of_chapter, false) {
                    match by_pass.iter_mut().find(|(s, _)| s.label == spec.label) {
                        Some((_, suites)) => suites.push(of_chapter.suite.clone()),
                        None => by_pass.push((spec, vec![of_chapter.suite.clone()])),
                    }
                }
            }
            for (spec, suites) in by_pass {
                for &side in sides {
                    let mut course_build = match side {
                        Side::Starters if has_mutants => vec!["learner".into(), "mutants".into()],
                        Side::Starters => vec!["learner".into()],
                        Side::References => Vec::new(),
                    };
                    course_build.extend(spec.course_build.iter().cloned());
                    groups
                        .entry((side, spec.label))
                        .or_insert((spec.checker, Vec::new()))
                        .1
                        .push(grade::BuildRequest {
                            package: chapter.package.clone(),
                            course_build,
                            suites: suites.clone(),
                        });
                }
            }
        }
        let mut built = BTreeMap::new();
        for ((side, label), (checker, requests)) in groups {
            eprintln!(
                "verify: building {} chapter(s) with the {}, for the {label} pass …",
                requests.len(),
                match side {
                    Side::Starters => "starters and mutants",
                    Side::References => "reference solutions",
                }
            );
            for (package, result) in grade::build_many(root, &requests, checker)? {
                built.insert((side, label, package), result);
            }
        }
        Ok(Self { built })
    }

    /// The build of `package` for `side` and the pass labelled `label`.
    fn get(&self, side: Side, label: &'static str, package: &str) -> Option<&grade::Built> {
        self.built.get(&(side, label, package.to_string()))
    }
}

/// The starter passes the scan, compiles warning-free and fails its suite.
fn starter_checks(
    root: &Path,
    builds: &Builds,
    chapter: &Chapter,
    exercise: &Exercise,
    other_starters: &[String],
) -> Result<(Check, Check)> {
    eprintln!("verify {}: the starter …", exercise.id);
    if let Some(Graded::Refused(findings)) = grade::refusal(root, exercise)? {
        return Ok((
            Check::failed("refused by the scan", findings),
            Check::failed("not run", Vec::new()),
        ));
    }
    let relative_dir = format!("{}/", relative(root, &chapter.dir));
    let own_starter = libtest::resolve_dots(&exercise.starter);
    let mut warnings: Vec<String> = Vec::new();
    let mut how = Vec::new();
    // The mutants share the starters' build: their modules are not the starter's to fail.
    let skip_mutants = grade::Select {
        only: None,
        skip: mutants_of(root, chapter, exercise)?
            .into_iter()
            .map(|m| format!("{}::", m.module))
            .collect(),
    };
    for spec in grade::passes(chapter, exercise, true) {
        let Some(built) = builds.get(Side::Starters, spec.label, &chapter.package) else {
            continue;
        };
        for warning in &built.warnings {
            let ours = warning.file == own_starter
                || (warning.file.starts_with(&relative_dir)
                    && !other_starters.contains(&warning.file));
            if ours && !warnings.contains(&warning.line) {
                warnings.push(warning.line.clone());
            }
        }
        let Some(executable) = built.executables.get(&exercise.suite) else {
            return Ok((
                Check::failed("does not compile", built.errors.clone()),
                Check::failed("not run", Vec::new()),
            ));
        };
        let graded = grade::run_suite(root, executable, &skip_mutants, limit(exercise))?;
        match &graded {
            Graded::Passed(_) | Graded::Skipped => {}
            other => how.push(format!("{}: {}", spec.label, short(other))),
        }
    }
    let clean = if warnings.is_empty() {
        Check::ok("scans and compiles clean")
    } else {
        Check::failed(format!("{} warning(s)", warnings.len()), warnings)
    };
    let fails = if how.is_empty() {
        Check::failed(
            "passes its suite unsolved",
            vec!["every pass of the suite passed against the starter".to_string()],
        )
    } else {
        Check::ok(how.join("; "))
    };
    Ok((clean, fails))
}

fn limit(exercise: &Exercise) -> Duration {
    Duration::from_secs(exercise.time_limit_secs.max(1))
}

/// A pass's outcome in a few words, for a table cell.
fn short(graded: &Graded) -> String {
    match graded {
        Graded::Failed { counts, .. } if counts.failed > 0 => format!("{} failed", counts.failed),
        Graded::TimedOut { limit, .. } => format!("timed out after {} s", limit.as_secs()),
        other => other.headline(),
    }
}

/// The reference passes its suite (when asked), and every mutant fails it with its message.
fn reference_and_mutants(
    root: &Path,
    builds: &Builds,
    chapter: &Chapter,
    exercise: &Exercise,
    solutions: Solutions,
) -> Result<(Check, Vec<MutantResult>)> {
    let mutants = mutants_of(root, chapter, exercise)?;
    if mutants.is_empty() && solutions == Solutions::AlreadyTested {
        return Ok((Check::ok("tested in the passes above"), Vec::new()));
    }
    eprintln!(
        "verify {}: the reference and {} mutant(s) …",
        exercise.id,
        mutants.len()
    );
    let executables = |side: Side| -> std::result::Result<Vec<(PassSpec, PathBuf)>, Check> {
        let mut found = Vec::new();
        for spec in grade::passes(chapter, exercise, false) {
            let built = builds.get(side, spec.label, &chapter.package);
            match built.and_then(|b| b.executables.get(&exercise.suite)) {
                Some(executable) => found.push((spec, executable.clone())),
                None => {
                    return Err(Check::failed(
                        format!("{}: does not compile", spec.label),
                        built.map(|b| b.errors.clone()).unwrap_or_default(),
                    ));
                }
            }
        }
        Ok(found)
    };
    let starters = match executables(Side::Starters) {
        Ok(found) => found,
        Err(failed) => {
            let results = mutants
                .into_iter()
                .map(|mutant| MutantResult {
                    mutant,
                    check: Check::failed("the suite does not compile", failed.details.clone()),
                    seconds: 0.0,
                })
                .collect();
            return Ok((failed, results));
        }
    };

    let solution = match solutions {
        Solutions::AlreadyTested => Check::ok("tested in the passes above"),
        Solutions::Run => {
            let mut passed = Vec::new();
            let mut failure = None;
            let references = executables(Side::References);
            let references = match &references {
                Ok(found) => found.as_slice(),
                Err(failed) => {
                    failure = Some(failed.clone());
                    &[]
                }
            };
            for (spec, executable) in references {
                let graded =
                    grade::run_suite(root, executable, &grade::Select::all(), limit(exercise))?;
                if !graded.passed() {
                    failure = Some(Check::failed(
                        format!("{}: {}", spec.label, graded.headline()),
                        graded.details(""),
                    ));
                    break;
                }
                passed.push(spec.label);
            }
            failure.unwrap_or_else(|| Check::ok(passed.join(", ")))
        }
    };

    let mut results = Vec::new();
    for mutant in mutants {
        let started = Instant::now();
        let check = judge_mutant(root, chapter, exercise, &mutant, &starters)?;
        results.push(MutantResult {
            mutant,
            check,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok((solution, results))
}

/// A mutant is caught when the scan refuses it or a pass fails, and the words of its `Caught:`
/// line appear in what the learner would read.
fn judge_mutant(
    root: &Path,
    chapter: &Chapter,
    exercise: &Exercise,
    mutant: &Mutant,
    executables: &[(PassSpec, PathBuf)],
) -> Result<Check> {
    if mutant.wrong.is_empty() || mutant.caught.is_empty() {
        return Ok(Check::failed(
            "no `//! Wrong:` or `//! Caught:` line",
            vec![format!(
                "{} must say what is wrong and which words catch it",
                mutant.file
            )],
        ));
    }
    let mut said: Vec<String> = Vec::new();
    if let Ok(findings) = scan::scan(&mutant.source, &exercise.allow) {
        said.extend(findings.iter().map(|f| format!("scan: {f}")));
    }
    let select = grade::Select::only(format!("{}::", mutant.module));
    let mut failed_pass = None;
    let mut listed = false;
    for (spec, executable) in executables {
        let graded = grade::run_suite(root, executable, &select, limit(exercise))?;
        listed |= graded != Graded::Skipped;
        if !graded.passed() {
            said.push(format!("{}: {}", spec.label, graded.headline()));
            said.extend(graded.details(""));
            failed_pass = Some(spec.label);
            break;
        }
    }
    if !listed {
        return Ok(Check::failed(
            format!("the suite has no module {}", mutant.module),
            vec![format!(
                "add `mod {}` to {}'s suite, testing chapter_{}::mutants::{}",
                mutant.module, exercise.id, chapter.number, mutant.module
            )],
        ));
    }
    let text = said.join("\n");
    let named = text.contains(&mutant.caught);
    Ok(match (failed_pass, said.is_empty(), named) {
        (None, true, _) => {
            Check::failed("passes every pass: the suite misses this fault", Vec::new())
        }
        (_, _, true) => Check::ok(format!(
            "{}: \"{}\"",
            failed_pass.unwrap_or("scan"),
            mutant.caught
        )),
        (_, _, false) => Check::failed(
            format!("caught, but no message says \"{}\"", mutant.caught),
            said.into_iter().take(12).collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutant_field_may_continue_on_the_next_doc_lines() {
        let text = "//! A wrong lock.\n//!\n//! Wrong: takes it\n//! twice.\n//! Caught: held at once\n\
                    //!\n//! More.\nuse x;\n//! Wrong: not the header\n";
        assert_eq!(doc_field(text, "Wrong:"), "takes it twice.");
        assert_eq!(doc_field(text, "Caught:"), "held at once");
        assert_eq!(doc_field("//! Nothing here.\n", "Caught:"), "");
    }
}

//! The tidy check: house rules that `cargo test` enforces, as rust-analyzer does with its own
//! tidy test.
//!
//! - every `.rs` file in the workspace (outside `target/` and hidden directories) opens with a
//!   `//!` module doc comment, after optional blank lines;
//! - every `exercises.toml` entry is consistent: unique id, `chapter` matching the package
//!   (`chapter-12` for 12) and the id (`12.x`), a package that is a chapter crate, and existing
//!   starter, solution and suite (`chapters/<dir>/tests/<suite>.rs`) files;
//! - every `.rs` file under a `chapters/*/exercises/` directory is some exercise's starter;
//! - every chapter's `README.md` has the sections every chapter has, in this order:
//!   [`README_SECTIONS`] (a chapter may add its own sections between them), and the rules of
//!   [`readme`]: every file it names or links exists, the line after its title links the
//!   previous and the next chapter, and each example's section links its source file;
//! - the code rules of [`crate::tidy_code`]: no bare `should_panic`, no print-and-return skips,
//!   a `// SAFETY:` beside every `unsafe`, variants read from their enum, a length budget for
//!   concept files, no module cycles inside a crate.
//!
//! [`problems`] lists what is wrong; the `#[test]` below asserts the list is empty for this
//! workspace, and other tests show it finds planted problems. `cargo xtask tidy` prints it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::exercises;
use crate::tidy_code;
use crate::workspace;

mod readme;

/// Everything that breaks the house rules under `root`, one line each (empty when tidy).
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut rust_files = Vec::new();
    collect_rust_files(root, &mut rust_files)?;
    rust_files.sort();
    for file in &rust_files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        if !opens_with_module_doc(&text) {
            problems.push(format!(
                "{}: does not open with a `//!` module doc comment",
                relative(root, file)
            ));
        }
        problems.extend(tidy_code::file_problems(&relative(root, file), &text));
    }
    check_module_cycles(root, &rust_files, &mut problems)?;
    check_exercises(root, &mut problems)?;
    check_chapter_readmes(root, &mut problems)?;
    Ok(problems)
}

/// The `## ` sections every chapter README has, in order; `From the book` comes last.
pub const README_SECTIONS: [&str; 4] = [
    "The examples",
    "Tests and model checking",
    "Exercises",
    "From the book",
];

/// What is missing or out of order in one chapter README's `## ` headings.
pub fn readme_problems(text: &str) -> Vec<String> {
    let headings: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::trim)
        .collect();
    let mut problems = Vec::new();
    let mut last = None;
    for wanted in README_SECTIONS {
        match headings.iter().position(|h| *h == wanted) {
            None => problems.push(format!("no `## {wanted}` section")),
            Some(at) => {
                if last.is_some_and(|before| at < before) {
                    problems.push(format!("`## {wanted}` is out of order"));
                }
                last = Some(at);
            }
        }
    }
    if headings.last().is_some_and(|h| *h != "From the book") && headings.contains(&"From the book")
    {
        problems.push("`## From the book` is not the last section".to_string());
    }
    problems
}

fn check_chapter_readmes(root: &Path, problems: &mut Vec<String>) -> Result<()> {
    let chapters_dir = root.join("chapters");
    if !chapters_dir.is_dir() {
        return Ok(());
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&chapters_dir)
        .with_context(|| format!("cannot list {}", chapters_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    let texts: Vec<Option<String>> = dirs
        .iter()
        .map(|dir| std::fs::read_to_string(dir.join("README.md")).ok())
        .collect();
    let names: Vec<String> = dirs
        .iter()
        .map(|dir| {
            dir.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // A neighbour whose title cannot be read is named by its directory (its own README is
    // reported for the title).
    let labels: Vec<String> = texts
        .iter()
        .zip(&names)
        .map(|(text, name)| {
            text.as_deref()
                .and_then(readme::title_label)
                .unwrap_or_else(|| name.clone())
        })
        .collect();
    let neighbour = |i: usize| (names[i].as_str(), labels[i].as_str());
    for (i, dir) in dirs.iter().enumerate() {
        let rel = relative(root, &dir.join("README.md"));
        let Some(text) = &texts[i] else {
            problems.push(format!("{rel}: missing"));
            continue;
        };
        let previous = i.checked_sub(1).map(neighbour);
        let next = (i + 1 < dirs.len()).then(|| neighbour(i + 1));
        let nav = readme::nav_line(previous, next);
        let mut found = readme_problems(text);
        found.extend(readme::nav_problems(text, &nav));
        found.extend(readme::file_problems(root, dir, text));
        match crate::list::registry::example_sources(dir) {
            Ok(sources) => found.extend(readme::source_problems(text, &sources)),
            Err(error) => found.push(format!(
                "the chapter's registry cannot be read from source: {}",
                error
                    .to_string()
                    .replace(&format!("{}/", root.display()), "")
            )),
        }
        problems.extend(found.into_iter().map(|p| format!("{rel}: {p}")));
    }
    Ok(())
}

/// Cycles among the top-level modules of each crate's `src/` (a chapter's, `common`'s,
/// `xtask`'s). A solution file `src/solutions/e1_name.rs` is the module `name`; mutants are
/// left out (they stand in for a solution, they are not part of the lesson's structure).
fn check_module_cycles(root: &Path, files: &[PathBuf], problems: &mut Vec<String>) -> Result<()> {
    let mut crates: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let rel = relative(root, file);
        let Some((crate_dir, inside)) = rel.split_once("/src/") else {
            continue;
        };
        let mut parts = inside.split('/');
        let first = parts.next().unwrap_or_default();
        let module = match (first, parts.next()) {
            ("lib.rs" | "main.rs", None) => continue,
            ("mutants" | "mutants.rs" | "bin", _) => continue,
            ("solutions", Some(name)) => name
                .trim_end_matches(".rs")
                .split_once('_')
                .map_or(name, |(_, module)| module)
                .trim_end_matches(".rs"),
            (name, _) => name.trim_end_matches(".rs"),
        };
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let modules = crates.entry(crate_dir.to_string()).or_default();
        let entry = modules.entry(module.to_string()).or_default();
        entry.push_str(&text);
        entry.push('\n');
    }
    for (crate_dir, modules) in &crates {
        for cycle in tidy_code::module_cycles(modules) {
            problems.push(format!("{crate_dir}: a module cycle: {cycle}"));
        }
    }
    Ok(())
}

/// Whether the first non-blank line is a `//!` doc comment.
pub fn opens_with_module_doc(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.starts_with("//!"))
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot stat {}", path.display()))?;
        if kind.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect_rust_files(&path, out)?;
            }
        } else if kind.is_file() && name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `path` relative to `root`, with `/` separators, for messages and comparisons.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn normalize(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

fn check_exercises(root: &Path, problems: &mut Vec<String>) -> Result<()> {
    let file = exercises::EXERCISES_FILE;
    // `file` names exercises.toml in every message below.
    let exercises = match exercises::load(root) {
        Ok(exercises) => exercises,
        Err(error) => {
            problems.push(format!("{file}: {error:#}"));
            Vec::new()
        }
    };
    let chapters = match workspace::discover(root) {
        Ok(chapters) => chapters,
        Err(error) => {
            problems.push(format!("chapters: {error:#}"));
            Vec::new()
        }
    };
    let mut ids = HashSet::new();
    for exercise in &exercises {
        let id = &exercise.id;
        if !ids.insert(id.as_str()) {
            problems.push(format!("{file}: exercise id {id} appears more than once"));
        }
        let package = format!("chapter-{}", exercise.chapter);
        if exercise.package != package {
            problems.push(format!(
                "{file}: exercise {id} has chapter = {} but package = \"{}\" (expected \"{package}\")",
                exercise.chapter, exercise.package
            ));
        }
        if !id.starts_with(&format!("{}.", exercise.chapter)) {
            problems.push(format!(
                "{file}: exercise id {id} does not start with its chapter number {}",
                exercise.chapter
            ));
        }
        for (what, path) in [
            ("starter", &exercise.starter),
            ("solution", &exercise.solution),
        ] {
            if !root.join(path).is_file() {
                problems.push(format!(
                    "{file}: exercise {id}: {what} file {path} does not exist"
                ));
            }
        }
        match exercise.suite_file(&chapters) {
            None => problems.push(format!(
                "{file}: exercise {id}: package {} is not a chapter crate under chapters/",
                exercise.package
            )),
            Some(suite) if !suite.is_file() => problems.push(format!(
                "{file}: exercise {id}: suite file {} does not exist",
                relative(root, &suite)
            )),
            Some(_) => {}
        }
        for (what, path) in [
            ("starter", &exercise.starter),
            ("solution", &exercise.solution),
        ] {
            let Ok(source) = std::fs::read_to_string(root.join(path)) else {
                continue;
            };
            // A learner's file is refused for what its reference needs: allow it, or rewrite.
            for finding in crate::scan::scan(&source, &exercise.allow).unwrap_or_default() {
                problems.push(format!(
                    "{file}: exercise {id}: the {what} {path} breaks a scan rule at line {finding}; \
                     list the rule in its allow key or do without"
                ));
            }
        }
        for rule in &exercise.allow {
            if !crate::scan::RULES.iter().any(|r| r.name == rule) {
                problems.push(format!(
                    "{file}: exercise {id}: allow names no scan rule \"{rule}\"; the rules: {}",
                    crate::scan::rule_names()
                ));
            }
        }
        let prefix = format!("e{}", exercise.number());
        let starter_name = Path::new(&exercise.starter)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let named_for_it = starter_name
            .strip_prefix(&prefix)
            .is_some_and(|rest| rest.starts_with(['_', '.']));
        if !named_for_it {
            problems.push(format!(
                "{file}: exercise {id}: its starter's name must start with {prefix}_ (the \
                 feature learner-e{} swaps that file in)",
                exercise.number()
            ));
        }
    }

    let starters: HashSet<String> = exercises.iter().map(|e| normalize(&e.starter)).collect();
    let chapters_dir = root.join("chapters");
    let Ok(entries) = std::fs::read_dir(&chapters_dir) else {
        return Ok(());
    };
    let mut unlisted = Vec::new();
    for entry in entries.flatten() {
        let exercises_dir = entry.path().join("exercises");
        if !exercises_dir.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        collect_rust_files(&exercises_dir, &mut files)?;
        for path in files {
            let rel = relative(root, &path);
            if !starters.contains(&rel) {
                unlisted.push(format!(
                    "{rel}: an exercise file that no {file} entry lists as its starter"
                ));
            }
        }
    }
    unlisted.sort();
    problems.extend(unlisted);
    Ok(())
}

/// `cargo xtask tidy`: prints the problems; exit 1 if there are any.
pub fn run(root: &Path) -> Result<ExitCode> {
    let problems = problems(root)?;
    for problem in &problems {
        println!("tidy: {problem}");
    }
    if problems.is_empty() {
        println!("tidy: all files follow the house rules");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("tidy: {} problem(s)", problems.len());
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A scratch workspace in the system temp directory, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "xtask-tidy-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create scratch dir");
            Self(dir)
        }

        fn write(&self, path: &str, text: &str) {
            let path = self.0.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create parent");
            }
            std::fs::write(path, text).expect("write file");
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const MANIFEST: &str = "[package]\nname = \"chapter-12\"\n[features]\nlearner = []\n";

    const ENTRY: &str = r#"
[[exercise]]
id = "12.1"
chapter = 12
package = "chapter-12"
title = "t"
starter = "chapters/12-x/exercises/e1.rs"
solution = "chapters/12-x/src/solutions/e1.rs"
suite = "exercise_12_1"
"#;

    const LIB: &str = "\n//! The chapter.\npub static CHAPTER: Chapter = Chapter {
    number: 12, title: \"X\", tools: &[], examples: &[] };\n";

    const README: &str = "# Chapter 12 — X\n\n[all chapters](../../README.md)\n\n## The examples\n\
        ## Tests and model checking\n## Exercises\n## From the book\n";

    fn tidy_scratch() -> Scratch {
        let ws = Scratch::new();
        ws.write("chapters/12-x/Cargo.toml", MANIFEST);
        ws.write("chapters/12-x/src/lib.rs", LIB);
        ws.write("chapters/12-x/exercises/e1.rs", "//! Starter.\n");
        ws.write("chapters/12-x/src/solutions/e1.rs", "//! Solution.\n");
        ws.write("chapters/12-x/tests/exercise_12_1.rs", "//! Suite.\n");
        ws.write("chapters/12-x/README.md", README);
        ws.write("README.md", "# The course\n");
        ws.write("target/debug/build/out.rs", "generated, not ours");
        ws.write("exercises.toml", ENTRY);
        ws
    }

    #[test]
    fn chapter_readmes_need_the_common_sections_in_order() {
        let good = "# C\n## The examples\n## Own section\n## Tests and model checking\n## Exercises\n## From the book\n";
        assert!(readme_problems(good).is_empty());
        let bad = "# C\n## The examples\n## Exercises\n## Tests and model checking\n## From the book\n## Extra\n";
        assert_eq!(
            readme_problems(bad),
            [
                "`## Exercises` is out of order",
                "`## From the book` is not the last section"
            ]
        );
        assert_eq!(
            readme_problems("# C\n## The examples\n## Exercises\n## From the book\n"),
            ["no `## Tests and model checking` section"]
        );
    }

    #[test]
    fn this_workspace_is_tidy() {
        let problems = problems(&workspace::root()).expect("tidy check runs");
        assert!(
            problems.is_empty(),
            "tidy problems:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn a_tidy_scratch_workspace_passes() {
        let ws = tidy_scratch();
        assert_eq!(problems(&ws.0).expect("runs"), Vec::<String>::new());
    }

    #[test]
    fn a_file_without_a_module_doc_is_found() {
        let ws = tidy_scratch();
        ws.write("chapters/12-x/src/bad.rs", "// just a comment\nfn f() {}\n");
        ws.write(
            "xtask/src/inner.rs",
            "#![allow(dead_code)]\n//! Too late.\n",
        );
        let found = problems(&ws.0).expect("runs");
        assert_eq!(
            found,
            [
                "chapters/12-x/src/bad.rs: does not open with a `//!` module doc comment",
                "xtask/src/inner.rs: does not open with a `//!` module doc comment",
            ]
        );
    }

    #[test]
    fn inconsistent_exercises_are_found() {
        let ws = tidy_scratch();
        let bad = ENTRY
            .replace("chapter = 12", "chapter = 13")
            .replace("e1.rs", "missing.rs");
        ws.write("exercises.toml", &format!("{ENTRY}\n{bad}"));
        ws.write("chapters/12-x/exercises/stray.rs", "//! Not listed.\n");
        let found = problems(&ws.0).expect("runs");
        let expected = [
            "exercise id 12.1 appears more than once",
            "has chapter = 13 but package = \"chapter-12\"",
            "does not start with its chapter number 13",
            "starter file chapters/12-x/exercises/missing.rs does not exist",
            "solution file chapters/12-x/src/solutions/missing.rs does not exist",
            "its starter's name must start with e1_",
            "chapters/12-x/exercises/stray.rs: an exercise file that no exercises.toml entry lists",
        ];
        for needle in expected {
            assert!(
                found.iter().any(|p| p.contains(needle)),
                "missing {needle:?} in {found:#?}"
            );
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn a_missing_suite_and_an_unknown_package_are_found() {
        let ws = tidy_scratch();
        std::fs::remove_file(ws.0.join("chapters/12-x/tests/exercise_12_1.rs")).expect("rm");
        let other = ENTRY
            .replace("12.1", "14.2")
            .replace("chapter = 12", "chapter = 14")
            .replace("chapter-12", "chapter-14")
            .replace("exercises/e1.rs", "exercises/e2.rs");
        ws.write("chapters/12-x/exercises/e2.rs", "//! Starter 2.\n");
        ws.write("exercises.toml", &format!("{ENTRY}\n{other}"));
        let found = problems(&ws.0).expect("runs");
        assert_eq!(
            found,
            [
                "exercises.toml: exercise 12.1: suite file chapters/12-x/tests/exercise_12_1.rs does not exist",
                "exercises.toml: exercise 14.2: package chapter-14 is not a chapter crate under chapters/",
            ]
        );
    }

    #[test]
    fn module_docs_may_follow_blank_lines_only() {
        assert!(opens_with_module_doc("\n\n//! Doc.\n"));
        assert!(!opens_with_module_doc("// Comment.\n//! Doc.\n"));
        assert!(!opens_with_module_doc(""));
    }
}

//! `cargo xtask new exercise CHAPTER NAME`: the files and entries a new exercise needs, so that
//! adding one is writing its task, its solution and the wrong solutions its suite must catch.
//!
//! For exercise N.K (K is one more than the chapter's last exercise) it writes, in the chapter's
//! crate:
//!
//! - the reference solution `src/solutions/eK_NAME.rs` and the starter `exercises/eK_NAME.rs`
//!   (the same signatures, `todo!()` where the work goes), and in `src/lib.rs` the module that is
//!   the one or the other as `COURSE_BUILD` says;
//! - the suite `tests/exercise_N_K.rs`: tests written once in a `suite!` macro, on real threads
//!   under a watchdog and under the shuttle model checker, run against the solution and against
//!   every mutant;
//! - three mutants in `src/mutants/` — a race, a hang and a shortcut, each with the words its
//!   suite fails it with — written as diffs against the solution (`eK_NAME.diff`, which the
//!   chapters' build script turns back into Rust), and `src/mutants.rs` if the chapter had none;
//! - the `[[exercise]]` entry in `exercises.toml` (task and hints to rewrite) and a line in the
//!   README's `## Exercises`.
//!
//! The scaffold is a tally many threads add to, a task small enough to read in a minute and real
//! enough that the three mutants fail for the reasons a learner's would: `cargo xtask exercise
//! verify --exercises N.K` passes as generated. Then replace the tally with the exercise's own
//! task, keeping the shape. Nothing is overwritten: a module of that name is a usage error.

use std::path::Path;

use anyhow::{Context, Result};

use super::unified_diff::unified;
use super::{Created, check_name, escape, format_package, read, relative};
use crate::UsageError;
use crate::exercises::{self, EXERCISES_FILE};
use crate::workspace;

/// The exercise numbers `COURSE_BUILD=learner-eK` can switch (`chapters/course_build.rs`).
const MOST_EXERCISES: u32 = 9;

/// One generated wrong solution: its file stem after `eK_`, what is wrong, the words its suite
/// fails it with, and the code that differs from the solution.
struct MutantTemplate {
    stem: &'static str,
    wrong: &'static str,
    caught: &'static str,
    imports: &'static str,
    field: &'static str,
    new: &'static str,
    add: &'static str,
    total: &'static str,
}

const LOCK_IMPORTS: &str = "use std::sync::PoisonError;\n\nuse common::sync::Mutex;";
const LOCK_FIELD: &str = "count: Mutex<u64>";
const LOCKED_READ: &str = "*self.count.lock().unwrap_or_else(PoisonError::into_inner)";

/// The generated mutants: a race, a hang and a shortcut.
const MUTANTS: [MutantTemplate; 3] = [
    MutantTemplate {
        stem: "split_update",
        wrong: "reads the count under the lock and writes it back under a second lock: two \
                threads can read the same count, and one add is lost (the race that usually works).",
        caught: "adds lost",
        imports: LOCK_IMPORTS,
        field: LOCK_FIELD,
        new: "count: Mutex::new(0)",
        add: "let seen = *self.count.lock().unwrap_or_else(PoisonError::into_inner);\n        \
              *self.count.lock().unwrap_or_else(PoisonError::into_inner) = seen + n;",
        total: LOCKED_READ,
    },
    MutantTemplate {
        stem: "lock_twice",
        wrong: "holds the lock while `total` takes it again: the thread waits for itself.",
        caught: "add never returned",
        imports: LOCK_IMPORTS,
        field: LOCK_FIELD,
        new: "count: Mutex::new(0)",
        add: "let mut count = self.count.lock().unwrap_or_else(PoisonError::into_inner);\n        \
              *count = self.total() + n;",
        total: LOCKED_READ,
    },
    MutantTemplate {
        stem: "shared_count",
        wrong: "keeps the count in one static for every tally: it adds up on one tally and is \
                wrong as soon as there are two.",
        caught: "share one count",
        imports: "use std::sync::atomic::{AtomicU64, Ordering};\n\n/// The one count every \
                  tally shares.\nstatic COUNT: AtomicU64 = AtomicU64::new(0);",
        field: "_private: ()",
        new: "_private: ()",
        add: "COUNT.fetch_add(n, Ordering::SeqCst);",
        total: "COUNT.load(Ordering::SeqCst)",
    },
];

/// Adds exercise `name` (kebab-case) titled `title` to chapter `chapter` (its number) under
/// `root`.
pub fn exercise(root: &Path, chapter: &str, name: &str, title: &str) -> Result<Created> {
    let chapters = workspace::discover(root)?;
    let chapter = workspace::find(&chapters, chapter)?;
    check_name(name, "an exercise")?;
    let module = name.replace('-', "_");
    let n = chapter.number;
    let k = exercises::load(root)?
        .iter()
        .filter(|exercise| exercise.chapter == n)
        .map(|exercise| exercise.number())
        .max()
        .unwrap_or(0)
        + 1;
    if k > MOST_EXERCISES {
        return Err(UsageError(format!(
            "chapter {n} has {MOST_EXERCISES} exercises already: COURSE_BUILD switches \
             learner-e1 … learner-e{MOST_EXERCISES}"
        ))
        .into());
    }
    let id = format!("{n}.{k}");
    let crate_name = chapter.package.replace('-', "_");
    let src = chapter.dir.join("src");
    let lib = src.join("lib.rs");
    let lib_text = read(&lib)?;
    let solution = src.join("solutions").join(format!("e{k}_{module}.rs"));
    let starter = chapter
        .dir
        .join("exercises")
        .join(format!("e{k}_{module}.rs"));
    let suite_name = format!("exercise_{n}_{k}");
    let suite = chapter.dir.join("tests").join(format!("{suite_name}.rs"));
    let taken = src.join(format!("{module}.rs")).exists()
        || lib_text.contains(&format!("pub mod {module};"))
        || solution.exists()
        || starter.exists()
        || suite.exists();
    if taken {
        return Err(UsageError(format!(
            "chapter {n} already has a module or an exercise file named {module}"
        ))
        .into());
    }

    let rel = |path: &Path| relative(root, path);
    let lib_text = register(&lib_text, &id, k, &module).with_context(|| {
        format!(
            "cannot find where to declare the exercise in {}",
            lib.display()
        )
    })?;
    let mutants_list = src.join("mutants.rs");
    let toml = root.join(EXERCISES_FILE);
    let entry = toml_entry(
        &id,
        &chapter.package,
        title,
        &rel(&starter),
        &rel(&solution),
        &suite_name,
    );
    let toml_text = add_toml_entry(&read(&toml)?, n, &entry);
    let readme = chapter.dir.join("README.md");
    let readme_text = add_readme_line(
        &read(&readme)?,
        &format!("- **{id}** `exercises/e{k}_{module}.rs`: {title}.\n"),
    );

    let mut written = Vec::new();
    let mut write = |path: &Path, text: &str| -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(rel(path));
        Ok(())
    };
    write(&solution, &solution_file(&id, title))?;
    write(&starter, &starter_file(&id, title))?;
    write(&suite, &suite_file(&id, title, k, &crate_name, &module))?;
    if !mutants_list.exists() {
        write(&mutants_list, MUTANTS_MODULE)?;
    }
    write(&lib, &lib_text)?;
    write(&toml, &toml_text)?;
    write(&readme, &readme_text)?;

    // The diffs are taken against the solution as rustfmt leaves it, the mutants formatted alike.
    format_package(root, &chapter.package)?;
    let solution_text = read(&solution)?;
    for mutant in &MUTANTS {
        let stem = format!("e{k}_{}", mutant.stem);
        let diff = mutant_diff(
            &solution_text,
            &rustfmt(&mutant_file(&id, mutant))?,
            &format!("solutions/e{k}_{module}.rs"),
            &format!("mutants/{stem}.rs"),
        );
        write(&src.join("mutants").join(format!("{stem}.diff")), &diff)?;
    }
    Ok(Created {
        files: written,
        run: format!("cargo xtask exercise verify --exercises {id}"),
    })
}

/// `lib` with exercise `id`'s module — the solution, or the starter under
/// `COURSE_BUILD=learner-eK` — declared before the registry, and the mutants' module declared
/// if it was not; `None` when the file has no registry.
fn register(lib: &str, id: &str, k: u32, module: &str) -> Option<String> {
    let registry = lib
        .find("/// The chapter's registry")
        .or(lib.find("pub static CHAPTER"))?;
    let mut text = String::with_capacity(lib.len() + 400);
    text.push_str(&lib[..registry]);
    if !lib.contains("pub mod mutants;") {
        text.push_str("#[cfg(mutants)]\npub mod mutants;\n\n");
    }
    text.push_str(&format!(
        "/// Exercise {id}: the reference solution, or the learner's starter with \
         `COURSE_BUILD=learner-e{k}`.\n#[cfg_attr(not(learner_e{k}), path = \
         \"solutions/e{k}_{module}.rs\")]\n#[cfg_attr(learner_e{k}, path = \
         \"../exercises/e{k}_{module}.rs\")]\npub mod {module};\n\n"
    ));
    text.push_str(&lib[registry..]);
    Some(text)
}

/// A chapter's `src/mutants.rs`, when the chapter had no mutants yet.
const MUTANTS_MODULE: &str = "//! Committed wrong solutions of the chapter's exercises, compiled \
    only with\n//! `COURSE_BUILD=mutants`: each is what a learner could have written, kept as its \
    diff against\n//! the reference solution (`src/mutants/eK_*.diff`, made into Rust by the \
    shared build script),\n//! and `cargo xtask exercise verify` proves the exercise's suite \
    fails it with a message that\n//! names the fault.\n\ninclude!(concat!(env!(\"OUT_DIR\"), \
    \"/mutants.rs\"));\n";

/// A mutant's `.diff` file: `mutant`'s opening doc comment (what is wrong, what catches it),
/// then what its code changes of `solution`.
fn mutant_diff(solution: &str, mutant: &str, solution_name: &str, mutant_name: &str) -> String {
    let is_doc = |line: &&str| line.starts_with("//!");
    let doc: Vec<&str> = mutant.lines().take_while(is_doc).collect();
    // The solution's doc in place of the mutant's, so the diff is of the code alone.
    let code: String = solution
        .lines()
        .take_while(is_doc)
        .chain(mutant.lines().skip_while(is_doc))
        .flat_map(|line| [line, "\n"])
        .collect();
    format!(
        "{}\n\n{}",
        doc.join("\n"),
        unified(solution, &code, solution_name, mutant_name)
    )
}

/// `code` as rustfmt writes it.
fn rustfmt(code: &str) -> Result<String> {
    use std::io::Write as _;
    let mut child = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot run rustfmt")?;
    child
        .stdin
        .take()
        .context("rustfmt has no stdin")?
        .write_all(code.as_bytes())
        .context("cannot write to rustfmt")?;
    let output = child.wait_with_output().context("rustfmt failed")?;
    anyhow::ensure!(
        output.status.success(),
        "rustfmt could not format a generated mutant"
    );
    String::from_utf8(output.stdout).context("rustfmt wrote something not UTF-8")
}

/// `toml` (`exercises.toml`) with `entry` after chapter `chapter`'s last exercise, or at the end.
fn add_toml_entry(toml: &str, chapter: u32, entry: &str) -> String {
    const TABLE: &str = "[[exercise]]";
    let starts: Vec<usize> = toml.match_indices(TABLE).map(|(at, _)| at).collect();
    let this_chapter = format!("\nchapter = {chapter}\n");
    let after = starts
        .iter()
        .enumerate()
        .filter(|&(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(toml.len());
            toml[start..end].contains(&this_chapter)
        })
        .map(|(i, _)| starts.get(i + 1).copied().unwrap_or(toml.len()))
        .next_back();
    match after {
        Some(at) if at < toml.len() => format!("{}{entry}\n{}", &toml[..at], &toml[at..]),
        _ => format!("{}\n\n{entry}", toml.trim_end()),
    }
}

/// `readme` with `line` after the last list item of `## Exercises` (or at that section's start,
/// or in a new section before `## From the book`).
fn add_readme_line(readme: &str, line: &str) -> String {
    let Some(section) = readme.find("## Exercises\n") else {
        let at = readme.find("## From the book").unwrap_or(readme.len());
        return format!("{}## Exercises\n{line}\n{}", &readme[..at], &readme[at..]);
    };
    let body = section + "## Exercises\n".len();
    let end = readme[body..]
        .find("\n## ")
        .map_or(readme.len(), |at| body + at + 1);
    let mut at = body;
    let mut offset = body;
    for item in readme[body..end].split_inclusive('\n') {
        offset += item.len();
        if item.starts_with("- ") {
            at = offset;
        }
    }
    format!("{}{line}{}", &readme[..at], &readme[at..])
}

fn toml_entry(
    id: &str,
    package: &str,
    title: &str,
    starter: &str,
    solution: &str,
    suite: &str,
) -> String {
    let chapter = id.split_once('.').map_or(id, |(n, _)| n);
    let title = escape(title);
    format!(
        r#"[[exercise]]
id = "{id}"
chapter = {chapter}
package = "{package}"
title = "{title}"
starter = "{starter}"
solution = "{solution}"
suite = "{suite}"
time_limit_secs = 180
task = """
Write a tally many threads add to at once: `add(n)` adds `n`, `total()` says what was added, and
no add is ever lost, however the threads interleave. Two tallies count apart. (The generator's
scaffold: rewrite this task for the exercise.)
"""
hints = [
    "Adding is a read, a change and a write. What stops two threads from reading the same count?",
    "Keep the count in a `Mutex<u64>` and do the whole read-change-write while holding its guard, once.",
]
"#
    )
}

fn solution_file(id: &str, title: &str) -> String {
    format!(
        r#"//! Exercise {id} — {title}: the reference solution.
//!
//! A tally many threads add to: the whole read-change-write of an add happens under one lock,
//! so no two threads ever read the same count. (The scaffold `cargo xtask new exercise` wrote:
//! replace the tally with the exercise's own task and keep the shape — the task in the
//! starter's doc, the signatures the suite calls, the locks from `common::sync`.)

use std::sync::PoisonError;

use common::sync::Mutex;

/// A count many threads add to.
#[derive(Debug)]
pub struct Tally {{
    count: Mutex<u64>,
}}

impl Tally {{
    /// A tally at zero.
    pub fn new() -> Self {{
        Self {{
            count: Mutex::new(0),
        }}
    }}

    /// Adds `n`: read, change and write under one guard.
    pub fn add(&self, n: u64) {{
        *self.count.lock().unwrap_or_else(PoisonError::into_inner) += n;
    }}

    /// What has been added so far.
    pub fn total(&self) -> u64 {{
        *self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }}
}}

impl Default for Tally {{
    fn default() -> Self {{
        Self::new()
    }}
}}
"#
    )
}

fn starter_file(id: &str, title: &str) -> String {
    format!(
        r#"//! Exercise {id} — {title}.
//!
//! Write a tally many threads add to at once: `add(n)` adds `n`, `total()` says what was added.
//! An add is a read, a change and a write; if two threads can read the same count, one of their
//! adds is lost — and on real threads that happens only now and then. Use the `Mutex` from
//! `common::sync` (it becomes the model checker's own under test).
//!
//! What the grader checks (`cargo xtask exercise check {id}`):
//! - four threads adding at once lose no add — on real threads under a watchdog, and under the
//!   shuttle model checker in every schedule it tries;
//! - two tallies count apart;
//! - `add` returns (a hang is reported with who waits).

use common::sync::Mutex;

/// A count many threads add to.
#[derive(Debug)]
pub struct Tally {{
    count: Mutex<u64>,
}}

impl Tally {{
    /// A tally at zero.
    pub fn new() -> Self {{
        Self {{
            count: Mutex::new(0),
        }}
    }}

    /// Adds `n`.
    pub fn add(&self, n: u64) {{
        // TODO: lock `count` and add `n` while holding the guard.
        let _field_you_need = (&self.count, n);
        todo!("add n to the count")
    }}

    /// What has been added so far.
    pub fn total(&self) -> u64 {{
        // TODO: lock `count` and read it.
        todo!("read the count")
    }}
}}

impl Default for Tally {{
    fn default() -> Self {{
        Self::new()
    }}
}}
"#
    )
}

fn mutant_file(id: &str, mutant: &MutantTemplate) -> String {
    let MutantTemplate {
        wrong,
        caught,
        imports,
        field,
        new,
        add,
        total,
        ..
    } = mutant;
    format!(
        r#"//! A wrong tally for exercise {id}.
//!
//! Wrong: {wrong}
//! Caught: {caught}

{imports}

/// A count many threads add to.
#[derive(Debug)]
pub struct Tally {{
    {field},
}}

impl Tally {{
    /// A tally at zero.
    pub fn new() -> Self {{
        Self {{ {new} }}
    }}

    /// Adds `n`.
    pub fn add(&self, n: u64) {{
        {add}
    }}

    /// What has been added so far.
    pub fn total(&self) -> u64 {{
        {total}
    }}
}}

impl Default for Tally {{
    fn default() -> Self {{
        Self::new()
    }}
}}
"#
    )
}

fn suite_file(id: &str, title: &str, k: u32, crate_name: &str, module: &str) -> String {
    let mutant_modules: String = MUTANTS
        .iter()
        .map(|mutant| {
            let stem = mutant.stem;
            format!(
                "\n#[cfg(mutants)]\nmod e{k}_{stem} {{\n    \
                 suite!({crate_name}::mutants::e{k}_{stem});\n}}\n"
            )
        })
        .collect();
    format!(
        r#"//! Grading suite of exercise {id} ({title}), run by `cargo xtask exercise check {id}`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e{k}_{module}.rs` with `COURSE_BUILD=learner-e{k}`; with `COURSE_BUILD=mutants`,
//! every committed wrong solution (`src/mutants/e{k}_*.diff`) gets a module too, and `cargo xtask
//! exercise verify` proves each one fails. Two passes: real threads under a watchdog (a hang
//! fails fast and says what to look at), and, with `--cfg shuttle`, the model checker, which
//! finds the lost add a real run shows only now and then.

/// The tests, against the module named by the path.
macro_rules! suite {{
    ($($module:ident)::+) => {{
        use std::sync::Arc;

        use $($module)::+::Tally;

        /// `threads` threads each add 1 to one tally `adds` times; returns its total.
        fn add_from_threads(threads: u64, adds: u64) -> u64 {{
            let tally = Arc::new(Tally::new());
            let adders: Vec<_> = (0..threads)
                .map(|i| {{
                    let tally = Arc::clone(&tally);
                    common::sync::spawn_named(format!("adder {{i}}"), move || {{
                        for _ in 0..adds {{
                            tally.add(1);
                        }}
                    }})
                }})
                .collect();
            for adder in adders {{
                adder.join().expect("an adder panicked");
            }}
            tally.total()
        }}

        #[cfg(not(shuttle))]
        mod on_real_threads {{
            use super::*;
            use common::testing::watched_with_hint;
            use std::time::Duration;

            const HUNG: &str = "add never returned: does it wait for a lock it already holds?";

            #[test]
            fn four_threads_lose_no_add() {{
                let total = watched_with_hint("four adders", Duration::from_secs(10), HUNG, || {{
                    add_from_threads(4, 20_000)
                }});
                assert_eq!(total, 80_000, "adds lost: {{total}} counted of 80000 made");
            }}

            #[test]
            fn two_tallies_count_apart() {{
                let (first, second) = watched_with_hint("two tallies", Duration::from_secs(3), HUNG, || {{
                    let (first, second) = (Tally::new(), Tally::new());
                    first.add(2);
                    second.add(3);
                    (first.total(), second.total())
                }});
                assert_eq!(
                    (first, second),
                    (2, 3),
                    "two tallies share one count: added 2 and 3, read {{first}} and {{second}}"
                );
            }}
        }}

        #[cfg(shuttle)]
        mod under_the_model_checker {{
            use super::*;

            #[test]
            fn no_schedule_loses_an_add() {{
                common::sync::model_check(|| {{
                    let total = add_from_threads(2, 2);
                    assert_eq!(total, 4, "adds lost: {{total}} counted of 4 made in this schedule");
                }});
            }}
        }}
    }};
}}

mod graded {{
    suite!({crate_name}::{module});
}}
{mutant_modules}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_is_declared_before_the_registry() {
        let lib = "//! C.\n\npub mod alpha;\n\n/// The chapter's registry.\npub static CHAPTER: u8 = 0;\n";
        let text = register(lib, "12.3", 3, "tally").expect("shape");
        let declared = text.find("pub mod tally;").expect("module");
        assert!(declared < text.find("/// The chapter's registry").expect("registry"));
        assert!(text.contains("#[cfg_attr(learner_e3, path = \"../exercises/e3_tally.rs\")]"));
        assert!(text.contains("#[cfg(mutants)]\npub mod mutants;"), "{text}");
        let again = register(&text, "12.4", 4, "other").expect("shape");
        assert_eq!(again.matches("pub mod mutants;").count(), 1, "{again}");
        assert_eq!(register("//! No registry.\n", "1.1", 1, "x"), None);
    }

    #[test]
    fn the_entry_goes_after_its_chapters_last_exercise() {
        let toml = "# head\n\n[[exercise]]\nid = \"12.1\"\nchapter = 12\n\n[[exercise]]\nid = \
                    \"14.1\"\nchapter = 14\n";
        let text = add_toml_entry(toml, 12, "[[exercise]]\nid = \"12.2\"\n");
        let new = text.find("\"12.2\"").expect("new");
        assert!(text.find("\"12.1\"").expect("12.1") < new);
        assert!(new < text.find("\"14.1\"").expect("14.1"), "{text}");
        let last = add_toml_entry(toml, 14, "[[exercise]]\nid = \"14.2\"\n");
        assert!(
            last.ends_with("chapter = 14\n\n[[exercise]]\nid = \"14.2\"\n"),
            "{last}"
        );
        let fresh = add_toml_entry(toml, 3, "[[exercise]]\nid = \"3.1\"\n");
        assert!(fresh.ends_with("id = \"3.1\"\n"), "{fresh}");
    }

    #[test]
    fn the_readme_line_follows_the_other_exercises() {
        let readme = "# C\n## Exercises\n- **1.1** a\n- **1.2** b\n\nText.\n\n## From the book\n";
        let text = add_readme_line(readme, "- **1.3** c\n");
        assert!(text.contains("- **1.2** b\n- **1.3** c\n\nText."), "{text}");
        let none = add_readme_line("# C\n## From the book\n", "- **1.1** a\n");
        assert!(
            none.contains("## Exercises\n- **1.1** a\n\n## From the book"),
            "{none}"
        );
    }

    #[test]
    fn a_generated_mutant_is_its_doc_then_a_diff_of_its_code() {
        let solution = solution_file("1.1", "A tally");
        let mutant = mutant_file("1.1", &MUTANTS[0]);
        let diff = mutant_diff(
            &solution,
            &mutant,
            "solutions/e1_tally.rs",
            "mutants/e1_x.rs",
        );
        assert!(
            diff.starts_with("//! A wrong tally for exercise 1.1."),
            "{diff}"
        );
        assert!(
            diff.contains("//! Caught: adds lost\n\n--- solutions/e1_tally.rs\n"),
            "{diff}"
        );
        assert!(!diff.contains("-//!"), "the solution's doc stays: {diff}");
        assert!(diff.contains("+        let seen"), "{diff}");
    }
}

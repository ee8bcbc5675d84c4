//! `cargo xtask new example CHAPTER NAME`: the files and entries a new example needs, so that
//! adding one is writing its lesson (`new exercise`, its sibling, is [`mod@exercise`]).
//!
//! It writes, in the chapter's crate:
//!
//! - `src/NAME.rs`, the concept file: its module doc, the variants enum (`broken` and `fixed`,
//!   to rename), the lesson as a function of the variant, and `run`, which reports it;
//! - the registry entry in `src/lib.rs` (`pub mod NAME;` and an `Example` at the end of the
//!   tour, reading its variants from the enum);
//! - a test in `tests/examples.rs` that every variant shows what it teaches;
//! - a section for it at the end of the README's `## The examples`.
//!
//! The generated example compiles, passes its test and terminates as it is: a scaffold to
//! replace, not a stub that fails. Nothing is overwritten: an existing example or file of that
//! name is a usage error, and so is a name that is not kebab-case.

use std::path::Path;

use anyhow::{Context, Result};

use crate::UsageError;
use crate::workspace;

mod exercise;
mod unified_diff;

pub use exercise::exercise;

/// What `new example` or `new exercise` wrote, for the closing message.
#[derive(Debug)]
pub struct Created {
    /// Every file written or changed, relative to the workspace root.
    pub files: Vec<String>,
    /// The command that runs the new example.
    pub run: String,
}

/// Adds example `name` (kebab-case) to chapter `chapter` (its number) under `root`.
pub fn example(root: &Path, chapter: &str, name: &str, summary: &str) -> Result<Created> {
    let chapters = workspace::discover(root)?;
    let chapter = workspace::find(&chapters, chapter)?;
    check_name(name, "an example")?;
    let module = name.replace('-', "_");
    let crate_name = chapter.package.replace('-', "_");
    let src = chapter.dir.join("src");
    let concept = src.join(format!("{module}.rs"));
    let lib = src.join("lib.rs");
    let lib_text = read(&lib)?;
    if concept.exists() || lib_text.contains(&format!("name: \"{name}\"")) {
        return Err(UsageError(format!(
            "chapter {} already has an example or module named {name}",
            chapter.number
        ))
        .into());
    }
    let lib_text = register(&lib_text, name, &module, summary).with_context(|| {
        format!(
            "cannot find where to register the example in {}",
            lib.display()
        )
    })?;

    let tests = chapter.dir.join("tests").join("examples.rs");
    let tests_text = match std::fs::read_to_string(&tests) {
        Ok(text) => text,
        Err(_) => format!(
            "//! The chapter's examples, run as the tour runs them.\n\nuse {crate_name}::CHAPTER;\n"
        ),
    };
    let readme = chapter.dir.join("README.md");
    let readme_text = add_readme_section(&read(&readme)?, name, &module, summary);

    std::fs::write(&concept, concept_file(chapter.number, name, summary))
        .with_context(|| format!("cannot write {}", concept.display()))?;
    std::fs::write(&lib, lib_text).with_context(|| format!("cannot write {}", lib.display()))?;
    std::fs::write(&tests, tests_text + &test_entry(&crate_name, name, &module))
        .with_context(|| format!("cannot write {}", tests.display()))?;
    std::fs::write(&readme, readme_text)
        .with_context(|| format!("cannot write {}", readme.display()))?;
    format_package(root, &chapter.package)?;
    let rel = |path: &Path| relative(root, path);
    Ok(Created {
        files: vec![rel(&concept), rel(&lib), rel(&tests), rel(&readme)],
        run: format!(
            "cargo run -p {} -- run {name} --variant broken",
            chapter.package
        ),
    })
}

/// Runs `cargo fmt` on `package`, so generated code is formatted as the rest.
fn format_package(root: &Path, package: &str) -> Result<()> {
    let mut fmt = workspace::cargo(root);
    fmt.args(["fmt", "-p", package]);
    let formatted = fmt.status().context("cannot run cargo fmt")?;
    anyhow::ensure!(formatted.success(), "cargo fmt failed on {package}");
    Ok(())
}

/// `path` relative to the workspace `root`, for messages.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A usage error unless `name`, the name of `what` ("an example"), is kebab-case: lowercase
/// ASCII words joined by single hyphens.
fn check_name(name: &str, what: &str) -> Result<(), UsageError> {
    let kebab = !name.is_empty()
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && name.as_bytes()[0].is_ascii_lowercase();
    if kebab {
        Ok(())
    } else {
        Err(UsageError(format!(
            "'{name}' is not a name for {what}; valid names are kebab-case, e.g. lock-timeout"
        )))
    }
}

/// `lib` with `pub mod MODULE;` in alphabetical place among its plain `pub mod` lines (those
/// without attributes: an exercise's module is declared with its own) and the example appended
/// to the registry's `examples`; `None` when the file does not have that shape.
fn register(lib: &str, name: &str, module: &str, summary: &str) -> Option<String> {
    let mod_line = format!("pub mod {module};\n");
    let mut plain_mods = Vec::new();
    let mut offset = 0;
    let mut previous = "";
    for line in lib.split_inclusive('\n') {
        let declared = line
            .strip_prefix("pub mod ")
            .and_then(|rest| rest.trim_end().strip_suffix(';'));
        let attributed = previous.starts_with("#[") || previous.starts_with("///");
        if let (Some(declared), false) = (declared, attributed) {
            plain_mods.push((offset, offset + line.len(), declared));
        }
        offset += line.len();
        previous = line;
    }
    let at = match plain_mods
        .iter()
        .find(|(_, _, declared)| *declared > module)
    {
        Some(&(start, _, _)) => start,
        None => plain_mods.last()?.1,
    };
    let mut text = String::with_capacity(lib.len() + 400);
    text.push_str(&lib[..at]);
    text.push_str(&mod_line);
    let rest = &lib[at..];
    let examples = rest.find("examples: &[")?;
    let close = examples + rest[examples..].find("\n    ],\n")?;
    text.push_str(&rest[..close]);
    text.push_str(&format!(
        "\n        Example {{\n            name: \"{name}\",\n            summary: \"{}\",\n            \
         variants: {module}::Approach::ALL,\n            threads: None,\n            run: \
         {module}::run,\n        }},",
        escape(summary)
    ));
    text.push_str(&rest[close..]);
    Some(text)
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn concept_file(chapter: u32, name: &str, summary: &str) -> String {
    let summary = escape(summary);
    format!(
        r#"//! {summary}.
//!
//! Say here what the concept is, what the example shows, and which section of the book's
//! chapter {chapter} it mirrors. The file reads top to bottom: the variants, the lesson, then
//! `run`, which reports it.
//!
//! Run: `cargo run -p chapter-{chapter} -- run {name} [--variant broken]`.

use common::{{Outcome, RunConfig, Verdict}};

common::variants! {{
    /// The ways the lesson's code can be written: the hazard first, then its fixes.
    pub enum Approach {{
        /// The hazard the lesson is about.
        Broken = "broken": "the hazard (rename me and say what goes wrong)",
        /// The fix.
        Fixed = "fixed": "the fix (rename me and say what it changes)",
    }}
}}

/// What one run of the lesson observed: the count the verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {{
    /// How many times the hazard happened.
    pub hazards: u64,
}}

/// The lesson: the code the book section is about, written once per approach. Replace the
/// body with the real thing, on real threads.
pub fn lesson(approach: Approach) -> Observed {{
    match approach {{
        Approach::Broken => Observed {{ hazards: 1 }},
        Approach::Fixed => Observed {{ hazards: 0 }},
    }}
}}

/// Runs one variant and reports it. The verdict is a count, never a timing.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {{
    let approach = config.variant_of::<Approach>()?;
    let observed = lesson(approach);
    let showed = match approach {{
        Approach::Broken => observed.hazards > 0,
        Approach::Fixed => observed.hazards == 0,
    }};
    Ok(config
        .outcome(Verdict::from(showed))
        .count("hazards", observed.hazards, "hazards")
        .as_key()
        .notice("say here the one thing to notice"))
}}
"#
    )
}

fn test_entry(crate_name: &str, name: &str, module: &str) -> String {
    format!(
        r#"
#[test]
fn {module}_shows_its_lesson_in_every_variant() {{
    for variant in {crate_name}::{module}::Approach::ALL {{
        let outcome = common::testing::run_quick(&{crate_name}::CHAPTER, "{name}", variant.name);
        assert_eq!(
            outcome.verdict,
            common::Verdict::Showed,
            "{name} --variant {{}}: {{outcome:#?}}",
            variant.name
        );
    }}
}}
"#
    )
}

/// `readme` with a section for the example at the end of `## The examples` (or at the end),
/// linking its concept file `src/{module}.rs` as the tidy check wants.
fn add_readme_section(readme: &str, name: &str, module: &str, summary: &str) -> String {
    let section = format!(
        "### `{name}` — {summary}\nSource: [`src/{module}.rs`](src/{module}.rs)\n\n\
         What the example does, in a few lines.\n\n- `broken`: what goes \
         wrong, and the figure that shows it.\n- `fixed`: what the fix changes.\n\n**Notice** the \
         one thing to look at.\n\n"
    );
    let Some(examples) = readme.find("## The examples") else {
        return format!("{readme}\n{section}");
    };
    let next = readme[examples + 3..]
        .find("\n## ")
        .map_or(readme.len(), |at| examples + 3 + at + 1);
    format!("{}{section}{}", &readme[..next], &readme[next..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "//! C.\n\nuse common::{Chapter, Example};\n\npub mod alpha;\npub mod beta;\n\n\
        pub static CHAPTER: Chapter = Chapter {\n    number: 12,\n    title: \"T\",\n    tools: &[],\n    \
        examples: &[\n        Example {\n            name: \"alpha\",\n            summary: \"a\",\n            \
        variants: alpha::Order::ALL,\n            threads: None,\n            run: alpha::run,\n        },\n    ],\n};\n";

    #[test]
    fn the_example_is_registered_after_the_others() {
        let text = register(LIB, "lock-timeout", "lock_timeout", "say \"why\"").expect("shape");
        assert!(
            text.contains("pub mod beta;\npub mod lock_timeout;\n"),
            "{text}"
        );
        let first = register(LIB, "aa", "aa", "s").expect("shape");
        assert!(first.contains("pub mod aa;\npub mod alpha;\n"), "{first}");
        let alpha = text.find("name: \"alpha\"").expect("alpha");
        let new = text.find("name: \"lock-timeout\"").expect("new");
        assert!(alpha < new);
        assert!(text.contains("summary: \"say \\\"why\\\"\""), "{text}");
        assert!(text.contains("variants: lock_timeout::Approach::ALL"));
        assert!(text.ends_with("        },\n    ],\n};\n"), "{text}");
        assert_eq!(register("//! No registry.\n", "x", "x", "s"), None);
    }

    #[test]
    fn names_must_be_kebab_case() {
        for good in ["lock-timeout", "two-locks", "abc", "v2-fix"] {
            assert!(check_name(good, "an example").is_ok(), "{good}");
        }
        for bad in ["", "Lock", "lock_timeout", "-x", "x-", "a--b", "2x", "a b"] {
            assert!(check_name(bad, "an example").is_err(), "{bad}");
        }
    }

    #[test]
    fn the_readme_section_goes_at_the_end_of_the_examples() {
        let readme = "# C\n## The examples\n### `a`\ntext\n\n## Tests and model checking\nt\n";
        let text = add_readme_section(readme, "b-c", "b_c", "the b");
        let b = text.find("### `b-c` — the b\nSource: [`src/b_c.rs`](src/b_c.rs)\n");
        let b = b.expect("section");
        assert!(text.find("### `a`").expect("a") < b);
        assert!(b < text.find("## Tests").expect("tests"));
    }
}

//! The tidy check's rules about code, beside [`crate::tidy`]'s rules about files and manifests.
//!
//! Each rule stops a defect that was found here once and must not come back:
//!
//! - a bare `#[should_panic]` passes on *any* panic, the wrong one included: name the message
//!   with `expected = "..."`;
//! - a test that prints "skipped" and returns passes without testing anything: a test that
//!   cannot run says so with `#[ignore = "reason"]`;
//! - every `unsafe` block or impl has a `// SAFETY:` comment just above it (or on its line), and
//!   every `unsafe fn` a `# Safety` section in its doc comment;
//! - an example's variants are read from its [`common::variants!`] enum: no `from_variant`
//!   function, no string `match` or `==` on a config's `variant`, and no `Variant { .. }` literal
//!   in a chapter's registry (a renamed variant would silently run another one);
//! - a chapter's concept files stay short enough to read top to bottom: at most
//!   [`CONCEPT_FILE_LINES`] lines, except the files in [`LONG_CONCEPT_FILES`], which may not grow
//!   past the length they are listed with;
//! - the top-level modules of a chapter's `src/` form no cycle of `crate::` imports.

use std::collections::{BTreeMap, BTreeSet};

/// The length budget of a concept file (a chapter's `src/*.rs`, solutions and mutants aside).
pub const CONCEPT_FILE_LINES: usize = 400;

/// Concept files still over the budget, each with the most lines it may have: a ratchet that
/// only goes down as they are split.
pub const LONG_CONCEPT_FILES: &[(&str, usize)] = &[];

/// What breaks the code rules in one file, `path` relative to the workspace root with `/`
/// separators.
pub fn file_problems(path: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if path == "xtask/src/tidy_code.rs" {
        // The rules' own tests spell out what the rules find.
        return problems;
    }
    let lines: Vec<&str> = text.lines().collect();
    let in_tests_dir = path.contains("/tests/");
    let test_module_from = lines
        .iter()
        .position(|l| l.trim_start().starts_with("#[cfg(test)]"));
    for (at, line) in lines.iter().enumerate() {
        let code = &code_part(line);
        let place = format!("{path}:{}", at + 1);
        if code.contains("#[should_panic]") {
            problems.push(format!(
                "{place}: a bare #[should_panic] passes on any panic; name it with expected = \"...\""
            ));
        }
        let in_test = in_tests_dir || test_module_from.is_some_and(|from| at > from);
        let returns_next = lines[at + 1..]
            .iter()
            .take(2)
            .any(|next| next.trim() == "return;");
        if in_test && prints_a_skip(line, returns_next) {
            problems.push(format!(
                "{place}: a test that prints a skip and returns passes untested; use #[ignore = \"reason\"]"
            ));
        }
        if let Some(kind) = unsafe_kind(code) {
            let documented = match kind {
                UnsafeKind::Block | UnsafeKind::Impl => has_safety_comment(&lines, at),
                UnsafeKind::Function => {
                    let doc: Vec<&str> = lines[..at]
                        .iter()
                        .rev()
                        .map(|l| l.trim_start())
                        .take_while(|l| l.starts_with("///") || l.starts_with("#["))
                        .collect();
                    // An undocumented private `unsafe fn` implements a trait's method, whose
                    // declaration carries the `# Safety` section.
                    let trait_impl = doc.is_empty() && !code.trim_start().starts_with("pub");
                    trait_impl || doc.iter().any(|l| l.contains("# Safety"))
                }
            };
            if !documented {
                problems.push(format!(
                    "{place}: `unsafe` without a {} beside it",
                    match kind {
                        UnsafeKind::Function => "`# Safety` doc section",
                        _ => "`// SAFETY:` comment",
                    }
                ));
            }
        }
        if is_chapter_src(path) && reads_a_variant_as_a_string(code) {
            problems.push(format!(
                "{place}: a variant read as a string; declare it with common::variants! and use config.variant_of()"
            ));
        }
        if path.starts_with("chapters/")
            && path.ends_with("/src/lib.rs")
            && code.contains("Variant {")
        {
            problems.push(format!(
                "{place}: a registry lists a variant by hand; use the example's enum (`variants: Enum::ALL`)"
            ));
        }
    }
    if is_concept_file(path) {
        let allowed = LONG_CONCEPT_FILES
            .iter()
            .find(|(long, _)| *long == path)
            .map_or(CONCEPT_FILE_LINES, |&(_, most)| most);
        if allowed > CONCEPT_FILE_LINES && lines.len() < allowed {
            problems.push(format!(
                "{path}: {} lines, shorter than the {allowed} LONG_CONCEPT_FILES allows: lower its entry (or drop it under {CONCEPT_FILE_LINES})",
                lines.len()
            ));
        }
        if lines.len() > allowed {
            problems.push(format!(
                "{path}: {} lines, over the budget of {allowed} for a concept file: split the lesson from its reporting",
                lines.len()
            ));
        }
    }
    problems
}

/// The cycles among the top-level modules of one crate's `src/`, given each module's name and
/// source text (a module's own submodules count as the module). One line per cycle found.
pub fn module_cycles(modules: &BTreeMap<String, String>) -> Vec<String> {
    let edges: BTreeMap<&str, BTreeSet<&str>> = modules
        .iter()
        .map(|(name, text)| {
            let uses = crate_paths(text)
                .filter_map(|used| modules.get_key_value(&used).map(|(key, _)| key.as_str()))
                .filter(|used| used != name)
                .collect();
            (name.as_str(), uses)
        })
        .collect();
    let mut cycles = Vec::new();
    let mut reported: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
    for &start in edges.keys() {
        let mut path = vec![start];
        find_cycles(start, &edges, &mut path, &mut reported, &mut cycles);
    }
    cycles
}

fn find_cycles<'a>(
    start: &'a str,
    edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    path: &mut Vec<&'a str>,
    reported: &mut BTreeSet<BTreeSet<&'a str>>,
    cycles: &mut Vec<String>,
) {
    let Some(&last) = path.last() else { return };
    for &next in edges.get(last).into_iter().flatten() {
        if next == start {
            let members: BTreeSet<&str> = path.iter().copied().collect();
            if reported.insert(members) {
                cycles.push(format!("{} → {start}", path.join(" → ")));
            }
        } else if !path.contains(&next) && next > start {
            path.push(next);
            find_cycles(start, edges, path, reported, cycles);
            path.pop();
        }
    }
}

/// The first segment of every `crate::` path in the code (not the comments) of `text`.
fn crate_paths(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().flat_map(|line| {
        let code = code_part(line);
        let mut found: Vec<String> = Vec::new();
        let mut rest = code.as_str();
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let preceded_by_ident = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
            if let Some(group) = after.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                found.extend(
                    inner
                        .split(',')
                        .filter_map(|item| item.trim().split("::").next())
                        .map(|first| {
                            first
                                .trim_matches(|c: char| !c.is_alphanumeric() && c != '_')
                                .to_string()
                        }),
                );
            } else if !preceded_by_ident {
                let end = after
                    .find(|c: char| !c.is_alphanumeric() && c != '_')
                    .unwrap_or(after.len());
                found.push(after[..end].to_string());
            }
            rest = after;
        }
        found.into_iter().filter(|segment| !segment.is_empty())
    })
}

/// The line's code: its `//` comment dropped and the insides of its string literals blanked
/// (a line is not a tokenizer, but escaped quotes and `//` inside strings are handled; raw and
/// multi-line strings are rare enough in this workspace not to matter for these rules).
fn code_part(line: &str) -> String {
    let mut code = String::with_capacity(line.len());
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => {
                in_string = false;
                code.push('"');
            }
            (true, _) => {}
            (false, '"') => {
                in_string = true;
                code.push('"');
            }
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, _) => code.push(c),
        }
    }
    code
}

/// Whether a `// SAFETY:` comment stands on line `at` or in the comment block just above it.
fn has_safety_comment(lines: &[&str], at: usize) -> bool {
    // A statement split over lines may carry its comment a line or two above the `unsafe`.
    if (at.saturating_sub(3)..=at).any(|i| lines[i].contains("SAFETY:")) {
        return true;
    }
    lines[..at]
        .iter()
        .rev()
        .take_while(|l| {
            let l = l.trim_start();
            l.starts_with("//") || l.starts_with("#[")
        })
        .any(|l| l.contains("SAFETY:"))
}

enum UnsafeKind {
    Block,
    Impl,
    Function,
}

fn unsafe_kind(code: &str) -> Option<UnsafeKind> {
    let words: Vec<&str> = code
        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '{')
        .filter(|w| !w.is_empty())
        .collect();
    let at = words.iter().position(|w| *w == "unsafe")?;
    match words.get(at + 1).copied() {
        Some("impl") => Some(UnsafeKind::Impl),
        Some("fn") | Some("extern") => Some(UnsafeKind::Function),
        Some(w) if w.starts_with('{') => Some(UnsafeKind::Block),
        None if code.trim_end().ends_with("unsafe") => Some(UnsafeKind::Block),
        _ if code.contains("unsafe {") => Some(UnsafeKind::Block),
        _ => None,
    }
}

/// A print that says it skips, or any print followed at once by a bare `return`.
fn prints_a_skip(line: &str, returns_next: bool) -> bool {
    let lower = line.to_lowercase();
    let prints =
        lower.contains("println!") || lower.contains("eprintln!") || lower.contains("print!(");
    prints && (lower.contains("skip") || returns_next)
}

fn reads_a_variant_as_a_string(code: &str) -> bool {
    if code.contains("fn from_variant") {
        return true;
    }
    let compact: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    ["config.variant", "cfg.variant", "self.variant"]
        .iter()
        .any(|field| {
            compact.contains(&format!("match {field} {{"))
                || compact.contains(&format!("{field} =="))
                || compact.contains(&format!("{field} !="))
                || compact.contains(&format!("== {field}"))
        })
}

fn is_chapter_src(path: &str) -> bool {
    path.starts_with("chapters/") && path.contains("/src/")
}

/// A chapter's `src/` file that is a lesson: not its registry, binary, solutions or mutants.
fn is_concept_file(path: &str) -> bool {
    is_chapter_src(path)
        && !path.contains("/solutions/")
        && !path.contains("/mutants")
        && !path.ends_with("/lib.rs")
        && !path.ends_with("/main.rs")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, text: &str) -> Vec<String> {
        file_problems(path, text)
    }

    #[test]
    fn a_bare_should_panic_is_found_and_a_named_one_is_not() {
        let bare = "//! T.\n#[test]\n#[should_panic]\nfn t() {}\n";
        assert_eq!(found("common/src/x.rs", bare).len(), 1);
        let named = "//! T.\n#[test]\n#[should_panic(expected = \"deadlock\")]\nfn t() {}\n";
        assert!(found("common/src/x.rs", named).is_empty());
    }

    #[test]
    fn a_print_and_return_skip_is_found_in_tests_only() {
        let skip = "//! T.\n#[test]\nfn t() {\n    if low() {\n        eprintln!(\"SKIPPED: limit\");\n        return;\n    }\n}\n";
        assert_eq!(found("chapters/18-s/tests/servers.rs", skip).len(), 1);
        assert!(found("chapters/15-g/src/python.rs", skip).is_empty());
        let quiet = "//! T.\n#[test]\nfn t() {\n    let Some(p) = find() else {\n        eprintln!(\"python3 not on PATH: nothing to check here\");\n        return;\n    };\n}\n";
        assert_eq!(found("chapters/15-g/tests/examples.rs", quiet).len(), 1);
        let in_module = format!("//! M.\nfn f() {{}}\n#[cfg(test)]\nmod tests {{\n{skip}}}\n");
        assert_eq!(found("common/src/m.rs", &in_module).len(), 1);
    }

    #[test]
    fn unsafe_needs_its_safety_comment() {
        let bare = "//! U.\nfn f() {\n    let x = unsafe { g() };\n}\n";
        assert_eq!(found("chapters/16-d/src/s.rs", bare).len(), 1);
        let said = "//! U.\nfn f() {\n    // SAFETY: g has no preconditions.\n    let x = unsafe { g() };\n}\n";
        assert!(found("chapters/16-d/src/s.rs", said).is_empty());
        let impl_bare = "//! U.\nunsafe impl Send for S {}\n";
        assert_eq!(found("common/src/s.rs", impl_bare).len(), 1);
        let function = "//! U.\n/// Does it.\n///\n/// # Safety\n/// `p` is valid.\npub unsafe fn f(p: *const u8) {}\n";
        assert!(found("common/src/s.rs", function).is_empty());
        let undocumented = "//! U.\n/// Does it.\npub unsafe fn f(p: *const u8) {}\n";
        assert_eq!(found("common/src/s.rs", undocumented).len(), 1);
        let lint = "//! U.\n#![allow(unsafe_code)]\n// the word unsafe in a comment\n";
        assert!(found("common/src/s.rs", lint).is_empty());
    }

    #[test]
    fn variants_read_as_strings_are_found() {
        for line in [
            "    match config.variant {",
            "    if config.variant == \"broken\" {",
            "    let fast = cfg.variant != \"slow\";",
            "    pub fn from_variant(variant: &str) -> Self {",
        ] {
            let text = format!("//! E.\n{line}\n");
            assert_eq!(found("chapters/12-d/src/e.rs", &text).len(), 1, "{line}");
        }
        let typed = "//! E.\n    let order = config.variant_of::<LockOrder>()?;\n";
        assert!(found("chapters/12-d/src/e.rs", typed).is_empty());
        let registry = "//! C.\n            variants: &[Variant {\n";
        assert_eq!(found("chapters/12-d/src/lib.rs", registry).len(), 1);
    }

    #[test]
    fn a_long_concept_file_is_found_but_not_a_solution() {
        let long = format!("//! L.\n{}", "fn f() {}\n".repeat(CONCEPT_FILE_LINES));
        assert_eq!(found("chapters/12-d/src/long.rs", &long).len(), 1);
        assert!(found("chapters/12-d/src/solutions/e1_long.rs", &long).is_empty());
        assert!(found("common/src/long.rs", &long).is_empty());
    }

    #[test]
    fn module_cycles_are_found_once_each() {
        let modules: BTreeMap<String, String> = [
            (
                "server",
                "use crate::blocking;\nuse crate::{reactor::serve, protocol};\n",
            ),
            ("blocking", "use crate::server::Stats;\n"),
            ("reactor", "fn f() { crate::server::Stats::new(); }\n"),
            ("protocol", "// see crate::server for the handle\n"),
            ("stats", "use common::crate_like::x;\n"),
        ]
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
        assert_eq!(
            module_cycles(&modules),
            ["blocking → server → blocking", "reactor → server → reactor"]
        );
        let leaf: BTreeMap<String, String> = [
            (
                "server",
                "use crate::lifecycle::Stats;\nuse crate::blocking;\n",
            ),
            ("blocking", "use crate::lifecycle::Stats;\n"),
            ("lifecycle", "//! Leaf.\n"),
        ]
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
        assert!(module_cycles(&leaf).is_empty());
    }
}

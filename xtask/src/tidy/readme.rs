//! The tidy rules about what a chapter README names and links, beside [`super`]'s rule about
//! its sections.
//!
//! - **Every file it names exists.** A relative link or image, `[text](path)`, resolves against
//!   the README's directory, as a browser or mdBook resolves it. A code span that is a file name
//!   ending in one of [`FILE_EXTENSIONS`], `` `src/two_locks.rs` ``, names a file of the chapter,
//!   of its `src/`, or of the workspace root. Exempt: the book's own files, which live in the
//!   book's repository (`Chapter12/example1.py`, any `ChapterNN/` path), and the files a run
//!   writes (under `target/`, or a pattern with `<`, `*`, `%` or `$` in it).
//! - **It is a page of the course:** the line after its title links the previous chapter, the
//!   chapter list and the next chapter ([`nav_line`]).
//! - **Each example's section links its source**, the file of the module its registry entry
//!   names (`variants: two_locks::LockOrder::ALL` → `src/two_locks.rs`).
//!
//! Fenced code blocks hold commands and their output, not names: they are skipped.

use std::path::Path;

/// The extensions of the files a code span is held to: source, docs, manifests, charts and
/// scripts. A run's outputs (`.json`, `.html`, `.png`) are not in the repository to check.
pub const FILE_EXTENSIONS: [&str; 5] = ["rs", "md", "toml", "svg", "py"];

/// Something a README names: a code span's text or a link's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// `` `text` `` outside a fenced block.
    Code(String),
    /// The target of `[text](target)`, `![alt](target)` or `[label]: target`.
    Link(String),
}

/// What `text` names, each with its line (1-based), in order.
pub fn names(text: &str) -> Vec<(usize, Named)> {
    let mut out = Vec::new();
    let mut block = String::new();
    let mut block_start = 0;
    let mut fence: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim_start();
        let opens = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, opens) {
            (None, Some(marker)) => {
                scan_block(&block, block_start, &mut out);
                block.clear();
                fence = Some(marker);
                continue;
            }
            (Some(open), Some(marker)) if open == marker => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            (None, None) => {}
        }
        if let Some(target) = reference_definition(trimmed) {
            out.push((number, Named::Link(target.to_string())));
            continue;
        }
        // A code span cannot run past a blank line: scan paragraph by paragraph.
        if trimmed.is_empty() {
            scan_block(&block, block_start, &mut out);
            block.clear();
            continue;
        }
        if block.is_empty() {
            block_start = number;
        } else {
            block.push('\n');
        }
        block.push_str(line);
    }
    scan_block(&block, block_start, &mut out);
    // A reference definition is found before the paragraph above it is scanned.
    out.sort_by_key(|(line, _)| *line);
    out
}

/// The target of a `[label]: target` line.
fn reference_definition(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let (label, after) = rest.split_once("]:")?;
    if label.is_empty() || label.contains(']') {
        return None;
    }
    after.split_whitespace().next()
}

/// The code spans and inline link targets of one paragraph that starts at line `first`.
fn scan_block(block: &str, first: usize, out: &mut Vec<(usize, Named)>) {
    let bytes = block.as_bytes();
    let line_at = |offset: usize| first + block[..offset].matches('\n').count();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                let run = backtick_run(bytes, i);
                let open_end = i + run;
                match closing_run(bytes, open_end, run) {
                    Some(close) => {
                        let code = block[open_end..close].replace('\n', " ");
                        out.push((line_at(i), Named::Code(code.trim().to_string())));
                        i = close + run;
                    }
                    // An unmatched run is literal backticks.
                    None => i = open_end,
                }
            }
            b']' if bytes.get(i + 1) == Some(&b'(') => {
                let start = i + 2;
                let end = link_target_end(bytes, start);
                let target = block[start..end]
                    .trim_start_matches('<')
                    .trim_end_matches('>');
                out.push((line_at(i), Named::Link(target.to_string())));
                i = end;
            }
            _ => i += 1,
        }
    }
}

fn backtick_run(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().take_while(|b| **b == b'`').count()
}

/// Where the run of exactly `run` backticks that closes a code span starts.
fn closing_run(bytes: &[u8], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < bytes.len() {
        if bytes[j] == b'`' {
            let found = backtick_run(bytes, j);
            if found == run {
                return Some(j);
            }
            j += found;
        } else {
            j += 1;
        }
    }
    None
}

/// The end of a link target starting at `start`: the `)` that closes it, or a space before a
/// title.
fn link_target_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    for (offset, byte) in bytes[start..].iter().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' if depth == 0 => return start + offset,
            b')' => depth -= 1,
            b' ' | b'\n' => return start + offset,
            _ => {}
        }
    }
    bytes.len()
}

/// Whether a code span is a file name the rule holds to exist.
fn names_a_workspace_file(code: &str) -> bool {
    let has_extension = code
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && FILE_EXTENSIONS.contains(&ext));
    has_extension
        && !code.contains(char::is_whitespace)
        && !is_the_books(code)
        && !code.starts_with("target/")
        && !code.contains(['<', '>', '*', '%', '$'])
}

/// A file of the book's repository: `Chapter12/example1.py`.
fn is_the_books(path: &str) -> bool {
    path.strip_prefix("Chapter")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(digits, _)| digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// A link target that leaves the repository's files: a URL, a mail address, an anchor.
fn is_external(target: &str) -> bool {
    target.is_empty()
        || target.starts_with('#')
        || target.starts_with("mailto:")
        || target.contains("://")
}

/// The names in `text` (the README of the chapter at `chapter`, in the workspace at `root`)
/// that point to no file, one line each.
pub fn file_problems(root: &Path, chapter: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, named) in names(text) {
        match named {
            Named::Link(target) if !is_external(&target) => {
                let path = target.split(['#', '?']).next().unwrap_or_default();
                if !chapter.join(path).exists() {
                    problems.push(format!(
                        "line {line}: the link `{target}` points to no file (a link is relative \
                         to the README)"
                    ));
                }
            }
            Named::Code(code) if names_a_workspace_file(&code) => {
                let found = [
                    chapter.to_path_buf(),
                    chapter.join("src"),
                    root.to_path_buf(),
                ]
                .iter()
                .any(|base| base.join(&code).exists());
                if !found {
                    problems.push(format!(
                        "line {line}: `{code}` names no file in the chapter, its src/ or the \
                         workspace root (an exercise is exercises/eK_name.rs, its solution \
                         src/solutions/eK_name.rs; a book file is ChapterNN/name.py)"
                    ));
                }
            }
            Named::Link(_) | Named::Code(_) => {}
        }
    }
    problems
}

/// `# Chapter 12 — Deadlocks and livelock` (or `# Chapter 20 (bonus) — …`) as `12 Deadlocks and
/// livelock`: how the neighbouring pages name a chapter.
pub fn title_label(text: &str) -> Option<String> {
    let title = text.lines().find(|l| !l.trim().is_empty())?;
    let rest = title.strip_prefix("# Chapter ")?;
    let (number, name) = rest.split_once(" — ")?;
    let number = number.trim_end_matches(" (bonus)");
    number
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| format!("{number} {}", name.trim()))
}

/// A neighbouring chapter: its directory name (`11-channels`) and its [`title_label`].
pub type Neighbour<'a> = (&'a str, &'a str);

/// The line after a chapter README's title: `[← 11 …](../11-channels/README.md) · [all
/// chapters](../../README.md) · [13 … →](../13-starvation/README.md)`, without the sides a first
/// or last chapter lacks.
pub fn nav_line(previous: Option<Neighbour>, next: Option<Neighbour>) -> String {
    let mut parts = Vec::new();
    if let Some((dir, label)) = previous {
        parts.push(format!("[← {label}](../{dir}/README.md)"));
    }
    parts.push("[all chapters](../../README.md)".to_string());
    if let Some((dir, label)) = next {
        parts.push(format!("[{label} →](../{dir}/README.md)"));
    }
    parts.join(" · ")
}

/// What is wrong with the title and the navigation line of a README that should have `nav`.
pub fn nav_problems(text: &str, nav: &str) -> Vec<String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let title = lines.next();
    if title.is_none_or(|(_, l)| title_label(l).is_none()) {
        return vec!["line 1: the title is not `# Chapter N — name`".to_string()];
    }
    match lines.next() {
        Some((_, line)) if line.trim_end() == nav => Vec::new(),
        Some((index, _)) => vec![format!(
            "line {}: after the title, the navigation line: {nav}",
            index + 1
        )],
        None => vec![format!("after the title, the navigation line: {nav}")],
    }
}

/// Each example's `` ### `name` `` section must link its source file. `sources` are the
/// chapter's examples with their files, relative to the chapter directory.
pub fn source_problems(text: &str, sources: &[(String, Option<String>)]) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let named = names(text);
    let mut problems = Vec::new();
    for (example, source) in sources {
        let heading = format!("### `{example}`");
        // The closing backtick ends the name: `### `lock`` is not `### `lock-timeout``.
        let Some(at) = lines.iter().position(|l| l.starts_with(&heading)) else {
            problems.push(format!("example {example} has no `{heading}` section"));
            continue;
        };
        let Some(source) = source else {
            problems.push(format!(
                "example {example}: its registry entry names no module with a file"
            ));
            continue;
        };
        let end = lines[at + 1..]
            .iter()
            .position(|l| ["# ", "## ", "### "].iter().any(|h| l.starts_with(h)))
            .map_or(lines.len(), |offset| at + 1 + offset);
        let linked = named.iter().any(|(line, name)| {
            (at + 1..=end).contains(line)
                && matches!(name, Named::Link(t) if t.trim_start_matches("./") == source)
        });
        if !linked {
            problems.push(format!(
                "line {}: the `{heading}` section does not link its source: Source: \
                 [{source}]({source})",
                at + 1
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_code_spans_and_links_outside_fences() {
        let text = "\
# T
See `src/a.rs` and [the b file](src/b.rs \"title\"), ``a `tick` inside``,
![chart](../../results/c.svg) and [a site](https://example.com/x_(y)).

```sh
cargo run -- `not.rs` [x](not.md)
```
A span `across
two lines` and an \\`escaped one\\`.
[ref]: docs/d.md
";
        let code = |line, s: &str| (line, Named::Code(s.into()));
        let link = |line, s: &str| (line, Named::Link(s.into()));
        assert_eq!(
            names(text),
            [
                code(2, "src/a.rs"),
                link(2, "src/b.rs"),
                code(2, "a `tick` inside"),
                link(3, "../../results/c.svg"),
                link(3, "https://example.com/x_(y)"),
                code(8, "across two lines"),
                link(10, "docs/d.md"),
            ]
        );
    }

    /// A chapter directory with a few files, in a workspace root; removed on drop.
    struct Tree(std::path::PathBuf);

    impl Tree {
        fn new(files: &[&str]) -> Self {
            let dir = std::env::temp_dir().join(format!("xtask-readme-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            for file in files {
                let path = dir.join(file);
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
                std::fs::write(path, "").expect("write");
            }
            Self(dir)
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn every_named_file_must_exist_and_the_book_s_and_a_run_s_are_exempt() {
        let tree = Tree::new(&[
            "README.md",
            "results/chapter-1-x.svg",
            "chapters/01-x/src/split.rs",
            "chapters/01-x/exercises/e1_split.rs",
            "chapters/01-x/tests/cli.rs",
        ]);
        let readme = "\
# Chapter 1 — X
[all chapters](../../README.md) · [chart](../../results/chapter-1-x.svg#top) · [up](#t)
`split.rs`, `exercises/e1_split.rs`, `tests/cli.rs`, `results/chapter-1-x.svg`, `Cargo.toml`?
Exempt: `Chapter01/example1.py`, `target/plots/a.svg`, `<name>.svg`, `out/*.md`, `a b.rs`,
`ship.jpg`, `--trace FILE`, `e1`.
Planted: `permits.rs`, `src/waiter.rs`, `Chapter1/example1.py`, `example8.py`,
[source](split.rs), [chart](results/chapter-1-x.svg), ![x](missing.svg).
";
        let chapter = tree.0.join("chapters/01-x");
        let unnamed = |line: usize, file: &str| {
            format!(
                "line {line}: `{file}` names no file in the chapter, its src/ or the workspace \
                 root (an exercise is exercises/eK_name.rs, its solution \
                 src/solutions/eK_name.rs; a book file is ChapterNN/name.py)"
            )
        };
        let unlinked = |line: usize, target: &str| {
            format!(
                "line {line}: the link `{target}` points to no file (a link is relative to \
                 the README)"
            )
        };
        assert_eq!(
            file_problems(&tree.0, &chapter, readme),
            [
                unnamed(3, "Cargo.toml"),
                unnamed(6, "permits.rs"),
                unnamed(6, "src/waiter.rs"),
                unnamed(6, "Chapter1/example1.py"),
                unnamed(6, "example8.py"),
                unlinked(7, "split.rs"),
                unlinked(7, "results/chapter-1-x.svg"),
                unlinked(7, "missing.svg"),
            ]
        );
    }

    #[test]
    fn the_navigation_line_links_both_neighbours_and_the_list() {
        assert_eq!(
            title_label("# Chapter 20 (bonus) — Producer–consumer\n"),
            Some("20 Producer–consumer".into())
        );
        assert_eq!(title_label("# Deadlocks\n"), None);
        let nav = nav_line(
            Some(("11-channels", "11 Channels")),
            Some(("13-s", "13 Starvation")),
        );
        assert_eq!(
            nav,
            "[← 11 Channels](../11-channels/README.md) · [all chapters](../../README.md) · \
             [13 Starvation →](../13-s/README.md)"
        );
        assert_eq!(
            nav_line(None, Some(("02-a", "2 A"))),
            "[all chapters](../../README.md) · [2 A →](../02-a/README.md)"
        );
        let good = format!("# Chapter 12 — D\n\n{nav}\n\nText.\n");
        assert_eq!(nav_problems(&good, &nav), Vec::<String>::new());
        let stale = good.replace("13 Starvation", "13 Hunger");
        assert_eq!(
            nav_problems(&stale, &nav),
            [format!(
                "line 3: after the title, the navigation line: {nav}"
            )]
        );
        assert_eq!(
            nav_problems("Text first.\n", &nav),
            ["line 1: the title is not `# Chapter N — name`"]
        );
    }

    #[test]
    fn each_example_section_links_its_own_source() {
        let readme = "\
# Chapter 12 — D
## The examples
### `two-locks` — the smallest deadlock
Source: [src/two_locks.rs](src/two_locks.rs)

### `livelock`
Text, and a link to [another file](src/two_locks.rs).
### `lock-timeout`: no source
## Exercises
[src/lock_timeout.rs](src/lock_timeout.rs) is in another section.
";
        let source = |name: &str, file: Option<&str>| (name.to_string(), file.map(String::from));
        assert_eq!(
            source_problems(
                readme,
                &[
                    source("two-locks", Some("src/two_locks.rs")),
                    source("livelock", Some("src/livelock.rs")),
                    source("lock-timeout", Some("src/lock_timeout.rs")),
                    source("ordering-cost", Some("src/ordering_cost.rs")),
                    source("lost", None),
                ]
            ),
            [
                "line 6: the `### `livelock`` section does not link its source: Source: \
                 [src/livelock.rs](src/livelock.rs)",
                "line 8: the `### `lock-timeout`` section does not link its source: Source: \
                 [src/lock_timeout.rs](src/lock_timeout.rs)",
                "example ordering-cost has no `### `ordering-cost`` section",
                "example lost has no `### `lost`` section",
            ]
        );
    }
}

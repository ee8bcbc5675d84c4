//! The committed wrong solutions, made from the reference solutions at build time.
//!
//! A mutant is kept as what it changes, not as a second copy of the solution: the file
//! `src/mutants/eK_<name>.diff` opens with the mutant's own doc comment (`//! Wrong: …`,
//! `//! Caught: …`: what a learner got wrong and the words the suite must fail with), then a
//! unified diff (`diff -u`) against the exercise's reference solution `src/solutions/eK_*.rs`.
//! With `COURSE_BUILD=mutants` this writes every mutant as Rust into `OUT_DIR`, and
//! `src/mutants.rs` includes them: so a mutant follows every change of its solution, and a
//! change that a mutant no longer fits is a build error naming the mutant and the lines, not a
//! mutant quietly testing old code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes `OUT_DIR/mutants.rs`, one module per `src/mutants/*.diff` of the crate in
/// `manifest_dir`; returns the files read (for `rerun-if-changed`) or the first error.
pub fn generate(manifest_dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let src = manifest_dir.join("src");
    let dir = src.join("mutants");
    let mut diffs: Vec<PathBuf> = read_dir(&dir)?
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "diff"))
        .collect();
    diffs.sort();
    let solutions = read_dir(&src.join("solutions"))?;
    let generated = out_dir.join("mutants");
    std::fs::create_dir_all(&generated)
        .map_err(|e| format!("cannot create {}: {e}", generated.display()))?;
    let mut index = String::new();
    let mut read = vec![dir.clone(), src.join("solutions")];
    for diff_path in diffs {
        let name = stem(&diff_path);
        let exercise = name.split('_').next().unwrap_or_default();
        let solution = one_solution(&solutions, exercise, &diff_path)?;
        let mutant =
            mutant_source(&read_text(&solution)?, &read_text(&diff_path)?).map_err(|e| {
                format!(
                    "{}: {e} of {} (change the diff to fit the solution, or regenerate it with \
                 `diff -u`)",
                    diff_path.display(),
                    solution.display()
                )
            })?;
        let (doc, body) = split_doc(&mutant);
        let out = generated.join(format!("{name}.rs"));
        std::fs::write(&out, body).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        for line in doc.lines() {
            let line = line.strip_prefix("//!").unwrap_or(line);
            let _ = writeln!(index, "#[doc = {line:?}]");
        }
        let _ = writeln!(
            index,
            "pub mod {name} {{\n    include!({:?});\n}}",
            out.display()
        );
        read.push(diff_path);
        read.push(solution);
    }
    let index_path = out_dir.join("mutants.rs");
    std::fs::write(&index_path, index)
        .map_err(|e| format!("cannot write {}: {e}", index_path.display()))?;
    Ok(read)
}

/// The mutant a diff file describes, as a Rust file of its own: the diff's opening doc comment,
/// then `solution` with the diff applied and its own opening doc comment left out.
pub fn mutant_source(solution: &str, diff_file: &str) -> Result<String, String> {
    let (doc, diff) = split_doc(diff_file);
    let patched = apply(solution, diff)?;
    Ok(format!("{doc}{}", strip_doc(&patched)))
}

/// The one reference solution of exercise `exercise` (`e1`) among `solutions`.
fn one_solution(solutions: &[PathBuf], exercise: &str, diff: &Path) -> Result<PathBuf, String> {
    let prefix = format!("{exercise}_");
    let mut matching = solutions.iter().filter(|path| {
        stem(path).starts_with(&prefix) && path.extension().is_some_and(|e| e == "rs")
    });
    match (matching.next(), matching.next()) {
        (Some(only), None) => Ok(only.clone()),
        _ => Err(format!(
            "{}: no single solutions/{exercise}_*.rs to apply it to",
            diff.display()
        )),
    }
}

/// The mutant's doc comment (its opening `//!` lines) and the diff after it.
fn split_doc(text: &str) -> (&str, &str) {
    let doc_end = text
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| line.len() + 1)
        .sum::<usize>()
        .min(text.len());
    text.split_at(doc_end)
}

/// A Rust file without its opening `//!` doc comment, which `include!` cannot take (the
/// mutant's own doc goes on its module instead).
fn strip_doc(text: &str) -> String {
    let mut lines = text.lines().skip_while(|line| line.starts_with("//!"));
    let mut body = String::new();
    for line in lines.by_ref() {
        body.push_str(line);
        body.push('\n');
    }
    body
}

/// `original` with the hunks of the unified diff `diff` applied. A hunk must find its old
/// lines exactly, at its line number or, when lines above it were added or removed since,
/// at the nearest place they stand; an old side found nowhere is an error.
pub fn apply(original: &str, diff: &str) -> Result<String, String> {
    let mut lines: Vec<&str> = original.lines().collect();
    let mut shift: isize = 0;
    for hunk in hunks(diff)? {
        let expected = (hunk.old_start as isize - 1 + shift).max(0) as usize;
        let at = find_nearest(&lines, &hunk.old, expected).ok_or_else(|| {
            format!(
                "the hunk at line {} no longer fits: its old lines are not in the copy",
                hunk.old_start
            )
        })?;
        lines.splice(at..at + hunk.old.len(), hunk.new.iter().copied());
        shift +=
            at as isize - expected as isize + hunk.new.len() as isize - hunk.old.len() as isize;
    }
    let mut patched = lines.join("\n");
    patched.push('\n');
    Ok(patched)
}

/// One `@@ -a,b +c,d @@` block: where it starts in the original, and its two sides.
struct Hunk<'a> {
    old_start: usize,
    old: Vec<&'a str>,
    new: Vec<&'a str>,
}

fn hunks(diff: &str) -> Result<Vec<Hunk<'_>>, String> {
    let mut found: Vec<Hunk<'_>> = Vec::new();
    for line in diff.lines() {
        if let Some(header) = line.strip_prefix("@@ -") {
            let old_start = header
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("a hunk header it cannot read: {line:?}"))?;
            found.push(Hunk {
                old_start,
                old: Vec::new(),
                new: Vec::new(),
            });
            continue;
        }
        let Some(hunk) = found.last_mut() else {
            continue; // the `---`/`+++` file names
        };
        match line.split_at_checked(1) {
            Some((" ", text)) => {
                hunk.old.push(text);
                hunk.new.push(text);
            }
            Some(("-", text)) => hunk.old.push(text),
            Some(("+", text)) => hunk.new.push(text),
            Some(("\\", _)) => {} // "\ No newline at end of file"
            None => {
                hunk.old.push("");
                hunk.new.push("");
            }
            Some(_) => return Err(format!("a diff line it cannot read: {line:?}")),
        }
    }
    if found.is_empty() {
        return Err("the diff has no hunk".to_string());
    }
    Ok(found)
}

/// Where `needle` stands in `lines`, nearest to `expected`.
fn find_nearest(lines: &[&str], needle: &[&str], expected: usize) -> Option<usize> {
    let last = lines.len().checked_sub(needle.len())?;
    let fits = |at: usize| at <= last && lines[at..at + needle.len()] == *needle;
    (0..=last.max(expected))
        .flat_map(|distance| [expected.checked_sub(distance), Some(expected + distance)])
        .flatten()
        .find(|&at| fits(at))
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(
            entry
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .path(),
        );
    }
    Ok(paths)
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

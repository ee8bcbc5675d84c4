//! Writing a mutant as a unified diff against its reference solution: the form the shared
//! build script (`chapters/course_build_mutants.rs`) turns back into Rust.
//!
//! Files here are a few hundred lines and a mutant changes a few of them, so the longest
//! common subsequence by dynamic programming is quick, and its hunks are the ones `diff -u`
//! would write: three lines of context, hunks closer than that merged.

/// The lines around each change.
const CONTEXT: usize = 3;

/// `new` as a unified diff against `old`, the files named `old_name` and `new_name`; empty
/// when they are the same.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let edits = edits(&old, &new);
    let changed: Vec<usize> = (0..edits.len())
        .filter(|&i| !matches!(edits[i], Edit::Keep(..)))
        .collect();
    let Some(&first) = changed.first() else {
        return String::new();
    };
    let mut text = format!("--- {old_name}\n+++ {new_name}\n");
    let mut start = first.saturating_sub(CONTEXT);
    let mut end = first;
    for &i in &changed[1..] {
        if i > end + 2 * CONTEXT {
            write_hunk(
                &mut text,
                &edits,
                start,
                (end + CONTEXT + 1).min(edits.len()),
            );
            start = i - CONTEXT;
        }
        end = i;
    }
    write_hunk(
        &mut text,
        &edits,
        start,
        (end + CONTEXT + 1).min(edits.len()),
    );
    text
}

/// One step from `old` to `new`, with the line numbers (from 0) it stands at in each.
#[derive(Debug, Clone, Copy)]
enum Edit<'a> {
    Keep(&'a str, usize, usize),
    Remove(&'a str, usize, usize),
    Add(&'a str, usize, usize),
}

/// The edits that turn `old` into `new`, keeping a longest common subsequence.
fn edits<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Edit<'a>> {
    // longest[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut longest = vec![vec![0u32; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            longest[i][j] = if old[i] == new[j] {
                longest[i + 1][j + 1] + 1
            } else {
                longest[i + 1][j].max(longest[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut edits = Vec::with_capacity(old.len().max(new.len()));
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            edits.push(Edit::Keep(old[i], i, j));
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || longest[i + 1][j] >= longest[i][j + 1]) {
            // On a tie the removal first, as `diff` writes it: `-old` above `+new`.
            edits.push(Edit::Remove(old[i], i, j));
            i += 1;
        } else {
            edits.push(Edit::Add(new[j], i, j));
            j += 1;
        }
    }
    edits
}

fn write_hunk(text: &mut String, edits: &[Edit<'_>], start: usize, end: usize) {
    let span = &edits[start..end];
    let (old_at, new_at) = match span.first() {
        Some(Edit::Keep(_, i, j) | Edit::Remove(_, i, j) | Edit::Add(_, i, j)) => (*i, *j),
        None => return,
    };
    let olds = span.iter().filter(|e| !matches!(e, Edit::Add(..))).count();
    let news = span
        .iter()
        .filter(|e| !matches!(e, Edit::Remove(..)))
        .count();
    // `diff -u` numbers an empty side by the line before it.
    let number = |at: usize, count: usize| if count == 0 { at } else { at + 1 };
    text.push_str(&format!(
        "@@ -{},{olds} +{},{news} @@\n",
        number(old_at, olds),
        number(new_at, news)
    ));
    for edit in span {
        let (mark, line) = match edit {
            Edit::Keep(line, ..) => (' ', line),
            Edit::Remove(line, ..) => ('-', line),
            Edit::Add(line, ..) => ('+', line),
        };
        text.push(mark);
        text.push_str(line);
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::unified;
    use crate::course_build_mutants;

    const SOLUTION: &str = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";

    #[test]
    fn a_one_line_change_is_one_hunk_with_three_lines_around_it() {
        let mutant = SOLUTION.replace("g\n", "G\n");
        let diff = unified(SOLUTION, &mutant, "s.rs", "m.rs");
        assert_eq!(
            diff,
            "--- s.rs\n+++ m.rs\n@@ -4,7 +4,7 @@\n d\n e\n f\n-g\n+G\n h\n i\n j\n"
        );
    }

    #[test]
    fn changes_far_apart_are_two_hunks_and_the_build_script_applies_them() {
        let mutant = SOLUTION.replace("a\n", "").replace("l\n", "l\nL2\n");
        let diff = unified(SOLUTION, &mutant, "s.rs", "m.rs");
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert_eq!(
            course_build_mutants::apply(SOLUTION, &diff).as_deref(),
            Ok(mutant.as_str())
        );
    }

    #[test]
    fn the_same_file_has_no_diff() {
        assert_eq!(unified(SOLUTION, SOLUTION, "s.rs", "m.rs"), "");
    }

    #[test]
    fn a_hunk_still_applies_when_lines_above_it_changed_and_fails_when_its_own_did() {
        let mutant = SOLUTION.replace("j\n", "J\n");
        let diff = unified(SOLUTION, &mutant, "s.rs", "m.rs");
        let grown = format!("x\ny\n{SOLUTION}");
        assert_eq!(
            course_build_mutants::apply(&grown, &diff),
            Ok(format!("x\ny\n{mutant}"))
        );
        let edited = SOLUTION.replace("i\n", "I\n");
        let error =
            course_build_mutants::apply(&edited, &diff).expect_err("the hunk's own line changed");
        assert!(error.contains("no longer fits"), "{error}");
    }
}

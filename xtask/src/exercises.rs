//! The exercises' metadata (`exercises.toml`, the single source of truth) and the learner's
//! progress file (`.exercises-progress`, ignored by git).
//!
//! `exercises.toml` holds one `[[exercise]]` table per exercise: id (`12.1`), chapter, package,
//! title, the starter and reference-solution files, the test suite (a test target of the
//! package), a time limit, the task and hints in increasing detail. The progress file is plain
//! text the runner keeps: a `done <id> <fingerprint>` line per exercise that passed (the
//! fingerprint of the file that passed, so an edit after a pass makes it todo again), and
//! `hint <id> <n>` lines counting the hints already shown. Lines it does not understand are kept
//! as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::UsageError;
use crate::workspace::Chapter;

/// The metadata file, at the workspace root.
pub const EXERCISES_FILE: &str = "exercises.toml";
/// The progress file, at the workspace root.
pub const PROGRESS_FILE: &str = ".exercises-progress";

/// One exercise, as declared in `exercises.toml`. Unknown keys are errors: a misspelt `hint`
/// or `time_limit` would otherwise be silently replaced by its default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// `12.1`: chapter, dot, number.
    pub id: String,
    /// The chapter number.
    pub chapter: u32,
    /// The package whose suite grades it, e.g. `chapter-12`.
    pub package: String,
    /// A short title.
    pub title: String,
    /// The learner's file, relative to the workspace root.
    pub starter: String,
    /// The reference solution, relative to the workspace root.
    pub solution: String,
    /// The test target (`tests/<suite>.rs` in the package) that grades it.
    pub suite: String,
    /// The grader's last-resort time limit per pass, in seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_secs: u64,
    /// The task, in a paragraph.
    #[serde(default)]
    pub task: String,
    /// Hints, from vague to nearly the answer.
    #[serde(default)]
    pub hints: Vec<String>,
    /// The rules of [`crate::scan`] this exercise's lesson needs (chapter 6 starts processes).
    #[serde(default)]
    pub allow: Vec<String>,
}

fn default_time_limit() -> u64 {
    120
}

impl Exercise {
    /// The exercise's number within its chapter: `2` for `12.2` (0 when the id is malformed,
    /// which `cargo xtask tidy` reports).
    pub fn number(&self) -> u32 {
        self.id
            .split_once('.')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0)
    }

    /// The `COURSE_BUILD` item that swaps in this exercise's starter alone: `learner-e2` for
    /// `12.2`.
    pub fn learner_build(&self) -> String {
        format!("learner-e{}", self.number())
    }

    /// The chapter crate this exercise belongs to, if it exists.
    pub fn chapter_crate<'a>(&self, chapters: &'a [Chapter]) -> Option<&'a Chapter> {
        chapters.iter().find(|c| c.package == self.package)
    }

    /// The suite's source file, `chapters/<dir>/tests/<suite>.rs`, if the package exists.
    pub fn suite_file(&self, chapters: &[Chapter]) -> Option<PathBuf> {
        self.chapter_crate(chapters)
            .map(|c| c.dir.join("tests").join(format!("{}.rs", self.suite)))
    }
}

#[derive(Debug, Deserialize)]
struct ExercisesFile {
    #[serde(default)]
    exercise: Vec<Exercise>,
}

/// Parses the text of an `exercises.toml`, in course order (chapter, then number), whatever
/// order the file lists them in.
pub fn parse(text: &str) -> Result<Vec<Exercise>> {
    let mut file: ExercisesFile = toml::from_str(text)?;
    file.exercise.sort_by_key(|e| (e.chapter, e.number()));
    Ok(file.exercise)
}

/// The exercises declared at `root`; none when there is no `exercises.toml` yet.
pub fn load(root: &Path) -> Result<Vec<Exercise>> {
    let path = root.join(EXERCISES_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    parse(&text).with_context(|| format!("cannot parse {}", path.display()))
}

/// The valid ids, for error messages.
pub fn valid_ids(exercises: &[Exercise]) -> String {
    if exercises.is_empty() {
        return format!("none yet ({EXERCISES_FILE} declares no exercise)");
    }
    exercises
        .iter()
        .map(|e| e.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The exercise with this id, or a one-line usage error listing the valid ids.
pub fn find<'a>(exercises: &'a [Exercise], id: &str) -> Result<&'a Exercise, UsageError> {
    exercises.iter().find(|e| e.id == id.trim()).ok_or_else(|| {
        UsageError(format!(
            "unknown exercise '{id}'; valid exercises: {}",
            valid_ids(exercises)
        ))
    })
}

/// A fingerprint of the learner's file as it was when it passed: 64-bit FNV-1a of its bytes, in
/// hex. An edit after a pass changes it, and the exercise is todo again until it passes again.
pub fn fingerprint(root: &Path, exercise: &Exercise) -> Result<String> {
    let path = root.join(&exercise.starter);
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    Ok(format!("{hash:016x}"))
}

/// What the learner has done so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Exercises that passed `check`, with the fingerprint of the file that passed.
    pub done: BTreeMap<String, String>,
    /// How many hints have been shown, by exercise id.
    pub hints: BTreeMap<String, usize>,
    /// Lines not understood, kept as they were.
    other: Vec<String>,
}

impl Progress {
    /// Parses the progress file's text.
    pub fn parse(text: &str) -> Self {
        let mut progress = Self::default();
        for line in text.lines() {
            let trimmed = line.trim();
            let words: Vec<&str> = trimmed.split_whitespace().collect();
            match words.as_slice() {
                [] => {}
                ["hint", id, count] => match count.parse() {
                    Ok(count) => {
                        progress.hints.insert(id.to_string(), count);
                    }
                    Err(_) => progress.other.push(line.to_string()),
                },
                ["done", id, fingerprint] => {
                    progress
                        .done
                        .insert(id.to_string(), fingerprint.to_string());
                }
                _ => progress.other.push(line.to_string()),
            }
        }
        progress
    }

    /// The file's text: finished ids, then hint counts, then anything else.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (id, fingerprint) in &self.done {
            out.push_str(&format!("done {id} {fingerprint}\n"));
        }
        for (id, count) in &self.hints {
            out.push_str(&format!("hint {id} {count}\n"));
        }
        for line in &self.other {
            out.push_str(&format!("{line}\n"));
        }
        out
    }

    /// The progress at `root` (empty when there is no file yet).
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(PROGRESS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Writes the progress file at `root`.
    pub fn save(&self, root: &Path) -> Result<()> {
        let path = root.join(PROGRESS_FILE);
        std::fs::write(&path, self.render())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Whether `exercise` passed with its file exactly as it is now.
    pub fn is_done(&self, root: &Path, exercise: &Exercise) -> bool {
        self.done
            .get(&exercise.id)
            .is_some_and(|f| fingerprint(root, exercise).is_ok_and(|now| &now == f))
    }

    /// How many hints of `id` have been shown.
    pub fn hints_shown(&self, id: &str) -> usize {
        self.hints.get(id).copied().unwrap_or(0)
    }
}

/// Exercises for tests: one entry per id (`12.1`), in chapter `12`'s package, with files named
/// after the id.
#[cfg(test)]
pub fn sample(ids: &[&str]) -> Vec<Exercise> {
    ids.iter()
        .map(|id| {
            let chapter: u32 = id
                .split('.')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("ids look like 12.1");
            let stem = id.replace('.', "_");
            Exercise {
                id: id.to_string(),
                chapter,
                package: format!("chapter-{chapter}"),
                title: format!("exercise {id}"),
                starter: format!("starter_{stem}.rs"),
                solution: format!("solution_{stem}.rs"),
                suite: format!("exercise_{stem}"),
                time_limit_secs: default_time_limit(),
                task: String::new(),
                hints: Vec::new(),
                allow: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[[exercise]]
id = "12.1"
chapter = 12
package = "chapter-12"
title = "Remove the two-lock deadlock by ordering"
starter = "chapters/12-deadlocks/exercises/e1_lock_order.rs"
solution = "chapters/12-deadlocks/src/solutions/e1_lock_order.rs"
suite = "exercise_12_1"
time_limit_secs = 60
task = "Order the locks."
hints = ["first", "second", "third"]

[[exercise]]
id = "12.2"
chapter = 12
package = "chapter-12"
title = "Minimal"
starter = "s.rs"
solution = "t.rs"
suite = "exercise_12_2"
"#;

    #[test]
    fn exercises_parse_with_defaults() {
        let exercises = parse(SAMPLE).expect("parses");
        assert_eq!(exercises.len(), 2);
        assert_eq!(exercises[0].hints.len(), 3);
        assert_eq!(exercises[0].time_limit_secs, 60);
        assert_eq!(exercises[1].time_limit_secs, 120);
        assert!(exercises[1].hints.is_empty());
        assert!(parse("").expect("empty is fine").is_empty());
        assert!(parse("[[exercise]]\nid = \"1.1\"\n").is_err());
        let misspelt = SAMPLE.replace("hints = [", "hint = [");
        let error = format!("{:#}", parse(&misspelt).expect_err("unknown key"));
        assert!(error.contains("unknown field `hint`"), "{error}");
    }

    #[test]
    fn unknown_ids_are_one_line_usage_errors() {
        let exercises = parse(SAMPLE).expect("parses");
        assert_eq!(
            find(&exercises, "12.2").map(|e| e.title.as_str()),
            Ok("Minimal")
        );
        let UsageError(reason) = find(&exercises, "12.9").expect_err("unknown");
        assert_eq!(
            reason,
            "unknown exercise '12.9'; valid exercises: 12.1, 12.2"
        );
    }

    #[test]
    fn progress_round_trips_and_keeps_unknown_lines() {
        let text = "done 12.1 00ff\nhint 12.2 2\n# a note\nhint 12.3 x\n\n";
        let progress = Progress::parse(text);
        assert_eq!(progress.done.get("12.1").map(String::as_str), Some("00ff"));
        assert_eq!(progress.hints_shown("12.2"), 2);
        assert_eq!(progress.hints_shown("12.1"), 0);
        let again = Progress::parse(&progress.render());
        assert_eq!(again, progress);
        assert!(progress.render().contains("# a note\n"));
    }
}

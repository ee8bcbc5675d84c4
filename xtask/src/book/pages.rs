//! The book's pages, generated from the files they are about: the introduction from the
//! top-level README, a page per chapter from its README (with its measured figures and charts
//! from `results/RESULTS.md`), the topic index, the exercises from `exercises.toml` and the
//! results page.
//!
//! Every page sits at the top of the book's `src/`, the charts in `src/results/`. A link in a
//! README is resolved against the file it is written in, then pointed at the page that holds its
//! target: a chapter README at its chapter page, the top-level README at the introduction,
//! `results/RESULTS.md` at the results page, a chart at its copy, `exercises.toml` at the
//! exercises page. Any other file of the repository (a source file, a test, CONTRIBUTING.md) has
//! no page: its link becomes its repository path in code font, which is what a reader types to
//! open it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use super::markdown::{self, Link, Rewrite, Target};
use crate::exercises::{self, Exercise};
use crate::workspace;

/// The results the benchmarks write, and where the book keeps its copies of the charts.
pub const RESULTS_DIR: &str = "results";

/// A page of the book: its file under `src/` and its Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The file name, e.g. `12-deadlocks.md`.
    pub file: String,
    /// The title the table of contents shows.
    pub title: String,
    /// The Markdown.
    pub text: String,
}

/// Everything the book is made of, generated.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// The introduction and the topic index, before the chapters.
    pub front: Vec<Page>,
    /// One page per chapter, in order.
    pub chapters: Vec<Page>,
    /// The exercises and the results, after the chapters.
    pub back: Vec<Page>,
    /// The charts to copy (file names under `results/`).
    pub charts: Vec<String>,
    /// Links in the sources to repository files that do not exist (`file: target`).
    pub dangling: Vec<String>,
}

/// A chapter as the book sees it.
#[derive(Debug, Clone)]
struct Chapter {
    number: u32,
    dir_name: String,
    page: String,
    title: String,
}

/// Where each repository file the book holds ended up, for rewriting links.
#[derive(Debug, Clone, Default)]
struct Places {
    chapters: Vec<Chapter>,
    charts: BTreeSet<String>,
    exercise_ids: BTreeSet<String>,
}

impl Places {
    /// The book file that holds the repository file `path`, if any.
    fn page_of(&self, path: &str) -> Option<String> {
        let path = path.trim_end_matches('/');
        match path {
            "" | "README.md" => return Some("introduction.md".into()),
            "results" | "results/RESULTS.md" => return Some("results.md".into()),
            "exercises.toml" => return Some("exercises.md".into()),
            _ => {}
        }
        if let Some(chart) = path.strip_prefix("results/") {
            return self.charts.contains(chart).then(|| path.to_string());
        }
        let rest = path.strip_prefix("chapters/")?;
        let dir = rest.strip_suffix("/README.md").unwrap_or(rest);
        self.chapters
            .iter()
            .find(|c| c.dir_name == dir)
            .map(|c| c.page.clone())
    }

    fn chapter(&self, number: u32) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.number == number)
    }
}

/// Rewrites the links of one source file (at `from`, a repository path) for the book, and in the
/// topic index turns "chapter 12" and "exercise 12.1" into links.
struct Relink<'a> {
    root: &'a Path,
    places: &'a Places,
    from: &'a str,
    mentions: bool,
    dangling: &'a mut Vec<String>,
}

impl Rewrite for Relink<'_> {
    fn target(&mut self, link: &Link<'_>) -> Target {
        let dest = link.dest;
        if is_external(dest) {
            return Target::Keep;
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((path, fragment)) => (path, format!("#{fragment}")),
            None => (dest, String::new()),
        };
        let dir = self.from.rsplit_once('/').map_or("", |(dir, _)| dir);
        // A bare `#anchor` is in the file itself, wherever the book puts that file's text.
        let resolved = if path.is_empty() {
            Some(self.from.to_string())
        } else {
            resolve(dir, path)
        };
        let Some(resolved) = resolved else {
            return Target::Code(dest.to_string());
        };
        if let Some(page) = self.places.page_of(&resolved) {
            return Target::To(format!("{page}{fragment}"));
        }
        if !self.root.join(&resolved).exists() {
            self.dangling.push(format!("{}: {dest}", self.from));
        }
        Target::Code(resolved)
    }

    fn prose(&mut self, text: &str) -> String {
        if self.mentions {
            link_mentions(text, self.places)
        } else {
            text.to_string()
        }
    }
}

/// Generates every page from the workspace at `root`.
pub fn generate(root: &Path) -> Result<Book> {
    let readme = read(root, "README.md")?;
    let results = std::fs::read_to_string(root.join(RESULTS_DIR).join("RESULTS.md")).ok();
    let exercises = exercises::load(root)?;
    let mut places = Places {
        charts: charts(&root.join(RESULTS_DIR))?,
        exercise_ids: exercises.iter().map(|e| e.id.clone()).collect(),
        ..Places::default()
    };
    let mut readmes = Vec::new();
    for chapter in workspace::discover(root)? {
        let from = format!("chapters/{}/README.md", chapter.dir_name);
        let text = read(root, &from)?;
        places.chapters.push(Chapter {
            number: chapter.number,
            title: chapter_title(&text, chapter.number),
            page: format!("{}.md", chapter.dir_name),
            dir_name: chapter.dir_name,
        });
        readmes.push((from, text));
    }
    let mut dangling = Vec::new();
    let mut relink = |from: &str, text: &str, mentions: bool| {
        markdown::rewrite(
            text,
            &mut Relink {
                root,
                places: &places,
                from,
                mentions,
                dangling: &mut dangling,
            },
        )
    };

    let (preamble, sections) = markdown::sections(&readme);
    let mut introduction = relink("README.md", &preamble, false);
    introduction.push_str(concat!(
        "This book is the course's READMEs, generated by `cargo xtask book`: one page per ",
        "chapter with its measured figures and charts, the [topic index](topics.md), the ",
        "[exercises](exercises.md) with their hints, and the [measured results](results.md). ",
        "Every command in it runs from the repository's root; a file named in code font is a ",
        "path in the repository.\n\n",
    ));
    let mut topics =
        String::from("# Topic index\n\nEvery topic the course teaches, and where.\n\n");
    for (title, body) in &sections {
        if title == "Topic index" {
            let table = body.split_once('\n').map_or("", |(_, rest)| rest);
            topics.push_str(&relink("README.md", table.trim_start(), true));
            introduction.push_str(
                "## Topic index\n\nEvery topic and where the course covers it: the \
                 [topic index](topics.md).\n\n",
            );
        } else {
            introduction.push_str(&relink("README.md", body, false));
        }
    }

    let results_sections = results.as_deref().map(markdown::sections);
    let mut chapters = Vec::new();
    for (chapter, (from, text)) in places.chapters.iter().zip(&readmes) {
        let mut page = relink(from, text, false);
        let measured = results_sections.as_ref().and_then(|(_, sections)| {
            let heading = format!("Chapter {}", chapter.number);
            sections.iter().find(|(title, _)| *title == heading)
        });
        let measured = measured.map(|(_, body)| body.split_once('\n').map_or("", |(_, b)| b));
        let body = measured.map_or(String::new(), |body| {
            relink("results/RESULTS.md", body.trim(), false)
        });
        let prefix = format!("chapter-{}-", chapter.number);
        let unlisted: Vec<&String> = places
            .charts
            .iter()
            .filter(|chart| chart.starts_with(&prefix) && !body.contains(chart.as_str()))
            .collect();
        if !body.is_empty() || !unlisted.is_empty() {
            let _ = write!(
                page,
                "\n## Measured at full size\n\nWhat `cargo xtask bench` measured for this \
                 chapter (release build, one run at a time; the machine and date are on the \
                 [results page](results.md)).\n\n{body}\n"
            );
            for chart in unlisted {
                let _ = write!(page, "\n![{chart}](results/{chart})\n");
            }
        }
        chapters.push(Page {
            file: chapter.page.clone(),
            title: chapter.title.clone(),
            text: page,
        });
    }

    let results_page = match &results {
        Some(text) => relink("results/RESULTS.md", text, false),
        None => "# Measured results\n\nNone yet: `cargo xtask bench` writes them.\n".to_string(),
    };
    let exercises_page = exercises_page(&exercises, &places, &mut |text| {
        relink(exercises::EXERCISES_FILE, text, false)
    });
    Ok(Book {
        front: vec![
            page("introduction.md", "Introduction", introduction),
            page("topics.md", "Topic index", topics),
        ],
        chapters,
        back: vec![
            page("exercises.md", "Exercises", exercises_page),
            page("results.md", "Measured results", results_page),
        ],
        charts: places.charts.iter().cloned().collect(),
        dangling,
    })
}

/// The table of contents mdBook reads.
pub fn summary(book: &Book) -> String {
    let mut out = String::from("# Summary\n\n");
    for page in &book.front {
        let _ = writeln!(out, "[{}]({})", page.title, page.file);
    }
    out.push_str("\n# Chapters\n\n");
    for page in &book.chapters {
        let _ = writeln!(out, "- [{}]({})", page.title, page.file);
    }
    out.push_str("\n# Coursework and results\n\n");
    for page in &book.back {
        let _ = writeln!(out, "- [{}]({})", page.title, page.file);
    }
    out
}

fn page(file: &str, title: &str, text: String) -> Page {
    Page {
        file: file.to_string(),
        title: title.to_string(),
        text,
    }
}

fn read(root: &Path, path: &str) -> Result<String> {
    std::fs::read_to_string(root.join(path)).with_context(|| format!("cannot read {path}"))
}

/// The SVG charts in `dir` (none when it does not exist).
fn charts(dir: &Path) -> Result<BTreeSet<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(BTreeSet::new());
    };
    let mut charts = BTreeSet::new();
    for entry in entries {
        let name = entry
            .with_context(|| format!("cannot read {}", dir.display()))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".svg") {
            charts.insert(name);
        }
    }
    Ok(charts)
}

/// `12. Deadlocks and livelock` from the README's `# Chapter 12 — Deadlocks and livelock`
/// (`20. Producer–consumer (bonus)` from `# Chapter 20 (bonus) — Producer–consumer`).
fn chapter_title(readme: &str, number: u32) -> String {
    let heading = readme
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .unwrap_or_default();
    let (before, title) = heading.split_once(" — ").unwrap_or(("", heading));
    let note = before
        .trim_start_matches("Chapter")
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim();
    let title = if title.trim().is_empty() {
        format!("Chapter {number}")
    } else {
        title.trim().to_string()
    };
    if note.is_empty() {
        format!("{number}. {title}")
    } else {
        format!("{number}. {title} {note}")
    }
}

/// The exercises page: each exercise's title, task and where to start, its hints folded away.
fn exercises_page(
    exercises: &[Exercise],
    places: &Places,
    relink: &mut dyn FnMut(&str) -> String,
) -> String {
    let chapters: BTreeSet<u32> = exercises.iter().map(|e| e.chapter).collect();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut out = format!(
        "# Exercises\n\n{} in {}. Each is a starter file you complete: \
         `cargo xtask exercise check ID` grades it, `cargo xtask exercise hint ID` shows the \
         hints one at a time (the same hints are folded below, vaguest first). How a grade is \
         given, and what it proves: [the introduction](introduction.md#exercises).\n",
        count(exercises.len(), "exercise"),
        count(chapters.len(), "chapter"),
    );
    let mut current = None;
    for exercise in exercises {
        if current != Some(exercise.chapter) {
            current = Some(exercise.chapter);
            match places.chapter(exercise.chapter) {
                Some(chapter) => {
                    let _ = write!(
                        out,
                        "\n## {}\n\nThe lesson: [chapter {}]({}).\n",
                        chapter.title, exercise.chapter, chapter.page
                    );
                }
                None => {
                    let _ = write!(out, "\n## Chapter {}\n", exercise.chapter);
                }
            }
        }
        let _ = write!(
            out,
            "\n<a id=\"{}\"></a>\n\n### {} {}\n\n{}\n\nStarter: `{}` · grade it: `cargo xtask \
             exercise check {}` · time limit: {} s\n",
            exercise_anchor(&exercise.id),
            exercise.id,
            relink(&exercise.title),
            relink(exercise.task.trim()),
            exercise.starter,
            exercise.id,
            exercise.time_limit_secs,
        );
        for (n, hint) in exercise.hints.iter().enumerate() {
            let _ = write!(
                out,
                "\n<details><summary>Hint {}</summary>\n\n{}\n\n</details>\n",
                n + 1,
                relink(hint.trim())
            );
        }
    }
    out
}

/// The id of an exercise's entry on the exercises page: `exercise-12-1`.
fn exercise_anchor(id: &str) -> String {
    format!("exercise-{}", id.replace('.', "-"))
}

/// "chapter 12", "chapters 16, 17 and 19", "exercise 12.1" and "exercises 18.1, 18.2" with each
/// number a link to its page, where that chapter or exercise exists.
fn link_mentions(text: &str, places: &Places) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = next_mention(rest) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let exercise = rest.starts_with("exercise");
        let keyword = if exercise { "exercise" } else { "chapter" };
        let mut end = keyword.len();
        if rest[end..].starts_with('s') {
            end += 1;
        }
        let mut first = true;
        while let Some(after_space) = rest[end..].strip_prefix(' ') {
            let start = end + 1;
            let len = after_space
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(after_space.len());
            let number = after_space[..len].trim_end_matches('.');
            let target = if exercise {
                places
                    .exercise_ids
                    .contains(number)
                    .then(|| format!("exercises.md#{}", exercise_anchor(number)))
            } else {
                number
                    .parse()
                    .ok()
                    .and_then(|n| places.chapter(n))
                    .map(|c| c.page.clone())
            };
            let Some(target) = target else {
                break;
            };
            if first {
                let _ = write!(out, "[{} {number}]({target})", &rest[..end]);
            } else {
                let _ = write!(out, "{}[{number}]({target})", &rest[end..start]);
            }
            first = false;
            end = start + number.len();
            let separator = [",", " and"].into_iter().find(|sep| {
                rest[end..].starts_with(sep) && rest[end + sep.len()..].starts_with(' ')
            });
            match separator {
                Some(sep) => {
                    out.push_str(&rest[end..end + sep.len()]);
                    end += sep.len();
                }
                None => break,
            }
        }
        if first {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next "chapter" or "exercise" starting a word is.
fn next_mention(text: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = ["chapter", "exercise"]
            .iter()
            .filter_map(|word| text[from..].find(word).map(|i| from + i))
            .min()?;
        let starts_word = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '_');
        if starts_word {
            return Some(at);
        }
        from = at + 1;
    }
}

/// A target with a scheme (`https:`, `mailto:`) or a host (`//host`): not the book's.
fn is_external(dest: &str) -> bool {
    let scheme = dest.split_once(':').map(|(scheme, _)| scheme);
    dest.starts_with("//")
        || scheme.is_some_and(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

/// `path`, relative to the repository directory `dir`, as a repository path; `None` when it
/// climbs out of the repository.
fn resolve(dir: &str, path: &str) -> Option<String> {
    super::walk(dir.split('/').filter(|p| !p.is_empty()).collect(), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        let chapter = |number: u32, dir_name: &str| Chapter {
            number,
            dir_name: dir_name.into(),
            page: format!("{dir_name}.md"),
            title: format!("{number}. A title"),
        };
        Places {
            chapters: vec![chapter(11, "11-channels"), chapter(12, "12-deadlocks")],
            charts: BTreeSet::from(["chapter-12-a.svg".to_string()]),
            exercise_ids: BTreeSet::from(["12.1".to_string(), "12.2".to_string()]),
        }
    }

    fn relink(from: &str, text: &str) -> (String, Vec<String>) {
        let places = places();
        let mut dangling = Vec::new();
        let out = markdown::rewrite(
            text,
            &mut Relink {
                root: Path::new("/nonexistent-root"),
                places: &places,
                from,
                mentions: false,
                dangling: &mut dangling,
            },
        );
        (out, dangling)
    }

    #[test]
    fn links_point_at_the_pages_that_hold_their_targets() {
        let from = "chapters/12-deadlocks/README.md";
        let (out, dangling) = relink(
            from,
            "[← chapter 11](../11-channels/README.md) [top](../../README.md#start) \
             [results](../../results/RESULTS.md#chapter-12) ![c](../../results/chapter-12-a.svg) \
             [ex](../../exercises.toml) [same](#the-examples) [web](https://e.org) \
             [dir](../11-channels/)",
        );
        assert_eq!(
            out,
            "[← chapter 11](11-channels.md) [top](introduction.md#start) \
             [results](results.md#chapter-12) ![c](results/chapter-12-a.svg) \
             [ex](exercises.md) [same](12-deadlocks.md#the-examples) [web](https://e.org) [dir](11-channels.md)"
        );
        assert!(dangling.is_empty(), "{dangling:?}");
    }

    #[test]
    fn files_without_a_page_become_their_repository_path() {
        let (out, dangling) = relink(
            "chapters/12-deadlocks/README.md",
            "[the waiter](src/waiter.rs) and [`waiter.rs`](src/waiter.rs) and [x](../../../out.md)",
        );
        assert_eq!(
            out,
            "the waiter (`chapters/12-deadlocks/src/waiter.rs`) and \
             `chapters/12-deadlocks/src/waiter.rs` and x (`../../../out.md`)"
        );
        assert_eq!(
            dangling,
            [
                "chapters/12-deadlocks/README.md: src/waiter.rs",
                "chapters/12-deadlocks/README.md: src/waiter.rs"
            ]
        );
    }

    #[test]
    fn chapters_and_exercises_named_in_the_topic_index_become_links() {
        let places = places();
        assert_eq!(
            link_mentions("chapter 12 , exercise 12.1", &places),
            "[chapter 12](12-deadlocks.md) , [exercise 12.1](exercises.md#exercise-12-1)"
        );
        assert_eq!(
            link_mentions("chapters 11, 12 and 13; exercises 12.1, 12.2", &places),
            "[chapters 11](11-channels.md), [12](12-deadlocks.md) and 13; \
             [exercises 12.1](exercises.md#exercise-12-1), [12.2](exercises.md#exercise-12-2)"
        );
        assert_eq!(
            link_mentions(
                "chapter 99, the chapter's, subchapter 12, chapter 12.",
                &places
            ),
            "chapter 99, the chapter's, subchapter 12, [chapter 12](12-deadlocks.md)."
        );
    }

    #[test]
    fn each_exercise_has_an_anchor_its_task_and_its_hints_folded() {
        let exercise = Exercise {
            id: "12.1".into(),
            chapter: 12,
            package: "chapter-12".into(),
            title: "Lock in order: Published<T>".into(),
            starter: "chapters/12-deadlocks/exercises/e1.rs".into(),
            solution: "chapters/12-deadlocks/src/solutions/e1.rs".into(),
            suite: "exercise_12_1".into(),
            time_limit_secs: 180,
            task: "Write `lock_in_order`.\n".into(),
            hints: vec!["Vaguest.".into(), "Nearly the answer.".into()],
            allow: Vec::new(),
        };
        let page = exercises_page(&[exercise], &places(), &mut |text| text.to_string());
        for expected in [
            "1 exercise in 1 chapter.",
            "## 12. A title\n\nThe lesson: [chapter 12](12-deadlocks.md).\n",
            "<a id=\"exercise-12-1\"></a>\n\n### 12.1 Lock in order: Published<T>\n\n",
            "Write `lock_in_order`.\n\nStarter: `chapters/12-deadlocks/exercises/e1.rs`",
            "<details><summary>Hint 1</summary>\n\nVaguest.\n\n</details>\n",
            "<details><summary>Hint 2</summary>\n\nNearly the answer.\n\n</details>\n",
        ] {
            assert!(page.contains(expected), "{expected:?} not in:\n{page}");
        }
    }

    #[test]
    fn chapter_titles_come_from_the_readme_heading() {
        assert_eq!(
            chapter_title("# Chapter 12 — Deadlocks and livelock\n", 12),
            "12. Deadlocks and livelock"
        );
        assert_eq!(
            chapter_title("# Chapter 20 (bonus) — Producer–consumer\n", 20),
            "20. Producer–consumer (bonus)"
        );
        assert_eq!(chapter_title("no heading", 3), "3. Chapter 3");
    }
}

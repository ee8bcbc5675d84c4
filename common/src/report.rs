//! Printing at the edge: outcomes rendered for humans (narrative, comfy-table tables, figures)
//! or as one JSON object per line for `cargo xtask run-all`.

use std::sync::OnceLock;

use comfy_table::{
    ColumnConstraint, ContentArrangement, Table, Width, presets::UTF8_FULL_CONDENSED,
};
use serde::Serialize;

use crate::outcome::{Outcome, TableData, Verdict};
use crate::registry::Chapter;

/// The width output is made to fit: the terminal's, or `COLUMNS`, or 100 columns when stdout is
/// not a terminal (a file, a pipe, CI), and never under 60.
pub fn width() -> usize {
    static WIDTH: OnceLock<usize> = OnceLock::new();
    *WIDTH.get_or_init(|| {
        let terminal = terminal_size::terminal_size_of(std::io::stdout())
            .map(|(terminal_size::Width(w), _)| usize::from(w));
        let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
        terminal.or(columns).unwrap_or(100).max(60)
    })
}

/// Renders a [`TableData`] as a terminal table as wide as the terminal at most ([`width`]);
/// cells wrap when the columns would not fit.
pub fn render_table(data: &TableData) -> String {
    render_table_within(data, width())
}

/// Renders a [`TableData`] in at most `columns` columns.
pub fn render_table_within(data: &TableData, columns: usize) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_width(u16::try_from(columns).unwrap_or(u16::MAX));
    table.set_header(&data.header);
    for row in &data.rows {
        table.add_row(row);
    }
    // A header wraps between its words, never inside one: `throughput`, not `throughpu` + `t`.
    for (column, header) in table.column_iter_mut().zip(&data.header) {
        let longest_word = header.split_whitespace().map(|w| w.chars().count()).max();
        // The boundary counts the cell's padding, one space either side.
        let longest_word = u16::try_from(longest_word.unwrap_or(0) + 2).unwrap_or(u16::MAX);
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(longest_word)));
    }
    table.to_string()
}

/// `text` wrapped at word boundaries into lines of at most `columns` characters (a word longer
/// than that gets a line of its own), each but the first starting with `indent`. A line that
/// fits, or that is laid out by hand (two spaces in a row inside it), is left as it is.
pub fn wrap(text: &str, columns: usize, indent: &str) -> Vec<String> {
    let laid_out = text.trim().contains("  ");
    if text.chars().count() <= columns || laid_out {
        return vec![text.to_string()];
    }
    let indent_width = indent.chars().count();
    let mut lines = Vec::new();
    let mut line = String::new();
    let (mut start, mut width) = (0, 0);
    for word in text.split_whitespace() {
        let word_width = word.chars().count();
        if width > 0 && start + width + 1 + word_width > columns {
            lines.push(std::mem::take(&mut line));
            line.push_str(indent);
            (start, width) = (indent_width, 0);
        }
        if width > 0 {
            line.push(' ');
            width += 1;
        }
        line.push_str(word);
        width += word_width;
    }
    lines.push(line);
    lines
}

/// How much of an outcome the human report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The verdict, the key figure and the line to notice: what a tour shows by default.
    Short,
    /// Everything: the narrative, the tables and every figure too (`run`, `--verbose`).
    Full,
}

/// The human report of one outcome, in full.
pub fn human(outcome: &Outcome) -> String {
    human_with(outcome, Detail::Full, true)
}

/// The human report of one outcome at `detail`, with its notice or (when a report before it
/// said the same) without.
pub fn human_with(outcome: &Outcome, detail: Detail, with_notice: bool) -> String {
    if detail == Detail::Short {
        return short(outcome, with_notice);
    }
    let mut out = String::new();
    let columns = width() - 2;
    let heading = format!(
        "── chapter {} · {} · {} ",
        outcome.chapter, outcome.example, outcome.variant
    );
    out.push_str(&format!("{heading:─<w$}\n", w = width().min(78)));
    let push_wrapped = |out: &mut String, text: &str, indent: &str| {
        for part in wrap(text, columns, indent) {
            out.push_str(&format!("  {part}\n"));
        }
    };
    // The key figure first: it is the run's result in one number.
    let mut figures: Vec<_> = outcome.figures.iter().collect();
    figures.sort_by_key(|figure| !figure.key);
    for line in &outcome.narrative {
        push_wrapped(&mut out, line, "  ");
    }
    for table in &outcome.tables {
        push_wrapped(&mut out, &table.title, "  ");
        for line in render_table_within(table, columns).lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    let name_width = figures
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    for figure in figures {
        let value = crate::format::figure(figure.value, &figure.unit);
        let line = format!("{:<name_width$}  {value}", figure.name);
        push_wrapped(&mut out, &line, "    ");
    }
    if with_notice && !outcome.notice.is_empty() {
        push_wrapped(&mut out, &format!("Notice: {}", outcome.notice), "        ");
    }
    out.push_str(match outcome.verdict {
        Verdict::Showed => "  ✔ showed what it teaches\n",
        Verdict::DidNotShow => "  ✘ did not show what it teaches this time\n",
    });
    out
}

/// The tour's line for a run: its verdict, example and variant, and key figure, then its notice
/// (when `with_notice`) below it.
fn short(outcome: &Outcome, with_notice: bool) -> String {
    let columns = width();
    let mark = match outcome.verdict {
        Verdict::Showed => '✔',
        Verdict::DidNotShow => '✘',
    };
    let key = outcome
        .figures
        .iter()
        .find(|figure| figure.key)
        .map(|f| format!(": {} {}", f.name, crate::format::figure(f.value, &f.unit)))
        .unwrap_or_default();
    let line = format!("{mark} {} · {}{key}", outcome.example, outcome.variant);
    let mut out = String::new();
    for part in wrap(&line, columns, "    ") {
        out.push_str(&format!("{part}\n"));
    }
    if with_notice && !outcome.notice.is_empty() {
        for part in wrap(
            &format!("Notice: {}", outcome.notice),
            columns - 2,
            "        ",
        ) {
            out.push_str(&format!("  {part}\n"));
        }
    }
    out
}

/// One JSON line for an outcome.
pub fn json_line(outcome: &Outcome) -> String {
    serde_json::to_string(outcome).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The chapter's registry as JSON, for `list --json` (read by `cargo xtask list`).
pub fn chapter_json(chapter: &Chapter) -> String {
    #[derive(Serialize)]
    struct VariantJson<'a> {
        name: &'a str,
        summary: &'a str,
    }
    #[derive(Serialize)]
    struct ExampleJson<'a> {
        name: &'a str,
        summary: &'a str,
        variants: Vec<VariantJson<'a>>,
        threads: Option<(&'a str, usize, usize, usize)>,
    }
    #[derive(Serialize)]
    struct ChapterJson<'a> {
        number: u32,
        title: &'a str,
        examples: Vec<ExampleJson<'a>>,
    }
    let json = ChapterJson {
        number: chapter.number,
        title: chapter.title,
        examples: chapter
            .examples
            .iter()
            .map(|e| ExampleJson {
                name: e.name,
                summary: e.summary,
                variants: e
                    .variants
                    .iter()
                    .map(|v| VariantJson {
                        name: v.name,
                        summary: v.summary,
                    })
                    .collect(),
                threads: e.threads.map(|t| (t.meaning, t.default, t.min, t.max)),
            })
            .collect(),
    };
    serde_json::to_string(&json).unwrap_or_default()
}

/// The chapter's examples as a table, for `list`.
pub fn chapter_table(chapter: &Chapter) -> String {
    let mut data = TableData::new(
        format!("Chapter {} — {}", chapter.number, chapter.title),
        &["example", "variants", "--threads", "what it shows"],
    );
    for example in chapter.examples {
        data.row([
            example.name.to_string(),
            example.variant_names(),
            example.threads.map_or("—".to_string(), |t| {
                format!(
                    "{} ({}..={}, default {})",
                    t.meaning, t.min, t.max, t.default
                )
            }),
            example.summary.to_string(),
        ]);
    }
    format!("{}\n{}", data.title, render_table(&data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_words_and_laid_out_ones_do_not() {
        let text = "one two three four five six seven eight nine ten";
        let lines = wrap(text, 20, "  ");
        assert_eq!(
            lines,
            ["one two three four", "  five six seven", "  eight nine ten"]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(wrap("short", 20, "  "), ["short"]);
        let table_like = "a    b    c    d    e    f    g    h";
        assert_eq!(wrap(table_like, 10, ""), [table_like]);
        assert_eq!(
            wrap("averyveryverylongword x", 10, ""),
            ["averyveryverylongword", "x"]
        );
    }

    #[test]
    fn tables_fit_the_width_they_are_given() {
        let mut data = TableData::new("t", &["name", "what it shows"]);
        data.row([
            "dining-philosophers",
            &"a long summary of what it shows ".repeat(6),
        ]);
        let text = render_table_within(&data, 60);
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        assert!(text.contains("dining-philosophers"), "{text}");
        let mut wide = TableData::new(
            "t",
            &["server", "throughput (req/s)", "p99 wait for welcome (ms)"],
        );
        wide.row(["blocking", "10732", "13.728"]);
        let text = render_table_within(&wide, 36);
        assert!(
            text.contains("throughput") && text.contains("welcome"),
            "{text}"
        );
    }

    #[test]
    fn human_report_shows_every_part() {
        let mut table = TableData::new("Meals", &["philosopher", "meals"]);
        table.row(["0", "3"]);
        let mut outcome = Outcome::new("two-locks", "broken", Verdict::Showed)
            .key_figure("detected after", 0.1, "s")
            .table(table)
            .line("thread A holds lock A and waits for lock B")
            .notice("opposite order makes a cycle");
        outcome.chapter = 12;
        let text = human(&outcome);
        for needle in [
            "chapter 12 · two-locks · broken",
            "thread A holds lock A",
            "philosopher",
            "detected after  100 ms",
            "Notice: opposite order",
            "✔ showed",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        let short = human_with(&outcome, Detail::Short, false);
        assert_eq!(short, "✔ two-locks · broken: detected after 100 ms\n");
        assert!(
            !short.contains("thread A holds") && !short.contains("philosopher"),
            "{short}"
        );
        assert!(!short.contains("Notice"), "{short}");
    }
}

//! Printing at the edge: outcomes rendered for humans (narrative, comfy-table tables, figures)
//! or as one JSON object per line for `cargo xtask run-all`.

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::outcome::{Outcome, TableData, Verdict};
use crate::registry::Chapter;

/// Renders a [`TableData`] as a terminal table.
pub fn render_table(data: &TableData) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(&data.header);
    for row in &data.rows {
        table.add_row(row);
    }
    table.to_string()
}

/// Formats a figure value for reading: counts with thousands separators (`1,492,667`), large
/// rates with a metric prefix (`4.60 M`), small values with enough decimals to see them.
pub fn format_value(value: f64) -> String {
    let magnitude = value.abs();
    if value.fract() == 0.0 && magnitude < 1e15 {
        group_thousands(value as i64)
    } else if magnitude >= 1e9 {
        format!("{:.2} G", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.2} M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.1} k", value / 1e3)
    } else if magnitude >= 100.0 {
        format!("{value:.1}")
    } else if magnitude >= 0.01 {
        format!("{value:.3}")
    } else if magnitude >= 0.0001 {
        format!("{value:.5}")
    } else {
        format!("{value:.2e}")
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The human report of one outcome.
pub fn human(outcome: &Outcome) -> String {
    let mut out = String::new();
    let heading = format!(
        "── chapter {} · {} · {} ",
        outcome.chapter, outcome.example, outcome.variant
    );
    out.push_str(&format!("{heading:─<78}\n"));
    for line in &outcome.narrative {
        out.push_str(&format!("  {line}\n"));
    }
    for table in &outcome.tables {
        out.push_str(&format!("  {}\n", table.title));
        for line in render_table(table).lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if !outcome.figures.is_empty() {
        let width = outcome
            .figures
            .iter()
            .map(|f| f.name.chars().count())
            .max()
            .unwrap_or(0);
        for figure in &outcome.figures {
            out.push_str(&format!(
                "  {:<width$}  {} {}{}\n",
                figure.name,
                format_value(figure.value),
                figure.unit,
                if figure.key { "  ◀" } else { "" },
            ));
        }
    }
    if !outcome.notice.is_empty() {
        out.push_str(&format!("  Notice: {}\n", outcome.notice));
    }
    out.push_str(match outcome.verdict {
        Verdict::Showed => "  ✔ showed what it teaches\n",
        Verdict::DidNotShow => "  ✘ did not show what it teaches this time\n",
    });
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
    fn values_are_formatted_for_reading() {
        assert_eq!(format_value(12.0), "12");
        assert_eq!(format_value(1_492_667.0), "1,492,667");
        assert_eq!(format_value(-1000.0), "-1,000");
        assert_eq!(format_value(4_600_602.2), "4.60 M");
        assert_eq!(format_value(12_345.6), "12.3 k");
        assert_eq!(format_value(0.4213), "0.421");
        assert_eq!(format_value(1234.56), "1234.6");
        assert_eq!(format_value(0.002_12), "0.00212");
        assert_eq!(format_value(0.000_012), "1.20e-5");
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
            "detected after",
            "0.100 s  ◀",
            "Notice: opposite order",
            "✔ showed",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }
}

//! `cargo xtask list`: every chapter's examples in one table.
//!
//! The chapters are the source of truth and nothing here knows an example by name, but nothing
//! is compiled either: each chapter's registry is read from its source ([`registry`]), so the
//! list takes milliseconds once xtask is built. A test holds the reading to every chapter's
//! compiled `CHAPTER`.
//!
//! The table is one row per example (chapter, example, variants, summary), wrapped to the
//! terminal's width, or to 100 columns when stdout is not a terminal.

pub(crate) mod registry;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};

use crate::workspace;

/// A chapter's registry: what `chapter-N list --json` prints, minus the thread counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterListing {
    /// The chapter number.
    pub number: u32,
    /// The chapter title.
    pub title: String,
    /// Its examples, in tour order.
    pub examples: Vec<ExampleListing>,
}

/// One example in a chapter listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleListing {
    /// The name given to `run`.
    pub name: String,
    /// One line on what it shows.
    pub summary: String,
    /// Its variants, in tour order.
    pub variants: Vec<VariantListing>,
}

/// One variant of an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantListing {
    /// The name given to `--variant`.
    pub name: String,
    /// One line on what it does.
    pub summary: String,
}

/// Runs `cargo xtask list`.
pub fn run(root: &Path) -> Result<ExitCode> {
    let chapters = workspace::discover(root)?;
    if chapters.is_empty() {
        println!("No chapters yet: nothing under chapters/NN-slug/.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut listings = Vec::new();
    let mut problems = Vec::new();
    for chapter in &chapters {
        match registry::read(&chapter.dir) {
            Ok(listing) => listings.push(listing),
            Err(error) => problems.push(format!("{}: {error:#}", chapter.label())),
        }
    }
    println!("{}", render(&listings, terminal_width()));
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The width every table is made to fit ([`common::report::width`]: the terminal's, `COLUMNS`,
/// or 100 when stdout is not a terminal).
fn terminal_width() -> u16 {
    u16::try_from(common::report::width()).unwrap_or(u16::MAX)
}

/// The table, at most `width` columns wide: cells wrap at spaces (and, for the variants, after
/// each comma), so no column forces the table wider.
pub fn render(listings: &[ChapterListing], width: u16) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(["chapter", "example", "variants", "summary"]);
    for row in rows(listings) {
        table.add_row(row);
    }
    // The summaries are the long prose: the other columns give way to them only down to a
    // readable share, and the example names, single words, are never broken.
    for (index, share) in [(0, 15), (2, 20)] {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::UpperBoundary(Width::Percentage(share)));
        }
    }
    if let Some(column) = table.column_mut(1) {
        column.set_constraint(ColumnConstraint::ContentWidth);
    }
    table.to_string()
}

/// One row per example; the chapter (number and title) only on its first row.
fn rows(listings: &[ChapterListing]) -> Vec<[String; 4]> {
    let mut rows = Vec::new();
    for listing in listings {
        let chapter = format!("{} {}", listing.number, listing.title);
        if listing.examples.is_empty() {
            rows.push([chapter, "—".into(), "—".into(), "no examples yet".into()]);
            continue;
        }
        for (i, example) in listing.examples.iter().enumerate() {
            let variants: Vec<&str> = example.variants.iter().map(|v| v.name.as_str()).collect();
            rows.push([
                if i == 0 {
                    chapter.clone()
                } else {
                    String::new()
                },
                example.name.clone(),
                variants.join(", "),
                example.summary.clone(),
            ]);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing() -> ChapterListing {
        let variant = |name: &str| VariantListing {
            name: name.into(),
            summary: format!("what {name} does"),
        };
        ChapterListing {
            number: 12,
            title: "Deadlocks and livelock".into(),
            examples: vec![
                ExampleListing {
                    name: "dining-philosophers".into(),
                    summary: "five philosophers, five forks: the deadlock when all take the \
                              left fork first, and three fixes"
                        .into(),
                    variants: ["broken", "ordered", "try-lock", "arbitrator"]
                        .map(variant)
                        .to_vec(),
                },
                ExampleListing {
                    name: "livelock".into(),
                    summary: "busy".into(),
                    variants: vec![],
                },
            ],
        }
    }

    #[test]
    fn a_chapter_listing_becomes_one_row_per_example() {
        assert_eq!(
            rows(&[listing()]),
            [
                [
                    "12 Deadlocks and livelock",
                    "dining-philosophers",
                    "broken, ordered, try-lock, arbitrator",
                    "five philosophers, five forks: the deadlock when all take the left fork \
                     first, and three fixes"
                ],
                ["", "livelock", "", "busy"],
            ]
        );
    }

    #[test]
    fn the_table_fits_the_width_it_is_given() {
        for width in [60, 80, 100] {
            let text = render(&[listing()], width);
            let widest = text.lines().map(|l| l.chars().count()).max();
            assert!(widest <= Some(usize::from(width)), "{width}:\n{text}");
            assert!(text.contains("dining-philosophers"), "{text}");
        }
    }

    /// The chapters' own registries, compiled: what `chapter-N list --json` prints.
    fn compiled() -> Vec<&'static common::Chapter> {
        vec![
            &chapter_1::CHAPTER,
            &chapter_2::CHAPTER,
            &chapter_3::CHAPTER,
            &chapter_4::CHAPTER,
            &chapter_5::CHAPTER,
            &chapter_6::CHAPTER,
            &chapter_7::CHAPTER,
            &chapter_8::CHAPTER,
            &chapter_9::CHAPTER,
            &chapter_10::CHAPTER,
            &chapter_11::CHAPTER,
            &chapter_12::CHAPTER,
            &chapter_13::CHAPTER,
            &chapter_14::CHAPTER,
            &chapter_15::CHAPTER,
            &chapter_16::CHAPTER,
            &chapter_17::CHAPTER,
            &chapter_18::CHAPTER,
            &chapter_19::CHAPTER,
            &chapter_20::CHAPTER,
            &chapter_21::CHAPTER,
        ]
    }

    fn listing_of(chapter: &common::Chapter) -> ChapterListing {
        ChapterListing {
            number: chapter.number,
            title: chapter.title.into(),
            examples: chapter
                .examples
                .iter()
                .map(|e| ExampleListing {
                    name: e.name.into(),
                    summary: e.summary.into(),
                    variants: e
                        .variants
                        .iter()
                        .map(|v| VariantListing {
                            name: v.name.into(),
                            summary: v.summary.into(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn every_registry_read_from_source_is_the_compiled_one() {
        let chapters = workspace::discover(&workspace::root()).expect("chapters");
        let compiled = compiled();
        assert_eq!(
            chapters.iter().map(|c| c.number).collect::<Vec<_>>(),
            compiled.iter().map(|c| c.number).collect::<Vec<_>>(),
            "a chapter without its registry here: add it to xtask's dev-dependencies and to \
             `compiled()`"
        );
        for (chapter, registry) in chapters.iter().zip(compiled) {
            let read = registry::read(&chapter.dir)
                .unwrap_or_else(|e| panic!("{}: {e:#}", chapter.label()));
            assert_eq!(read, listing_of(registry), "{}", chapter.label());
        }
    }
}

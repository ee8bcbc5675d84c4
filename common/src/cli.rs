//! The chapter command line, the same for every chapter binary:
//!
//! ```text
//! chapter-12                       the tour: every example and variant, quick settings
//! chapter-12 list                  the examples, their variants and what --threads means
//! chapter-12 run <example> [--variant NAME] [--threads N] [--quick] [--seed S]
//! ```
//!
//! `--json` (anywhere) prints one JSON object per outcome instead of the human report.
//! `--trace FILE` (anywhere) records every thread's `tracing` spans during the runs (one span per
//! example run, plus the chapter's own) and writes them as a Chrome trace to open at
//! <https://ui.perfetto.dev>; see [`crate::trace`]. Exit codes: 0 every run showed what it
//! teaches, 1 some did not (or failed, or the trace could not be written at the end), 2 usage
//! error, reported in one line that names the valid choices — a `--trace` path that cannot be
//! created is one, caught before anything runs.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::outcome::{Outcome, Verdict};
use crate::registry::{Chapter, Example, RunConfig};
use crate::report;
use crate::timing::Stopwatch;

/// No example takes more threads than this, whatever its own limit says.
pub const MAX_THREADS: usize = 1024;

#[derive(Debug, Parser)]
#[command(
    disable_version_flag = true,
    after_help = "With no command, runs the chapter's tour: every example, quick settings.\n\
                  With --trace FILE, open the file at https://ui.perfetto.dev (Open trace file): \
                  one row per thread, one bar per span."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print one JSON object per outcome instead of the human report.
    #[arg(long, global = true)]
    json: bool,
    /// With the tour: every run in full (narrative, tables, every figure), not just its result,
    /// key figure and notice.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Record every thread's spans and write a Chrome trace (JSON) to FILE, for
    /// https://ui.perfetto.dev; with the tour, one file for the whole tour.
    #[arg(long, global = true, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every example and variant with quick settings (the default).
    Tour {
        /// Seed for pseudo-random choices.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// List the examples, their variants and what --threads means for each.
    List,
    /// Run one example (all its variants, or the one named by --variant).
    Run(RunArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The example to run (see `list`).
    example: String,
    /// Run only this variant (e.g. broken, ordered).
    #[arg(long)]
    variant: Option<String>,
    /// Number of threads (philosophers, workers, ...; see `list`).
    #[arg(long)]
    threads: Option<u64>,
    /// Quick settings: smaller workloads.
    #[arg(long)]
    quick: bool,
    /// Seed for pseudo-random choices.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// A usage error: one line, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// What to do, once the arguments are parsed and validated.
#[derive(Debug)]
enum Plan {
    List,
    /// The runs, and whether they are the tour (whose reports are short unless `--verbose`).
    Runs {
        runs: Vec<(&'static Example, RunConfig)>,
        tour: bool,
    },
}

/// Runs the chapter's command line with the process arguments. Call it from `main`.
pub fn main(chapter: &'static Chapter) -> ExitCode {
    run_with_args(chapter, std::env::args_os())
}

/// Runs the chapter's command line with the given arguments (the first is the program name).
pub fn run_with_args(
    chapter: &'static Chapter,
    args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
) -> ExitCode {
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // A tool parses its own arguments; dispatch on its name before clap sees them. `run <tool>`
    // works too, so a tool and the examples are started the same way.
    let tool_at = |i: usize| {
        args.get(i)
            .and_then(|name| chapter.tools.iter().find(|tool| name == tool.name))
    };
    let dispatch = match tool_at(1) {
        Some(tool) => Some((tool, 1)),
        None if args.get(1).is_some_and(|a| a == "run") => tool_at(2).map(|tool| (tool, 2)),
        None => None,
    };
    if let Some((tool, at)) = dispatch {
        return (tool.run)(args[at..].to_vec());
    }
    let command = command_for(chapter);
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let json = cli.json;
    let verbose = cli.verbose;
    let trace = cli.trace.clone();
    match plan(chapter, cli) {
        Err(UsageError(reason)) => {
            eprintln!("error: {reason}");
            ExitCode::from(2)
        }
        Ok(Plan::List) => {
            let text = if json {
                report::chapter_json(chapter)
            } else {
                report::chapter_table(chapter)
            };
            // A closed pipe (`list | head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            ExitCode::SUCCESS
        }
        Ok(Plan::Runs { runs, tour }) => {
            // Opened before the runs, so a path that cannot be written is a usage error that
            // costs nothing; the subscriber exists only for a traced run.
            let session = match trace.as_deref().map(crate::trace::Session::start) {
                None => None,
                Some(Ok(session)) => Some(session),
                Some(Err(reason)) => {
                    eprintln!("error: {reason}");
                    return ExitCode::from(2);
                }
            };
            let output = if json {
                Output::Json
            } else if tour && !verbose {
                Output::Human(report::Detail::Short)
            } else {
                Output::Human(report::Detail::Full)
            };
            let code = execute(chapter, &runs, output);
            match session.map(crate::trace::Session::finish) {
                None => code,
                Some(Ok(summary)) => {
                    // Under --json, stdout carries only the outcomes.
                    if json {
                        eprintln!("{summary}");
                    } else {
                        let _ = writeln!(std::io::stdout().lock(), "{summary}");
                    }
                    code
                }
                Some(Err(e)) => {
                    eprintln!("error: the trace could not be written: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The chapter's clap command: the shared subcommands, and its tools for `--help`.
fn command_for(chapter: &Chapter) -> clap::Command {
    let mut command = Cli::command()
        .name(format!("chapter-{}", chapter.number))
        .about(format!(
            "Chapter {} — {}: the book's examples redone in Rust",
            chapter.number, chapter.title
        ));
    // Listed in `--help` only: `run_with_args` dispatches to a tool before clap parses.
    for tool in chapter.tools {
        command = command.subcommand(
            clap::Command::new(tool.name)
                .about(format!("{} (see `{} --help`)", tool.summary, tool.name)),
        );
    }
    command
}

/// Help goes to stdout with exit 0; every other clap error becomes one line and exit 2.
/// Shared by the chapter binaries and `cargo xtask`.
pub fn clap_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    eprintln!("{}", one_line(&error));
    ExitCode::from(2)
}

/// The first line of clap's rendered error, plus a pointer to `--help`. When that line ends in
/// a colon, the indented lines it introduces (the missing arguments) are joined onto it.
pub fn one_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let mut line = lines
        .next()
        .unwrap_or("error: invalid arguments")
        .to_string();
    if line.ends_with(':') {
        for more in lines.take_while(|l| l.starts_with(' ')) {
            line.push(' ');
            line.push_str(more.trim());
        }
    }
    format!("{line} (try --help)")
}

fn plan(chapter: &'static Chapter, cli: Cli) -> Result<Plan, UsageError> {
    match cli.command {
        Some(Command::List) => Ok(Plan::List),
        None => Ok(Plan::Runs {
            runs: tour(chapter, 42),
            tour: true,
        }),
        Some(Command::Tour { seed }) => Ok(Plan::Runs {
            runs: tour(chapter, seed),
            tour: true,
        }),
        Some(Command::Run(args)) => {
            resolve_run(chapter, args).map(|runs| Plan::Runs { runs, tour: false })
        }
    }
}

fn tour(chapter: &'static Chapter, seed: u64) -> Vec<(&'static Example, RunConfig)> {
    chapter
        .examples
        .iter()
        .flat_map(|example| {
            example.variants.iter().map(move |variant| {
                let mut config = RunConfig::quick(example, variant.name);
                config.seed = seed;
                (example, config)
            })
        })
        .collect()
}

fn resolve_run(
    chapter: &'static Chapter,
    args: RunArgs,
) -> Result<Vec<(&'static Example, RunConfig)>, UsageError> {
    let example = chapter.example(&args.example).ok_or_else(|| {
        UsageError(format!(
            "unknown example '{}' in chapter {}; valid examples: {}",
            args.example,
            chapter.number,
            chapter.example_names()
        ))
    })?;
    let threads = resolve_threads(example, args.threads)?;
    let variants: Vec<&'static str> = match &args.variant {
        None => example.variants.iter().map(|v| v.name).collect(),
        Some(name) => vec![
            example
                .variant(name)
                .ok_or_else(|| {
                    UsageError(format!(
                        "unknown variant '{name}' for {}; valid variants: {}",
                        example.name,
                        example.variant_names()
                    ))
                })?
                .name,
        ],
    };
    Ok(variants
        .into_iter()
        .map(|variant| {
            let config = RunConfig {
                example: example.name,
                variant,
                threads,
                quick: args.quick,
                seed: args.seed,
            };
            (example, config)
        })
        .collect())
}

fn resolve_threads(example: &Example, requested: Option<u64>) -> Result<usize, UsageError> {
    let Some(spec) = example.threads else {
        return match requested {
            None => Ok(1),
            Some(_) => Err(UsageError(format!(
                "{} does not take --threads (its thread count is part of the lesson)",
                example.name
            ))),
        };
    };
    let Some(n) = requested else {
        return Ok(spec.default);
    };
    let max = spec.max.min(MAX_THREADS);
    match usize::try_from(n) {
        Ok(n) if (spec.min..=max).contains(&n) => Ok(n),
        _ => Err(UsageError(format!(
            "--threads {n} is out of range for {}: give {} to {max} {}",
            example.name, spec.min, spec.meaning
        ))),
    }
}

/// How the outcomes are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// One JSON object per outcome.
    Json,
    /// The human report at this detail (a run that did not show its lesson is always in full).
    Human(report::Detail),
}

fn execute(chapter: &Chapter, runs: &[(&'static Example, RunConfig)], output: Output) -> ExitCode {
    let json = output == Output::Json;
    // A panic a lesson expects is reported inside its run's section, not printed (with a
    // backtrace, under RUST_BACKTRACE) before the section begins.
    crate::kept_panics::keep();
    let watch = Stopwatch::start();
    let mut showed = 0;
    if !json && runs.len() > 1 {
        let _ = writeln!(
            std::io::stdout().lock(),
            "Chapter {} — {}: {}{}{}",
            chapter.number,
            chapter.title,
            crate::format::counted(runs.len(), "runs"),
            if runs.iter().all(|(_, c)| c.quick) {
                " with quick settings"
            } else {
                ""
            },
            if output == Output::Human(report::Detail::Short) {
                "\nEach run's result, key figure and notice: --verbose for all it measured.\n"
            } else {
                "\n"
            }
        );
    }
    // A notice is said once: the variants of an example often share theirs.
    let mut noticed = std::collections::HashSet::new();
    let mut previous_example: Option<&str> = None;
    for (example, config) in runs {
        let outcome = run_one(chapter, example, config);
        if outcome.verdict == Verdict::Showed {
            showed += 1;
        }
        let text = match output {
            Output::Json => report::json_line(&outcome),
            Output::Human(detail) => {
                let detail = match outcome.verdict {
                    Verdict::Showed => detail,
                    Verdict::DidNotShow => report::Detail::Full,
                };
                let first_time = noticed.insert(outcome.notice.clone());
                report::human_with(&outcome, detail, first_time)
            }
        };
        // Short reports are a line or two: a blank line only between examples.
        let short = text.lines().next().is_some_and(|l| !l.starts_with("──"));
        let gap = match (short, previous_example) {
            (true, Some(previous)) if previous == example.name => "",
            (true, Some(_)) => "\n",
            (true, None) => "",
            (false, _) => "\n",
        };
        previous_example = Some(example.name);
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let written = match output {
            Output::Json => writeln!(stdout, "{text}"),
            Output::Human(_) if short => write!(stdout, "{gap}{text}"),
            Output::Human(_) => write!(stdout, "{text}{gap}"),
        };
        if written.is_err() {
            break;
        }
    }
    if !json {
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}{showed} of {} showed what they teach, in {}",
            if output == Output::Human(report::Detail::Short) {
                "\n"
            } else {
                ""
            },
            crate::format::counted(runs.len(), "runs"),
            crate::format::seconds(watch.seconds())
        );
    }
    if showed == runs.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs one example variant; an error or a panic becomes a `DidNotShow` outcome that says why.
fn run_one(chapter: &Chapter, example: &Example, config: &RunConfig) -> Outcome {
    // Under --trace, the run's bar on the calling thread's row, named after the example; a
    // disabled span (no --trace) costs one check.
    let _span = tracing::info_span!(
        "example",
        label = example.name,
        variant = config.variant,
        chapter = chapter.number
    )
    .entered();
    let watch = Stopwatch::start();
    let result = std::panic::catch_unwind(|| (example.run)(config));
    let mut outcome = match result {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(error)) => Outcome::new(example.name, config.variant, Verdict::DidNotShow)
            .line(format!("error: {error:#}")),
        Err(payload) => {
            Outcome::new(example.name, config.variant, Verdict::DidNotShow).line(format!(
                "panicked: {}",
                crate::watchdog::panic_message(payload.as_ref())
            ))
        }
    };
    outcome.chapter = chapter.number;
    outcome.seconds = watch.seconds();
    for panic in crate::kept_panics::take() {
        if !outcome.mentions(&panic.message) {
            outcome.narrative.push(format!("caught a panic: {panic}"));
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::ThreadsSpec;
    use crate::variant::Variant;

    fn demo(config: &RunConfig) -> anyhow::Result<Outcome> {
        Ok(
            Outcome::new("demo", config.variant, Verdict::Showed).figure(
                "threads",
                config.threads as f64,
                "threads",
            ),
        )
    }

    static CHAPTER: Chapter = Chapter {
        number: 99,
        title: "Test chapter",
        tools: &[],
        examples: &[
            Example {
                name: "demo",
                summary: "a demo",
                variants: &[
                    Variant {
                        name: "broken",
                        summary: "b",
                    },
                    Variant {
                        name: "fixed",
                        summary: "f",
                    },
                ],
                threads: Some(ThreadsSpec {
                    meaning: "workers",
                    default: 4,
                    min: 2,
                    max: 64,
                }),
                run: demo,
            },
            Example {
                name: "fixed-threads",
                summary: "no --threads",
                variants: &[Variant {
                    name: "only",
                    summary: "o",
                }],
                threads: None,
                run: demo,
            },
        ],
    };

    static TOOL_CALLS: std::sync::Mutex<Vec<Vec<String>>> = std::sync::Mutex::new(Vec::new());

    fn record_tool(args: Vec<std::ffi::OsString>) -> ExitCode {
        let args = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        TOOL_CALLS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(args);
        ExitCode::SUCCESS
    }

    static WITH_TOOL: Chapter = Chapter {
        number: 98,
        title: "Tool chapter",
        tools: &[crate::registry::Tool {
            name: "serve",
            summary: "serve forever",
            run: record_tool,
        }],
        examples: &[],
    };

    #[test]
    fn a_tool_gets_its_own_arguments_and_appears_in_help() {
        let _ = run_with_args(&WITH_TOOL, ["chapter-98", "serve", "--port", "8080"]);
        let _ = run_with_args(&WITH_TOOL, ["chapter-98", "run", "serve", "--quick"]);
        assert_eq!(
            *TOOL_CALLS.lock().unwrap_or_else(|e| e.into_inner()),
            [
                vec!["serve".to_string(), "--port".into(), "8080".into()],
                vec!["serve".to_string(), "--quick".into()]
            ]
        );
        let help = command_for(&WITH_TOOL).render_help().to_string();
        assert!(help.contains("serve forever"), "{help}");
    }

    fn parse(args: &[&str]) -> Result<Plan, UsageError> {
        let cli = Cli::try_parse_from(std::iter::once("chapter-99").chain(args.iter().copied()))
            .map_err(|e| UsageError(e.to_string()))?;
        plan(&CHAPTER, cli)
    }

    fn runs(args: &[&str]) -> Vec<(&'static str, &'static str, usize)> {
        match parse(args) {
            Ok(Plan::Runs { runs, .. }) => runs
                .iter()
                .map(|(e, c)| (e.name, c.variant, c.threads))
                .collect(),
            other => panic!("expected runs, got {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        match parse(args) {
            Err(UsageError(reason)) => reason,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn no_arguments_is_the_tour_of_every_variant() {
        assert_eq!(
            runs(&[]),
            [
                ("demo", "broken", 4),
                ("demo", "fixed", 4),
                ("fixed-threads", "only", 1)
            ]
        );
    }

    #[test]
    fn run_picks_variants_and_threads() {
        assert_eq!(
            runs(&["run", "demo", "--variant", "fixed", "--threads", "8"]),
            [("demo", "fixed", 8)]
        );
        assert_eq!(runs(&["run", "demo"]).len(), 2);
        assert!(matches!(parse(&["list"]), Ok(Plan::List)));
    }

    #[test]
    fn bad_input_is_a_one_line_usage_error_naming_the_choices() {
        let unknown = usage_error(&["run", "nope"]);
        assert!(
            unknown.contains("valid examples: demo, fixed-threads"),
            "{unknown}"
        );
        let variant = usage_error(&["run", "demo", "--variant", "nope"]);
        assert!(
            variant.contains("valid variants: broken, fixed"),
            "{variant}"
        );
        for threads in ["0", "1", "65", "99999999999"] {
            let reason = usage_error(&["run", "demo", "--threads", threads]);
            assert!(reason.contains("give 2 to 64 workers"), "{reason}");
        }
        let none = usage_error(&["run", "fixed-threads", "--threads", "3"]);
        assert!(none.contains("does not take --threads"), "{none}");
        for reason in [unknown, variant, none] {
            assert_eq!(reason.lines().count(), 1);
        }
    }

    #[test]
    fn trace_is_a_common_option_and_a_bad_path_is_a_usage_error() {
        for args in [
            &["run", "demo", "--trace", "out.json"][..],
            &["--trace", "out.json", "tour"],
            &["--trace", "out.json"],
        ] {
            let cli =
                Cli::try_parse_from(std::iter::once("chapter-99").chain(args.iter().copied()))
                    .expect("parses");
            assert_eq!(cli.trace.as_deref(), Some(std::path::Path::new("out.json")));
        }
        let help = command_for(&CHAPTER).render_help().to_string();
        assert!(help.contains("--trace <FILE>"), "{help}");
        assert!(help.contains("ui.perfetto.dev"), "{help}");
        let missing = std::env::temp_dir()
            .join("no-such-directory-for-chapter-99")
            .join("trace.json");
        let code = run_with_args(
            &CHAPTER,
            [
                "chapter-99".into(),
                "run".into(),
                "demo".into(),
                "--trace".into(),
                missing.into_os_string(),
            ],
        );
        assert_eq!(code, ExitCode::from(2));
    }

    #[test]
    fn outcomes_get_the_chapter_number_and_panics_become_failures() {
        fn panicking(_: &RunConfig) -> anyhow::Result<Outcome> {
            panic!("boom")
        }
        let example = Example {
            name: "panics",
            summary: "",
            variants: &[],
            threads: None,
            run: panicking,
        };
        let outcome = run_one(&CHAPTER, &example, &RunConfig::quick(&example, "x"));
        assert_eq!(outcome.chapter, 99);
        assert_eq!(outcome.verdict, Verdict::DidNotShow);
        assert_eq!(outcome.narrative, ["panicked: boom"]);
    }
}

//! `cargo xtask`: the project's runner, plain Rust instead of shell scripts (the cargo-xtask
//! pattern; `.cargo/config.toml` aliases `cargo xtask` to `cargo run --package xtask --`).
//!
//! ```text
//! cargo xtask list                              every chapter's examples, in one table
//! cargo xtask run 12 [example] [options...]     a chapter's tour, or one example
//! cargo xtask run-all [--chapters 12,14] [--timeout SECS] [--repeat N] [--stress]
//!                                               every tour under a time limit, one summary
//! cargo xtask test                              plain, shuttle and loom passes, exercise verify
//! cargo xtask exercise list|next|check|watch|hint|solution|reset|verify
//! cargo xtask grade [--json] [--solutions] [--exercises 12.1,16]
//!                                               every exercise graded, for an autograder
//! cargo xtask bench [--chapters 2,16]           measured examples at full size: results/
//! cargo xtask tidy                              the house rules the tidy test enforces
//! cargo xtask new example 12 lock-timeout       a new example's files and entries
//! cargo xtask new exercise 12 tally             a new exercise: solution, starter, suite, mutants
//! cargo xtask book [--check]                    the course as a book in target/book, links checked
//! ```
//!
//! Exit codes: 0 success, 1 something failed, 2 usage error (one line naming the valid choices).

mod bench;
mod binaries;
mod book;
/// The applier the chapters' build script turns mutant diffs into Rust with: `verify` reads a
/// mutant as the build compiles it, and `new exercise` proves the diffs it writes apply.
#[path = "../../chapters/course_build_mutants.rs"]
#[allow(
    dead_code,
    reason = "the build script's generator runs there, not here"
)]
mod course_build_mutants;
mod exercise;
mod exercise_loop;
mod exercises;
mod grade;
mod grade_report;
mod libtest;
mod list;
mod new;
mod process;
mod run;
mod run_all;
mod scan;
mod stress;
mod test_cmd;
mod tidy;
mod tidy_code;
mod verify;
mod workspace;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// A usage error: printed as one line, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "The project's runner: list, run and check every chapter's examples; test; exercises.",
    disable_version_flag = true,
    arg_required_else_help = false
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every chapter's examples in one table (read from their sources: nothing is built).
    List,
    /// Run a chapter's tour, or one of its examples, in release mode.
    #[command(after_help = "Examples:\n  \
        cargo xtask run 12                              the tour of chapter 12\n  \
        cargo xtask run 12 two-locks --variant broken   one example, one variant\n  \
        cargo xtask run 12 --json                       the tour, as JSON lines\n  \
        cargo xtask run 12 list                         the chapter's examples")]
    Run {
        /// The chapter number, e.g. 12.
        chapter: String,
        /// The example and its options (--variant, --threads, --quick, --seed, --json), passed
        /// to the chapter binary; none runs the tour.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "EXAMPLE [OPTIONS]"
        )]
        args: Vec<String>,
    },
    /// Run every chapter's tour under a time limit and summarize the verdicts.
    RunAll {
        /// Only these chapters, comma-separated (e.g. 12,14).
        #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
        chapters: Vec<String>,
        /// Time limit per chapter, in seconds; an overrunning chapter is killed.
        #[arg(long, default_value_t = 120, value_name = "SECS",
              value_parser = clap::value_parser!(u64).range(1..=86_400))]
        timeout: u64,
        /// Tour everything this many times (built once), one line a round, then min/median/max
        /// tour time and the timeouts: the no-hang check.
        #[arg(long, default_value_t = 1, value_name = "N",
              value_parser = clap::value_parser!(u32).range(1..=1_000))]
        repeat: u32,
        /// Keep every core busy with spinning threads while touring (a loaded machine): each
        /// broken variant must still show its bug.
        #[arg(long)]
        stress: bool,
        /// A row per run (verdict, key figure, time) instead of a row per chapter.
        #[arg(long, conflicts_with = "json")]
        full: bool,
        /// Every outcome as a JSON line on stdout (the counts go to stderr).
        #[arg(long)]
        json: bool,
    },
    /// The project's tests: the workspace, then shuttle and loom passes, then exercise verify.
    Test,
    /// Contributors: generate what a new example or exercise needs (see CONTRIBUTING.md).
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Coursework: list, check your solution, get hints, see the reference solution.
    #[command(arg_required_else_help = false)]
    Exercise {
        #[command(subcommand)]
        command: ExerciseCommand,
    },
    /// Grade every exercise (the learner's files, or the reference solutions) for an autograder.
    #[command(
        after_help = "Exit code: 0 when every graded exercise passed, 1 otherwise.\n\
        Examples:\n  \
        cargo xtask grade                       your files, as a table\n  \
        cargo xtask grade --json > grade.json   the same, for an autograder\n  \
        cargo xtask grade --solutions --json    the reference solutions (checks the grader)\n  \
        cargo xtask grade --exercises 12,16.2   chapter 12's exercises and exercise 16.2"
    )]
    Grade {
        /// Print one JSON report on stdout (progress goes to stderr).
        #[arg(long)]
        json: bool,
        /// Grade the reference solutions instead of the learner's files.
        #[arg(long)]
        solutions: bool,
        /// Only these exercises or chapters, comma-separated (e.g. 12.1,16).
        #[arg(long, value_delimiter = ',', value_name = "ID|N,...")]
        exercises: Vec<String>,
    },
    /// Run the measured examples at full size and write results/RESULTS.md and SVG plots.
    #[command(
        after_help = "Takes a few minutes; run it on an otherwise idle machine.\n\
        Writes results/RESULTS.md, results/results.json and results/*.svg, and refreshes the\n\
        results table in README.md between its bench markers."
    )]
    Bench {
        /// Only these chapters, comma-separated (e.g. 2,16); the other chapters' results are
        /// kept from the last bench in the same folder.
        #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
        chapters: Vec<String>,
        /// Where to write the results (default: results/ at the workspace root).
        #[arg(long, value_name = "DIR")]
        out: Option<std::path::PathBuf>,
    },
    /// Check the house rules (module docs, exercises.toml consistency).
    Tidy,
    /// Build the course as a browsable book (mdBook) in target/book, then check its links.
    #[command(
        after_help = "Generates the book's source into target/book-src (from the READMEs, \
        exercises.toml\n\
        and results/), builds it with mdbook into target/book and checks that every internal \
        link\n\
        and image in its HTML resolves. The first run installs mdbook into target/tools (cargo\n\
        install, a minute or two).\n\
        Examples:\n  \
        cargo xtask book           build it; broken links are warnings\n  \
        cargo xtask book --check   the same, and a broken link fails (exit 1): what CI runs"
    )]
    Book {
        /// Fail (exit 1) on a link or image that does not resolve in the built book, or on a
        /// README link to a file that does not exist.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Subcommand)]
enum NewCommand {
    /// A new example in a chapter: its concept file (variants enum, lesson, run), its registry
    /// entry, a test that every variant shows its lesson, and its README section.
    #[command(
        after_help = "Example:\n  cargo xtask new example 12 lock-timeout --summary \"a lock taken with a deadline\""
    )]
    Example {
        /// The chapter number, e.g. 12.
        chapter: String,
        /// The example's name, kebab-case: what `run NAME` takes.
        name: String,
        /// One line for `list` and the README.
        #[arg(long, default_value = "a new example (say in one line what it shows)")]
        summary: String,
    },
    /// A new exercise N.K in a chapter: its reference solution and starter, its suite (real
    /// threads and the model checker), three mutants the suite must catch, its `exercises.toml`
    /// entry and its README line. `exercise verify` passes on it as generated.
    #[command(
        after_help = "Example:\n  cargo xtask new exercise 12 tally --title \"A tally no add escapes\""
    )]
    Exercise {
        /// The chapter number, e.g. 12.
        chapter: String,
        /// The exercise's name, kebab-case: its module and file names.
        name: String,
        /// The title `exercise list` shows.
        #[arg(
            long,
            default_value = "A new exercise (say in one line what the learner writes)"
        )]
        title: String,
    },
}

#[derive(Debug, Subcommand)]
enum ExerciseCommand {
    /// List the exercises and your progress.
    List,
    /// Grade your solution of an exercise (e.g. 12.1).
    Check {
        /// The exercise id, e.g. 12.1.
        id: String,
    },
    /// Show the next hint for an exercise (and the ones shown before).
    Hint {
        /// The exercise id, e.g. 12.1.
        id: String,
    },
    /// Print the reference solution of an exercise.
    Solution {
        /// The exercise id, e.g. 12.1.
        id: String,
    },
    /// Name the first exercise (in chapter order) that is not done yet, with its task.
    Next,
    /// Check an exercise (the next one by default), then again on every save; move on after a
    /// pass. Ctrl-C stops.
    Watch {
        /// The exercise id, e.g. 12.1 (default: the first one not done).
        id: Option<String>,
    },
    /// Put an exercise's starter back as committed and forget its hints and progress.
    Reset {
        /// The exercise id, e.g. 12.1.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Maintainers: every starter compiles cleanly and fails, every solution passes, every
    /// committed mutant is caught.
    Verify {
        /// Only these exercises or chapters, comma-separated (e.g. 12.1,16).
        #[arg(long, value_delimiter = ',', value_name = "ID,...")]
        exercises: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return common::cli::clap_error(error),
    };
    match dispatch(&workspace::root(), cli.command) {
        Ok(code) => code,
        Err(error) => match error.downcast_ref::<UsageError>() {
            Some(UsageError(reason)) => {
                eprintln!("error: {reason}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn dispatch(root: &Path, command: Command) -> Result<ExitCode> {
    match command {
        Command::List => list::run(root),
        Command::Run { chapter, args } => run::run(root, &chapter, &args),
        Command::RunAll {
            chapters,
            timeout,
            repeat,
            stress,
            full,
            json,
        } => {
            let summary = match (full, json) {
                (_, true) => run_all::Summary::Json,
                (true, false) => run_all::Summary::EveryRun,
                (false, false) => run_all::Summary::ByChapter,
            };
            let tours = run_all::Tours {
                timeout_secs: timeout,
                repeat,
                stress,
            };
            run_all::run(root, &chapters, tours, summary)
        }
        Command::Test => test_cmd::run(root),
        Command::Exercise { command } => match command {
            ExerciseCommand::List => exercise::list(root),
            ExerciseCommand::Check { id } => exercise::check(root, &id),
            ExerciseCommand::Hint { id } => exercise::hint(root, &id),
            ExerciseCommand::Solution { id } => exercise::solution(root, &id),
            ExerciseCommand::Next => exercise_loop::next(root),
            ExerciseCommand::Watch { id } => exercise_loop::watch(root, id.as_deref()),
            ExerciseCommand::Reset { id, yes } => exercise_loop::reset(root, &id, yes),
            ExerciseCommand::Verify { exercises } => {
                Ok(if verify::run(root, &exercises, verify::Solutions::Run)? {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                })
            }
        },
        Command::Grade {
            json,
            solutions,
            exercises,
        } => grade_report::run(root, &exercises, solutions, json),
        Command::Bench { chapters, out } => bench::run(root, &chapters, out.as_deref()),
        Command::Tidy => tidy::run(root),
        Command::Book { check } => book::run(root, check),
        Command::New { what } => {
            let (created, next) = match what {
                NewCommand::Example {
                    chapter,
                    name,
                    summary,
                } => (new::example(root, &chapter, &name, &summary)?, "the lesson"),
                NewCommand::Exercise {
                    chapter,
                    name,
                    title,
                } => (
                    new::exercise(root, &chapter, &name, &title)?,
                    "the task, the solution and the mutants, starting",
                ),
            };
            for file in &created.files {
                println!("wrote {file}");
            }
            println!(
                "next: write {next} in {}, then `{}`",
                created.files[0], created.run
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("xtask").chain(args.iter().copied()))
    }

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_forwards_everything_after_the_chapter() {
        let Ok(Cli {
            command: Command::Run { chapter, args },
        }) = parse(&["run", "12", "two-locks", "--variant", "broken", "--json"])
        else {
            panic!("run parses");
        };
        assert_eq!(chapter, "12");
        assert_eq!(args, ["two-locks", "--variant", "broken", "--json"]);
        let Ok(Cli {
            command: Command::Run { args, .. },
        }) = parse(&["run", "12", "--json"])
        else {
            panic!("tour flags parse");
        };
        assert_eq!(args, ["--json"]);
    }

    #[test]
    fn run_all_takes_a_chapter_list_and_a_positive_timeout() {
        let Ok(Cli {
            command:
                Command::RunAll {
                    chapters,
                    timeout,
                    repeat,
                    stress,
                    full,
                    json,
                },
        }) = parse(&["run-all", "--chapters", "12,14"])
        else {
            panic!("run-all parses");
        };
        assert_eq!(chapters, ["12", "14"]);
        assert_eq!(timeout, 120);
        assert_eq!(repeat, 1);
        assert!(!stress, "an unloaded machine by default");
        assert!(!full && !json, "a row per chapter by default");
        assert!(parse(&["run-all", "--full", "--json"]).is_err());
        assert!(parse(&["run-all", "--repeat", "0"]).is_err());
        assert!(parse(&["run-all", "--timeout", "0"]).is_err());
    }

    #[test]
    fn usage_errors_are_one_line() {
        for args in [
            &["nope"][..],
            &[],
            &["run-all", "--timeout", "x"],
            &["exercise", "check"],
            &["exercise"],
        ] {
            let error = parse(args).expect_err("usage error");
            let line = common::cli::one_line(&error);
            assert!(line.starts_with("error: "), "{line}");
            assert!(line.ends_with(" (try --help)"), "{line}");
            assert_eq!(line.lines().count(), 1, "{line}");
        }
        let missing = common::cli::one_line(&parse(&["exercise", "check"]).expect_err("no id"));
        assert!(missing.contains("not provided: <ID> (try"), "{missing}");
    }
}

//! The example registry: what a chapter is (number, title, examples) and what an example is
//! (name, summary, variants, the run function), plus the validated settings a run receives.
//!
//! A chapter's `lib.rs` builds one [`Chapter`] value and its `main.rs` hands it to
//! [`crate::cli::main`]. Nothing else is needed for `list`, `run`, the tour and `--json`.

use std::time::Duration;

use crate::outcome::{Outcome, Verdict};
use crate::variant::{Variant, Variants};

/// One chapter of the book, redone in Rust.
#[derive(Debug)]
pub struct Chapter {
    /// The book's chapter number (20 and 21 are the bonus chapters).
    pub number: u32,
    /// The chapter's title.
    pub title: &'static str,
    /// Its examples, in tour order.
    pub examples: &'static [Example],
    /// Extra subcommands beside `tour`, `list` and `run` (e.g. `serve`: a server left running
    /// for curl or nc). Most chapters have none.
    pub tools: &'static [Tool],
}

/// A chapter subcommand that is not an example: it parses its own arguments (clap, with
/// `--help`) and runs until it is done or interrupted, e.g. `chapter-5 serve --port 8080`.
#[derive(Debug)]
pub struct Tool {
    /// The subcommand's name.
    pub name: &'static str,
    /// One line for `--help`.
    pub summary: &'static str,
    /// Runs the tool. `args[0]` is the tool's name, the rest are its arguments. Usage errors must
    /// exit 2 with one line: [`crate::cli::clap_error`] does that for a clap error.
    pub run: fn(Vec<std::ffi::OsString>) -> std::process::ExitCode,
}

impl Chapter {
    /// Finds an example by name.
    pub fn example(&self, name: &str) -> Option<&Example> {
        self.examples.iter().find(|e| e.name == name)
    }

    /// The example names, comma-separated (for error messages).
    pub fn example_names(&self) -> String {
        self.examples
            .iter()
            .map(|e| e.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How an example uses `--threads`: the meaning, the default and the sensible range.
#[derive(Debug, Clone, Copy)]
pub struct ThreadsSpec {
    /// What the count means for this example ("philosophers", "workers", ...).
    pub meaning: &'static str,
    /// Used when `--threads` is not given.
    pub default: usize,
    /// The smallest count that makes sense.
    pub min: usize,
    /// The largest count accepted; larger is a usage error, not a fork bomb.
    pub max: usize,
}

/// An example: a named run function with its variants.
#[derive(Debug)]
pub struct Example {
    /// The name given to `run`.
    pub name: &'static str,
    /// One line for `list`.
    pub summary: &'static str,
    /// The variants, in the order the tour runs them (the broken one first, then the fixes).
    pub variants: &'static [Variant],
    /// `Some` if the example accepts `--threads`.
    pub threads: Option<ThreadsSpec>,
    /// Runs one variant. Errors are real failures (an I/O error, say), reported with exit code 1.
    pub run: fn(&RunConfig) -> anyhow::Result<Outcome>,
}

impl Example {
    /// Finds a variant by name.
    pub fn variant(&self, name: &str) -> Option<&'static Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// The variant names, comma-separated (for error messages).
    pub fn variant_names(&self) -> String {
        self.variants
            .iter()
            .map(|v| v.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The validated settings one run receives. Built by the CLI, or directly by tests.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The example that runs (its name, as in `run <example>`).
    pub example: &'static str,
    /// The variant to run (always one of the example's variants).
    pub variant: &'static str,
    /// The thread count: `--threads`, or the example's default (1 if it takes none).
    pub threads: usize,
    /// Quick settings: smaller workloads, the tour's default.
    pub quick: bool,
    /// Seed for every pseudo-random choice, so a run can be replayed.
    pub seed: u64,
}

impl RunConfig {
    /// Settings for `variant` of `example` with its defaults: quick, default threads, seed 42.
    pub fn quick(example: &Example, variant: &'static str) -> Self {
        Self {
            example: example.name,
            variant,
            threads: example.threads.map_or(1, |t| t.default),
            quick: true,
            seed: 42,
        }
    }

    /// The variant to run, as the example's [`Variants`] enum. An unknown name is an error that
    /// lists the valid ones, never a fallback to some other variant (the CLI has validated the
    /// name against the same enum, so only a hand-built config can get here with a wrong one).
    pub fn variant_of<V: Variants>(&self) -> anyhow::Result<V> {
        V::parse(self.variant).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown variant '{}' for {}; valid variants: {}",
                self.variant,
                self.example,
                V::names()
            )
        })
    }

    /// Starts this run's outcome: example and variant filled in (the CLI adds the chapter).
    pub fn outcome(&self, verdict: Verdict) -> Outcome {
        Outcome::new(self.example, self.variant, verdict)
    }

    /// Returns this config with another thread count.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Picks the quick or the full value of a setting.
    pub fn pick<T>(&self, quick: T, full: T) -> T {
        if self.quick { quick } else { full }
    }

    /// The time budget for one run: about 2 s quick, more in full runs.
    pub fn budget(&self) -> Duration {
        self.pick(Duration::from_secs(2), Duration::from_secs(6))
    }
}

//! `common`: the one home of the chapters' scaffolding.
//!
//! Every chapter crate is a registry of examples handed to [`cli::main`]; everything around the
//! lessons lives here, once:
//!
//! - [`registry`]: what a chapter and an example are, and the settings a run receives;
//! - [`outcome`]: what a run returns (verdict, figures with units, tables, narrative, charts);
//! - [`plot`]: a chart of what a run measured, drawn as an SVG with plotters (feature `plot`);
//! - [`cli`]: the shared command line (`list`, `run`, the tour, `--json`, exit codes);
//! - [`cli_test`]: what every chapter's CLI tests check, derived from its registry;
//! - [`report`]: human and JSON rendering;
//! - [`format`](mod@format): the one way numbers are written (counts, durations, percentages, yes/no);
//! - [`kept_panics`]: panics kept for the run's report instead of printed with a backtrace;
//! - [`watchdog`]: thread groups under a deadline, with stall and livelock reports;
//! - `http` (feature `http`): the local HTTP status server and async client of chapters 5, 10, 11;
//! - `net` (feature `net`, Unix): a listening socket with the system's longest backlog;
//! - `process` (feature `process`, Unix): forked children, pipes read under a deadline, reaping;
//! - [`deadlock`]: tracked locks and the wait-for graph that names a deadlock's cycle;
//! - [`timing`]: stopwatch, speedup, efficiency, Amdahl's and Gustafson's laws;
//! - [`rng`]: a seeded generator so `--seed` replays a run;
//! - [`python`]: the chapters' own Python programs, run beside Rust under a deadline, one table;
//! - [`book`]: the book's inputs that several chapters use (the numbers tested for primality);
//! - [`sync`]: locks and threads from std, or from shuttle under `--cfg shuttle`;
//! - [`testing`]: for chapters' tests: run an example as the tour does, grade on a watched thread;
//! - [`trace`]: `--trace FILE`, every thread's `tracing` spans as a Chrome trace for Perfetto;
//! - [`variant`]: an example's variants as one enum ([`variants!`](crate::variants!)): names, summaries, parsing.

pub mod book;
pub mod cli;
pub mod cli_test;
pub mod deadlock;
pub mod format;
#[cfg(feature = "http")]
pub mod http;
pub mod kept_panics;
#[cfg(all(unix, feature = "net"))]
pub mod net;
pub mod outcome;
pub mod plot;
#[cfg(all(unix, feature = "process"))]
pub mod process;
pub mod python;
pub mod registry;
pub mod report;
pub mod rng;
pub mod sync;
pub mod testing;
pub mod timing;
pub mod trace;
pub mod variant;
pub mod watchdog;

pub use outcome::{Figure, Outcome, Plot, Series, TableData, Verdict};
pub use registry::{Chapter, Example, RunConfig, ThreadsSpec, Tool};
pub use variant::{Variant, Variants};

//! Graceful shutdown under load: stop a busy server and lose no answered request.
//!
//! Fifty clients hammer the server with requests, one at a time each, and the shutdown switch
//! (what Ctrl-C or SIGTERM flips in `serve`) is thrown mid-run. The server must stop accepting,
//! answer every request it had already read, close each connection after its last answer, and
//! end. The clients count every reply line they got; the server counts every request it
//! answered. The two counts must be equal — no answer the server produced was lost, none was
//! truncated, none was wrong — and every client must end by a clean close, never an error.
//!
//! Run: `cargo run -p chapter-18 -- run shutdown [--variant reactor|tokio]`.
//! Book: chapter 18's servers end only by KeyboardInterrupt, mid-whatever they were doing.

use std::time::{Duration, Instant};

use common::{Outcome, RunConfig, Verdict};

use crate::lifecycle::StatsSnapshot;
use crate::load::{LoadConfig, LoadReport};
use crate::protocol::Limits;
use crate::server::{Impl, start_local};

common::variants! {
    /// The server shut down under load.
    pub enum Target {
        /// The poll reactor.
        Reactor = "reactor": "50 clients, shutdown mid-run",
        /// The tokio server.
        Tokio = "tokio": "50 clients, shutdown mid-run",
    }
}

impl Target {
    /// The server to start.
    pub fn implementation(self) -> Impl {
        match self {
            Self::Reactor => Impl::Reactor,
            Self::Tokio => Impl::Tokio,
        }
    }
}

/// Runs `clients` clients against `implementation` and shuts it down once it has answered
/// `after` requests. Returns what the clients saw and what the server counted.
pub fn shutdown_under_load(
    implementation: Impl,
    clients: usize,
    after: u64,
) -> anyhow::Result<(LoadReport, StatsSnapshot)> {
    let server = start_local(implementation, Limits::default())?;
    let addr = server.addr;
    let mut config = LoadConfig::new(clients, 1_000_000);
    config.tolerate_close = true;
    config.io_timeout = Duration::from_secs(10);
    let load = std::thread::spawn(move || crate::load::run(addr, config));
    let until = Instant::now() + Duration::from_secs(10);
    // Every client connected (a connect refused after shutdown is no lost answer, but it would
    // blur the count) and `after` requests answered.
    let busy_enough = |s: StatsSnapshot| s.accepted >= clients as u64 && s.requests >= after;
    while !busy_enough(server.stats()) && Instant::now() < until && !load.is_finished() {
        std::thread::sleep(Duration::from_millis(5));
    }
    let stats = server.stop()?;
    let report = load
        .join()
        .map_err(|_| anyhow::anyhow!("load thread panicked"))??;
    Ok((report, stats))
}

/// Did the run lose nothing? Every reply received equals every request answered, no wrong or
/// extra line, no client error, and every client was closed by the server.
pub fn lost_nothing(report: &LoadReport, stats: &StatsSnapshot) -> bool {
    report.replies == stats.requests
        && report.wrong == 0
        && report.extra_lines == 0
        && report.failed_clients == 0
        && report.closed_by_server == report.clients as u64
}

/// The example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let implementation = config.variant_of::<Target>()?.implementation();
    let after = config.pick(5_000, 50_000);
    let (report, stats) = shutdown_under_load(implementation, 50, after)?;
    let ok = lost_nothing(&report, &stats);
    let mut outcome = config.outcome(Verdict::from(ok))
        .line(format!(
            "shutdown asked for after {after} answers; the server answered {} requests, the clients received {} replies",
            stats.requests, report.replies
        ))
        .line(format!(
            "{} of {} clients closed cleanly by the server; {} request(s) were sent after the server stopped reading (never received, never answered)",
            report.closed_by_server, report.clients, report.unanswered
        ))
        .key_figure("answered requests lost", stats.requests.abs_diff(report.replies) as f64, "requests")
        .figure("wrong or extra replies", (report.wrong + report.extra_lines) as f64, "replies")
        .figure("client errors", report.failed_clients as f64, "clients");
    for error in &report.errors {
        outcome = outcome.line(format!("error: {error}"));
    }
    Ok(outcome.notice("stop accepting, answer what was read, then close: the count of answers is the same on both ends"))
}

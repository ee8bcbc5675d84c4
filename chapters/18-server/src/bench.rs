//! Every implementation under the same load, in one table: throughput, latency percentiles, and
//! how long clients waited to be welcomed.
//!
//! Used by the `load` tool (any clients × requests, or one external server) and by the
//! `load-test` example (a small quick load, so the tour shows the table). The client and the
//! servers share this machine's cores, so the figures compare the designs, not the hardware.
//!
//! Run: `cargo run --release -p chapter-18 -- load --clients 100 --requests 200`, or
//! `cargo run -p chapter-18 -- run load-test`. Book: chapter 18 (no measurement there).

use common::{Outcome, RunConfig, TableData, Verdict};

use crate::load::{LoadConfig, LoadReport};
use crate::protocol::Limits;
use crate::server::{Impl, start_local};

/// One implementation's run under `config`.
pub fn measure(implementation: Impl, config: LoadConfig) -> anyhow::Result<LoadReport> {
    let limits = Limits {
        max_connections: config.clients.max(Limits::default().max_connections),
        ..Limits::default()
    };
    let server = start_local(implementation, limits)?;
    let report = crate::load::run(server.addr, config)?;
    server.stop()?;
    Ok(report)
}

fn ms(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// The comparison table's header.
pub const HEADER: [&str; 9] = [
    "server",
    "clients x requests",
    "answered",
    "errors",
    "throughput (req/s)",
    "p50 (ms)",
    "p99 (ms)",
    "p99 wait for welcome (ms)",
    "wall (s)",
];

/// One table row for `report`.
pub fn row(name: &str, requests_each: usize, report: &LoadReport) -> Vec<String> {
    vec![
        name.to_string(),
        format!("{} x {}", report.clients, requests_each),
        report.answered.to_string(),
        (report.wrong + report.extra_lines + report.failed_clients).to_string(),
        format!("{:.0}", report.throughput()),
        ms(report.latency(50.0)),
        ms(report.latency(99.0)),
        ms(report.welcome_wait(99.0)),
        format!("{:.2}", report.elapsed.as_secs_f64()),
    ]
}

/// The `load-test` example: each implementation under a small load.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let (clients, requests) = config.pick((20, 100), (100, 200));
    let mut table = TableData::new(
        format!("{clients} concurrent clients x {requests} requests, every answer checked"),
        &HEADER,
    );
    let mut outcome = Outcome::new("load-test", config.variant, Verdict::Showed);
    let mut all_correct = true;
    for implementation in Impl::ALL {
        let mut load = LoadConfig::new(clients, requests);
        load.seed = config.seed;
        let report = measure(implementation, load)?;
        all_correct &= report.all_correct(requests);
        table.row(row(implementation.name(), requests, &report));
        let name = format!("{} throughput", implementation.name());
        outcome = if implementation == Impl::Reactor {
            outcome.key_figure(name, report.throughput(), "req/s")
        } else {
            outcome.figure(name, report.throughput(), "req/s")
        };
        outcome = outcome.figure(
            format!("{} p99 latency", implementation.name()),
            report.latency(99.0).as_secs_f64() * 1e3,
            "ms",
        );
        for error in &report.errors {
            outcome = outcome.line(format!("{}: {error}", implementation.name()));
        }
    }
    outcome.verdict = Verdict::from(all_correct);
    Ok(outcome
        .table(table)
        .notice("the blocking server answers fast once it serves you; the wait for the welcome line is where its clients queue"))
}

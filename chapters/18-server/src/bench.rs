//! Every implementation under the same load, in one table: throughput, latency percentiles, and
//! how long clients waited to be welcomed.
//!
//! Used by the `load` tool (any clients × requests, or one external server) and by the
//! `load-test` example, which sweeps the number of concurrent clients — 1, 5, 20 in the tour;
//! 1, 10, 50, 100, 200 at full size — against one server of each kind and attaches four charts
//! for `cargo xtask bench`: request latency p50 and p99 (round trips on a connection already
//! welcomed, so each chart's subtitle says what they leave out), the p99 wait for the welcome
//! line (where the blocking server's clients queue), and throughput, each by concurrent clients
//! with one line per server. Every answer is checked, and
//! each server's own count of requests answered must equal the replies its clients received.
//! The client and the servers share this machine's cores, so the figures compare the designs,
//! not the hardware.
//!
//! Run: `cargo run --release -p chapter-18 -- load --clients 100 --requests 200`, or
//! `cargo run --release -p chapter-18 -- run load-test` (full size, ~10 s), `--quick` for the
//! tour's size. Book: chapter 18 (no measurement there).

use common::{Outcome, Plot, RunConfig, TableData, Verdict};

use crate::load::{LoadConfig, LoadReport};
use crate::protocol::Limits;
use crate::server::{Impl, start_local};

common::variants! {
    /// The one comparison.
    pub enum Comparison {
        /// Every server under the same sweep of loads.
        Compare = "compare": "blocking, reactor and tokio under the same load",
    }
}

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
    "clients × requests",
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
        format!("{} × {}", report.clients, requests_each),
        common::format::count(report.answered),
        common::format::count(report.wrong + report.extra_lines + report.failed_clients),
        common::format::count(report.throughput().round() as i128),
        ms(report.latency(50.0)),
        ms(report.latency(99.0)),
        ms(report.welcome_wait(99.0)),
        format!("{:.2}", report.elapsed.as_secs_f64()),
    ]
}

/// Concurrent clients at each step of the tour's sweep (`--quick`).
pub const QUICK_LEVELS: [usize; 3] = [1, 5, 20];
/// Concurrent clients at each step of the full-size sweep (`cargo xtask bench`).
pub const FULL_LEVELS: [usize; 5] = [1, 10, 50, 100, 200];
/// Requests each client sends: (quick, full size).
pub const REQUESTS: (usize, usize) = (50, 200);

/// One server, loaded at one level after another.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// Which server.
    pub implementation: Impl,
    /// One report a level, in the order of the levels.
    pub reports: Vec<LoadReport>,
    /// Requests the server itself counted as answered over the whole sweep.
    pub server_answered: u64,
}

impl Sweep {
    /// Reply lines the clients received over the whole sweep (mode switches and `bye` included,
    /// as the server counts them).
    pub fn client_replies(&self) -> u64 {
        self.reports.iter().map(|r| r.replies).sum()
    }

    /// Every level answered every request exactly once and correctly, and the server's count
    /// agrees with its clients'.
    pub fn all_correct(&self, requests_each: usize) -> bool {
        self.reports.iter().all(|r| r.all_correct(requests_each))
            && self.server_answered == self.client_replies()
    }
}

/// Starts one `implementation` server and runs `requests` requests from each of `clients`
/// concurrent clients against it, for each level of `levels` in turn (one server for the whole
/// sweep, so starting and stopping it is not measured), then stops it.
pub fn sweep(
    implementation: Impl,
    levels: &[usize],
    requests: usize,
    seed: u64,
) -> anyhow::Result<Sweep> {
    let most = levels.iter().copied().max().unwrap_or(1);
    let limits = Limits {
        max_connections: most.max(Limits::default().max_connections),
        ..Limits::default()
    };
    let server = start_local(implementation, limits)?;
    let mut reports = Vec::with_capacity(levels.len());
    for &clients in levels {
        let mut load = LoadConfig::new(clients, requests);
        load.seed = seed;
        reports.push(crate::load::run(server.addr, load)?);
    }
    let stats = server.stop()?;
    Ok(Sweep {
        implementation,
        reports,
        server_answered: stats.requests,
    })
}

fn millis(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The points `(clients, value)` of one series.
fn points(sweep: &Sweep, value: impl Fn(&LoadReport) -> f64) -> Vec<(f64, f64)> {
    sweep
        .reports
        .iter()
        .map(|r| (r.clients as f64, value(r)))
        .collect()
}

/// What a request's latency includes, for the charts and the outcome's lines.
pub const ROUND_TRIP: &str = "one request's round trip, from writing it to reading its answer, \
     on a connection already welcomed: connecting and the wait for the welcome line are not in it";

/// What the wait for the welcome includes.
pub const WELCOME_WAIT: &str = "from starting to connect to reading the welcome line: the \
     blocking server serves one client to the end before it welcomes the next, so later \
     clients queue here";

/// The four charts of the sweep, one line per server in each. The latency charts say what
/// they leave out, and where it went: a server that makes clients queue before their first
/// request looks fastest on round trips alone.
pub fn plots(sweeps: &[Sweep], requests: usize) -> Vec<Plot> {
    // Short titles: the chart is 760 pixels wide.
    let each = format!("{requests} requests each");
    let chart = |id: &str, title: String, y_label: &str, value: &dyn Fn(&LoadReport) -> f64| {
        sweeps.iter().fold(
            Plot::new(id, title, "concurrent clients", y_label),
            |plot, sweep| plot.measured(sweep.implementation.name(), points(sweep, value)),
        )
    };
    // Each server's wait at the heaviest level, said on every latency chart: the round trips
    // leave it out, and on the wait's own chart the small ones vanish beside the blocking one.
    let waits: Vec<String> = sweeps
        .iter()
        .filter_map(|s| {
            let report = s.reports.last()?;
            let wait = millis(report.welcome_wait(99.0));
            Some(format!("{} {wait:.1} ms", s.implementation.name()))
        })
        .collect();
    let most = sweeps
        .iter()
        .filter_map(|s| s.reports.last())
        .map(|r| r.clients)
        .max()
        .unwrap_or(0);
    let waits = format!(
        "p99 wait for the welcome at {most} clients: {}",
        waits.join(", ")
    );
    let round_trip = format!("{ROUND_TRIP}. {waits}");
    vec![
        chart(
            "chapter-18-latency-p50",
            format!("Round trip p50 once welcomed, by concurrent clients ({each})"),
            "p50 round trip after the welcome (ms)",
            &|r| millis(r.latency(50.0)),
        )
        .subtitle(round_trip.clone()),
        chart(
            "chapter-18-latency-p99",
            format!("Round trip p99 once welcomed, by concurrent clients ({each})"),
            "p99 round trip after the welcome (ms)",
            &|r| millis(r.latency(99.0)),
        )
        .subtitle(round_trip),
        chart(
            "chapter-18-welcome-wait-p99",
            "Wait for the welcome line, p99, by concurrent clients".to_string(),
            "p99 wait for welcome (ms)",
            &|r| millis(r.welcome_wait(99.0)),
        )
        .subtitle(format!("{WELCOME_WAIT}. {waits}")),
        chart(
            "chapter-18-throughput",
            format!("Throughput by concurrent clients ({each})"),
            "correct answers per second",
            &|r| r.throughput(),
        )
        .subtitle(
            "correct answers over the wall time of the whole level, connecting and every wait \
             included",
        ),
    ]
}

/// The `load-test` example: each implementation at each level of the sweep.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Comparison::Compare = config.variant_of()?;
    let levels: &[usize] = if config.quick {
        &QUICK_LEVELS
    } else {
        &FULL_LEVELS
    };
    let requests = config.pick(REQUESTS.0, REQUESTS.1);
    let level_list: Vec<String> = levels.iter().map(usize::to_string).collect();
    let mut table = TableData::new(
        format!(
            "{} concurrent clients × {requests} requests against each server, every answer checked",
            level_list.join(", ")
        ),
        &HEADER,
    );
    let mut outcome = config.outcome(Verdict::Showed);
    let mut all_correct = true;
    let mut sweeps = Vec::new();
    for implementation in Impl::ALL {
        let sweep = sweep(implementation, levels, requests, config.seed)?;
        all_correct &= sweep.all_correct(requests);
        for report in &sweep.reports {
            table.row(row(implementation.name(), requests, report));
            for error in &report.errors {
                outcome = outcome.line(format!("{}: {error}", implementation.name()));
            }
        }
        if sweep.server_answered != sweep.client_replies() {
            outcome = outcome.line(format!(
                "{}: the server answered {} but its clients received {}",
                implementation.name(),
                common::format::counted(sweep.server_answered, "requests"),
                common::format::counted(sweep.client_replies(), "replies")
            ));
        }
        // The headline figures are the heaviest level's.
        if let Some(report) = sweep.reports.last() {
            let name = format!("{} throughput", implementation.name());
            outcome = if implementation == Impl::Reactor {
                outcome.key_figure(name, report.throughput(), "req/s")
            } else {
                outcome.figure(name, report.throughput(), "req/s")
            };
            outcome = outcome
                .figure(
                    format!("{} p99 round trip once welcomed", implementation.name()),
                    millis(report.latency(99.0)),
                    "ms",
                )
                .figure(
                    format!("{} p99 wait for welcome", implementation.name()),
                    millis(report.welcome_wait(99.0)),
                    "ms",
                );
        }
        sweeps.push(sweep);
    }
    outcome.verdict = Verdict::from(all_correct);
    if all_correct {
        outcome = outcome.line(
            "Every request was answered exactly once and correctly, and each server counted as many answers as its clients received.",
        );
    }
    let most = levels.last().copied().unwrap_or(1);
    outcome = outcome
        .line(format!(
            "The figures under the table are at {most} concurrent clients."
        ))
        .line(format!("p50 and p99: {ROUND_TRIP}."))
        .line(format!("Wait for welcome: {WELCOME_WAIT}."));
    for plot in plots(&sweeps, requests) {
        outcome = outcome.plot(plot);
    }
    Ok(outcome
        .table(table)
        .notice("the blocking server answers fast once it serves you; the wait for the welcome line is where its clients queue"))
}

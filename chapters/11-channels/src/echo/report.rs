//! The report of the `echo` example: the verdict of a run, its figures (round trips per second,
//! p50/p99, connections), the round-trip table and what the server would have printed. Apart from
//! the server and its clients (`echo.rs`, `echo/clients.rs`) so the lesson is not interleaved
//! with the reporting.

use std::time::Duration;

use common::{Outcome, RunConfig, TableData, Verdict};

use super::{Behavior, EchoRun, EchoSettings, MESSAGE_BYTES};

/// The `p`th percentile (0–100) of sorted durations, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The outcome of `run`, made with `settings`: its verdict, figures, table and lines.
pub(super) fn outcome(config: &RunConfig, settings: EchoSettings, run: &EchoRun) -> Outcome {
    let s = &run.server;
    let clients = settings.clients as u64;
    let mut outcome = match settings.behavior {
        Behavior::Echo => {
            let total = run.rtts.len() as u64;
            let expected = clients * settings.messages as u64;
            let showed =
                total == expected && run.wrong_replies == 0 && run.client_errors.is_empty();
            let rate = total as f64 / run.elapsed.as_secs_f64().max(1e-9);
            let us = |d: Duration| d.as_secs_f64() * 1e6;
            let percentiles = [50.0, 90.0, 99.0, 100.0];
            let unit =
                common::format::TimeUnit::fitting(percentiles.map(|p| percentile(&run.rtts, p)));
            let mut table = TableData::new("round-trip time", &["percentile", unit.symbol()]);
            for p in percentiles {
                table.row([format!("p{p}"), unit.number(percentile(&run.rtts, p), 2)]);
            }
            config.outcome(Verdict::from(showed))
                .key_figure("round trips per second", rate.round(), "msg/s")
                .figure("clients", clients as f64, "clients")
                .figure("round trips", total as f64, "msg")
                .figure("p50 round trip", us(percentile(&run.rtts, 50.0)).round(), "µs")
                .figure("p99 round trip", us(percentile(&run.rtts, 99.0)).round(), "µs")
                .figure("wrong replies", run.wrong_replies as f64, "msg")
                .figure("peak open connections", s.peak_open as f64, "connections")
                .figure("total time", run.elapsed.as_secs_f64(), "s")
                .table(table)
                .line(format!(
                    "{clients} clients × {} messages of {MESSAGE_BYTES} bytes, each waiting for its `Echoed back: ...` before the next: {total} round trips in {}.",
                    settings.messages,
                    common::timing::human(run.elapsed)
                ))
                .notice("one task per connection: a hundred clients share a couple of threads; the round trip itself is microseconds, so p50 and p99 mostly measure waiting for a turn on those threads")
        }
        Behavior::EchoAndClose => {
            let showed = s.connections == clients
                && s.closed_by_server == clients
                && run.wrong_replies == 0
                && run.client_errors.is_empty();
            config.outcome(Verdict::from(showed))
                .key_figure("exact replies", (clients - run.wrong_replies.min(clients)) as f64, "replies")
                .figure("connections made", s.connections as f64, "connections")
                .figure("closed by the server", s.closed_by_server as f64, "connections")
                .figure("peak open connections", s.peak_open as f64, "connections")
                .figure("total time", run.elapsed.as_secs_f64(), "s")
                .line(format!("{clients} clients at once, each: send one line, read until the server closes."))
                .notice("the server closed each connection right after its reply: every client's read_to_end returned, with exactly `Echoed back: ...` in it")
        }
        Behavior::ReceiveOnly => {
            let showed = s.connections == clients
                && s.messages >= clients
                && run.wrong_replies == 0
                && run.client_errors.is_empty();
            config.outcome(Verdict::from(showed))
                .key_figure("messages received by the server", s.messages as f64, "msg")
                .figure("connections made", s.connections as f64, "connections")
                .figure("bytes received", s.bytes as f64, "B")
                .figure("bytes sent back", 0.0, "B")
                .figure("peak open connections", s.peak_open as f64, "connections")
                .figure("total time", run.elapsed.as_secs_f64(), "s")
                .line(format!("{clients} clients at once, each: send one line, half-close, read until the server closes."))
                .notice("the book's first server only prints what it gets: every client heard nothing back, and the server saw every connection and message")
        }
    };
    outcome = outcome.line("What the server would have printed (the first lines):");
    for line in &s.lines {
        outcome = outcome.line(format!("  {line}"));
    }
    if s.more_lines > 0 {
        outcome = outcome.line(format!(
            "  ... and {} more",
            common::format::counted(s.more_lines, "lines")
        ));
    }
    for error in run.client_errors.iter().take(5) {
        outcome = outcome.line(format!("client error: {error}"));
    }
    outcome
}

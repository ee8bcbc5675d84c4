//! The report of the `downloads` example: the table of the five downloads (bytes, writes, when
//! each ran, whether its file matched byte for byte), the overlap figures, and for `streamed` the
//! order the chunk writes happened in. Apart from the downloads (in `downloads.rs`) so the lesson
//! is not interleaved with the reporting.

use std::time::Duration;

use common::{Outcome, RunConfig, TableData, Verdict};

use super::{CHUNK, DownloadRun, DownloadSettings, Mode};

/// The outcome of `run`, made with `settings`: its verdict, figures, table and lines.
pub(super) fn outcome(
    config: &RunConfig,
    settings: DownloadSettings,
    run: &DownloadRun,
) -> Outcome {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let bytes: u64 = run.downloads.iter().map(|d| d.bytes).sum();
    let chunks: u64 = run.downloads.iter().map(|d| d.chunks).sum();
    let busy: Duration = run.downloads.iter().map(|d| d.span.1 - d.span.0).sum();
    let mut table = TableData::new(
        "the five downloads",
        &[
            "page",
            "stands for",
            "bytes",
            "writes",
            "from ms",
            "to ms",
            "byte for byte",
        ],
    );
    for d in &run.downloads {
        table.row([
            d.page.name.to_string(),
            d.page
                .stands_for
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_string(),
            common::format::count(d.bytes),
            common::format::count(d.chunks),
            format!("{:.0}", ms(d.span.0)),
            format!("{:.0}", ms(d.span.1)),
            if d.verified { "same" } else { "DIFFERENT" }.to_string(),
        ]);
    }
    let verified = run.downloads.iter().filter(|d| d.verified).count();
    let mut outcome = config
        .outcome(Verdict::from(run.all_verified()))
        .key_figure("total time", run.elapsed.as_secs_f64(), "s")
        .figure("bytes written", bytes as f64, "B")
        .figure("files verified byte for byte", verified as f64, "files")
        .figure("writes", chunks as f64, "writes")
        .figure("sum of the downloads' own times", busy.as_secs_f64(), "s")
        .figure(
            "overlap (sum of own times / total)",
            busy.as_secs_f64() / run.elapsed.as_secs_f64().max(1e-9),
            "x",
        )
        .table(table);
    outcome = match settings.mode {
        Mode::Sequential => outcome
            .line(format!(
                "Each request waits {} at the server (?sleep=: it stands for the network; latency is the subject). One after the other, the waits add up.",
                common::timing::human(settings.delay)
            ))
            .notice("sequential: the total is the sum of the five downloads — the program spends it waiting, not working"),
        Mode::Concurrent => outcome
            .line(format!(
                "Each request waits {} at the server (?sleep=: it stands for the network). Five tasks wait at once on one runtime.",
                common::timing::human(settings.delay)
            ))
            .notice("concurrent: the total is about the longest single download, and every file is still exact"),
        Mode::Streamed => outcome
            .figure("switches between files", run.switches() as f64, "switches")
            .line(format!(
                "The server sends each body in {CHUNK}-byte chunks, {} apart (a slow network); each chunk is written as it arrives.",
                common::timing::human(settings.delay)
            ))
            .line(format!("Write order (page index per chunk, first 40): {}", order_preview(&run.write_order)))
            .notice("the writes interleave: five files grow side by side, and none of them waits for another to finish"),
    };
    outcome
}

fn order_preview(order: &[usize]) -> String {
    order
        .iter()
        .take(40)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("")
}

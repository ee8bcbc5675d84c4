//! The chart a full `gil` run of `global-lock` attaches for `cargo xtask bench`: both loops'
//! throughput by thread count, each point the median of its row's runs with their spread, the
//! ideal line, and this machine's cores marked. The loops are timed in [`super`].

use common::Plot;

use super::{ScalingRow, million_steps_per_second};

/// The id of the chart a full `gil` run attaches (`cargo xtask bench` writes
/// `results/chapter-15-global-lock.svg`).
pub const PLOT_ID: &str = "chapter-15-global-lock";

/// The chart of both loops: throughput by thread count, measured, and the ideal line (one free
/// thread's rate times the threads that can run at once: `min(threads, cores)`).
pub fn scaling_plot(total: u64, gil: &[ScalingRow], free: &[ScalingRow], cores: usize) -> Plot {
    let points = |rows: &[ScalingRow]| -> Vec<(f64, f64)> {
        rows.iter()
            .map(|r| (r.threads as f64, million_steps_per_second(total, r.time)))
            .collect()
    };
    // Steps per second of the slowest and the fastest run of each row.
    let spread = |rows: &[ScalingRow]| -> Vec<(f64, f64)> {
        rows.iter()
            .map(|r| r.runs.rates(total as f64 / 1e6))
            .collect()
    };
    let runs = gil
        .iter()
        .chain(free)
        .map(|r| r.runs.runs)
        .min()
        .unwrap_or(0);
    let one_free = free
        .first()
        .map_or(0.0, |r| million_steps_per_second(total, r.time));
    let ideal = free
        .iter()
        .map(|r| {
            (
                r.threads as f64,
                one_free * r.threads.min(cores.max(1)) as f64,
            )
        })
        .collect();
    let plot = Plot::new(
        PLOT_ID,
        format!(
            "{} interpreter steps split over 1..{} threads: one GIL vs none",
            common::format::count(total),
            free.len()
        ),
        "threads",
        "million steps per second",
    )
    .cores_marker(cores);
    let plot = match runs {
        0 | 1 => plot
            .subtitle("one run a point")
            .measured("GIL-modelled", points(gil))
            .measured("free threads", points(free)),
        _ => {
            let words = format!("slowest to fastest of {runs} runs");
            plot.subtitle(format!(
                "each point the median of {runs} runs, its error bar the slowest to the fastest"
            ))
            .measured_with_spread("GIL-modelled", points(gil), spread(gil), words.clone())
            .measured_with_spread("free threads", points(free), spread(free), words)
        }
    };
    plot.predicted(
        format!("ideal: one free thread x min(threads, {cores} cores)"),
        ideal,
    )
}

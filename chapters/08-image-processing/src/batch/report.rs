//! The reporting of `batch`: how each worker count is timed (the median of three runs), how a
//! run's output files are compared with the one-worker run's, and the outcome: the table of times
//! and speedups beside Amdahl's law, the chart for `cargo xtask bench`, the figures. The lesson
//! (the tiles, the feeds, the workers, the rows) is in [`crate::batch`]; this is its child module
//! so that it can name the lesson's `Feed` and `Tile` without a module cycle.

use std::path::Path;

use common::timing::{SerialFit, Spread, human, speedup};
use common::{Outcome, Plot, RunConfig, TableData, Verdict, format};

use super::{Feed, GRID, Tile};

/// The Karp–Flatt metric, from `common` (the tests reach it here).
pub use common::timing::karp_flatt;

/// What one variant's sweep over 1..=N workers measured.
pub(super) struct Sweep {
    /// The runs at each worker count, one worker first.
    pub times: Vec<(usize, Spread)>,
    /// Outputs compared with the sequential run.
    pub compared: usize,
    /// Outputs that differ from it.
    pub differ: usize,
    /// What an output is: `files` or `pixels`.
    pub unit: &'static str,
}

/// Three runs of `run`: the table reports their median, the chart their spread too.
pub(super) fn three_runs(mut run: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Spread> {
    let mut times = Vec::new();
    for _ in 0..3 {
        let clock = std::time::Instant::now();
        run()?;
        times.push(clock.elapsed());
    }
    Ok(Spread::of(times))
}

/// True if every file in `a` has a byte-identical twin in `b`; returns the count compared.
pub(super) fn same_files(a: &Path, b: &Path, tiles: &[Tile]) -> anyhow::Result<(usize, usize)> {
    let mut differ = 0;
    for tile in tiles {
        let x = std::fs::read(a.join(tile.file_name()))?;
        let y = std::fs::read(b.join(tile.file_name()))?;
        differ += usize::from(x != y);
    }
    Ok((tiles.len(), differ))
}

/// The chart's measured series.
const MEASURED: &str = "measured speedup";

/// The chart of `feed`'s sweep: measured speedups over one worker, and Amdahl's law for the
/// serial fraction `serial`, for n processors and for `cores` cores.
pub fn plot(feed: Feed, speedups: &[(usize, f64)], serial: f64, cores: usize) -> Plot {
    let line = |f: &dyn Fn(usize, f64) -> f64| -> Vec<(f64, f64)> {
        speedups.iter().map(|&(n, s)| (n as f64, f(n, s))).collect()
    };
    let workers: Vec<usize> = speedups.iter().map(|&(n, _)| n).collect();
    Plot::new(
        format!("chapter-8-batch-{feed}"),
        format!("Image batch ({feed}): speedup against Amdahl's law"),
        "workers (threads)",
        "speedup (x)",
    )
    .measured(MEASURED, line(&|_, s| s))
    .amdahl_lines(serial, &workers, cores)
}

/// The outcome of `feed`'s sweep over the first `grid_rows` rows of a `width`×`height` picture:
/// passed if every output matched the sequential one, with the table of medians and speedups,
/// Amdahl's law fitted to them, the chart and the figures.
pub(super) fn outcome(
    config: &RunConfig,
    feed: Feed,
    (width, height): (u32, u32),
    grid_rows: u32,
    sweep: &Sweep,
) -> Outcome {
    let Sweep {
        times,
        compared,
        differ,
        unit,
    } = sweep;
    let mut table = TableData::new(
        format!("{feed} — median of 3 runs each"),
        &[
            "workers",
            "time",
            "speedup",
            "efficiency",
            "Amdahl: n processors",
            "Amdahl: cores",
        ],
    );
    let base = times[0].1.median;
    // One worker over itself is exactly 1.
    let speedups: Vec<(usize, f64)> = times
        .iter()
        .map(|&(n, runs)| {
            let s = if n == 1 {
                1.0
            } else {
                speedup(base, runs.median)
            };
            (n, s)
        })
        .collect();
    let spread = times
        .iter()
        .map(|(_, runs)| runs.speedups_over(base))
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let fit = SerialFit::from_speedups(&speedups, cores);
    for (&(n, runs), &(_, s)) in times.iter().zip(&speedups) {
        table.row([
            n.to_string(),
            human(runs.median),
            format::ratio(s),
            format::percent(100.0 * s / n as f64),
            format::ratio(fit.predicted(n)),
            format::ratio(fit.predicted_here(n)),
        ]);
    }
    let (top_n, top) = *speedups.last().expect("at least one count");
    let mut outcome = config.outcome(Verdict::from(*differ == 0))
        .line(format!(
            "{} tiles of {}×{} px ({} a {GRID}×{GRID} grid of a {width}×{height} picture), gray + Gaussian adaptive threshold each; {cores} cores here",
            GRID * grid_rows,
            width / GRID,
            height / GRID,
            if grid_rows == GRID {
                String::new()
            } else {
                format!("the first {grid_rows} rows of")
            },
        ))
        .line(fit.describe())
        .table(table)
        .plot(
            plot(feed, &speedups, fit.serial, cores)
                .subtitle(
                    "each point the median of 3 runs, its error bar the slowest to the fastest \
                     run over the one-worker median",
                )
                .spread(MEASURED, spread, "slowest to fastest of 3 runs"),
        )
        .line(format!(
            "outputs compared with the sequential run byte for byte: {}, {} differ",
            format::counted(*compared, unit),
            format::count(*differ)
        ))
        .key_figure(format!("speedup at {top_n} workers"), top, "x")
        .figure("differing outputs", *differ as f64, unit)
        .figure("serial fraction (Karp–Flatt)", fit.serial, "");
    // The key figure already is the speedup at 2 workers when the sweep stops there.
    if let Some(&(_, two)) = speedups.iter().find(|p| p.0 == 2 && top_n != 2) {
        outcome = outcome.figure("speedup at 2 workers", two, "x");
    }
    outcome
}

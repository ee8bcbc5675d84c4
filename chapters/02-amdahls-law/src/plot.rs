//! Measured against predicted speedup, as a picture: an SVG chart written with `plotters`.
//!
//! The example runs the same sweep as `amdahl` for the variant's serial fraction and draws two
//! curves, speedup against workers: the measured one and Amdahl's prediction (for as many
//! processors as workers). The chart goes to `target/plots/chapter-2-amdahl-<variant>.svg` in the
//! workspace's target directory (`CARGO_TARGET_DIR` if set), and its path is printed; the terminal
//! shows the same data as a table. Open the file in a browser. Run:
//! `cargo run --release -p chapter-2 -- run plot --variant serial-0.1 --threads 4`.
//!
//! Not in the book's code; the book's chapter 2 shows such a chart of Amdahl's law.

use std::path::{Path, PathBuf};

use common::{Outcome, RunConfig};
use plotters::prelude::*;

use crate::amdahl::{self, Sweep, Workload};

/// One curve: a name for the legend and its points (workers, speedup).
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The legend's label.
    pub name: String,
    /// (workers, speedup) points, in order.
    pub points: Vec<(f64, f64)>,
}

/// The measured and the predicted curve of a sweep.
pub fn curves(sweep: &Sweep) -> [Curve; 2] {
    let points = |f: fn(&amdahl::Cell) -> f64| {
        sweep
            .cells
            .iter()
            .map(|c| (c.workers as f64, f(c)))
            .collect()
    };
    [
        Curve {
            name: "measured speedup".to_string(),
            points: points(|c| c.speedup),
        },
        Curve {
            name: "Amdahl's prediction".to_string(),
            points: points(|c| c.predicted),
        },
    ]
}

/// Writes `curves` as an SVG line chart to `path` (its folder must exist).
pub fn write_svg(path: &Path, title: &str, curves: &[Curve]) -> anyhow::Result<()> {
    let all = || curves.iter().flat_map(|c| c.points.iter());
    let max_x = all().map(|p| p.0).fold(1.0, f64::max);
    let max_y = all().map(|p| p.1).fold(1.0, f64::max) * 1.1;
    let colors = [RED, BLUE, GREEN, MAGENTA, BLACK];

    let root = SVGBackend::new(path, (720, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(1.0..max_x.max(2.0), 0.0..max_y)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_labels(max_x as usize)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc("workers")
        .y_desc("speedup")
        .draw()
        .map_err(plot_error)?;
    for (i, curve) in curves.iter().enumerate() {
        let color = colors[i % colors.len()];
        chart
            .draw_series(LineSeries::new(
                curve.points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(plot_error)?
            .label(curve.name.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(plot_error)?;
    root.present().map_err(plot_error)?;
    Ok(())
}

fn plot_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("plotting failed: {e}")
}

/// The workspace's target directory: `CARGO_TARGET_DIR` if set, else the `target` folder the
/// running executable lives in (`target/release/chapter-2`, `target/debug/deps/<test>`), else
/// `./target`.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.file_name().is_some_and(|name| name == "target"))
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// `target/plots/`, created if missing.
pub fn plots_dir() -> anyhow::Result<PathBuf> {
    let dir = target_dir().join("plots");
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Runs the example: the sweep, the chart, the table.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let workload = Workload::from_variant(config.variant, config.quick)?;
    let sweep = amdahl::sweep(&workload, config.threads, amdahl::RUNS)?;
    let path = plots_dir()?.join(format!("chapter-2-amdahl-{}.svg", config.variant));
    let title = format!(
        "Amdahl's law, {:.0} % serial: measured vs predicted speedup",
        sweep.serial * 100.0
    );
    write_svg(&path, &title, &curves(&sweep))?;
    let outcome = amdahl::outcome_for(config, &workload, &sweep)?;
    let mut plotted = Outcome::new("plot", config.variant, outcome.verdict)
        .line(format!("wrote {}", path.display()));
    plotted.tables = outcome.tables;
    plotted.figures = outcome.figures;
    plotted.narrative.extend(outcome.narrative);
    Ok(plotted.notice("open the SVG in a browser: the measured curve leaves the predicted one where the cores run out"))
}

//! Measured against predicted speedup, as a picture: an SVG chart.
//!
//! The example runs the same sweep as `amdahl` for the variant's serial fraction and draws it:
//! speedup against workers, the measured curve (solid, a dot on every point) and Amdahl's
//! prediction for as many processors as workers and for this machine's cores (dashed). The chart
//! goes to `target/plots/chapter-2-amdahl-<variant>.svg` in the workspace's target directory
//! (`CARGO_TARGET_DIR` if set), and its path is printed; the terminal shows the same data as a
//! table. Open the file in a browser. Run:
//! `cargo run --release -p chapter-2 -- run plot --variant serial-0.1 --threads 4`.
//!
//! The drawing is `common::plot::write_svg`, the one `cargo xtask bench` uses for every chart of
//! the workspace, so this file and `results/chapter-2-amdahl-<variant>.svg` look alike; the chart
//! itself is [`Sweep::plot`](crate::amdahl_report::Sweep::plot), the one the `amdahl` example
//! attaches to its outcome.
//!
//! Not in the book's code; the book's chapter 2 shows such a chart of Amdahl's law.

use std::path::{Path, PathBuf};

use common::{Outcome, RunConfig};

use crate::amdahl::{self, Sweeps, Workload};

common::variants! {
    /// Which of `amdahl`'s sweeps is drawn.
    pub enum Drawn {
        /// The sweep at 10 % serial.
        Serial10 = "serial-0.1": "the amdahl sweep at 10 % serial, drawn",
        /// The sweep at 50 % serial.
        Serial50 = "serial-0.5": "the amdahl sweep at 50 % serial, drawn",
    }
}

impl Drawn {
    /// The `amdahl` sweep this draws (same name, so the chart's id is the same too).
    pub fn sweeps(self) -> Sweeps {
        match self {
            Self::Serial10 => Sweeps::Serial10,
            Self::Serial50 => Sweeps::Serial50,
        }
    }
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
    let sweeps = config.variant_of::<Drawn>()?.sweeps();
    let workload = Workload::of(sweeps, config.quick);
    let sweep = amdahl::sweep(&workload, config.threads, amdahl::runs(config))?;
    let chart = sweep.plot(
        amdahl::plot_id(sweeps),
        amdahl::plot_title(&workload, &sweep),
    );
    let path = plots_dir()?.join(format!("{}.svg", chart.id));
    common::plot::write_svg(&path, &chart)?;
    // The chart is written here, not attached: `amdahl` attaches the same chart (same id) for
    // `cargo xtask bench`, and two outcomes must not claim one file.
    let outcome = amdahl::outcome_for(config, &workload, &sweep)?;
    let mut plotted = config
        .outcome(outcome.verdict)
        .line(format!("wrote {}", path.display()));
    plotted.tables = outcome.tables;
    plotted.figures = outcome.figures;
    plotted.narrative.extend(outcome.narrative);
    Ok(plotted.notice("open the SVG in a browser: the measured curve leaves the predicted one where the cores run out"))
}

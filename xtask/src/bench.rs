//! `cargo xtask bench [--chapters 2,16] [--out DIR]` — the measured examples at full size, as
//! tables and charts a learner can look at.
//!
//! The tours run every example at quick settings to show *that* something happens; the bench
//! runs the examples whose point is a number (a speedup, a throughput, a latency) at full size in
//! release mode, one after another on an otherwise idle machine, and keeps what they report:
//!
//! - `results/RESULTS.md`: the machine and the date, then one table a chapter (every figure of
//!   every measured run, with its unit) and the chapter's charts below it;
//! - `results/<plot id>.svg`: every chart the runs attached to their outcomes (speedup against
//!   Amdahl's prediction, throughput by threads, latency percentiles by load, ...), drawn by
//!   [`common::plot`];
//! - `results/results.json`: the machine, the date and every outcome, for other tools;
//! - `README.md`: the table between the `<!-- bench:begin -->` and `<!-- bench:end -->` markers
//!   is replaced by the headline figures, with links to the charts, so the numbers a reader sees
//!   are the ones the command produced (only into the default folder, and only when its results
//!   cover every measured chapter).
//!
//! `--chapters 2,16` measures those chapters and keeps the other chapters' runs from the last
//! bench's `results.json` in the same folder (each marked with the date it ran), so a partial
//! run updates its tables and charts without dropping the rest; every chart is redrawn.
//!
//! A run that fails or overruns its limit is reported in the tables and makes the exit code 1;
//! the others are still written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Context, Result};
use common::timing::Stopwatch;
use common::{Outcome, Plot};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::UsageError;
use crate::binaries;
use crate::process::{self, Stream};
use crate::run_all;
use crate::workspace;

/// One measured run: a chapter binary's `run` arguments at full size, and what it measures.
#[derive(Debug, Clone, Copy)]
pub struct Bench {
    /// The chapter number.
    pub chapter: u32,
    /// The arguments after `chapter-N run` (`--json` is added).
    pub args: &'static [&'static str],
    /// What it measures, in a few words (the progress bar's message and the table's caption).
    pub measures: &'static str,
}

/// Every measured run, in chapter order.
pub const BENCHES: &[Bench] = &[
    Bench {
        chapter: 1,
        args: &["prime-check", "--variant", "threads", "--threads", "4"],
        measures: "prime checks: speedup by threads against Amdahl",
    },
    Bench {
        chapter: 2,
        args: &["amdahl", "--variant", "book-sweep", "--threads", "4"],
        measures: "the book's prime sweep: speedup by workers against Amdahl",
    },
    Bench {
        chapter: 2,
        args: &["amdahl", "--variant", "serial-0.1", "--threads", "4"],
        measures: "a 10 % serial job: speedup by workers against Amdahl",
    },
    Bench {
        chapter: 2,
        args: &["gustafson", "--variant", "serial-0.5", "--threads", "4"],
        measures: "a job that grows with the workers: scaled speedup against Gustafson",
    },
    Bench {
        chapter: 7,
        args: &["parallel-sum", "--variant", "large", "--threads", "4"],
        measures: "a parallel sum: speedup by threads against Amdahl",
    },
    Bench {
        chapter: 8,
        args: &["batch", "--variant", "parent-reads", "--threads", "4"],
        measures: "an image batch, the parent reading every tile: speedup by workers",
    },
    Bench {
        chapter: 8,
        args: &["batch", "--variant", "worker-reads", "--threads", "4"],
        measures: "an image batch, each worker reading its tiles: speedup by workers",
    },
    Bench {
        chapter: 15,
        args: &["global-lock", "--variant", "gil", "--threads", "4"],
        measures: "a GIL-modelled lock against free threads: throughput by threads",
    },
    Bench {
        chapter: 16,
        args: &["counters", "--variant", "compare", "--threads", "4"],
        measures: "counter throughput by threads",
    },
    Bench {
        chapter: 16,
        args: &["lock-free-stack", "--variant", "compare", "--threads", "4"],
        measures: "stack throughput by threads",
    },
    Bench {
        chapter: 18,
        args: &["load-test", "--variant", "compare"],
        measures: "server round trips once welcomed, waits for the welcome, throughput: by clients",
    },
    Bench {
        chapter: 20,
        args: &["bounded-buffer", "--variant", "compare"],
        measures: "producer–consumer throughput by shape",
    },
];

/// The time limit of one measured run.
const LIMIT: Duration = Duration::from_secs(600);

/// The README markers between which the results table is kept.
pub const README_BEGIN: &str = "<!-- bench:begin -->";
/// See [`README_BEGIN`].
pub const README_END: &str = "<!-- bench:end -->";

/// Where and when the figures were measured.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// `2026-11-29 03:12 UTC`.
    pub date: String,
    /// Logical CPUs available to the process.
    pub cores: usize,
    /// The CPU's model name, from `/proc/cpuinfo`.
    pub cpu: String,
    /// The kernel, from `/proc/sys/kernel/osrelease`.
    pub os: String,
    /// `rustc -V`.
    pub rustc: String,
}

/// One measured run and what came of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measured {
    /// The chapter number.
    pub chapter: u32,
    /// The command, as a user would type it.
    pub command: String,
    /// What it measures.
    pub measures: String,
    /// When it ran (`2026-11-29 03:12 UTC`): a run kept from an earlier bench keeps its date.
    #[serde(default)]
    pub date: String,
    /// The outcomes it printed.
    pub outcomes: Vec<Outcome>,
    /// What went wrong (a timeout, a failed build, an exit code), if anything.
    pub problems: Vec<String>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The whole run, as `results/results.json` holds it.
#[derive(Debug, Clone, Serialize)]
struct Results<'a> {
    machine: &'a Machine,
    runs: &'a [Measured],
}

/// What an earlier `results/results.json` holds that a partial run keeps.
#[derive(Debug, Deserialize)]
struct Earlier {
    machine: EarlierMachine,
    runs: Vec<Measured>,
}

/// The part of an earlier run's machine a kept run needs: its date.
#[derive(Debug, Deserialize)]
struct EarlierMachine {
    date: String,
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, selection: &[String], out: Option<&Path>) -> Result<ExitCode> {
    let chapters = workspace::discover(root)?;
    let benches = select(selection)?;
    let wanted: Vec<String> = chapters_in(benches.iter().map(|b| b.chapter))
        .iter()
        .map(u32::to_string)
        .collect();
    let selected = workspace::select(&chapters, &wanted)?;
    let out_dir = out.map_or_else(|| root.join("results"), Path::to_path_buf);
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;

    let watch = Stopwatch::start();
    let built = binaries::build_release(root, &selected)?;
    let machine = machine();
    let bar = progress_bar(benches.len());
    let mut measured = Vec::new();
    for bench in &benches {
        bar.set_message(format!("chapter {}: {}", bench.chapter, bench.measures));
        let chapter = selected.iter().find(|c| c.number == bench.chapter);
        let mut run = measure(root, bench, chapter.and_then(|c| built.executable(c)))?;
        run.date.clone_from(&machine.date);
        bar.suspend(|| eprintln!("bench: {}", one_line(&run)));
        measured.push(run);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let ran = measured.len();
    let failed: Vec<String> = measured
        .iter()
        .filter(|m| !m.problems.is_empty())
        .map(|m| format!("  ✘ {}: {}", m.command, m.problems.join("; ")))
        .collect();
    let measured = keep_earlier(&out_dir.join("results.json"), measured);

    let plots = write_plots(&out_dir, &measured)?;
    let markdown = results_markdown(&machine, &measured, &plots);
    write(&out_dir.join("RESULTS.md"), &markdown)?;
    let json = serde_json::to_string_pretty(&Results {
        machine: &machine,
        runs: &measured,
    })?;
    write(&out_dir.join("results.json"), &json)?;

    // The README shows every chapter's headline: only results that cover them all go there.
    let covered = chapters_in(measured.iter().map(|m| m.chapter));
    let complete = chapters_in(BENCHES.iter().map(|b| b.chapter))
        .iter()
        .all(|c| covered.contains(c));
    let readme = out.is_none() && complete;
    if readme {
        update_readme(root, &machine, &measured, &plots)?;
    }
    println!(
        "bench: {ran} run(s){}, {} chart(s) in {:.0} s → {}{}",
        match measured.len() - ran {
            0 => String::new(),
            kept => format!(" and {kept} kept from the last bench"),
        },
        plots.len(),
        watch.seconds(),
        out_dir.join("RESULTS.md").display(),
        if readme { " (README.md updated)" } else { "" }
    );
    for line in &failed {
        println!("{line}");
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The runs of this bench, and from the last one in the same folder (`results.json`) the runs
/// of the chapters this one did not measure, in chapter order: a `--chapters` run updates its
/// chapters and leaves the others' tables and charts in place. An earlier file that is missing
/// or unreadable keeps nothing.
fn keep_earlier(json: &Path, measured: Vec<Measured>) -> Vec<Measured> {
    let earlier = std::fs::read_to_string(json)
        .ok()
        .and_then(|text| serde_json::from_str::<Earlier>(&text).ok());
    let Some(earlier) = earlier else {
        return measured;
    };
    merge(earlier, measured)
}

/// [`keep_earlier`]'s merge: `fresh` for its chapters, `earlier` for the rest, chapter by
/// chapter (a sort that keeps each chapter's runs in their order).
fn merge(earlier: Earlier, fresh: Vec<Measured>) -> Vec<Measured> {
    let measured_now = chapters_in(fresh.iter().map(|m| m.chapter));
    let mut runs: Vec<Measured> = earlier
        .runs
        .into_iter()
        .filter(|m| !measured_now.contains(&m.chapter))
        .map(|mut m| {
            if m.date.is_empty() {
                m.date.clone_from(&earlier.machine.date);
            }
            m
        })
        .chain(fresh)
        .collect();
    runs.sort_by_key(|m| m.chapter);
    runs
}

/// The benches of the chapters asked for (all without `--chapters`).
fn select(selection: &[String]) -> Result<Vec<Bench>, UsageError> {
    if selection.is_empty() {
        return Ok(BENCHES.to_vec());
    }
    let measured = chapters_in(BENCHES.iter().map(|b| b.chapter));
    let valid = || {
        measured
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut picked = Vec::new();
    for wanted in selection {
        let number: u32 = wanted.trim().parse().map_err(|_| {
            UsageError(format!(
                "--chapters takes chapter numbers, not {wanted:?} (measured chapters: {})",
                valid()
            ))
        })?;
        if !measured.contains(&number) {
            return Err(UsageError(format!(
                "chapter {number} has no measured runs (measured chapters: {})",
                valid()
            )));
        }
        for bench in BENCHES.iter().filter(|b| b.chapter == number) {
            if !picked
                .iter()
                .any(|p: &Bench| p.args == bench.args && p.chapter == number)
            {
                picked.push(*bench);
            }
        }
    }
    Ok(picked)
}

/// Each chapter number once, in the order first seen.
fn chapters_in(numbers: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut chapters: Vec<u32> = Vec::new();
    for n in numbers {
        if !chapters.contains(&n) {
            chapters.push(n);
        }
    }
    chapters
}

fn progress_bar(runs: usize) -> ProgressBar {
    let bar = ProgressBar::new(runs as u64);
    if let Ok(style) =
        ProgressStyle::with_template("bench [{bar:24}] {pos}/{len} {elapsed:>4} {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The command a user would type for this run.
fn command_line(bench: &Bench) -> String {
    format!("chapter-{} run {}", bench.chapter, bench.args.join(" "))
}

/// Runs one bench with `--json` under [`LIMIT`].
fn measure(root: &Path, bench: &Bench, executable: Option<&Path>) -> Result<Measured> {
    let command = command_line(bench);
    let Some(executable) = executable else {
        return Ok(Measured {
            chapter: bench.chapter,
            command,
            measures: bench.measures.to_string(),
            date: String::new(),
            outcomes: Vec::new(),
            problems: vec!["did not build (see the compiler errors above)".to_string()],
            seconds: 0.0,
        });
    };
    let mut child = Command::new(executable);
    child
        .current_dir(root)
        .arg("run")
        .args(bench.args)
        .arg("--json");
    let finished = process::run(child, Stream::Capture, Stream::Capture, Some(LIMIT))?;
    let (outcomes, mut problems) = run_all::judge(&finished.ending, &finished.stdout);
    if !problems.is_empty()
        && let Some(last) = finished.stderr.lines().rev().find(|l| !l.trim().is_empty())
    {
        problems.push(format!("stderr: {}", last.trim()));
    }
    Ok(Measured {
        chapter: bench.chapter,
        command,
        measures: bench.measures.to_string(),
        date: String::new(),
        outcomes,
        problems,
        seconds: finished.elapsed.as_secs_f64(),
    })
}

fn one_line(run: &Measured) -> String {
    match run.problems.first() {
        Some(problem) => format!("✘ {} — {problem}", run.command),
        None => format!(
            "✔ {} — {} outcome(s), {} chart(s), {:.1} s",
            run.command,
            run.outcomes.len(),
            run.outcomes.iter().map(|o| o.plots.len()).sum::<usize>(),
            run.seconds
        ),
    }
}

/// A chart written to disk: its chapter, its plot and its file name.
#[derive(Debug, Clone)]
struct Chart {
    chapter: u32,
    title: String,
    file: String,
}

/// Draws every plot of every run; a plot id seen twice is drawn once (the first).
fn write_plots(out_dir: &Path, measured: &[Measured]) -> Result<Vec<Chart>> {
    let mut charts: Vec<Chart> = Vec::new();
    for run in measured {
        for plot in run.outcomes.iter().flat_map(|o| &o.plots) {
            let file = format!("{}.svg", file_stem(plot));
            if charts.iter().any(|c| c.file == file) {
                continue;
            }
            common::plot::write_svg(&out_dir.join(&file), plot)
                .with_context(|| format!("drawing {file}"))?;
            charts.push(Chart {
                chapter: run.chapter,
                title: plot.title.clone(),
                file,
            });
        }
    }
    Ok(charts)
}

/// A plot id made safe as a file name.
fn file_stem(plot: &Plot) -> String {
    plot.id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A markdown table cell: pipes escaped, one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The machine line of both reports.
fn machine_line(machine: &Machine) -> String {
    format!(
        "{} · {} logical core(s) · {} · Linux {} · {}",
        machine.date, machine.cores, machine.cpu, machine.os, machine.rustc
    )
}

/// `results/RESULTS.md`.
fn results_markdown(machine: &Machine, measured: &[Measured], charts: &[Chart]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Measured results\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` (release build, full-size runs, one at a time). \
         Figures on a shared machine vary from run to run: where a figure is the median of \
         repeated runs, its chart draws their spread as error bars, and a chart by threads marks \
         this machine's cores. Each chart's subtitle says what its figures include.\n"
    );
    let _ = writeln!(md, "**Machine:** {}\n", machine_line(machine));
    for chapter in chapters_in(measured.iter().map(|m| m.chapter)) {
        let _ = writeln!(md, "## Chapter {chapter}\n");
        for run in measured.iter().filter(|m| m.chapter == chapter) {
            let kept = if run.date.is_empty() || run.date == machine.date {
                String::new()
            } else {
                format!(", kept from the bench of {}", run.date)
            };
            let _ = writeln!(
                md,
                "**{}** — `cargo run --release -p {}` ({:.1} s{kept})\n",
                run.measures,
                run.command.replacen(' ', " -- ", 1),
                run.seconds
            );
            for problem in &run.problems {
                let _ = writeln!(md, "- ✘ {}", cell(problem));
            }
            if !run.problems.is_empty() {
                md.push('\n');
            }
            if run.outcomes.iter().any(|o| !o.figures.is_empty()) {
                let _ = writeln!(md, "| run | figure | value | unit |");
                let _ = writeln!(md, "|---|---|---:|---|");
                for outcome in &run.outcomes {
                    for figure in &outcome.figures {
                        let _ = writeln!(
                            md,
                            "| {} · {} | {}{} | {} | {} |",
                            cell(&outcome.example),
                            cell(&outcome.variant),
                            if figure.key { "**" } else { "" },
                            cell(&figure.name) + if figure.key { "**" } else { "" },
                            common::format::number(figure.value),
                            cell(&figure.unit)
                        );
                    }
                }
                md.push('\n');
            }
        }
        for chart in charts.iter().filter(|c| c.chapter == chapter) {
            let _ = writeln!(md, "![{}]({})\n", cell(&chart.title), chart.file);
        }
    }
    md
}

/// The headline of a run: its outcomes' key figures (or first figures), joined.
fn headline(run: &Measured) -> String {
    if let Some(problem) = run.problems.first() {
        return format!("✘ {}", cell(problem));
    }
    let figures: Vec<String> = run
        .outcomes
        .iter()
        .filter_map(|o| o.key().or_else(|| o.figures.first()))
        .map(|f| {
            format!(
                "{} = {}",
                cell(&f.name),
                cell(&common::format::figure(f.value, &f.unit))
            )
        })
        .collect();
    if figures.is_empty() {
        "—".to_string()
    } else {
        figures.join("; ")
    }
}

/// The README's results block (between the markers).
fn readme_block(machine: &Machine, measured: &[Measured], charts: &[Chart]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "{README_BEGIN}");
    let _ = writeln!(
        md,
        "Latest `cargo xtask bench` ({}); every figure and chart: [results/RESULTS.md](results/RESULTS.md).\n",
        machine_line(machine)
    );
    let _ = writeln!(md, "| chapter | what was measured | headline | charts |");
    let _ = writeln!(md, "|---|---|---|---|");
    for run in measured {
        let links: Vec<String> = charts
            .iter()
            .filter(|c| {
                c.chapter == run.chapter
                    && run
                        .outcomes
                        .iter()
                        .flat_map(|o| &o.plots)
                        .any(|p| format!("{}.svg", file_stem(p)) == c.file)
            })
            .map(|c| format!("[{}](results/{})", c.file.trim_end_matches(".svg"), c.file))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            run.chapter,
            cell(&run.measures),
            headline(run),
            if links.is_empty() {
                "—".to_string()
            } else {
                links.join(", ")
            }
        );
    }
    md.push_str(README_END);
    md
}

/// Replaces the block between the README's markers (adds it at the end if they are missing).
fn splice(readme: &str, block: &str) -> String {
    match (readme.find(README_BEGIN), readme.find(README_END)) {
        (Some(begin), Some(end)) if begin < end => format!(
            "{}{block}{}",
            &readme[..begin],
            &readme[end + README_END.len()..]
        ),
        _ => format!("{}\n\n## Measured results\n\n{block}\n", readme.trim_end()),
    }
}

fn update_readme(
    root: &Path,
    machine: &Machine,
    measured: &[Measured],
    charts: &[Chart],
) -> Result<()> {
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    write(
        &path,
        &splice(&readme, &readme_block(machine, measured, charts)),
    )
}

fn write(path: &PathBuf, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// What this machine is, for the reports.
fn machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".to_string());
    let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "rustc (unknown version)".to_string());
    Machine {
        date: utc_now(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu,
        os,
        rustc,
    }
}

/// The current UTC time as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_date_time(seconds)
}

/// Seconds since the Unix epoch as `YYYY-MM-DD HH:MM UTC` (the proleptic Gregorian calendar,
/// by Howard Hinnant's days-to-civil arithmetic).
fn utc_date_time(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let minute_of_day = (seconds % 86_400) / 60;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::Verdict;

    fn measured() -> Vec<Measured> {
        let outcome = Outcome::new("amdahl", "book-sweep", Verdict::Showed)
            .key_figure("speedup at 2 workers", 1.93, "x")
            .figure("serial fraction | estimated", 0.02, "")
            .plot(
                Plot::new(
                    "chapter-2-amdahl-book-sweep",
                    "speedup",
                    "workers",
                    "speedup (x)",
                )
                .measured("measured", vec![(1.0, 1.0), (2.0, 1.93)])
                .predicted("Amdahl", vec![(1.0, 1.0), (2.0, 1.96)]),
            );
        vec![
            Measured {
                chapter: 2,
                command: "chapter-2 run amdahl --variant book-sweep".into(),
                measures: "the book's prime sweep".into(),
                date: "2026-11-29 03:00 UTC".into(),
                outcomes: vec![outcome],
                problems: Vec::new(),
                seconds: 3.2,
            },
            Measured {
                chapter: 16,
                command: "chapter-16 run counters".into(),
                measures: "counters".into(),
                date: "2026-11-29 03:00 UTC".into(),
                outcomes: Vec::new(),
                problems: vec!["timed out after 600 s".into()],
                seconds: 600.0,
            },
        ]
    }

    fn machine() -> Machine {
        Machine {
            date: "2026-11-29 03:00 UTC".into(),
            cores: 2,
            cpu: "Test CPU".into(),
            os: "6.1".into(),
            rustc: "rustc 1.95.0".into(),
        }
    }

    #[test]
    fn every_bench_names_a_chapter_and_an_example() {
        for bench in BENCHES {
            assert!(
                !bench.args.is_empty() && !bench.args[0].starts_with('-'),
                "{bench:?}"
            );
            assert!(
                !bench.args.contains(&"--quick"),
                "{bench:?} must run at full size"
            );
        }
        assert!(BENCHES.windows(2).all(|w| w[0].chapter <= w[1].chapter));
    }

    #[test]
    fn chapters_are_chosen_by_number_and_unknown_ones_are_usage_errors() {
        let picked = select(&["16".into(), "2".into()]).expect("valid");
        assert!(picked.iter().all(|b| b.chapter == 16 || b.chapter == 2));
        assert_eq!(picked[0].chapter, 16);
        let error = select(&["12".into()]).expect_err("no benches in 12");
        assert!(
            error.0.starts_with("chapter 12 has no measured runs"),
            "{}",
            error.0
        );
        let error = select(&["x".into()]).expect_err("not a number");
        assert!(error.0.contains("not \"x\""), "{}", error.0);
        assert_eq!(select(&[]).expect("all").len(), BENCHES.len());
    }

    #[test]
    fn results_have_a_table_per_chapter_and_link_the_charts() {
        let runs = measured();
        let charts = vec![Chart {
            chapter: 2,
            title: "speedup".into(),
            file: "chapter-2-amdahl-book-sweep.svg".into(),
        }];
        let md = results_markdown(&machine(), &runs, &charts);
        assert!(
            md.contains("2026-11-29 03:00 UTC · 2 logical core(s) · Test CPU"),
            "{md}"
        );
        assert!(md.contains("## Chapter 2\n"), "{md}");
        assert!(
            md.contains("| amdahl · book-sweep | **speedup at 2 workers** | 1.93 | x |"),
            "{md}"
        );
        assert!(md.contains("serial fraction \\| estimated"), "{md}");
        assert!(
            md.contains("![speedup](chapter-2-amdahl-book-sweep.svg)"),
            "{md}"
        );
        assert!(md.contains("- ✘ timed out after 600 s"), "{md}");
        assert!(
            md.contains("`cargo run --release -p chapter-2 -- run amdahl --variant book-sweep`"),
            "{md}"
        );

        let block = readme_block(&machine(), &runs, &charts);
        assert!(block.starts_with(README_BEGIN) && block.ends_with(README_END));
        assert!(block.contains("| 2 | the book's prime sweep | speedup at 2 workers = 1.93× | [chapter-2-amdahl-book-sweep](results/chapter-2-amdahl-book-sweep.svg) |"), "{block}");
        assert!(
            block.contains("| 16 | counters | ✘ timed out after 600 s | — |"),
            "{block}"
        );
    }

    #[test]
    fn a_partial_run_keeps_the_other_chapters_from_the_last_one() {
        let earlier = Earlier {
            machine: EarlierMachine {
                date: "2026-11-01 09:00 UTC".into(),
            },
            runs: measured()
                .into_iter()
                .map(|mut m| {
                    m.date = String::new();
                    m.seconds = 1.0;
                    m
                })
                .collect(),
        };
        let mut fresh = measured();
        fresh.retain(|m| m.chapter == 16);
        let runs = merge(earlier, fresh);
        let summary: Vec<(u32, f64, &str)> = runs
            .iter()
            .map(|m| (m.chapter, m.seconds, m.date.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (2, 1.0, "2026-11-01 09:00 UTC"),
                (16, 600.0, "2026-11-29 03:00 UTC")
            ]
        );
        // The kept run says when it ran; the fresh one does not need to.
        let md = results_markdown(&machine(), &runs, &[]);
        assert!(
            md.contains("(1.0 s, kept from the bench of 2026-11-01 09:00 UTC)"),
            "{md}"
        );
        assert!(md.contains("(600.0 s)"), "{md}");
        // A folder with no earlier results keeps nothing.
        let none = keep_earlier(Path::new("/nonexistent/results.json"), measured());
        assert_eq!(none.len(), 2);
    }

    #[test]
    fn the_readme_block_is_replaced_between_its_markers() {
        let readme = format!("# T\n\nbefore\n{README_BEGIN}\nold\n{README_END}\nafter\n");
        let spliced = splice(&readme, &format!("{README_BEGIN}\nnew\n{README_END}"));
        assert_eq!(
            spliced,
            format!("# T\n\nbefore\n{README_BEGIN}\nnew\n{README_END}\nafter\n")
        );
        let appended = splice("# T\n", "B");
        assert_eq!(appended, "# T\n\n## Measured results\n\nB\n");
    }

    #[test]
    fn plot_ids_become_safe_file_names() {
        let plot = Plot::new("chapter-2/amdahl serial 0.1", "t", "x", "y");
        assert_eq!(file_stem(&plot), "chapter-2-amdahl-serial-0.1");
    }

    #[test]
    fn utc_dates_follow_the_calendar() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date_time(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_date_time(1_795_921_500), "2026-11-29 03:05 UTC");
    }
}

//! `cargo xtask run-all`: every chapter's tour, each under a time limit, gathered in one table.
//!
//! This is the project's first promise checked in one command: every example terminates and
//! shows what it teaches. The chapters are built once in release mode, then each chapter
//! binary's tour runs with `--json` (one [`Outcome`] per line) in its own process group; a chapter
//! that overruns its limit is killed and reported as timed out, so the runner never hangs. The
//! summary is a row per chapter (its runs, which did not show their lesson, its tour time);
//! `--full` gives a row per run with its headline figure, `--json` every outcome as a JSON line.
//! Problems (a timeout, a crash,
//! output that is not an outcome, an exit code that contradicts the verdicts) are listed below
//! it, and any of them, or any run that did not show its lesson, makes the exit code non-zero.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Result;
use common::format;
use common::report::{json_line, render_table};
use common::timing::Stopwatch;
use common::{Outcome, TableData, Verdict};
use indicatif::{ProgressBar, ProgressStyle};

use crate::binaries;
use crate::process::{self, Ending, Stream};
use crate::stress::Stress;
use crate::workspace::{self, Chapter};

/// What one chapter's tour produced.
#[derive(Debug)]
struct ChapterRun<'a> {
    chapter: &'a Chapter,
    outcomes: Vec<Outcome>,
    problems: Vec<String>,
    stderr: String,
}

/// How much of a round the summary shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// A row per chapter: its runs, those that did not show their lesson, its tour time.
    ByChapter,
    /// A row per run, with its verdict, headline figure and time.
    EveryRun,
    /// Every outcome as a JSON line on stdout; the counts on stderr.
    Json,
}

/// How the tours run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tours {
    /// Each chapter's time limit.
    pub timeout_secs: u64,
    /// How many rounds.
    pub repeat: u32,
    /// Whether every core is kept busy meanwhile ([`crate::stress`]).
    pub stress: bool,
}

/// Runs `cargo xtask run-all`: the chapters are built once, then toured `repeat` times.
pub fn run(root: &Path, selection: &[String], tours: Tours, summary: Summary) -> Result<ExitCode> {
    let Tours {
        timeout_secs,
        repeat,
        stress,
    } = tours;
    let chapters = workspace::discover(root)?;
    let selected = workspace::select(&chapters, selection)?;
    if selected.is_empty() {
        println!("run-all: no chapters yet, nothing to run");
        return Ok(ExitCode::SUCCESS);
    }
    let build = Stopwatch::start();
    let built = binaries::build_release(root, &selected)?;
    let build_seconds = build.seconds();
    let limit = Duration::from_secs(timeout_secs);
    // After the build: the load is for the tours, not for the compiler.
    let started = Stress::mark();
    let load = stress.then(Stress::every_core);
    if let Some(load) = &load {
        eprintln!(
            "run-all --stress: {} spinning thread(s) keep every core busy while the chapters tour",
            load.spinners()
        );
    }

    let mut rounds = Vec::new();
    for round in 1..=repeat {
        let watch = Stopwatch::start();
        let runs = tour_all(root, &selected, &built, limit, round, repeat)?;
        let seconds = watch.seconds();
        let tally = Round::of(&runs, seconds, round);
        if summary == Summary::Json {
            for outcome in runs.iter().flat_map(|run| &run.outcomes) {
                println!("{}", json_line(outcome));
            }
            eprint!("{}", summarize(&runs, seconds, build_seconds, summary));
        } else if repeat == 1 || !tally.clean() {
            print!("{}", summarize(&runs, seconds, build_seconds, summary));
        }
        if repeat > 1 {
            println!("run-all round {round}/{repeat}: {}", tally.line());
        }
        rounds.push(tally);
    }
    if let Some(cores) = load.and_then(|load| load.stop_and_measure(started)) {
        eprintln!("run-all --stress: the spinners kept {cores:.1} cores busy on average");
    }
    if repeat > 1 {
        println!("{}", repeat_summary(&rounds, stress));
    }
    Ok(if rounds.iter().all(Round::clean) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One tour of every selected chapter.
fn tour_all<'a>(
    root: &Path,
    selected: &[&'a Chapter],
    built: &binaries::Built,
    limit: Duration,
    round: u32,
    repeat: u32,
) -> Result<Vec<ChapterRun<'a>>> {
    let bar = progress_bar(selected.len());
    if repeat > 1 {
        bar.set_prefix(format!("round {round}/{repeat} "));
    }
    let mut runs = Vec::new();
    for &chapter in selected {
        bar.set_message(chapter.label());
        let run = match built.executable(chapter) {
            None => ChapterRun {
                chapter,
                outcomes: Vec::new(),
                problems: vec!["did not build (see the compiler errors above)".to_string()],
                stderr: String::new(),
            },
            Some(executable) => tour(root, chapter, executable, limit)?,
        };
        bar.suspend(|| eprintln!("run-all: {}", one_line(&run)));
        runs.push(run);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(runs)
}

/// The counts of one round of `--repeat`.
#[derive(Debug, Clone, PartialEq)]
struct Round {
    showed: usize,
    did_not_show: usize,
    timed_out: usize,
    failed_chapters: usize,
    seconds: f64,
    /// Every run that did not show its lesson, and every chapter with a problem, named with
    /// the round (`round 3: chapter 14 check-then-act broken`).
    missed: Vec<String>,
}

impl Round {
    fn of(runs: &[ChapterRun], seconds: f64, round: u32) -> Self {
        let all = runs.iter().flat_map(|r| &r.outcomes);
        let did_not_show = runs.iter().flat_map(|run| {
            run.outcomes
                .iter()
                .filter(|o| o.verdict == Verdict::DidNotShow)
                .map(move |o| {
                    format!(
                        "round {round}: chapter {} {} {}",
                        run.chapter.number, o.example, o.variant
                    )
                })
        });
        let problems = runs
            .iter()
            .filter(|run| !run.problems.is_empty())
            .map(|run| {
                format!(
                    "round {round}: chapter {}: {}",
                    run.chapter.number,
                    run.problems.join("; ")
                )
            });
        Self {
            missed: did_not_show.chain(problems).collect(),
            showed: all.clone().filter(|o| o.verdict == Verdict::Showed).count(),
            did_not_show: all.filter(|o| o.verdict == Verdict::DidNotShow).count(),
            timed_out: runs
                .iter()
                .filter(|r| r.problems.iter().any(|p| p.starts_with("timed out")))
                .count(),
            failed_chapters: runs.iter().filter(|r| !r.problems.is_empty()).count(),
            seconds,
        }
    }

    fn clean(&self) -> bool {
        self.did_not_show == 0 && self.failed_chapters == 0
    }

    fn line(&self) -> String {
        format!(
            "{} showed, {} did not, {} chapter(s) timed out, {} failed, {:.1} s",
            self.showed, self.did_not_show, self.timed_out, self.failed_chapters, self.seconds
        )
    }
}

/// The end of `--repeat N`: every run that did not show, then a line of how many rounds were
/// clean, any hang, and the tour times.
fn repeat_summary(rounds: &[Round], stress: bool) -> String {
    let clean = rounds.iter().filter(|r| r.clean()).count();
    let hangs: usize = rounds.iter().map(|r| r.timed_out).sum();
    let mut seconds: Vec<f64> = rounds.iter().map(|r| r.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let median = seconds.get(seconds.len() / 2).copied().unwrap_or(0.0);
    let mut out = String::new();
    for missed in rounds.iter().flat_map(|r| &r.missed) {
        out.push_str(&format!("  did not show: {missed}\n"));
    }
    out.push_str(&format!(
        "run-all --repeat {}{}: {clean} of {} rounds clean, {hangs} timeout(s); tour time min {:.1} s, median {median:.1} s, max {:.1} s",
        rounds.len(),
        if stress { " --stress" } else { "" },
        rounds.len(),
        seconds.first().copied().unwrap_or(0.0),
        seconds.last().copied().unwrap_or(0.0),
    ));
    out
}

fn progress_bar(chapters: usize) -> ProgressBar {
    let bar = ProgressBar::new(chapters as u64);
    if let Ok(style) =
        ProgressStyle::with_template("run-all {prefix}[{bar:24}] {pos}/{len} {elapsed:>4} {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs one chapter's tour with `--json` under the time limit.
fn tour<'a>(
    root: &Path,
    chapter: &'a Chapter,
    executable: &Path,
    limit: Duration,
) -> Result<ChapterRun<'a>> {
    let mut command = Command::new(executable);
    command.current_dir(root).arg("--json");
    let finished = process::run(command, Stream::Capture, Stream::Capture, Some(limit))?;
    let (outcomes, problems) = judge(&finished.ending, &finished.stdout);
    Ok(ChapterRun {
        chapter,
        outcomes,
        problems,
        stderr: finished.stderr,
    })
}

/// The outcomes a run printed, and everything wrong with how it ended (also used by `bench`).
pub(crate) fn judge(ending: &Ending, stdout: &str) -> (Vec<Outcome>, Vec<String>) {
    let mut outcomes = Vec::new();
    let mut problems = Vec::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Outcome>(line) {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => problems.push(format!(
                "unparsable output line ({error}): {}",
                shorten(line, 100)
            )),
        }
    }
    let expected = if outcomes.iter().any(|o| o.verdict == Verdict::DidNotShow) {
        1
    } else {
        0
    };
    match ending {
        Ending::TimedOut(limit) => problems.push(format!(
            "timed out after {} s (killed; {} run(s) reported before that)",
            limit.as_secs(),
            outcomes.len()
        )),
        Ending::Exited(status) => match status.code() {
            None => problems.push(format!("ended abnormally: {status}")),
            Some(code) if code != expected => problems.push(format!(
                "exited with code {code}, but its outcomes imply {expected}"
            )),
            Some(_) if outcomes.is_empty() => {
                problems.push("printed no outcomes".to_string());
            }
            Some(_) => {}
        },
    }
    (outcomes, problems)
}

fn one_line(run: &ChapterRun) -> String {
    let showed = run
        .outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Showed)
        .count();
    let mut line = format!(
        "{}: {showed} of {} showed",
        run.chapter.label(),
        format::counted(run.outcomes.len(), "runs")
    );
    if let Some(problem) = run.problems.first() {
        line.push_str(&format!("; {problem}"));
    }
    line
}

/// The summary table (a row per chapter, or per run), the problems, and the final count.
fn summarize(runs: &[ChapterRun], seconds: f64, build_seconds: f64, summary: Summary) -> String {
    let table = match summary {
        Summary::EveryRun => every_run_table(runs),
        Summary::ByChapter | Summary::Json => chapter_table(runs),
    };
    let mut out = String::new();
    if !table.rows.is_empty() {
        out.push_str(&render_table(&table));
        out.push('\n');
    }
    for run in runs.iter().filter(|r| !r.problems.is_empty()) {
        for problem in &run.problems {
            out.push_str(&format!("✘ {}: {problem}\n", run.chapter.label()));
        }
        let tail = tail_lines(&run.stderr, 15);
        if !tail.is_empty() {
            out.push_str(&format!("  its stderr ended with:\n{tail}"));
        }
    }
    let tally = Round::of(runs, seconds, 1);
    out.push_str(&format!(
        "run-all: {} showed their lesson, {} did not, {} failed; \
         tours {} (+{} build)\n",
        format::counted(tally.showed, "runs"),
        tally.did_not_show,
        format::counted(tally.failed_chapters, "chapters"),
        format::seconds(seconds),
        format::seconds(build_seconds),
    ));
    if summary == Summary::ByChapter {
        out.push_str("(--full: a row per run with its key figure; --json: every outcome)\n");
    }
    out
}

/// A row per chapter: how many runs showed their lesson, which did not, and its tour time.
fn chapter_table(runs: &[ChapterRun]) -> TableData {
    let tours: Vec<Duration> = runs
        .iter()
        .map(|run| Duration::from_secs_f64(run.outcomes.iter().map(|o| o.seconds).sum()))
        .collect();
    // One unit for the whole column, named in its header.
    let unit = format::TimeUnit::fitting(tours.iter().copied());
    let decimals = unit.decimals_for(tours.iter().copied().max().unwrap_or_default());
    let tour_header = format!("tour ({})", unit.symbol());
    let mut table = TableData::new(
        "run-all",
        &[
            "chapter",
            "examples",
            "showed",
            "did not show",
            &tour_header,
        ],
    );
    for (run, &tour) in runs.iter().zip(&tours) {
        let mut examples: Vec<&str> = run.outcomes.iter().map(|o| o.example.as_str()).collect();
        examples.dedup();
        let showed = run
            .outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Showed)
            .count();
        let mut missed: Vec<String> = run
            .outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::DidNotShow)
            .map(|o| format!("{} {}", o.example, o.variant))
            .collect();
        missed.extend(run.problems.iter().map(|p| shorten(p, 60)));
        table.row([
            format!("{} {}", run.chapter.number, run.chapter.dir_name),
            examples.len().to_string(),
            format!("{showed} of {}", run.outcomes.len()),
            if missed.is_empty() {
                "—".to_string()
            } else {
                missed.join(", ")
            },
            unit.number(tour, decimals),
        ]);
    }
    table
}

/// A row per run: its verdict, headline figure and time; a row per problem.
fn every_run_table(runs: &[ChapterRun]) -> TableData {
    let mut table = TableData::new(
        "run-all",
        &[
            "chapter",
            "example",
            "variant",
            "verdict",
            "key figure",
            "time",
        ],
    );
    for run in runs {
        for outcome in &run.outcomes {
            table.row([
                run.chapter.number.to_string(),
                outcome.example.clone(),
                outcome.variant.clone(),
                match outcome.verdict {
                    Verdict::Showed => "✔".to_string(),
                    Verdict::DidNotShow => "✘".to_string(),
                },
                key_figure(outcome),
                format::seconds(outcome.seconds),
            ]);
        }
        for problem in &run.problems {
            table.row([
                run.chapter.number.to_string(),
                "—".to_string(),
                "—".to_string(),
                "✘".to_string(),
                shorten(problem, 60),
                String::new(),
            ]);
        }
    }
    table
}

/// `name = value unit` of the run's headline figure, or `—`.
fn key_figure(outcome: &Outcome) -> String {
    outcome.key().map_or_else(
        || "—".to_string(),
        |f| format!("{} = {}", f.name, format::figure(f.value, &f.unit)),
    )
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max_chars).collect();
        format!("{cut}…")
    }
}

/// The last `n` non-empty lines, indented, each ending in a newline.
fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(n);
    lines[start..]
        .iter()
        .map(|l| format!("    {l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::ExitStatus;

    fn exited(code: i32) -> Ending {
        Ending::Exited(ExitStatus::from_raw(code << 8))
    }

    fn outcome_line(example: &str, verdict: Verdict) -> String {
        let mut outcome = Outcome::new(example, "broken", verdict).key_figure("meals", 12.0, "");
        outcome.chapter = 12;
        outcome.seconds = 0.5;
        serde_json::to_string(&outcome).expect("serializes")
    }

    fn chapter() -> Chapter {
        Chapter {
            number: 12,
            dir_name: "12-deadlocks".into(),
            dir: "chapters/12-deadlocks".into(),
            package: "chapter-12".into(),
            shuttle_tests: Vec::new(),
            learner: false,
            loom: false,
        }
    }

    #[test]
    fn a_clean_tour_has_no_problems() {
        let stdout = format!("{}\n\n", outcome_line("two-locks", Verdict::Showed));
        let (outcomes, problems) = judge(&exited(0), &stdout);
        assert_eq!(outcomes.len(), 1);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(key_figure(&outcomes[0]), "meals = 12");
    }

    #[test]
    fn garbage_timeouts_and_contradictory_exit_codes_are_problems() {
        let stdout = format!(
            "{}\nthread 'main' panicked\n",
            outcome_line("two-locks", Verdict::Showed)
        );
        let (outcomes, problems) = judge(&exited(0), &stdout);
        assert_eq!(outcomes.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("unparsable output line"),
            "{problems:?}"
        );

        let (_, problems) = judge(&Ending::TimedOut(Duration::from_secs(120)), "");
        assert!(
            problems[0].starts_with("timed out after 120 s"),
            "{problems:?}"
        );

        let (_, problems) = judge(&exited(1), &outcome_line("x", Verdict::Showed));
        assert!(problems[0].contains("exited with code 1"), "{problems:?}");

        let (_, problems) = judge(&exited(1), &outcome_line("x", Verdict::DidNotShow));
        assert!(problems.is_empty(), "{problems:?}");

        let (_, problems) = judge(&exited(0), "");
        assert_eq!(problems, ["printed no outcomes"]);
    }

    #[test]
    fn the_summary_counts_runs_and_failed_chapters() {
        let chapter = chapter();
        let (outcomes, _) = judge(
            &exited(1),
            &format!(
                "{}\n{}",
                outcome_line("a", Verdict::Showed),
                outcome_line("b", Verdict::DidNotShow)
            ),
        );
        let runs = [
            ChapterRun {
                chapter: &chapter,
                outcomes,
                problems: Vec::new(),
                stderr: String::new(),
            },
            ChapterRun {
                chapter: &chapter,
                outcomes: Vec::new(),
                problems: vec!["timed out after 1 s".into()],
                stderr: "last words\n".into(),
            },
        ];
        let text = summarize(&runs, 4.12, 30.0, Summary::EveryRun);
        assert!(
            text.ends_with(
                "run-all: 1 run showed their lesson, 1 did not, \
                 1 chapter failed; tours 4.12 s (+30.0 s build)\n"
            ),
            "{text}"
        );
        let by_chapter = summarize(&runs, 4.12, 30.0, Summary::ByChapter);
        assert!(by_chapter.contains("1 of 2"), "{by_chapter}");
        assert!(by_chapter.contains("b broken"), "{by_chapter}");
        assert!(by_chapter.contains("timed out after 1 s"), "{by_chapter}");
        let round = Round::of(&runs, 4.12, 2);
        assert_eq!(
            (
                round.showed,
                round.did_not_show,
                round.timed_out,
                round.failed_chapters
            ),
            (1, 1, 1, 1)
        );
        assert!(!round.clean());
        let clean = Round {
            showed: 9,
            did_not_show: 0,
            timed_out: 0,
            failed_chapters: 0,
            seconds: 50.0,
            missed: Vec::new(),
        };
        let faster = Round {
            seconds: 40.0,
            ..clean.clone()
        };
        let summary = repeat_summary(&[clean, round, faster], true);
        assert!(
            summary.ends_with(
                "run-all --repeat 3 --stress: 2 of 3 rounds clean, 1 timeout(s); tour time min \
                 4.1 s, median 40.0 s, max 50.0 s"
            ),
            "{summary}"
        );
        assert!(
            summary.contains("  did not show: round 2: chapter 12 b broken\n"),
            "{summary}"
        );
        assert!(
            summary.contains("  did not show: round 2: chapter 12: timed out"),
            "{summary}"
        );
        assert!(
            text.contains("✘ chapter 12 (12-deadlocks): timed out"),
            "{text}"
        );
        assert!(text.contains("    last words"), "{text}");
        assert!(text.contains("meals = 12"), "{text}");
    }
}

//! Reading what cargo and the Rust test harness print: `test result:` counts, the failing tests
//! with their panic messages, and compiler errors and warnings (`--message-format short`).
//!
//! These are plain text formats, stable for years; the parsing is deliberately forgiving, so an
//! unexpected line is skipped rather than fatal.

/// Passed and failed test counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// The counts of one `test result: ok. 3 passed; 0 failed; ...` line.
pub fn parse_result_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_status, rest) = rest.split_once(". ")?;
    let mut counts = Counts::default();
    let mut seen = false;
    for part in rest.split(';') {
        let mut words = part.split_whitespace();
        let (Some(number), Some(what)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(number) = number.parse::<u64>() else {
            continue;
        };
        match what {
            "passed" => {
                counts.passed = number;
                seen = true;
            }
            "failed" => counts.failed = number,
            _ => {}
        }
    }
    seen.then_some(counts)
}

/// The counts of every `test result:` line in `text`, summed.
pub fn sum_results(text: &str) -> Counts {
    let mut total = Counts::default();
    for counts in text.lines().filter_map(parse_result_line) {
        total += counts;
    }
    total
}

/// A failing test: its name and the first lines of what it printed (its panic message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The test's full name.
    pub name: String,
    /// Its message lines, shortened.
    pub message: Vec<String>,
}

/// Lines a learner does not need in a failure message: blank lines, the backtrace hint, and a
/// whole backtrace when `RUST_BACKTRACE` is set.
fn without_noise(lines: &[String]) -> Vec<&String> {
    let mut kept = Vec::new();
    let mut in_backtrace = false;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with("stack backtrace:") {
            in_backtrace = true;
            continue;
        }
        if in_backtrace {
            if trimmed.starts_with("note: Some details are omitted") {
                in_backtrace = false;
            }
            let frame = trimmed.starts_with("at ")
                || trimmed
                    .split(':')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok());
            if frame || !in_backtrace {
                continue;
            }
            in_backtrace = false;
        }
        if trimmed.is_empty() || trimmed.starts_with("note: run with `RUST_BACKTRACE=1`") {
            continue;
        }
        kept.push(line);
    }
    kept
}

/// The failing tests in a test binary's stdout, each with at most `max_lines` message lines of
/// at most `max_chars` characters.
pub fn failures(stdout: &str, max_lines: usize, max_chars: usize) -> Vec<Failure> {
    let mut found: Vec<Failure> = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    let finish = |block: Option<(String, Vec<String>)>, found: &mut Vec<Failure>| {
        if let Some((name, lines)) = block {
            found.push(Failure {
                name,
                message: shorten_block(&lines, max_lines, max_chars),
            });
        }
    };
    for line in stdout.lines() {
        if let Some(name) = block_header(line) {
            finish(current.take(), &mut found);
            current = Some((name, Vec::new()));
        } else if matches!(line.trim_end(), "failures:" | "successes:")
            || line.starts_with("test result: ")
        {
            finish(current.take(), &mut found);
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line.to_string());
        }
    }
    finish(current.take(), &mut found);
    // A test marked FAILED without a captured block (it printed nothing) still counts.
    for line in stdout.lines() {
        if let Some(name) = failed_marker(line)
            && !found.iter().any(|f| f.name == name)
        {
            found.push(Failure {
                name,
                message: Vec::new(),
            });
        }
    }
    found
}

/// `---- tests::name stdout ----` gives `tests::name`.
fn block_header(line: &str) -> Option<String> {
    let inner = line
        .trim_end()
        .strip_prefix("---- ")?
        .strip_suffix(" ----")?;
    let name = inner
        .strip_suffix(" stdout")
        .or_else(|| inner.strip_suffix(" stderr"))?;
    Some(name.to_string())
}

/// `test tests::name ... FAILED` gives `tests::name`.
fn failed_marker(line: &str) -> Option<String> {
    let rest = line.trim_end().strip_prefix("test ")?;
    let name = rest.strip_suffix(" ... FAILED")?;
    Some(name.to_string())
}

fn shorten_block(lines: &[String], max_lines: usize, max_chars: usize) -> Vec<String> {
    let kept = without_noise(lines);
    let mut out: Vec<String> = kept
        .iter()
        .take(max_lines)
        .map(|l| shorten_line(l, max_chars))
        .collect();
    if kept.len() > max_lines {
        out.push(format!("… ({} more lines)", kept.len() - max_lines));
    }
    out
}

/// A line cut to `max_chars` characters, with `…` when cut.
pub fn shorten_line(line: &str, max_chars: usize) -> String {
    let line = line.trim_end();
    if line.chars().count() <= max_chars {
        line.to_string()
    } else {
        let cut: String = line.chars().take(max_chars).collect();
        format!("{cut}…")
    }
}

/// The first `max` compiler error lines in cargo's stderr (best with `--message-format short`),
/// leaving out cargo's closing "could not compile" unless there is nothing else.
pub fn compile_errors(stderr: &str, max: usize) -> Vec<String> {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.contains(": error"))
        .collect();
    let specific: Vec<&str> = errors
        .iter()
        .copied()
        .filter(|l| !l.starts_with("error: could not compile"))
        .collect();
    let chosen = if specific.is_empty() {
        errors
    } else {
        specific
    };
    chosen
        .into_iter()
        .take(max)
        .map(|l| shorten_line(l, 240))
        .collect()
}

/// A compiler warning located in a file (`--message-format short`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file, relative to the workspace root, with `..` resolved
    /// (`chapters/12-deadlocks/src/../exercises/e1.rs` becomes `chapters/12-deadlocks/exercises/e1.rs`).
    pub file: String,
    /// The whole message line, shortened.
    pub line: String,
}

/// The located compiler warnings in cargo's stderr (`path:line:col: warning: ...`).
pub fn located_warnings(stderr: &str) -> Vec<Warning> {
    stderr
        .lines()
        .filter_map(|line| {
            let (location, _) = line.split_once(": warning")?;
            let mut parts = location.rsplitn(3, ':');
            let (_col, _line, file) = (parts.next()?, parts.next()?, parts.next()?);
            file.ends_with(".rs").then(|| Warning {
                file: resolve_dots(file),
                line: shorten_line(line, 240),
            })
        })
        .collect()
}

/// Resolves `.` and `..` in a `/`-separated relative path, without touching the file system.
pub fn resolve_dots(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// The test names in a test binary's `--list --format terse` output (`name: test` lines).
pub fn listed_tests(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// How one test reported, in the harness's running section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// `test name ... ok`
    Ok,
    /// `test name ... FAILED`
    Failed,
    /// `test name ... ignored` (with or without a reason)
    Ignored,
}

/// What a test binary run with `--test-threads 1` said about its tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Each test that reported, in order.
    pub results: Vec<(String, Reported)>,
    /// A test that started but never reported (it hung, or the process ended inside it).
    pub unfinished: Option<String>,
    /// The counts of the harness's closing `test result:` line, if it printed one.
    pub summary: Option<Counts>,
}

/// Reads the harness's report. Only the running section counts: everything from the first
/// `failures:` or `successes:` line on is the tests' captured output, which a test (or the code
/// it tests) could fill with lines that look like results. The closing summary is the last
/// `test result:` line, which the harness prints after every test has ended.
pub fn run_report(stdout: &str) -> RunReport {
    let mut report = RunReport::default();
    for line in stdout.lines() {
        if matches!(line.trim_end(), "failures:" | "successes:") {
            break;
        }
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if let Some((name, result)) = rest.split_once(" ... ") {
            let name = without_test_mode(name);
            let reported = match result.trim_end() {
                "ok" => Some(Reported::Ok),
                "FAILED" => Some(Reported::Failed),
                r if r.starts_with("ignored") => Some(Reported::Ignored),
                _ => None,
            };
            match reported {
                Some(reported) => report.results.push((name.to_string(), reported)),
                None => report.unfinished = Some(name.to_string()),
            }
        } else if let Some(name) = rest.strip_suffix(" ...") {
            report.unfinished = Some(without_test_mode(name).to_string());
        }
    }
    if let Some((last, _)) = report.results.last()
        && report.unfinished.as_deref() == Some(last.as_str())
    {
        report.unfinished = None;
    }
    report.summary = stdout.lines().filter_map(parse_result_line).next_back();
    report
}

/// A test's name as `--list` gives it, from its running line: libtest adds ` - should panic`
/// after the name of a `#[should_panic]` test.
fn without_test_mode(name: &str) -> &str {
    name.strip_suffix(" - should panic").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILING: &str = "\
running 3 tests
test finishes ... ok
test no_deadlock ... FAILED
test silent ... FAILED

failures:

---- no_deadlock stdout ----

thread 'no_deadlock' panicked at chapters/12-deadlocks/tests/exercise_12_1.rs:12:5:
not yet implemented: order the locks
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    no_deadlock
    silent

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
";

    #[test]
    fn result_lines_are_counted() {
        assert_eq!(
            parse_result_line(
                "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s"
            ),
            Some(Counts {
                passed: 3,
                failed: 0
            })
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
        let text = format!(
            "{FAILING}\ntest result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n"
        );
        assert_eq!(
            sum_results(&text),
            Counts {
                passed: 5,
                failed: 2
            }
        );
    }

    #[test]
    fn failures_carry_their_panic_message_without_noise() {
        let found = failures(FAILING, 10, 200);
        assert_eq!(
            found,
            [
                Failure {
                    name: "no_deadlock".into(),
                    message: vec![
                        "thread 'no_deadlock' panicked at chapters/12-deadlocks/tests/exercise_12_1.rs:12:5:".into(),
                        "not yet implemented: order the locks".into(),
                    ],
                },
                Failure {
                    name: "silent".into(),
                    message: Vec::new()
                },
            ]
        );
    }

    #[test]
    fn dots_are_resolved() {
        assert_eq!(
            resolve_dots("a/src/../exercises/./e.rs"),
            "a/exercises/e.rs"
        );
        assert_eq!(resolve_dots("../x.rs"), "../x.rs");
    }

    #[test]
    fn backtraces_are_left_out() {
        let stdout = "\
---- t stdout ----
thread 't' panicked at src/lib.rs:1:1:
boom
stack backtrace:
   0: __rustc::rust_begin_unwind
             at /rustc/library/std/src/panicking.rs:689:5
   1: t::f
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.
after
";
        let found = failures(stdout, 10, 200);
        assert_eq!(
            found[0].message,
            ["thread 't' panicked at src/lib.rs:1:1:", "boom", "after"]
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let mut stdout = String::from("---- t stdout ----\n");
        for i in 0..20 {
            stdout.push_str(&format!("line {i} {}\n", "x".repeat(300)));
        }
        let found = failures(&stdout, 3, 10);
        assert_eq!(found[0].message.len(), 4);
        assert_eq!(found[0].message[0], "line 0 xxx…");
        assert_eq!(found[0].message[3], "… (17 more lines)");
    }

    #[test]
    fn compile_errors_and_package_warnings_are_picked_out() {
        let stderr = "\
   Compiling chapter-12 v0.1.0
common/src/lib.rs:1:1: warning: unused import
chapters/12-deadlocks/src/../exercises/e1.rs:3:9: warning: unused variable: `x`
chapters/12-deadlocks/exercises/e1.rs:7:5: error[E0308]: mismatched types
warning: `chapter-12` (lib) generated 1 warning
error: could not compile `chapter-12` (lib) due to 1 previous error; 1 warning emitted
";
        assert_eq!(
            compile_errors(stderr, 5),
            ["chapters/12-deadlocks/exercises/e1.rs:7:5: error[E0308]: mismatched types"]
        );
        assert_eq!(
            located_warnings(stderr),
            [
                Warning {
                    file: "common/src/lib.rs".into(),
                    line: "common/src/lib.rs:1:1: warning: unused import".into(),
                },
                Warning {
                    file: "chapters/12-deadlocks/exercises/e1.rs".into(),
                    line: "chapters/12-deadlocks/src/../exercises/e1.rs:3:9: warning: unused variable: `x`".into(),
                },
            ]
        );
        assert_eq!(
            compile_errors("error: could not compile `x`\n", 5),
            ["error: could not compile `x`"]
        );
    }

    #[test]
    fn listings_and_run_reports_are_read_from_the_running_section_only() {
        let listing = "graded::a: test\ngraded::b: test\n\n2 tests, 0 benchmarks\n";
        assert_eq!(listed_tests(listing), ["graded::a", "graded::b"]);
        let stdout = "\
running 3 tests
test graded::a ... ok
test graded::b ... FAILED
test graded::c ... ignored, slow

failures:

---- graded::b stdout ----
test graded::b ... ok
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

failures:
    graded::b

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s
";
        let report = run_report(stdout);
        assert_eq!(
            report.results,
            [
                ("graded::a".to_string(), Reported::Ok),
                ("graded::b".to_string(), Reported::Failed),
                ("graded::c".to_string(), Reported::Ignored),
            ]
        );
        assert_eq!(report.unfinished, None);
        assert_eq!(
            report.summary,
            Some(Counts {
                passed: 1,
                failed: 1
            })
        );
        let hung = run_report("running 2 tests\ntest graded::a ... ok\ntest graded::b ... ");
        assert_eq!(hung.unfinished.as_deref(), Some("graded::b"));
        assert_eq!(hung.summary, None);
    }

    #[test]
    fn a_should_panic_test_reports_under_its_listed_name() {
        let report = run_report(
            "running 2 tests\ntest graded::a - should panic ... ok\n\
             test graded::b - should panic ... FAILED\n",
        );
        assert_eq!(
            report.results,
            [
                ("graded::a".to_string(), Reported::Ok),
                ("graded::b".to_string(), Reported::Failed),
            ]
        );
        let hung = run_report("running 1 test\ntest graded::a - should panic ... ");
        assert_eq!(hung.unfinished.as_deref(), Some("graded::a"));
    }
}

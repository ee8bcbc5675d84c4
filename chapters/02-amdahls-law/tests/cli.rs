//! CLI tests against the real `chapter-2` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with the figures;
//! `plot` prints the path of the SVG it wrote.

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_2: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-2"));

/// Runs `args` and returns stdout. The exit code is 0 when the measured speedups stayed within
/// the law and 1 if one beat it (a noisy machine): both are fine here, since measurements are
/// reported, never asserted; a usage error (2) or a crash is not.
fn measured(args: &[&str]) -> String {
    let out = CHAPTER_2.run(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_2.check_usage_errors(&chapter_2::CHAPTER);
    CHAPTER_2.usage_error(&["run", "amdahl", "--threads", "65"], "give 1 to 64");
    CHAPTER_2.usage_error(
        &["run", "amdahl", "--variant", "serial-0.2"],
        "valid variants: book-sweep, serial-0, serial-0.1, serial-0.5",
    );
}

#[test]
fn json_reports_speedup_and_prediction() {
    let lines: Vec<serde_json::Value> = measured(&[
        "run",
        "amdahl",
        "--variant",
        "serial-0.5",
        "--threads",
        "2",
        "--json",
        "--quick",
    ])
    .lines()
    .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
    .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["variant"], "serial-0.5");
    let predicted = figure(&lines[0], "Amdahl's prediction on 2 workers");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let expected = common::timing::amdahl(0.5, 2.min(cores));
    assert!((predicted - expected).abs() < 1e-9, "{predicted}");
    assert!(figure(&lines[0], "speedup on 2 workers") > 0.0);
}

#[test]
fn plot_prints_the_svg_path() {
    let stdout = measured(&[
        "run",
        "plot",
        "--variant",
        "serial-0.1",
        "--threads",
        "2",
        "--quick",
    ]);
    let path = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("wrote "))
        .unwrap_or_else(|| panic!("no path in {stdout}"));
    assert!(path.ends_with("chapter-2-amdahl-serial-0.1.svg"), "{path}");
    assert!(std::path::Path::new(path).is_file(), "{path}");
}

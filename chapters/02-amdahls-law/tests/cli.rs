//! CLI tests against the real `chapter-2` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with the figures
//! (the verdict does not depend on speed, so runs exit 0); `plot` prints the path of its SVG.

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_2: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-2"));

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
    let lines = CHAPTER_2.json_lines(&[
        "run",
        "amdahl",
        "--variant",
        "serial-0.5",
        "--threads",
        "2",
        "--json",
        "--quick",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["variant"], "serial-0.5");
    // The verdict rests on every worker count computing the same result, not on speed.
    assert_eq!(lines[0]["verdict"], "showed");
    let predicted = figure(&lines[0], "Amdahl's prediction on 2 workers");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let expected = common::timing::amdahl(0.5, 2.min(cores));
    assert!((predicted - expected).abs() < 1e-9, "{predicted}");
    assert!(figure(&lines[0], "speedup on 2 workers") > 0.0);
}

#[test]
fn plot_prints_the_svg_path() {
    let stdout = CHAPTER_2.stdout(
        &[
            "run",
            "plot",
            "--variant",
            "serial-0.1",
            "--threads",
            "2",
            "--quick",
        ],
        0,
    );
    let path = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("wrote "))
        .unwrap_or_else(|| panic!("no path in {stdout}"));
    assert!(path.ends_with("chapter-2-amdahl-serial-0.1.svg"), "{path}");
    assert!(std::path::Path::new(path).is_file(), "{path}");
}

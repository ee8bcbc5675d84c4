//! CLI tests against the real `chapter-1` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with the
//! figures the README quotes.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_1: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-1"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_1.check_usage_errors(&chapter_1::CHAPTER);
    CHAPTER_1.usage_error(
        &["run", "prime-check", "--threads", "65"],
        "give 1 to 64 workers",
    );
}

#[test]
fn the_book_iterate_prints_35443() {
    let lines = CHAPTER_1.json_lines(&[
        "run",
        "inherently-sequential",
        "--variant",
        "book",
        "--json",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "last five digits"), 35_443.0);
    assert_eq!(figure(&lines[0], "max speedup (work/span)"), 1.0);
}

#[test]
fn the_prime_check_reports_primes_and_cores() {
    // The verdict (exit 0 or 1) depends on the measured speedup, so only the figures that do
    // not are checked.
    let out = CHAPTER_1.run(&[
        "run",
        "prime-check",
        "--variant",
        "processes",
        "--threads",
        "2",
        "--quick",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let primes = chapter_1::prime_check::QUICK_PRIMES;
    assert!(
        stdout.contains(&format!(
            "Primes found: {primes} — the same as the sequential check"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("by 2 forked worker processes"), "{stdout}");
    assert!(stdout.contains("cores available"), "{stdout}");
}

#[test]
fn the_sequential_waits_add_up() {
    let lines = CHAPTER_1.json_lines(&[
        "run",
        "io-bound",
        "--variant",
        "sequential",
        "--threads",
        "4",
        "--quick",
        "--json",
    ]);
    assert!(figure(&lines[0], "total time") >= figure(&lines[0], "sum of latencies"));
}

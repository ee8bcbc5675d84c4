//! CLI tests against the real `chapter-3` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; examples exit 0 and `--json` prints one outcome per
//! line with its figures.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_3: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-3"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_3.check_usage_errors(&chapter_3::CHAPTER);
    CHAPTER_3.usage_error(
        &["run", "priority-queue", "--threads", "65"],
        "give 1 to 64 workers",
    );
}

#[test]
fn spawn_join_prints_the_answers_and_exits_0() {
    let stdout = CHAPTER_3.stdout(&["run", "spawn-join", "--variant", "primes"], 0);
    assert!(stdout.contains("323 is not prime: 17 x 19"), "{stdout}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_3.json_lines(&[
        "run",
        "synchronizing",
        "--json",
        "--quick",
        "--threads",
        "2",
    ]);
    assert_eq!(lines.len(), 3);
    for (line, variant) in lines.iter().zip(["lock", "atomic", "channel"]) {
        assert_eq!(line["variant"], variant);
        assert_eq!(line["verdict"], "showed");
        assert_eq!(figure(line, "counted"), 100_000.0);
    }
}

//! CLI tests against the real `chapter-5` binary: every usage error the registry implies exits 2
//! with one line; the `serve` tool refuses bad arguments and non-loopback hosts, serves real
//! requests on an ephemeral port and stops cleanly on Ctrl-C (SIGINT); `--json` prints one
//! outcome per line.

#![cfg(not(shuttle))]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_5: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-5"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_5.check_usage_errors(&chapter_5::CHAPTER);
    CHAPTER_5.usage_error(&["run", "rate-limit", "--threads", "257"], "give 1 to 256");
}

#[test]
fn serve_refuses_bad_arguments_in_one_line() {
    CHAPTER_5.usage_error(
        &["serve", "--host", "0.0.0.0"],
        "refusing to serve on 0.0.0.0",
    );
    CHAPTER_5.usage_error(&["serve", "--host", "192.168.1.1"], "use --host 127.0.0.1");
    CHAPTER_5.usage_error(&["serve", "--host", "localhost-ish"], "invalid value");
    CHAPTER_5.usage_error(&["serve", "--port", "70000"], "invalid value");
    CHAPTER_5.usage_error(&["serve", "--bogus"], "unexpected argument");
    let help = CHAPTER_5.stdout(&["serve", "--help"], 0);
    assert!(help.contains("--port") && help.contains("--host"), "{help}");
    let top = CHAPTER_5.stdout(&["--help"], 0);
    assert!(top.contains("serve"), "{top}");
}

#[test]
fn serve_answers_real_requests_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chapter-5"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts chapter-5 serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("reads the first line");
    let base = first
        .trim()
        .strip_prefix("status server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let agent = chapter_5::probe::blocking_agent(Duration::from_secs(10));
    let target = chapter_5::probe::Target::status(&base, 418, Duration::from_millis(20));
    let probe = chapter_5::probe::fetch_blocking(&agent, &target);
    assert_eq!(probe.answer, chapter_5::probe::Answer::Status(418));
    drop(agent);

    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("sends SIGINT");
    // Wait for the exit on another thread, so a server that ignores Ctrl-C fails the test
    // instead of hanging it.
    let (done, exited) = mpsc::channel();
    std::thread::spawn(move || {
        let status = child.wait();
        let mut rest = String::new();
        let _ = stdout.read_to_string(&mut rest);
        let _ = done.send((status, rest));
    });
    let (status, rest) = exited
        .recv_timeout(Duration::from_secs(20))
        .expect("serve stops within 20 s of Ctrl-C");
    assert!(status.expect("waits").success());
    assert!(rest.contains("stopped: 1 request served"), "{rest}");
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_5.json_lines(&[
        "run",
        "check-status",
        "--variant",
        "async",
        "--json",
        "--quick",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["variant"], "async");
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "statuses as asked"), 20.0);
    let lines = CHAPTER_5.json_lines(&["run", "timeouts", "--json", "--quick"]);
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["verdict"] == "showed"), "{lines:?}");
}

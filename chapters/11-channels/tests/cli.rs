//! CLI tests against the real `chapter-11` binary: every usage error the registry implies exits 2
//! with one line naming the valid choices; `--json` prints one outcome per line with the figures
//! the README quotes; the `serve` tool rejects bad arguments with exit 2.

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_11: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-11"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_11.check_usage_errors(&chapter_11::CHAPTER);
    CHAPTER_11.usage_error(
        &["run", "echo", "--threads", "1001"],
        "give 1 to 1000 clients",
    );
    CHAPTER_11.usage_error(&["serve", "--port", "http"], "invalid value");
    CHAPTER_11.usage_error(&["serve", "--grace-ms", "100000"], "invalid value");
    CHAPTER_11.usage_error(&["serve", "--no-such-flag"], "unexpected argument");
}

#[test]
fn json_output_is_one_outcome_per_line_with_the_echo_figures() {
    let lines = CHAPTER_11.json_lines(&[
        "run",
        "echo",
        "--variant",
        "echo",
        "--threads",
        "10",
        "--quick",
        "--json",
    ]);
    assert_eq!(lines.len(), 1);
    let echo = &lines[0];
    assert_eq!(echo["verdict"], "showed", "{echo}");
    assert_eq!(figure(echo, "round trips"), 10.0 * 50.0);
    assert_eq!(figure(echo, "wrong replies"), 0.0);
    assert!(figure(echo, "round trips per second") > 0.0);
    assert!(figure(echo, "p99 round trip") >= figure(echo, "p50 round trip"));
}

#[test]
fn every_variant_of_framed_protocol_prints_json() {
    let lines = CHAPTER_11.json_lines(&["run", "framed-protocol", "--quick", "--json"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[1]["variant"], "framed");
    assert_eq!(figure(&lines[1], "requests without their reply"), 0.0);
}

/// Starts `chapter-11 serve`, sends a slow request, delivers `signal` to the process while the
/// request runs, and checks the reply still arrives, a late connect is refused, and the process
/// exits 0 saying which signal stopped it.
fn serve_drains_on(signal: nix::sys::signal::Signal, name: &str) {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_chapter-11"))
        .args(["serve", "--grace-ms", "10000"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("reads the banner");
    let addr = first
        .split_whitespace()
        .find(|w| w.starts_with("127.0.0.1:"))
        .map(|w| w.trim_end_matches(':').to_string())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let stream = TcpStream::connect(&addr).expect("connects");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("sets a timeout");
    let mut replies = BufReader::new(stream.try_clone().expect("clones"));
    let mut writer = stream;
    // PING first: its reply proves the connection is being served before the slow request.
    writer.write_all(b"PING\nSLOW 300\n").expect("writes");
    let mut line = String::new();
    replies.read_line(&mut line).expect("reads PONG");
    assert_eq!(line.trim_end(), "PONG");
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, signal).expect("signals the server");
    line.clear();
    replies.read_line(&mut line).expect("reads DONE");
    assert_eq!(
        line.trim_end(),
        "DONE 300",
        "the request in flight finished"
    );
    let status = child.wait().expect("the server exits");
    assert_eq!(status.code(), Some(0));
    assert!(TcpStream::connect(&addr).is_err(), "the server is gone");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).expect("reads the summary");
    assert!(rest.contains(&format!("stopped by {name}")), "{rest}");
}

#[test]
fn serve_drains_on_sigterm() {
    serve_drains_on(nix::sys::signal::Signal::SIGTERM, "SIGTERM");
}

#[test]
fn serve_drains_on_ctrl_c() {
    serve_drains_on(nix::sys::signal::Signal::SIGINT, "Ctrl-C");
}

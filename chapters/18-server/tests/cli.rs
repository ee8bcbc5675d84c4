//! CLI tests against the real `chapter-18` binary: usage errors exit 2 with one line (examples
//! and both tools); `serve` really serves a client over loopback for each implementation and
//! stops gracefully on SIGTERM; `load` prints its table; `--json` prints one outcome per line.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli_test::ChapterBinary;

const BIN: &str = env!("CARGO_BIN_EXE_chapter-18");
const CHAPTER_18: ChapterBinary = ChapterBinary::new(BIN);

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_18.check_usage_errors(&chapter_18::CHAPTER);
    CHAPTER_18.usage_error(&["serve", "--impl", "threads"], "invalid value 'threads'");
    CHAPTER_18.usage_error(&["run", "serve", "--port", "70000"], "invalid value");
    CHAPTER_18.usage_error(&["serve", "--max-line", "0"], "invalid value");
    CHAPTER_18.usage_error(&["load", "--clients", "0"], "invalid value");
    CHAPTER_18.usage_error(&["load", "--requests", "many"], "invalid value");
    CHAPTER_18.usage_error(&["load", "--addr", "nowhere"], "invalid value");
    CHAPTER_18.usage_error(
        &["load", "--all-connected-first", "--impl", "blocking"],
        "would wait for ever on the blocking server",
    );
}

#[test]
fn tools_have_help() {
    let help = CHAPTER_18.stdout(&["serve", "--help"], 0);
    assert!(help.contains("--impl"), "{help}");
    let help = CHAPTER_18.stdout(&["run", "load", "--help"], 0);
    assert!(help.contains("--clients"), "{help}");
    let help = CHAPTER_18.stdout(&["--help"], 0);
    assert!(help.contains("serve") && help.contains("load"), "{help}");
}

/// Starts `serve`, talks to it like `nc` would, then stops it with SIGTERM.
fn serve_and_terminate(implementation: &str) {
    let mut child = Command::new(BIN)
        .args(["run", "serve", "--impl", implementation])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    let addr: SocketAddr = first
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));

    let stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    writer
        .write_all(b"1,2,3\nproduct\n2,3,4\nquit\n")
        .expect("writes");
    let mut transcript = String::new();
    for _ in 0..5 {
        reader.read_line(&mut transcript).expect("reads");
    }
    assert_eq!(
        transcript,
        "starting in sum mode\n6\nswitched to product mode\n24\nbye\n"
    );

    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal");
    let until = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("{implementation} server ignored SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("rest");
    assert!(status.success(), "{implementation}: {status:?} {rest}");
    assert!(
        rest.contains("stopped: 1 connection(s), 4 request(s) answered"),
        "{rest}"
    );
}

#[test]
fn serve_answers_a_client_and_stops_on_sigterm() {
    for implementation in ["blocking", "reactor", "tokio"] {
        serve_and_terminate(implementation);
    }
}

#[test]
fn load_prints_a_table_with_percentiles() {
    let stdout = CHAPTER_18.stdout(&["load", "--clients", "8", "--requests", "20"], 0);
    for needle in [
        "blocking",
        "reactor",
        "tokio",
        "p99 (ms)",
        "throughput",
        "exactly once",
    ] {
        assert!(stdout.contains(needle), "{needle}: {stdout}");
    }
}

#[test]
fn json_output_is_one_outcome_per_line() {
    let lines = CHAPTER_18.json_lines(&["run", "state-machines", "--json", "--quick"]);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[3]["variant"], "async-fn");
    assert!(lines.iter().all(|l| l["verdict"] == "showed"));
}

//! Integration tests on the examples' outcomes, with real servers and real clients on
//! `127.0.0.1:0`: every variant shows its lesson (the broken framing really loses replies, the
//! abrupt shutdown really cuts requests off), every download is exact byte for byte. No timing
//! assertions; the examples' own time limits turn a hang into a failure.

use chapter_11::CHAPTER;
use common::Verdict;
use common::testing::{run_quick, run_quick_threads};

#[test]
fn every_echo_server_serves_every_client() {
    for variant in ["receive-only", "echo-close", "echo"] {
        let outcome = run_quick_threads(&CHAPTER, "echo", variant, 20);
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        assert_eq!(outcome.get("connections made").unwrap_or(20.0), 20.0);
    }
    let echo = run_quick_threads(&CHAPTER, "echo", "echo", 20);
    assert_eq!(echo.get("round trips"), Some(20.0 * 50.0));
    assert_eq!(echo.get("wrong replies"), Some(0.0));
    let close = run_quick_threads(&CHAPTER, "echo", "echo-close", 7);
    assert_eq!(close.get("exact replies"), Some(7.0));
    assert_eq!(close.get("closed by the server"), Some(7.0));
    let silent = run_quick_threads(&CHAPTER, "echo", "receive-only", 5);
    assert_eq!(silent.get("bytes sent back"), Some(0.0));
}

#[test]
fn every_download_is_exact_byte_for_byte() {
    let total: f64 = common::http::PAGES.iter().map(|p| p.bytes as f64).sum();
    for variant in ["sequential", "concurrent", "streamed"] {
        let outcome = run_quick(&CHAPTER, "downloads", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        assert_eq!(outcome.get("files verified byte for byte"), Some(5.0));
        assert_eq!(outcome.get("bytes written"), Some(total));
    }
}

#[test]
fn the_temp_directory_is_removed() {
    let outcome = run_quick(&CHAPTER, "downloads", "concurrent");
    let line = outcome
        .narrative
        .iter()
        .find(|l| l.contains("Files went to"))
        .expect("the narrative names the directory");
    let dir = line
        .split("Files went to ")
        .nth(1)
        .and_then(|rest| rest.split(" (").next())
        .expect("a path");
    if std::env::var_os("CHAPTER_11_KEEP_DOWNLOADS").is_none() {
        assert!(!std::path::Path::new(dir).exists(), "{dir} still exists");
    }
}

#[test]
fn broken_framing_loses_replies_and_the_codec_loses_none() {
    let broken = run_quick(&CHAPTER, "framed-protocol", "broken");
    assert_eq!(broken.verdict, Verdict::Showed, "{broken:#?}");
    assert!(broken.get("requests without their reply").expect("figure") > 0.0);
    let framed = run_quick(&CHAPTER, "framed-protocol", "framed");
    assert_eq!(framed.verdict, Verdict::Showed, "{framed:#?}");
    assert_eq!(framed.get("requests without their reply"), Some(0.0));
    assert_eq!(framed.get("malformed frames answered with ERR"), Some(7.0));
    assert_eq!(framed.get("clients that hung up mid-request"), Some(1.0));
}

#[test]
fn abrupt_shutdown_cuts_requests_off_and_graceful_finishes_them() {
    let abrupt = run_quick(&CHAPTER, "graceful-shutdown", "abrupt");
    assert_eq!(abrupt.verdict, Verdict::Showed, "{abrupt:#?}");
    assert_eq!(abrupt.get("in-flight requests completed"), Some(0.0));
    let graceful = run_quick(&CHAPTER, "graceful-shutdown", "graceful");
    assert_eq!(graceful.verdict, Verdict::Showed, "{graceful:#?}");
    assert_eq!(graceful.get("in-flight requests completed"), Some(10.0));
    assert_eq!(graceful.get("cut off"), Some(0.0));
}

//! Integration tests: real clients against the real status server on an ephemeral port. Statuses
//! and timeouts are asserted, and the concurrency bounds are read from the server's own count of
//! requests in flight; times are asserted only as lower bounds the server's sleeps guarantee.

#![cfg(not(shuttle))]

use std::time::Duration;

use chapter_5::check_status::{Style, Workload, measure};
use chapter_5::probe::{Answer, BOOK_CODES, Target, book_targets};
use chapter_5::rate_limit::{Limiter, fetch_limited};
use chapter_5::semaphore::Semaphore;
use chapter_5::timeouts::{async_timeouts, with_timeouts};
use chapter_5::{CHAPTER, single_request};
use common::http::{StatusServer, page, page_body};
use common::testing::every_variant;

#[test]
fn every_variant_of_every_example_shows_its_lesson() {
    every_variant(&CHAPTER, &[]);
}

#[test]
fn the_single_request_saves_the_page_byte_for_byte() {
    let server = StatusServer::start().expect("starts");
    let google = page("google").expect("a google page");
    let folder = std::env::temp_dir().join(format!("chapter-5-test-{}", std::process::id()));
    let path = folder.join("google.html");
    let saved = single_request::fetch_and_save(
        &server.url("/pages/google"),
        &path,
        page_body(google).as_bytes(),
    )
    .expect("fetches and saves");
    assert_eq!(saved.status, 200);
    assert_eq!(saved.bytes, 11_264);
    assert!(saved.matches);
    assert!(
        saved
            .headers
            .iter()
            .any(|(name, value)| name == "content-type" && value.starts_with("text/html"))
    );
    assert_eq!(std::fs::read(&path).expect("the file").len(), 11_264);
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn every_client_style_gets_every_status_and_respects_its_bound() {
    let server = StatusServer::start().expect("starts");
    let workload = Workload {
        requests: 12,
        latency: Duration::from_millis(30),
    };
    for style in [
        Style::Sequential,
        Style::Threads,
        Style::ThreadPool(3),
        Style::Async,
    ] {
        let checked = measure(&server, style, workload).expect("runs");
        assert_eq!(checked.as_expected(), 12, "{style:?}: {:?}", checked.probes);
        for (probe, code) in checked.probes.iter().zip(BOOK_CODES.iter().cycle()) {
            assert_eq!(probe.answer, Answer::Status(*code));
            assert!(probe.elapsed >= workload.latency, "{probe:?}");
        }
        // The server's count: never more in flight than the style allows.
        assert!(
            checked.peak_in_flight <= style.max_in_flight(12),
            "{style:?}: {}",
            checked.peak_in_flight
        );
        // Lower bounds the server's sleeps guarantee: at least one latency, and for one request
        // at a time, at least N of them.
        assert!(checked.total >= workload.latency);
    }
    let sequential = measure(&server, Style::Sequential, workload).expect("runs");
    assert_eq!(sequential.peak_in_flight, 1);
    assert!(sequential.total >= workload.latency * 12);
}

fn slow_targets(base: &str, slow: Duration) -> Vec<Target> {
    let mut targets: Vec<Target> = BOOK_CODES
        .iter()
        .map(|&code| Target::status(base, code, Duration::ZERO))
        .collect();
    targets.push(Target::status(base, 200, slow));
    targets
}

#[test]
fn a_request_timeout_reports_the_slow_one_as_timed_out() {
    let server = StatusServer::start().expect("starts");
    let targets = slow_targets(&server.url(""), Duration::from_secs(5));
    let per_request = Duration::from_secs(1);
    let overall = Duration::from_secs(20);
    for probes in [
        with_timeouts(&targets, per_request, overall),
        async_timeouts(&targets, per_request, overall).expect("runs"),
    ] {
        let (slow, fast) = probes.split_last().expect("requests");
        assert_eq!(slow.answer, Answer::TimedOut, "{probes:?}");
        assert!(slow.elapsed >= per_request);
        assert!(fast.iter().all(|p| p.as_expected()), "{probes:?}");
    }
}

#[test]
fn the_overall_deadline_reports_stragglers_as_unfinished() {
    let server = StatusServer::start().expect("starts");
    let targets = slow_targets(&server.url(""), Duration::from_secs(3));
    // The per-request timeout is longer than the deadline: the deadline has to act.
    let per_request = Duration::from_secs(20);
    let overall = Duration::from_millis(1_500);
    for probes in [
        with_timeouts(&targets, per_request, overall),
        async_timeouts(&targets, per_request, overall).expect("runs"),
    ] {
        let (slow, fast) = probes.split_last().expect("requests");
        assert_eq!(slow.answer, Answer::Unfinished, "{probes:?}");
        assert!(fast.iter().all(|p| p.as_expected()), "{probes:?}");
    }
}

#[test]
fn a_limit_of_k_keeps_the_servers_peak_at_k_or_below() {
    let server = StatusServer::start().expect("starts");
    let targets = book_targets(&server.url(""), 12, Duration::from_millis(30));
    for limiter in [
        Limiter::Semaphore(3),
        Limiter::AsyncSemaphore(3),
        Limiter::Semaphore(1),
    ] {
        server.reset_peak();
        let probes = fetch_limited(limiter, &targets, Duration::from_secs(10)).expect("runs");
        assert!(probes.iter().all(|p| p.as_expected()), "{probes:?}");
        let peak = server.stats().peak_in_flight;
        let k = limiter.limit().expect("a limit");
        assert!(peak <= k, "{limiter:?}: the server saw {peak} at once");
        assert!(peak >= 1);
    }
    server.reset_peak();
    let probes =
        fetch_limited(Limiter::Unbounded, &targets, Duration::from_secs(10)).expect("runs");
    assert!(probes.iter().all(|p| p.as_expected()));
    assert!(server.stats().peak_in_flight <= 12);
}

#[test]
fn the_semaphore_never_hands_out_more_than_its_permits_on_real_threads() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    for limit in 1..=4 {
        let semaphore = Semaphore::new(limit);
        let inside = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..500 {
                        let _permit = semaphore.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= limit);
        assert!(semaphore.peak_held() <= limit);
        assert_eq!(semaphore.available(), limit);
    }
}

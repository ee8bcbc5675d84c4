//! The client side every example shares: which URLs to ping, one request with a timeout (blocking
//! with `ureq`, or async with `common::http::get` under `tokio::time::timeout`), and what came back.
//!
//! The book pings `httpstat.us/{code}` with `requests.get`; here every URL points at the local
//! [`common::http::StatusServer`] the example starts on `127.0.0.1:0`, whose
//! `/status/{code}?sleep=ms` answers with that code after that delay. The delay stands in for the
//! network's latency: latency is this chapter's subject, so the sleep is the point, not a fake.
//!
//! Every request carries a timeout, so no example can wait forever on a slow answer; what a
//! timeout looks like to the caller is an [`Answer::TimedOut`], never an error or a panic.
//!
//! Run: used by every example (`cargo run -p chapter-5 -- list`). Book: chapter 5, "The requests
//! module" and "Checking the status of a website".

use std::time::{Duration, Instant};

use common::TableData;

/// The status codes the book checks (`Chapter05/example2.py`), in its order.
pub const BOOK_CODES: [u16; 6] = [200, 400, 404, 408, 500, 524];

/// One URL to ping and the status it should answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The full URL on the local server.
    pub url: String,
    /// The path shown in tables (`/status/404?sleep=100`).
    pub path: String,
    /// The status code the server was asked for.
    pub expected: u16,
}

impl Target {
    /// `/status/{code}?sleep={sleep}` on the server at `base` (`http://127.0.0.1:port`).
    pub fn status(base: &str, code: u16, sleep: Duration) -> Self {
        let path = format!("/status/{code}?sleep={}", sleep.as_millis());
        Self {
            url: format!("{base}{path}"),
            path,
            expected: code,
        }
    }
}

/// `n` status URLs cycling through the book's six codes, each answered after `latency`.
pub fn book_targets(base: &str, n: usize, latency: Duration) -> Vec<Target> {
    (0..n)
        .map(|i| Target::status(base, BOOK_CODES[i % BOOK_CODES.len()], latency))
        .collect()
}

/// What one request came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP response with this status code (4xx and 5xx are answers too, not errors).
    Status(u16),
    /// The request's own timeout fired first.
    TimedOut,
    /// The run's overall deadline passed before this request reported back.
    Unfinished,
    /// The request failed (connection refused, malformed answer, ...).
    Failed(String),
}

impl Answer {
    /// The answer in a table cell.
    pub fn describe(&self) -> String {
        match self {
            Self::Status(code) => code.to_string(),
            Self::TimedOut => "timed out".to_string(),
            Self::Unfinished => "deadline passed".to_string(),
            Self::Failed(why) => format!("failed: {why}"),
        }
    }
}

/// One request's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// What was asked.
    pub target: Target,
    /// What came back.
    pub answer: Answer,
    /// From sending the request to the answer (or the timeout).
    pub elapsed: Duration,
}

impl Probe {
    /// True if the server answered with the status it was asked for.
    pub fn as_expected(&self) -> bool {
        self.answer == Answer::Status(self.target.expected)
    }
}

/// A blocking client (`ureq`) that treats 4xx and 5xx as answers and gives up on a request after
/// `timeout` (connect, send, wait and read, all together).
pub fn blocking_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// Sends one blocking GET and reads the whole body, like the book's `requests.get(url)`.
pub fn fetch_blocking(agent: &ureq::Agent, target: &Target) -> Probe {
    let started = Instant::now();
    let answer = match agent.get(&target.url).call() {
        Ok(mut response) => match response.body_mut().read_to_vec() {
            Ok(_) => Answer::Status(response.status().as_u16()),
            Err(e) => classify_ureq(e),
        },
        Err(e) => classify_ureq(e),
    };
    Probe {
        target: target.clone(),
        answer,
        elapsed: started.elapsed(),
    }
}

fn classify_ureq(error: ureq::Error) -> Answer {
    match error {
        ureq::Error::Timeout(_) => Answer::TimedOut,
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => Answer::TimedOut,
        ureq::Error::StatusCode(code) => Answer::Status(code),
        other => Answer::Failed(other.to_string()),
    }
}

/// Sends one async GET (hyper, via `common::http::get`) and gives up after `timeout`. Dropping
/// the request's future on timeout closes its connection: nothing is left running.
pub async fn fetch_async(target: &Target, timeout: Duration) -> Probe {
    let started = Instant::now();
    let answer = match tokio::time::timeout(timeout, common::http::get(&target.url)).await {
        Ok(Ok(fetched)) => Answer::Status(fetched.status),
        Ok(Err(e)) => Answer::Failed(format!("{e:#}")),
        Err(_elapsed) => Answer::TimedOut,
    };
    Probe {
        target: target.clone(),
        answer,
        elapsed: started.elapsed(),
    }
}

/// A single-threaded tokio runtime with timers and sockets: one thread, many requests.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// A table with a row per request: number, path, expected status, answer, time.
pub fn probe_table(title: impl Into<String>, probes: &[Probe]) -> TableData {
    let mut table = TableData::new(title, &["#", "URL", "asked", "answer", "time (ms)"]);
    for (i, probe) in probes.iter().enumerate() {
        table.row([
            (i + 1).to_string(),
            probe.target.path.clone(),
            probe.target.expected.to_string(),
            probe.answer.describe(),
            format!("{:.0}", probe.elapsed.as_secs_f64() * 1e3),
        ]);
    }
    table
}

/// Milliseconds, as a figure value.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The line every example prints about the server's `?sleep=`.
pub const LATENCY_NOTE: &str = "the server's ?sleep= stands in for network latency: latency is \
     this chapter's subject, so the wait is real time on a real socket, not pretend work";

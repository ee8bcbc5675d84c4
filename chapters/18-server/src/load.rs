//! The load generator: C concurrent clients × R requests each, every answer checked.
//!
//! Each client connects, waits for the welcome line (that wait is reported separately: it is
//! where the blocking server makes clients queue), switches odd-numbered clients to product
//! mode, then sends R random lists one at a time and checks each reply against its own
//! arithmetic, timing each round trip. At the end it says `quit`, expects `bye` and then the
//! server's close: a reply too many, a wrong one or a missing one is counted, never ignored.
//!
//! The clients are tokio tasks on their own two-thread runtime, so 1,000 clients are 1,000
//! sockets, not 1,000 threads. Throughput is answered requests over the wall time of the whole
//! run; latency percentiles are over every request's round trip.
//!
//! Run: `cargo run --release -p chapter-18 -- load --clients 100 --requests 200` (starts each
//! server in turn) or `... load --addr 127.0.0.1:PORT` against a server you started with `serve`.
//! Book: chapter 18 tests its servers by hand with `telnet`; this is the automated client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::rng::SplitMix64;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What one load run does.
#[derive(Debug, Clone, Copy)]
pub struct LoadConfig {
    /// Concurrent clients.
    pub clients: usize,
    /// Requests each client sends (one at a time, waiting for each answer).
    pub requests: usize,
    /// Seed for the random lists.
    pub seed: u64,
    /// Every client connects and is welcomed before any sends a request, so all `clients`
    /// connections are open at once. Never with the blocking server: it welcomes one at a time.
    pub all_connected_first: bool,
    /// The server may close mid-run (a shutdown test): a close after a complete answer is then
    /// expected, not an error.
    pub tolerate_close: bool,
    /// The longest any single connect or read may take before the client gives up.
    pub io_timeout: Duration,
}

impl LoadConfig {
    /// `clients` × `requests` with defaults: seed 42, no barrier, 10 s I/O timeout.
    pub fn new(clients: usize, requests: usize) -> Self {
        Self {
            clients,
            requests,
            seed: 42,
            all_connected_first: false,
            tolerate_close: false,
            io_timeout: Duration::from_secs(10),
        }
    }
}

/// What one load run measured.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// Clients that ran.
    pub clients: usize,
    /// Requests sent that were answered correctly.
    pub answered: u64,
    /// Every reply line received, mode switches and `bye` included: must equal the server's
    /// count of requests answered.
    pub replies: u64,
    /// Replies that were not the right answer (must be 0).
    pub wrong: u64,
    /// Lines the server sent that answered nothing, e.g. after `bye` (must be 0).
    pub extra_lines: u64,
    /// Clients that hit an error or a timeout (the first few messages are in `errors`).
    pub failed_clients: u64,
    /// Clients the server closed mid-run (expected only with `tolerate_close`).
    pub closed_by_server: u64,
    /// Requests sent but never answered because the server closed first.
    pub unanswered: u64,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Every request's round trip, sorted: from writing the request to reading its answer, on a
    /// connection already welcomed, so connecting and the wait for the welcome are not in it.
    pub latencies: Vec<Duration>,
    /// Every client's wait from starting to connect to reading its welcome line, sorted: where
    /// a server that serves one client at a time makes the others queue.
    pub welcome_waits: Vec<Duration>,
    /// Up to five error messages from failed clients.
    pub errors: Vec<String>,
}

impl LoadReport {
    /// Correct answers per second over the whole run.
    pub fn throughput(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile (0–100) of request latency (round trips once welcomed).
    pub fn latency(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    /// The `p`-th percentile of the wait for the welcome line.
    pub fn welcome_wait(&self, p: f64) -> Duration {
        percentile(&self.welcome_waits, p)
    }

    /// Every request answered exactly once and correctly, every client finished cleanly.
    pub fn all_correct(&self, requests_each: usize) -> bool {
        self.wrong == 0
            && self.extra_lines == 0
            && self.failed_clients == 0
            && self.closed_by_server == 0
            && self.answered == (self.clients * requests_each) as u64
    }
}

/// Nearest-rank percentile of a sorted sample (zero for an empty one).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Debug, Default)]
struct ClientResult {
    answered: u64,
    replies: u64,
    wrong: u64,
    extra_lines: u64,
    closed_by_server: bool,
    unanswered: u64,
    error: Option<String>,
    latencies: Vec<Duration>,
    welcome_wait: Option<Duration>,
}

/// Runs the load against `addr` and waits for every client.
pub fn run(addr: SocketAddr, config: LoadConfig) -> anyhow::Result<LoadReport> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("load-client")
        .enable_all()
        .build()
        .context("cannot start the client runtime")?;
    let report = runtime.block_on(run_async(addr, config));
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(report)
}

async fn run_async(addr: SocketAddr, config: LoadConfig) -> LoadReport {
    let barrier = config
        .all_connected_first
        .then(|| Arc::new(tokio::sync::Barrier::new(config.clients)));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for id in 0..config.clients {
        let barrier = barrier.clone();
        tasks.spawn(client(addr, id, config, barrier));
    }
    let mut report = LoadReport {
        clients: config.clients,
        ..LoadReport::default()
    };
    while let Some(joined) = tasks.join_next().await {
        let result = joined.unwrap_or_else(|e| ClientResult {
            error: Some(format!("client task failed: {e}")),
            ..ClientResult::default()
        });
        report.answered += result.answered;
        report.replies += result.replies;
        report.wrong += result.wrong;
        report.extra_lines += result.extra_lines;
        report.unanswered += result.unanswered;
        report.closed_by_server += u64::from(result.closed_by_server);
        if let Some(error) = result.error {
            report.failed_clients += 1;
            if report.errors.len() < 5 {
                report.errors.push(error);
            }
        }
        report.latencies.extend(result.latencies);
        report.welcome_waits.extend(result.welcome_wait);
    }
    report.elapsed = started.elapsed();
    report.latencies.sort_unstable();
    report.welcome_waits.sort_unstable();
    report
}

/// A random request and its answer: 1 to 4 numbers in -1000..1000, small enough that neither
/// the sum nor the product can overflow.
fn request(rng: &mut SplitMix64, product: bool) -> (String, i64) {
    let count = 1 + rng.below(4) as usize;
    let numbers: Vec<i64> = (0..count).map(|_| rng.below(2000) as i64 - 1000).collect();
    let answer = if product {
        numbers.iter().product()
    } else {
        numbers.iter().sum()
    };
    let text: Vec<String> = numbers.iter().map(i64::to_string).collect();
    (text.join(","), answer)
}

async fn client(
    addr: SocketAddr,
    id: usize,
    config: LoadConfig,
    barrier: Option<Arc<tokio::sync::Barrier>>,
) -> ClientResult {
    let mut result = ClientResult::default();
    let outcome = talk(addr, id, config, barrier.as_deref(), &mut result).await;
    if let Err(error) = outcome {
        result.error = Some(format!("client {id}: {error:#}"));
    }
    result
}

/// Reads one line with the timeout; `None` at end of stream.
async fn read_line(
    reader: &mut (impl AsyncBufReadExt + Unpin),
    line: &mut String,
    timeout: Duration,
) -> anyhow::Result<Option<()>> {
    line.clear();
    let n = tokio::time::timeout(timeout, reader.read_line(line))
        .await
        .context("timed out waiting for a line")?
        .context("read failed")?;
    Ok((n > 0).then_some(()))
}

async fn talk(
    addr: SocketAddr,
    id: usize,
    config: LoadConfig,
    barrier: Option<&tokio::sync::Barrier>,
    result: &mut ClientResult,
) -> anyhow::Result<()> {
    let timeout = config.io_timeout;
    let connect_started = Instant::now();
    let connected = tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await;
    let stream = match connected {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            if let Some(barrier) = barrier {
                barrier.wait().await;
            }
            return Err(e).context("connect failed");
        }
        Err(_) => {
            if let Some(barrier) = barrier {
                barrier.wait().await;
            }
            anyhow::bail!("connect timed out");
        }
    };
    let _ = stream.set_nodelay(true);
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    let welcomed = read_line(&mut reader, &mut line, timeout).await;
    if let Some(barrier) = barrier {
        barrier.wait().await;
    }
    match welcomed? {
        Some(()) if line.trim_end() == crate::protocol::WELCOME => {}
        Some(()) => anyhow::bail!("expected the welcome line, got {:?}", line.trim_end()),
        None => anyhow::bail!("closed before the welcome line"),
    }
    result.welcome_wait = Some(connect_started.elapsed());

    let product = id % 2 == 1;
    if product {
        writer.write_all(b"product\n").await?;
        match read_line(&mut reader, &mut line, timeout).await? {
            Some(()) if line.trim_end() == "switched to product mode" => result.replies += 1,
            Some(()) => anyhow::bail!("switching mode got {:?}", line.trim_end()),
            None if config.tolerate_close => {
                result.closed_by_server = true;
                result.unanswered += 1;
                return Ok(());
            }
            None => anyhow::bail!("closed while switching mode"),
        }
    }
    let mut rng = SplitMix64::for_stream(config.seed, id as u64);
    for _ in 0..config.requests {
        let (text, answer) = request(&mut rng, product);
        let sent = Instant::now();
        writer.write_all(format!("{text}\n").as_bytes()).await?;
        match read_line(&mut reader, &mut line, timeout).await? {
            Some(()) => {
                result.replies += 1;
                result.latencies.push(sent.elapsed());
                if line.trim_end().parse::<i64>() == Ok(answer) {
                    result.answered += 1;
                } else {
                    result.wrong += 1;
                }
            }
            None if config.tolerate_close => {
                result.closed_by_server = true;
                result.unanswered += 1;
                return Ok(());
            }
            None => anyhow::bail!("server closed with a request unanswered"),
        }
    }
    writer.write_all(b"quit\n").await?;
    match read_line(&mut reader, &mut line, timeout).await? {
        Some(()) if line.trim_end() == crate::protocol::BYE => result.replies += 1,
        Some(()) => {
            result.replies += 1;
            result.extra_lines += 1;
        }
        None if config.tolerate_close => {
            result.closed_by_server = true;
            return Ok(());
        }
        None => anyhow::bail!("closed before answering quit"),
    }
    // After `bye` the server must close: any further line answered nothing.
    while read_line(&mut reader, &mut line, timeout).await?.is_some() {
        result.extra_lines += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sample: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sample, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sample, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&sample, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}

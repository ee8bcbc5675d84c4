//! Concurrent downloads: five pages fetched at once and streamed to files in chunks, against the
//! same five one after another.
//!
//! The book's example 5 downloads five sites with aiohttp under `asyncio.gather`, reading each
//! body in 1024-byte chunks and writing them to `output/<name>.html` with aiofiles; example 6 is
//! the baseline with `requests`, one page after the other. Here the pages come from the chapter's
//! own local HTTP server (`common::http`, started on `127.0.0.1:0`), each standing for one of the
//! book's sites at the size the book saved. `?sleep=` gives every request the same latency: the
//! latency *is* the subject (a real site answers after a network round trip), and the output says
//! so. Every file is then read back and compared byte for byte with what the server sent.
//!
//! Variants:
//! - `sequential` (example 6): a blocking client (`ureq`), one page after the other, each body
//!   written with `std::fs::write`. Total ≈ the sum of the five latencies.
//! - `concurrent` (example 5): five tasks on one tokio runtime, each streaming its body to its
//!   file in 1024-byte chunks with `tokio::fs`. Total ≈ the longest single download.
//! - `streamed`: the same five tasks, but the server streams every body in 1024-byte chunks a few
//!   milliseconds apart (`/bytes/{n}?chunk=1024&chunk_delay=ms`): the write order shows the five
//!   files growing side by side, chunk by chunk.
//!
//! The files go to a fresh directory under the system's temp directory, removed at the end
//! (set `CHAPTER_11_KEEP_DOWNLOADS=1` to keep it; its path is printed).
//!
//! Run: `cargo run -p chapter-11 -- run downloads --variant concurrent`. Book: chapter 11, "Making
//! HTTP requests with aiohttp" (`Chapter11/example4.py`–`example6.py`).
//!
//! This file is the downloads and the run; the report (the table of the five downloads, the
//! overlap, the write order) is `downloads/report.rs`, so the lesson reads on its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::http::{PAGES, Page, StatusServer, page_body};
use common::{Outcome, RunConfig, Variants};
use http_body_util::BodyExt;
use tokio::io::AsyncWriteExt;

mod report;

/// The book's chunk size: `res.content.read(1024)`.
pub const CHUNK: usize = 1024;

common::variants! {
    /// How the pages are fetched.
    pub enum Mode {
        /// One after the other, blocking client.
        Sequential = "sequential": "example 6: a blocking client, one page after the other",
        /// All at once, tasks, chunked writes.
        Concurrent = "concurrent": "example 5: five tasks at once, bodies written in 1024-byte chunks",
        /// All at once, and the server streams each body in chunks.
        Streamed = "streamed": "five tasks at once while the server trickles each body in chunks: the files grow side by side",
    }
}

/// Settings of one run.
#[derive(Debug, Clone, Copy)]
pub struct DownloadSettings {
    /// How to fetch.
    pub mode: Mode,
    /// The latency every request waits at the server (`?sleep=`), or for `Streamed` the delay
    /// between chunks (`chunk_delay`).
    pub delay: Duration,
}

/// One page's download.
#[derive(Debug, Clone)]
pub struct Download {
    /// The page.
    pub page: &'static Page,
    /// Bytes written to its file.
    pub bytes: u64,
    /// Writes it took.
    pub chunks: u64,
    /// When it started and ended, from the start of the run.
    pub span: (Duration, Duration),
    /// The file read back equals what the server sent, byte for byte.
    pub verified: bool,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct DownloadRun {
    /// Per page, in the book's order.
    pub downloads: Vec<Download>,
    /// Wall-clock time for all five.
    pub elapsed: Duration,
    /// For the concurrent modes: the page index of each chunk write, in the order they happened.
    pub write_order: Vec<usize>,
    /// Where the files went.
    pub dir: PathBuf,
}

impl DownloadRun {
    /// How many times consecutive chunk writes went to different files.
    pub fn switches(&self) -> usize {
        self.write_order.windows(2).filter(|w| w[0] != w[1]).count()
    }

    /// Every file verified.
    pub fn all_verified(&self) -> bool {
        self.downloads.len() == PAGES.len() && self.downloads.iter().all(|d| d.verified)
    }
}

/// A directory that removes itself when dropped (unless told to keep it).
#[derive(Debug)]
pub struct OutDir {
    path: PathBuf,
    keep: bool,
}

impl OutDir {
    /// A fresh, empty directory under the system temp directory.
    pub fn create(label: &str) -> anyhow::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "chapter-11-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        let keep = std::env::var_os("CHAPTER_11_KEEP_DOWNLOADS").is_some_and(|v| v == "1");
        Ok(Self { path, keep })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The exact bytes the server sends for `page` in `mode`.
pub fn expected_body(page: &Page, mode: Mode) -> Vec<u8> {
    match mode {
        Mode::Streamed => (0..page.bytes)
            .map(|i| b'a' + ((i / CHUNK) % 26) as u8)
            .collect(),
        _ => page_body(page).into_bytes(),
    }
}

fn url(server: &StatusServer, page: &Page, settings: DownloadSettings) -> String {
    let ms = settings.delay.as_millis();
    match settings.mode {
        Mode::Streamed => server.url(&format!(
            "/bytes/{}?chunk={CHUNK}&chunk_delay={ms}",
            page.bytes
        )),
        _ => server.url(&format!("/pages/{}?sleep={ms}", page.name)),
    }
}

fn file_for(dir: &Path, page: &Page) -> PathBuf {
    dir.join(format!("{}.html", page.name))
}

/// Downloads the five pages from `server` into `dir`, then reads every file back to verify it.
pub fn download_all(
    server: &StatusServer,
    dir: &Path,
    settings: DownloadSettings,
    limit: Duration,
) -> anyhow::Result<DownloadRun> {
    let started = Instant::now();
    let (mut downloads, write_order) = match settings.mode {
        Mode::Sequential => (sequential(server, dir, settings, started)?, Vec::new()),
        Mode::Concurrent | Mode::Streamed => {
            crate::block_on(limit, concurrent(server, dir, settings, started))?
        }
    };
    let elapsed = started.elapsed();
    for download in &mut downloads {
        let written = std::fs::read(file_for(dir, download.page))
            .with_context(|| format!("reading back {}", download.page.name))?;
        download.verified = written == expected_body(download.page, settings.mode);
    }
    Ok(DownloadRun {
        downloads,
        elapsed,
        write_order,
        dir: dir.to_path_buf(),
    })
}

/// The book's example 6: `requests.get`, then write the whole body, one page after the other.
fn sequential(
    server: &StatusServer,
    dir: &Path,
    settings: DownloadSettings,
    started: Instant,
) -> anyhow::Result<Vec<Download>> {
    let mut downloads = Vec::with_capacity(PAGES.len());
    for page in PAGES {
        let from = started.elapsed();
        let url = url(server, page, settings);
        let body = ureq::get(&url)
            .call()
            .with_context(|| format!("GET {url}"))?
            .body_mut()
            .read_to_vec()
            .with_context(|| format!("reading {url}"))?;
        std::fs::write(file_for(dir, page), &body).context("writing the file")?;
        downloads.push(Download {
            page,
            bytes: body.len() as u64,
            chunks: 1,
            span: (from, started.elapsed()),
            verified: false,
        });
    }
    Ok(downloads)
}

/// The book's example 5: one task per page under one `join`, each streaming its body to its
/// file in 1024-byte chunks.
async fn concurrent(
    server: &StatusServer,
    dir: &Path,
    settings: DownloadSettings,
    started: Instant,
) -> anyhow::Result<(Vec<Download>, Vec<usize>)> {
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, page) in PAGES.iter().enumerate() {
        let url = url(server, page, settings);
        let path = file_for(dir, page);
        let order = Arc::clone(&order);
        tasks.spawn(async move {
            let from = started.elapsed();
            let (bytes, chunks) = stream_to_file(&url, &path, index, &order).await?;
            anyhow::Ok((
                index,
                Download {
                    page,
                    bytes,
                    chunks,
                    span: (from, started.elapsed()),
                    verified: false,
                },
            ))
        });
    }
    let mut downloads: Vec<Option<Download>> = vec![None; PAGES.len()];
    while let Some(joined) = tasks.join_next().await {
        let (index, download) = joined.context("a download task failed")??;
        downloads[index] = Some(download);
    }
    let order = std::mem::take(&mut *crate::lock(&order));
    Ok((downloads.into_iter().flatten().collect(), order))
}

/// GETs `url` and writes its body to `path` as it arrives, 1024 bytes a write; returns the bytes
/// and the writes.
pub async fn stream_to_file(
    url: &str,
    path: &Path,
    index: usize,
    order: &std::sync::Mutex<Vec<usize>>,
) -> anyhow::Result<(u64, u64)> {
    let response = common::http::get_streaming(url).await?;
    if !response.status().is_success() {
        bail!("GET {url}: status {}", response.status());
    }
    let mut file = tokio::fs::File::create(path)
        .await
        .with_context(|| format!("creating {}", path.display()))?;
    let mut body = response.into_body();
    let (mut bytes, mut chunks) = (0u64, 0u64);
    while let Some(frame) = body.frame().await {
        let frame = frame.with_context(|| format!("reading {url}"))?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry no body bytes
        };
        for chunk in data.chunks(CHUNK) {
            file.write_all(chunk).await.context("writing the file")?;
            bytes += chunk.len() as u64;
            chunks += 1;
            crate::lock(order).push(index);
        }
    }
    // tokio's File hands writes to a blocking thread: flush so they are done before we return.
    file.flush().await.context("flushing the file")?;
    Ok((bytes, chunks))
}

/// The example: `run downloads [--variant sequential|concurrent|streamed]`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let mode = config.variant_of::<Mode>()?;
    let delay = match mode {
        Mode::Streamed => Duration::from_millis(config.pick(2, 10)),
        Mode::Sequential | Mode::Concurrent => Duration::from_millis(config.pick(100, 300)),
    };
    let settings = DownloadSettings { mode, delay };
    let server = StatusServer::start().context("starting the local HTTP server")?;
    let out = OutDir::create(mode.name())?;
    let run = download_all(&server, out.path(), settings, config.budget() * 5)?;
    let served = server.shutdown();
    let mut outcome = report::outcome(config, settings, &run);
    outcome = outcome.line(format!(
        "The server answered {} requests. Files went to {}{}.",
        served.requests,
        run.dir.display(),
        if out.keep {
            " (kept)"
        } else {
            " (removed at the end; CHAPTER_11_KEEP_DOWNLOADS=1 keeps them)"
        }
    ));
    Ok(outcome)
}

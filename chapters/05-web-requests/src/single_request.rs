//! One GET request: its status, its headers, its body saved to a file.
//!
//! Mirrors the book's `Chapter05/example1.py`, which calls `requests.get('http://www.google.com')`,
//! prints the status code and the response headers, and saves the page as `google.html` (11 KB).
//! Here the page comes from the local status server's `/pages/google`, a stand-in of the same
//! size, fetched with the blocking client `ureq`; the file goes to the system's temporary folder
//! (`$TMPDIR/chapter-5/google.html`), written under a unique name and renamed into place so two
//! runs at once never see half a file. The run then reads the file back and checks it byte for
//! byte against what the server sent.
//!
//! Run: `cargo run -p chapter-5 -- run single-request`.
//! Expect: status 200, a few headers (content-type, content-length, date), 11264 bytes saved.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use common::http::{StatusServer, page, page_body};
use common::timing::Stopwatch;
use common::{Outcome, RunConfig, TableData, Verdict, format};

common::variants! {
    /// The example's one variant: the client it fetches with.
    pub enum Fetch {
        /// `ureq`, which blocks until the whole answer is in.
        Blocking = "blocking": "ureq, the blocking client: the program waits for the whole answer",
    }
}

/// The page the book saves.
pub const PAGE: &str = "google";

/// What the single request brought back.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The HTTP status.
    pub status: u16,
    /// Every response header, in the order received.
    pub headers: Vec<(String, String)>,
    /// Where the body was saved.
    pub path: PathBuf,
    /// Bytes written.
    pub bytes: usize,
    /// True if the file on disk is exactly the page the server serves.
    pub matches: bool,
    /// How long the request took.
    pub elapsed: Duration,
}

/// Where the page is saved: `$TMPDIR/chapter-5/google.html`.
pub fn output_path() -> PathBuf {
    std::env::temp_dir()
        .join("chapter-5")
        .join(format!("{PAGE}.html"))
}

/// GETs `url`, saves the body to `path` and checks it against `expected`.
pub fn fetch_and_save(url: &str, path: &Path, expected: &[u8]) -> anyhow::Result<Saved> {
    let agent = crate::probe::blocking_agent(Duration::from_secs(10));
    let watch = Stopwatch::start();
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .read_to_vec()
        .with_context(|| format!("reading the body of {url}"))?;
    let elapsed = watch.elapsed();

    let folder = path.parent().context("the output path has no folder")?;
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    // Write under a unique name, then rename: a rename within a folder is atomic, so a reader
    // (or a second run at the same time) sees the old file or the new one, never half of one.
    let unique = folder.join(format!(
        ".{PAGE}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&unique, &body).with_context(|| format!("writing {}", unique.display()))?;
    std::fs::rename(&unique, path).with_context(|| format!("saving {}", path.display()))?;
    let on_disk = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Saved {
        status,
        headers,
        path: path.to_path_buf(),
        bytes: body.len(),
        matches: on_disk == expected,
        elapsed,
    })
}

/// The example: one request to `/pages/google`, headers printed, page saved and checked.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Fetch::Blocking = config.variant_of()?;
    let server = StatusServer::start().context("starting the local status server")?;
    let page = page(PAGE).context("the server has no google page")?;
    let expected = page_body(page);
    let url = server.url(&format!("/pages/{PAGE}"));
    let saved = fetch_and_save(&url, &output_path(), expected.as_bytes())?;
    server.shutdown();

    let mut headers = TableData::new("response headers", &["header", "value"]);
    for (name, value) in &saved.headers {
        headers.row([name.clone(), value.clone()]);
    }
    let showed = saved.status == 200 && saved.matches;
    Ok(config
        .outcome(Verdict::from(showed))
        .key_figure("bytes saved", saved.bytes as f64, "bytes")
        .figure("HTTP status", f64::from(saved.status), "")
        .figure("request time", crate::probe::ms(saved.elapsed), "ms")
        .table(headers)
        .line(format!("GET {url} -> {}", saved.status))
        .line(format!(
            "saved {} to {} ({}; the book's google.html is {})",
            format::counted(saved.bytes, "bytes"),
            saved.path.display(),
            if saved.matches {
                "identical to what the server serves"
            } else {
                "DIFFERENT from what the server serves"
            },
            format::counted(page.bytes, "bytes")
        ))
        .notice(
            "one request is one round trip: the program waits, doing nothing, until the answer \
             arrives; that idle wait is what the rest of the chapter overlaps",
        ))
}

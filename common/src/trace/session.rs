//! A `--trace FILE` session: the one global subscriber a process may install, restarted for
//! each recording, and the file written at the end with a one-line summary.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::ChromeLayer;

/// The process-wide layer behind `--trace`: installed as the global subscriber on first use
/// (a global subscriber can be set only once per process), restarted by each [`Session`].
static GLOBAL: OnceLock<Option<ChromeLayer>> = OnceLock::new();

/// The layer recording a `--trace` session in this process, if one was started.
pub fn global_layer() -> Option<&'static ChromeLayer> {
    GLOBAL.get().and_then(Option::as_ref)
}

/// A `--trace FILE` recording: opened before the runs, written after them.
#[derive(Debug)]
pub struct Session {
    path: PathBuf,
    file: File,
    layer: ChromeLayer,
}

impl Session {
    /// Creates `path` (so a bad path is an error before anything runs) and starts recording every
    /// thread's spans. The error is one line naming the path and the reason.
    pub fn start(path: &Path) -> Result<Self, String> {
        let file = File::create(path)
            .map_err(|e| format!("cannot write the trace to {}: {e}", path.display()))?;
        let layer = GLOBAL
            .get_or_init(|| {
                use tracing_subscriber::layer::SubscriberExt;
                let layer = ChromeLayer::new();
                let subscriber = tracing_subscriber::registry().with(layer.clone());
                tracing::subscriber::set_global_default(subscriber)
                    .ok()
                    .map(|()| layer)
            })
            .clone()
            .ok_or_else(|| {
                "cannot record a trace: another tracing subscriber is already installed".to_string()
            })?;
        layer.restart();
        Ok(Self {
            path: path.to_path_buf(),
            file,
            layer,
        })
    }

    /// The layer recording this session.
    pub fn layer(&self) -> &ChromeLayer {
        &self.layer
    }

    /// The file the trace goes to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the trace to the file and returns a one-line summary for the user.
    pub fn finish(self) -> std::io::Result<String> {
        let records = self.layer.records();
        let threads = self.layer.threads().len();
        let unfinished = records.iter().filter(|r| r.unfinished).count();
        self.layer.write_to(&self.file)?;
        let bytes = self.file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &records {
            *by_name.entry(r.name.as_str()).or_default() += 1;
        }
        Ok(format!(
            "trace: {} span(s) and event(s) on {threads} thread(s){} written to {} ({} KiB) — open it at https://ui.perfetto.dev (Open trace file)",
            records.len(),
            if unfinished > 0 {
                format!(", {unfinished} still open at the end (marked unfinished)")
            } else {
                String::new()
            },
            self.path.display(),
            bytes.div_ceil(1024)
        ))
    }
}

//! Two clients served interleaved: the `reactor` and `tokio` examples.
//!
//! Client A connects and keeps its connection open; client B connects too. Against the blocking
//! server B would hear nothing until A left (see `echo-blocking`). Against the reactor — one
//! thread — and the tokio server, both are welcomed at once and their requests alternate
//! A, B, A, B, each answered in turn: one thread serves both because neither ever blocks it.
//!
//! Run: `cargo run -p chapter-18 -- run reactor` / `run tokio`. Book: chapter 18, example6.py
//! ("two clients served interleaved").

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Outcome, RunConfig, TableData, Verdict};

use crate::protocol::{Limits, WELCOME};
use crate::server::{Impl, start_local};

common::variants! {
    /// How the two clients use their connections.
    pub enum Clients {
        /// Both connections open, their requests alternating.
        Interleaved = "interleaved": "two open connections, requests alternating",
    }
}

struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: std::net::SocketAddr) -> anyhow::Result<(Self, String)> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut client = Self {
            writer: stream.try_clone()?,
            reader: BufReader::new(stream),
        };
        let welcome = client.line()?;
        Ok((client, welcome))
    }
    fn line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        Ok(line.trim_end().to_string())
    }
    fn ask(&mut self, request: &str) -> anyhow::Result<String> {
        writeln!(self.writer, "{request}")?;
        self.line()
    }
}

/// Runs the two-client session against `implementation`: rows of (client, sent, got, want).
pub fn two_clients(implementation: Impl) -> anyhow::Result<(Vec<[String; 4]>, bool)> {
    let server = start_local(implementation, Limits::default())?;
    let (mut a, welcome_a) = Client::connect(server.addr)?;
    let (mut b, welcome_b) = Client::connect(server.addr)?;
    let both_welcomed = welcome_a == WELCOME && welcome_b == WELCOME;
    let script: [(char, &str, &str); 6] = [
        ('A', "1,2,3", "6"),
        ('B', "product", "switched to product mode"),
        ('A', "10,20", "30"),
        ('B', "2,3,4", "24"),
        ('A', "quit", "bye"),
        ('B', "quit", "bye"),
    ];
    let mut rows = Vec::new();
    let mut right = both_welcomed;
    for (who, sent, want) in script {
        let got = if who == 'A' {
            a.ask(sent)?
        } else {
            b.ask(sent)?
        };
        right &= got == want;
        rows.push([who.to_string(), sent.to_string(), got, want.to_string()]);
    }
    // Hang up before stopping: the server waits (briefly) for each client's close after `bye`.
    drop((a, b));
    let stats = server.stop()?;
    Ok((rows, right && stats.peak_connections >= 2))
}

/// The example for `reactor` or `tokio`.
pub fn run(implementation: Impl, config: &RunConfig) -> anyhow::Result<Outcome> {
    let Clients::Interleaved = config.variant_of()?;
    let (rows, right) = two_clients(implementation)?;
    let mut table = TableData::new(
        format!("two open connections, one {} server", implementation.name()),
        &["client", "sends", "server answers", "expected"],
    );
    for row in &rows {
        table.row(row.clone());
    }
    Ok(config
        .outcome(Verdict::from(right))
        .table(table)
        .line("both clients were welcomed before either spoke, and their requests alternated")
        .notice(match implementation {
            Impl::Reactor => {
                "one thread, one poll() call: neither connection ever blocks the other"
            }
            Impl::Tokio => {
                "one task per connection; tokio's reactor (epoll) resumes whichever socket is ready"
            }
            Impl::Blocking => {
                "one client at a time: the second is welcomed only once the first has left"
            }
        }))
}

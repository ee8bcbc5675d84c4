//! `chapter-11 serve`: the framed protocol server on its own, until Ctrl-C or SIGTERM, then a
//! graceful drain.
//!
//! The examples start their servers on `127.0.0.1:0` and stop them themselves. This tool runs the
//! `framed-protocol` server (with the graceful shutdown of exercise 11.2) until you press Ctrl-C
//! or send SIGTERM, so you can talk to it by hand, the way the book uses telnet:
//! `nc 127.0.0.1 PORT`, then type `PING`, `SET a 1`, `GET a`, `SLOW 5000`, or garbage. Press
//! Ctrl-C while a `SLOW` request runs: the server refuses new clients, answers it, then exits.
//! It listens on loopback only: it is an unauthenticated toy.
//!
//! Its limits ([`Limits`]) are stated at start-up and in `--help`: connections (one more is told
//! `ERR server busy` and closed), line length, replies queued for a client that does not read,
//! the idle timeout (silence, or a client not reading its replies) and the number of keys (a
//! `SET` of a new key beyond it is answered `ERR store full`).
//!
//! Run: `cargo run -p chapter-11 -- serve [--port 0] [--grace-ms 5000]`. Book: chapter 11's
//! servers on 127.0.0.1:8888 (`Chapter11/example1.py`–`example3.py`).

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use crate::framed_protocol::{Limits, Shared, serve_framed};

#[derive(Debug, Parser)]
#[command(
    name = "chapter-11 serve",
    bin_name = "chapter-11 serve",
    disable_version_flag = true,
    about = "Run the framed protocol server until Ctrl-C or SIGTERM, then drain (loopback only)",
    after_help = "Limits: --max-connections at once (one more is told `ERR server busy` and \
                  closed); request lines up to 1,024 bytes (longer ones get ERR); 8,192 bytes of \
                  queued replies per connection, then the server waits for the client to read; \
                  --idle-timeout s of silence, or of a client not reading its replies, closes \
                  the connection; --max-keys keys (a SET of a new key beyond it gets \
                  `ERR store full`)."
)]
struct ServeArgs {
    /// Port to listen on, on 127.0.0.1; 0 picks a free one (the book used 8888).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// How long to wait for requests in flight after the signal, in milliseconds.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    grace_ms: u64,
    /// Most connections at once; one more is told `ERR server busy` and closed.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Seconds a client may stay silent (or leave its replies unread) before it is closed.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    idle_timeout: u32,
    /// Most keys in the store; a SET of a new key beyond it gets `ERR store full`.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    max_keys: u32,
}

/// The `serve` tool's entry point (`args[0]` is "serve").
pub fn run(args: Vec<OsString>) -> ExitCode {
    let args = match ServeArgs::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => return common::cli::clap_error(e),
    };
    let limits = Limits {
        max_connections: args.max_connections as usize,
        idle_timeout: Duration::from_secs(u64::from(args.idle_timeout)),
        max_keys: args.max_keys as usize,
    };
    let served = crate::block_on(Duration::MAX, async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
        let addr = listener.local_addr()?;
        // Watch both signals before the address is printed: a SIGTERM sent as soon as a script
        // reads it is already a graceful shutdown, not the default "terminate at once".
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "framed protocol server on {addr}: try `nc {} {}`",
                addr.ip(),
                addr.port()
            );
            let _ = writeln!(out, "limits: {limits}");
            let _ = writeln!(
                out,
                "requests: PING | ECHO <text> | SET <key> <value> | GET <key> | SLOW <ms> | QUIT"
            );
            let _ = writeln!(
                out,
                "Ctrl-C or SIGTERM stops it gracefully (grace {} ms)",
                args.grace_ms
            );
        }
        let shared = Arc::new(Shared::with_limits(limits));
        let handler_shared = Arc::clone(&shared);
        let (told, which) = tokio::sync::oneshot::channel();
        let signal = async move {
            let name = tokio::select! {
                _ = interrupt.recv() => "Ctrl-C",
                _ = term.recv() => "SIGTERM",
            };
            let _ = told.send(name);
        };
        let drained = crate::drain::serve(
            listener,
            signal,
            Duration::from_millis(args.grace_ms),
            move |stream, token| serve_framed(stream, Arc::clone(&handler_shared), token),
        )
        .await;
        let name = which.await.unwrap_or("a signal");
        anyhow::Ok((name, drained, shared.stats()))
    });
    match served {
        Ok((signal, drained, stats)) => {
            println!(
                "stopped by {signal}: {} connections, {} requests answered, {} ERR replies ({} refused busy, {} idle timeouts, {} SETs refused: store full), {} keys; drained in {} ({} cut off)",
                drained.accepted,
                stats.requests,
                stats.errors,
                stats.rejected_busy,
                stats.idle_timeouts,
                stats.store_full,
                stats.keys,
                common::timing::human(drained.drain_time),
                drained.cut_off
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

//! `chapter-5 serve`: the chapter's status server on its own, for curl, a browser or your own
//! client.
//!
//! Every example starts a private [`StatusServer`] on `127.0.0.1:0` and stops it when done. This
//! tool runs the same server until Ctrl-C, prints its URL and routes, and on exit prints what it
//! served (requests, and the most it handled at once). Try, in another terminal:
//! `curl -i "http://127.0.0.1:PORT/status/404?sleep=500"`. Ctrl-C and SIGTERM both stop it
//! gracefully: it stops accepting and answers the requests in flight first.
//!
//! Its limits are stated at start-up and in `--help` ([`common::http::Limits`]): connections
//! (one more is answered `503` and closed), the size of a request head and the time to send it
//! (also the idle keep-alive timeout), the time a client may take no byte of a reply before its
//! connection is closed (`--write-timeout`), the longest `?sleep=` and the largest stream and chunk.
//!
//! It refuses any non-loopback host: the server sleeps on request (up to 60 s a request) and
//! streams up to 64 MB per request for anyone who asks, with no authentication. That is fine for
//! a learner's own machine and not something a teaching tool should expose to a network by
//! accident; `127.0.0.1` and `::1` are accepted.
//!
//! Run: `cargo run -p chapter-5 -- serve [--host 127.0.0.1] [--port 0]` (port 0 picks a free one).
//! Book: chapter 5 pings `httpstat.us`; this is the local stand-in.

use std::ffi::OsString;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use clap::Parser;
use common::http::{Limits, PAGES, StatusServer};

#[derive(Debug, Parser)]
#[command(
    name = "chapter-5 serve",
    bin_name = "chapter-5 serve",
    disable_version_flag = true,
    about = "Run the chapter's local status server until Ctrl-C or SIGTERM (loopback only)",
    after_help = "Limits: at most --max-connections connections (one more is answered 503 and \
                  closed); request heads up to 16,384 bytes (431 beyond); --head-timeout s to send \
                  a head, which also closes idle keep-alive connections; ?sleep= up to 60 s; \
                  /bytes/N up to 64 MB in chunks of at most 64 KB (what one connection buffers \
                  for a client that does not read); --write-timeout s for a client to take any \
                  byte of a reply, or its connection is closed; listen backlog: the system maximum. Ctrl-C \
                  and SIGTERM both stop it gracefully, answering the requests in flight."
)]
struct ServeArgs {
    /// Address to listen on: a loopback address (127.0.0.1 or ::1).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Most connections at once; one more is answered 503 and closed.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Seconds a client has to send a request head (and an idle keep-alive connection stays).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=3_600))]
    head_timeout: u32,
    /// Seconds the socket may take no byte of a reply (a client that never reads) before the
    /// connection is closed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=3_600))]
    write_timeout: u32,
}

/// The `serve` tool's entry point (`args[0]` is "serve").
pub fn run(args: Vec<OsString>) -> ExitCode {
    let args = match ServeArgs::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => return common::cli::clap_error(e),
    };
    if !args.host.is_loopback() {
        eprintln!(
            "error: refusing to serve on {}: the status server is for this machine only \
             (unauthenticated, sleeps on request); use --host 127.0.0.1 or --host ::1",
            args.host
        );
        return ExitCode::from(2);
    }
    let limits = Limits {
        max_connections: args.max_connections as usize,
        header_read_timeout: std::time::Duration::from_secs(u64::from(args.head_timeout)),
        write_timeout: std::time::Duration::from_secs(u64::from(args.write_timeout)),
        ..Limits::default()
    };
    let server = match StatusServer::bind_with(SocketAddr::new(args.host, args.port), limits) {
        Ok(server) => server,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}: {e}",
                SocketAddr::new(args.host, args.port)
            );
            return ExitCode::FAILURE;
        }
    };
    let ready = |server: &StatusServer| announce(server, limits);
    match server.serve_until_signalled(ready) {
        Ok((stats, signal)) => {
            println!(
                "stopped: {} served, at most {} at once, {} closed for not reading (by {signal}; \
                 requests in flight were answered)",
                common::format::counted(stats.requests, "requests"),
                common::format::count(stats.peak_in_flight),
                common::format::counted(stats.closed_stalled, "connections")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The start-up lines: the URL, the limits, the routes.
fn announce(server: &StatusServer, limits: Limits) {
    let base = server.url("");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "status server listening on {base}");
    let _ = writeln!(out, "limits: {limits}");
    let _ = writeln!(out, "routes:");
    let _ = writeln!(
        out,
        "  {base}/status/{{code}}?sleep=ms   that status (200-599) after ms milliseconds"
    );
    let _ = writeln!(
        out,
        "  {base}/pages                    the pages to download"
    );
    for page in PAGES {
        let _ = writeln!(
            out,
            "  {base}/pages/{:<16} {:>6} bytes, stands for {}",
            page.name, page.bytes, page.stands_for
        );
    }
    let _ = writeln!(
        out,
        "  {base}/bytes/{{n}}?chunk=k&chunk_delay=ms   n bytes streamed in k-byte chunks"
    );
    let _ = writeln!(
        out,
        "the ?sleep= delay stands in for network latency (this chapter's subject); try: curl -i \
         \"{base}/status/404?sleep=500\""
    );
    let _ = writeln!(out, "press Ctrl-C (or send SIGTERM) to stop");
    let _ = out.flush();
}

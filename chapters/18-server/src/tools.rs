//! The chapter's two tools: `serve` runs any server until Ctrl-C or SIGTERM, for `nc`; `load`
//! runs the load generator against each implementation (or a server you started) and prints
//! one table.
//!
//! Run: `cargo run -p chapter-18 -- serve --impl reactor [--port 7878]`, then in another
//! terminal `nc 127.0.0.1 7878` and type `1,2,3`; stop it with Ctrl-C (graceful: answers what it
//! read, then closes). `cargo run --release -p chapter-18 -- load --clients 100 --requests 200`.
//! Book: chapter 18's servers listen on localhost:8080 and are tried with telnet.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::bench::{HEADER, measure, row};
use crate::lifecycle::Shutdown;
use crate::load::LoadConfig;
use crate::protocol::Limits;
use crate::server::{Impl, start};

#[derive(Debug, Parser)]
#[command(
    name = "chapter-18 serve",
    disable_version_flag = true,
    about = "Run a sum/product server until Ctrl-C or SIGTERM; talk to it with nc",
    after_help = "Limits: --max-connections at once (one more is told `error: server busy` and \
                  closed); request lines up to --max-line bytes (longer ones get one error line); \
                  64 KB of replies queued per connection for a client that does not read, then \
                  its requests wait unanswered; --idle-timeout s of silence closes a connection \
                  (the blocking server serves one client at a time: a client that trickles bytes \
                  holds it, see `run slow-client`); listen backlog: the system maximum. Ctrl-C \
                  and SIGTERM both stop it gracefully, answering what it received."
)]
struct ServeArgs {
    /// Which server.
    #[arg(long = "impl", value_enum, default_value = "reactor")]
    implementation: Impl,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Longest request line, in bytes.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_048_576))]
    max_line: u32,
    /// Most connections at once.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Seconds a client may stay silent before it is closed.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    idle_timeout: u32,
}

/// Flips `shutdown` on the first Ctrl-C or SIGTERM (a small tokio runtime on its own thread).
/// Both handlers are installed before this returns, so a signal sent as soon as the address is
/// printed is already a graceful shutdown, not the default "terminate at once".
fn on_signal(shutdown: Shutdown) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let (mut interrupt, mut term) = {
        let _context = runtime.enter();
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            runtime.block_on(async {
                let mut stop = shutdown.subscribe();
                tokio::select! {
                    _ = interrupt.recv() => eprintln!("Ctrl-C: shutting down gracefully"),
                    _ = term.recv() => eprintln!("SIGTERM: shutting down gracefully"),
                    _ = stop.wait_for(|on| *on) => {}
                }
            });
            shutdown.trigger();
        })?;
    Ok(())
}

/// `serve`: `args[0]` is "serve".
pub fn serve(args: Vec<OsString>) -> ExitCode {
    let args = match ServeArgs::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => return common::cli::clap_error(e),
    };
    let limits = Limits {
        max_line: args.max_line as usize,
        max_connections: args.max_connections as usize,
        idle_timeout: Duration::from_secs(u64::from(args.idle_timeout)),
    };
    let mut server = match start(
        args.implementation,
        SocketAddr::new(args.host, args.port),
        limits,
    ) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = on_signal(server.shutdown_switch()) {
        eprintln!("error: cannot watch for signals: {e:#}");
        return ExitCode::FAILURE;
    }
    println!(
        "{} server listening on {} (lines up to {} bytes, {} connections, {} KB of queued replies per connection, {} s idle timeout)",
        args.implementation.name(),
        server.addr,
        limits.max_line,
        limits.max_connections,
        crate::protocol::OUTPUT_HIGH_WATER / 1024,
        limits.idle_timeout.as_secs()
    );
    println!(
        "try: nc {} {}   then type 1,2,3 / product / 2,3,4 / quit; Ctrl-C stops the server",
        server.addr.ip(),
        server.addr.port()
    );
    match server.join() {
        Ok(stats) => {
            println!(
                "stopped: {} connection(s), {} request(s) answered, {} refused busy, {} idle timeouts, {} left mid-line, at most {} at once",
                stats.accepted,
                stats.requests,
                stats.rejected_busy,
                stats.idle_timeouts,
                stats.vanished_mid_line,
                stats.peak_connections
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "chapter-18 load",
    disable_version_flag = true,
    about = "Load each server (or one at --addr) with C clients x R requests; print throughput and latency"
)]
struct LoadArgs {
    /// Concurrent clients.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    clients: u32,
    /// Requests per client, sent one at a time.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    requests: u32,
    /// Which servers to start and load, comma-separated.
    #[arg(long = "impl", value_enum, value_delimiter = ',', default_values = ["blocking", "reactor", "tokio"])]
    implementations: Vec<Impl>,
    /// Load a server that is already running here instead (e.g. one started with `serve`).
    #[arg(long, conflicts_with = "implementations")]
    addr: Option<SocketAddr>,
    /// Open every connection before any request (never for the blocking server: it would wait
    /// for ever to welcome the second client).
    #[arg(long)]
    all_connected_first: bool,
    /// Seed for the random requests.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Raises this process's open-file soft limit to its hard limit (at most 65,536); returns the
/// soft limit now in force.
pub fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) => {
            // An unlimited hard limit cannot be the soft one (the kernel caps files at
            // fs.nr_open); 65,536 is plenty for any load this tool makes.
            let target = hard.min(1 << 16);
            if soft < target && setrlimit(Resource::RLIMIT_NOFILE, target, hard).is_ok() {
                target
            } else {
                soft
            }
        }
        Err(_) => 0,
    }
}

/// `load`: `args[0]` is "load".
pub fn load(args: Vec<OsString>) -> ExitCode {
    let args = match LoadArgs::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => return common::cli::clap_error(e),
    };
    let (clients, requests) = (args.clients as usize, args.requests as usize);
    // Each connection is two descriptors in this process (client and server end) plus slack.
    let needed = 2 * clients as u64 + 64;
    let limit = raise_fd_limit();
    if limit < needed {
        eprintln!(
            "error: {clients} clients need about {needed} open files, the limit here is {limit}; try fewer --clients"
        );
        return ExitCode::from(2);
    }
    if args.all_connected_first
        && args.addr.is_none()
        && args.implementations.contains(&Impl::Blocking)
    {
        eprintln!(
            "error: --all-connected-first would wait for ever on the blocking server (it welcomes one client at a time); leave out blocking with --impl reactor,tokio"
        );
        return ExitCode::from(2);
    }
    let mut config = LoadConfig::new(clients, requests);
    config.seed = args.seed;
    config.all_connected_first = args.all_connected_first;
    let mut table = comfy_table_like(clients, requests);
    let mut all_correct = true;
    let targets: Vec<(String, Option<Impl>)> = match args.addr {
        Some(addr) => vec![(addr.to_string(), None)],
        None => args
            .implementations
            .iter()
            .map(|i| (i.name().to_string(), Some(*i)))
            .collect(),
    };
    for (name, implementation) in targets {
        let report = match implementation {
            Some(implementation) => measure(implementation, config),
            None => crate::load::run(
                args.addr
                    .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0))),
                config,
            ),
        };
        match report {
            Ok(report) => {
                all_correct &= report.all_correct(requests);
                for error in &report.errors {
                    eprintln!("{name}: {error}");
                }
                table.row(row(&name, requests, &report));
            }
            Err(e) => {
                eprintln!("error: {name}: {e:#}");
                all_correct = false;
            }
        }
    }
    println!("{}", common::report::render_table(&table));
    if all_correct {
        println!("every request answered exactly once and correctly");
        ExitCode::SUCCESS
    } else {
        println!("some requests were not answered correctly (see above)");
        ExitCode::FAILURE
    }
}

fn comfy_table_like(clients: usize, requests: usize) -> common::TableData {
    common::TableData::new(
        format!("load: {clients} concurrent clients × {requests} requests each"),
        &HEADER,
    )
}

//! Graceful shutdown: stop accepting, let the requests in flight finish, then exit.
//!
//! The book's servers run `loop.run_forever()` until Ctrl-C, and Ctrl-C ends them wherever they
//! are: a reply half-computed is simply lost. A graceful server treats the signal as a request to
//! wind down (exercise 11.2, [`drain::serve`]): it drops its listener, so new
//! clients are refused at once; it tells every connection, so idle ones close and busy ones finish
//! their request and reply first; and it waits for them, up to a grace period.
//!
//! The signal is any of three: Ctrl-C (SIGINT), SIGTERM (what `kill` and container runtimes
//! send), or the program's own — here the example sends it itself, once every client's request
//! is in flight (it waits for that state on the server's counters, no sleeps), so the run is
//! reproducible. The server would stop just the same on Ctrl-C: try `cargo run -p chapter-11 --
//! serve` and press Ctrl-C while a `SLOW 5000` request runs.
//!
//! Each client asks for `SLOW <ms>` — a request that takes `ms` to answer; the sleep stands for
//! the work, since the time a request takes is the subject. A few more clients connect and stay
//! idle. Variants:
//! - `abrupt`: grace zero, as when the book's loop is killed: every in-flight request is cut off.
//! - `graceful`: every in-flight request gets its `DONE`; the idle connections close at once; a
//!   connect after the signal is refused; the drain takes about what was left of the requests.
//!
//! Run: `cargo run -p chapter-11 -- run graceful-shutdown`. Book: chapter 11 (the servers of
//! `Chapter11/example1.py`–`example3.py` and their `KeyboardInterrupt` handling).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use common::{Outcome, RunConfig, TableData, Verdict};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::drain::{self, Drained};
use crate::framed_protocol::{Shared, serve_framed};

common::variants! {
    /// How the server stops at the signal.
    pub enum Stop {
        /// Grace zero: every connection aborted at once.
        Abrupt = "abrupt": "grace zero, like the book's loop killed by Ctrl-C: in-flight requests are lost",
        /// A grace period for the requests in flight.
        Graceful = "graceful": "refuse new clients, close idle ones, let in-flight requests finish",
    }
}

/// Waits for Ctrl-C, SIGTERM or `programmatic`, whichever comes first, and says which it was.
pub async fn shutdown_signal(programmatic: impl Future<Output = ()>) -> &'static str {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            // No SIGTERM handler could be installed: then only the other two signals count.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        // A pattern that fails to match disables its branch: a failed ctrl_c() stops nothing.
        Ok(()) = tokio::signal::ctrl_c() => "Ctrl-C",
        () = terminate => "SIGTERM",
        () = programmatic => "the program's own shutdown signal",
    }
}

/// What one client saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEnd {
    /// It got this reply, then the server closed.
    Replied(String),
    /// The server closed (or reset) the connection without a reply.
    CutOff,
}

/// Sends `request`, reads one reply line, then reads on until the server closes.
pub async fn ask(addr: SocketAddr, request: &str) -> anyhow::Result<ClientEnd> {
    let stream = TcpStream::connect(addr).await.context("connect")?;
    let mut stream = BufReader::new(stream);
    stream
        .get_mut()
        .write_all(format!("{request}\n").as_bytes())
        .await
        .context("send")?;
    let mut line = String::new();
    // A reset (an aborted connection) counts as cut off, like a clean close without a reply.
    let n = stream.read_line(&mut line).await.unwrap_or(0);
    if n == 0 || !line.ends_with('\n') {
        return Ok(ClientEnd::CutOff);
    }
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest).await;
    Ok(ClientEnd::Replied(line.trim_end().to_string()))
}

/// Settings of one run.
#[derive(Debug, Clone, Copy)]
pub struct ShutdownSettings {
    /// Clients with a slow request in flight at the signal.
    pub busy: usize,
    /// Clients connected but idle at the signal.
    pub idle: usize,
    /// How long each slow request takes.
    pub request: Duration,
    /// How long the server waits for in-flight requests.
    pub grace: Duration,
}

/// What one run saw.
#[derive(Debug, Clone)]
pub struct ShutdownRun {
    /// The server's own report.
    pub drained: Drained,
    /// Which signal stopped it.
    pub signal: &'static str,
    /// Requests in flight at the signal.
    pub in_flight_at_signal: u64,
    /// Each busy client's end.
    pub busy: Vec<ClientEnd>,
    /// Idle clients the server closed.
    pub idle_closed: usize,
    /// A connect right after the signal was refused.
    pub late_refused: bool,
    /// From the signal to the server's exit.
    pub exit_after: Duration,
}

/// Starts the server, puts `busy` requests in flight, signals shutdown, and watches it drain.
pub async fn shut_down_under_load(settings: ShutdownSettings) -> anyhow::Result<ShutdownRun> {
    let listener = TcpListener::bind("127.0.0.1:0").await.context("bind")?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared::default());
    let (trigger, triggered) = oneshot::channel::<()>();
    let (told, which) = oneshot::channel();
    let signal = async move {
        let name = shutdown_signal(async {
            let _ = triggered.await;
        })
        .await;
        let _ = told.send(name);
    };
    let server = tokio::spawn({
        let shared = Arc::clone(&shared);
        drain::serve(listener, signal, settings.grace, move |stream, token| {
            serve_framed(stream, Arc::clone(&shared), token)
        })
    });

    let mut idle = Vec::new();
    for _ in 0..settings.idle {
        idle.push(TcpStream::connect(addr).await.context("connect")?);
    }
    let mut busy = JoinSet::new();
    let request = format!("SLOW {}", settings.request.as_millis());
    for client in 0..settings.busy {
        let request = request.clone();
        busy.spawn(async move { (client, ask(addr, &request).await) });
    }
    // Wait until every request is in flight and every idle client is connected: the server's
    // counters say so. No sleep decides when to pull the plug.
    let expected = (settings.busy + settings.idle) as u64;
    let busy_count = settings.busy as u64;
    shared
        .watch()
        .wait_for(|s| s.in_flight == busy_count && s.connections == expected)
        .await
        .context("the server stopped before the requests were in flight")?;
    let in_flight_at_signal = shared.stats().in_flight;
    let signalled = Instant::now();
    let _ = trigger.send(());

    // An idle connection closes only after the listener is gone (`serve` drops it before it
    // tells the connections), so once one sees its end, a new connect must be refused.
    let mut idle_closed = 0;
    for mut stream in idle {
        let mut byte = [0u8; 1];
        if matches!(stream.read(&mut byte).await, Ok(0) | Err(_)) {
            idle_closed += 1;
        }
    }
    let late_refused = TcpStream::connect(addr).await.is_err();

    let drained = server.await.context("the server task")?;
    let exit_after = signalled.elapsed();
    let signal = which.await.unwrap_or("unknown");
    let mut ends = vec![ClientEnd::CutOff; settings.busy];
    while let Some(joined) = busy.join_next().await {
        let (client, end) = joined.context("client task")?;
        ends[client] = end?;
    }
    Ok(ShutdownRun {
        drained,
        signal,
        in_flight_at_signal,
        busy: ends,
        idle_closed,
        late_refused,
        exit_after,
    })
}

/// The example: `run graceful-shutdown [--variant abrupt|graceful]`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let stop = config.variant_of::<Stop>()?;
    let settings = ShutdownSettings {
        busy: config.pick(10, 50),
        idle: 3,
        request: Duration::from_millis(config.pick(300, 1_000)),
        grace: match stop {
            Stop::Abrupt => Duration::ZERO,
            Stop::Graceful => Duration::from_secs(5),
        },
    };
    let run = crate::block_on(config.budget() * 5, shut_down_under_load(settings))?;
    let answered = run
        .busy
        .iter()
        .filter(|end| matches!(end, ClientEnd::Replied(r) if r.starts_with("DONE")))
        .count();
    let cut = settings.busy - answered;
    let mut table = TableData::new(
        "at the shutdown signal",
        &["clients", "count", "what they got"],
    );
    table.row([
        "busy (a SLOW request in flight)".to_string(),
        settings.busy.to_string(),
        format!(
            "{}, {cut} cut off",
            common::format::counted(answered, "replies")
        ),
    ]);
    table.row([
        "idle (connected, no request)".to_string(),
        settings.idle.to_string(),
        format!("{} closed by the server", run.idle_closed),
    ]);
    table.row([
        "late (connect after the signal)".to_string(),
        "1".to_string(),
        if run.late_refused {
            "refused"
        } else {
            "accepted!"
        }
        .to_string(),
    ]);
    let showed = match stop {
        Stop::Abrupt => cut == settings.busy && run.drained.cut_off > 0,
        Stop::Graceful => answered == settings.busy && run.drained.cut_off == 0,
    } && run.late_refused
        && run.idle_closed == settings.idle;
    let outcome = config.outcome(Verdict::from(showed))
        .key_figure("in-flight requests completed", answered as f64, "requests")
        .figure("in flight at the signal", run.in_flight_at_signal as f64, "requests")
        .figure("cut off", cut as f64, "requests")
        .figure("connection tasks aborted", run.drained.cut_off as f64, "tasks")
        .figure("from signal to exit", run.exit_after.as_secs_f64(), "s")
        .figure("request length", settings.request.as_secs_f64(), "s")
        .table(table)
        .line(format!(
            "{} busy clients each sent `SLOW {}` (the sleep stands for a request's work); {} idle clients connected. Once all {} requests were in flight, the program sent its own shutdown signal (Ctrl-C or SIGTERM would do the same). Stopped by: {}.",
            settings.busy,
            settings.request.as_millis(),
            settings.idle,
            run.in_flight_at_signal,
            run.signal
        ));
    Ok(match stop {
        Stop::Abrupt => outcome
            .line("Grace period zero: the server aborted every connection at the signal, as when the book's loop is killed by Ctrl-C.")
            .notice("abrupt: the exit is instant, and every request in flight is lost — the clients see the connection close with no reply"),
        Stop::Graceful => outcome
            .line(format!("Grace period {}: the server stopped accepting, closed the idle connections, and waited for the requests in flight.", common::timing::human(settings.grace)))
            .notice("graceful: nobody with a request in flight lost it, nobody new got in, and the exit waited only for what was left of the requests"),
    })
}

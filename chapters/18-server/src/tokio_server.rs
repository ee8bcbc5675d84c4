//! The same protocol on tokio: a task per connection, the conversation as one `async fn`.
//!
//! [`converse`] reads like the book's blocking `process_request` loop — read, answer, write —
//! yet it never blocks a thread: each `.await` is a point where the compiler-generated state
//! machine returns `Pending` to tokio's reactor (epoll underneath) and is resumed when the socket
//! is ready. Everything the hand-written [`crate::protocol::Connection`] keeps in fields lives
//! here in local variables. Timeouts are `tokio::time::timeout` around a read; shutdown is one
//! more branch of a `select!`.
//!
//! Run: `cargo run -p chapter-18 -- run tokio` or `cargo run -p chapter-18 -- serve --impl tokio`.
//! Book: chapter 18, example6.py (and chapters 10–11's asyncio servers).

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;

use crate::lifecycle::{SHUTDOWN_GRACE, ServerLoop, Shutdown, Stats};
use crate::line_framer::LineFramer;
use crate::protocol::{BUSY, BYE, IDLE, Limits, OUTPUT_HIGH_WATER, Reply, Session, WELCOME};

/// On shutdown, a connection's pending input counts as received until it is quiet this long.
const DRAIN_QUIET: Duration = Duration::from_millis(20);

/// The tokio server as the handle runs it. It needs no waking: the accept loop awaits the
/// switch beside `accept`, in one `select!`.
pub const SERVER_LOOP: ServerLoop = ServerLoop { serve, wake: None };

/// Runs the tokio server (its own two-worker runtime) until shutdown and every task is done.
pub fn serve(
    listener: TcpListener,
    limits: Limits,
    stats: &Arc<Stats>,
    shutdown: &Shutdown,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tokio-server")
        .enable_all()
        .build()?;
    let result = runtime.block_on(accept_loop(listener, limits, Arc::clone(stats), shutdown));
    // Whatever is left past the grace period is dropped with the runtime.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

async fn accept_loop(
    listener: TcpListener,
    limits: Limits,
    stats: Arc<Stats>,
    shutdown: &Shutdown,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let open = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let mut stop = shutdown.subscribe();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => {
                // A failed accept loses that client only.
                let Ok((mut stream, _)) = accepted else { continue };
                if open.load(Ordering::Relaxed) >= limits.max_connections {
                    stats.rejected();
                    tasks.spawn(async move {
                        // Our FIN, then the client's unread bytes until its FIN: closing with
                        // them unread would reset the connection, which can destroy the reply.
                        let refused = async {
                            stream.write_all(format!("{BUSY}\n").as_bytes()).await?;
                            stream.shutdown().await?;
                            let mut sink = [0u8; 1024];
                            while stream.read(&mut sink).await? > 0 {}
                            std::io::Result::Ok(())
                        };
                        let _ = tokio::time::timeout(Duration::from_secs(1), refused).await;
                    });
                    continue;
                }
                let _ = stream.set_nodelay(true);
                let now_open = open.fetch_add(1, Ordering::Relaxed) + 1;
                stats.accepted(now_open);
                let (stats, open, stop) = (Arc::clone(&stats), Arc::clone(&open), shutdown.subscribe());
                tasks.spawn(async move {
                    let _ = converse(stream, limits, &stats, stop).await;
                    open.fetch_sub(1, Ordering::Relaxed);
                    stats.closed();
                });
            }
        }
    }
    // Stop accepting: dropping the listener refuses new connections. Then give the tasks (which
    // saw the same switch) the grace period to answer what they hold and close.
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// Completes when the switch is on. (The `Ref` that `wait_for` returns is dropped in here: it
/// must not live across another `.await`.)
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|on| *on).await;
}

/// One client's whole conversation, over any byte stream (a TCP socket in the server, an
/// in-memory pipe in the state-machines example and the paused-clock tests).
///
/// Returns how it ended. Every request read before the switch flipped is answered.
pub async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    mut io: S,
    limits: Limits,
    stats: &Stats,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<Ending> {
    let mut framer = LineFramer::new(limits.max_line);
    let mut session = Session::new(limits.max_line);
    let mut frames = Vec::new();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 4096];
    io.write_all(format!("{WELCOME}\n").as_bytes()).await?;
    let ending = loop {
        let read = tokio::select! {
            // `biased`: with a request and the switch both ready, the switch wins and the
            // request is then read by the drain below, so it is still answered.
            biased;
            _ = stopped(&mut stop) => None,
            read = tokio::time::timeout(limits.idle_timeout, io.read(&mut buf)) => Some(read),
        };
        let n = match read {
            None => {
                // Shutdown: take what the client already sent — reads until it has been quiet
                // for a moment (the runtime may not have seen the socket's readiness yet), at
                // most a quarter second — answer it, end.
                let mut ending = Ending::Shutdown;
                let drain_until = tokio::time::Instant::now() + Duration::from_millis(250);
                while let Ok(Ok(n)) = tokio::time::timeout(
                    DRAIN_QUIET
                        .min(drain_until.saturating_duration_since(tokio::time::Instant::now())),
                    io.read(&mut buf),
                )
                .await
                {
                    let mut quit = false;
                    for line in buf[..n].split_inclusive(|&b| b == b'\n') {
                        quit = answer(
                            line,
                            &mut framer,
                            &mut session,
                            &mut frames,
                            &mut out,
                            stats,
                        );
                        if quit {
                            break;
                        }
                        if out.len() >= OUTPUT_HIGH_WATER {
                            stats.buffered(out.len(), framer.buffered());
                            let sent = io.write_all(&out);
                            if tokio::time::timeout(limits.idle_timeout, sent)
                                .await
                                .is_err()
                            {
                                stats.idle_timeout();
                                return Ok(Ending::IdleTimeout);
                            }
                            out.clear();
                        }
                    }
                    if n == 0 || quit {
                        ending = if n == 0 {
                            Ending::ClientClosed
                        } else {
                            Ending::Quit
                        };
                        break;
                    }
                }
                stats.buffered(out.len(), framer.buffered());
                io.write_all(&out).await?;
                break ending;
            }
            Some(Err(_elapsed)) => {
                stats.idle_timeout();
                io.write_all(format!("{IDLE}\n").as_bytes()).await?;
                break Ending::IdleTimeout;
            }
            Some(Ok(read)) => read?,
        };
        if n == 0 {
            if framer.buffered() > 0 {
                stats.vanished();
            }
            break Ending::ClientClosed;
        }
        // One line at a time, so the output cap holds within one read: at the cap, the
        // replies so far are written before the next line is answered.
        let mut quit = false;
        for line in buf[..n].split_inclusive(|&b| b == b'\n') {
            quit = answer(
                line,
                &mut framer,
                &mut session,
                &mut frames,
                &mut out,
                stats,
            );
            if quit || out.len() >= OUTPUT_HIGH_WATER {
                stats.buffered(out.len(), framer.buffered());
                // Backpressure for free: a client that does not read stalls this write, and so
                // this task stops reading its requests — for the idle timeout at most.
                if tokio::time::timeout(limits.idle_timeout, io.write_all(&out))
                    .await
                    .is_err()
                {
                    stats.idle_timeout();
                    return Ok(Ending::IdleTimeout);
                }
                out.clear();
            }
            if quit {
                break;
            }
        }
        stats.buffered(out.len(), framer.buffered());
        if tokio::time::timeout(limits.idle_timeout, io.write_all(&out))
            .await
            .is_err()
        {
            stats.idle_timeout();
            return Ok(Ending::IdleTimeout);
        }
        out.clear();
        if quit {
            break Ending::Quit;
        }
    };
    // Our FIN, then drain briefly so unread bytes do not turn into a reset (see blocking.rs).
    io.flush().await?;
    let _ = io.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Ok(n) = io.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    Ok(ending)
}

/// Frames `bytes`, answers each request into `out`; true once `quit` was answered (later
/// requests in the same bytes are ignored, as the reactor does).
fn answer(
    bytes: &[u8],
    framer: &mut LineFramer,
    session: &mut Session,
    frames: &mut Vec<crate::request::Frame>,
    out: &mut Vec<u8>,
    stats: &Stats,
) -> bool {
    framer.push(bytes, frames);
    for frame in frames.drain(..) {
        stats.answered(1);
        match session.respond(&frame) {
            Reply::Line(line) => {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
            Reply::Close(line) => {
                debug_assert_eq!(line, BYE);
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
                return true;
            }
        }
    }
    false
}

/// How a conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The client said `quit`.
    Quit,
    /// The client closed its side.
    ClientClosed,
    /// The client said nothing for the idle timeout.
    IdleTimeout,
    /// The server shut down.
    Shutdown,
}

//! A write-stall deadline for one connection, and the count of what the server queued for it.
//!
//! A client can send requests and never read the replies. The kernel's buffers fill, the socket
//! stops taking bytes, and without a deadline the connection (and the reply the server holds for
//! it) stays forever. [`Stalling`] wraps the connection's stream: when a write finds the socket
//! full it starts a timer (a tokio sleep, polled with the same waker, so nothing spins); any byte
//! the socket takes cancels it; if it fires, the write fails with `TimedOut` and hyper closes the
//! connection. Silence while the server itself is slow (a `?sleep=`, a chunk delay) starts no
//! timer: only a reply the client will not take does.
//!
//! It also keeps the accounting the hostile tests read ([`WriteCounters`]): the most bytes a
//! connection ever offered the socket in one write (hyper's whole buffered reply for it), the
//! most bytes one connection handed to the socket, how often a write found the socket full,
//! and how many connections were cut for stalling. Checked by `cargo test -p chapter-5 --test hostile`.

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// What every connection's writes add up to, shared by the server's connections.
#[derive(Debug, Default)]
pub(super) struct WriteCounters {
    /// The most bytes one write offered the socket: what the server held for that connection.
    pub peak_queued: AtomicUsize,
    /// The most bytes one connection has handed to the socket.
    pub peak_written: AtomicU64,
    /// Times a write found the socket full and started the deadline.
    pub waits: AtomicU64,
    /// Connections closed because the socket took nothing for the write timeout.
    pub stalled: AtomicU64,
}

/// A stream whose writes fail once the socket has taken no byte for `timeout`.
pub(super) struct Stalling<S> {
    inner: S,
    timeout: Duration,
    /// Armed when a write finds the socket full; dropped when the socket takes a byte.
    stall: Option<Pin<Box<Sleep>>>,
    /// Set once the deadline passed, so a retried write neither succeeds nor counts twice.
    cut: bool,
    written: u64,
    counters: Arc<WriteCounters>,
}

impl<S> Stalling<S> {
    pub(super) fn new(inner: S, timeout: Duration, counters: Arc<WriteCounters>) -> Self {
        Self {
            inner,
            timeout,
            stall: None,
            cut: false,
            written: 0,
            counters,
        }
    }

    fn stalled_error() -> io::Error {
        io::Error::new(
            io::ErrorKind::TimedOut,
            "the client took no bytes of its reply for the write timeout",
        )
    }

    /// Records a write of `offered` bytes and turns a long enough `Pending` into an error.
    fn account(
        &mut self,
        cx: &mut Context<'_>,
        offered: usize,
        result: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        self.counters
            .peak_queued
            .fetch_max(offered, Ordering::Relaxed);
        match result {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    // Progress, however slow, is not a stall: the deadline starts again.
                    self.stall = None;
                    self.written += n as u64;
                    self.counters
                        .peak_written
                        .fetch_max(self.written, Ordering::Relaxed);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let (timeout, counters) = (self.timeout, &self.counters);
                let stall = self.stall.get_or_insert_with(|| {
                    counters.waits.fetch_add(1, Ordering::Relaxed);
                    Box::pin(tokio::time::sleep(timeout))
                });
                // Polling the sleep registers this task's waker with the timer: the write is
                // retried when the socket drains or when the deadline passes, whichever is first.
                match stall.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => {
                        self.cut = true;
                        self.counters.stalled.fetch_add(1, Ordering::Relaxed);
                        Poll::Ready(Err(Self::stalled_error()))
                    }
                }
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Stalling<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Stalling<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.cut {
            return Poll::Ready(Err(Self::stalled_error()));
        }
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.account(cx, buf.len(), result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.cut {
            return Poll::Ready(Err(Self::stalled_error()));
        }
        // hyper hands a vectored write everything it has buffered for this connection.
        let offered = bufs.iter().map(|b| b.len()).sum();
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.account(cx, offered, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A duplex pipe the far end never reads: the write stalls, and the deadline cuts it.
    #[test]
    fn a_write_the_peer_never_takes_fails_at_the_deadline_and_progress_resets_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let counters = Arc::new(WriteCounters::default());
            let (near, mut far) = tokio::io::duplex(1024);
            let mut stream = Stalling::new(near, Duration::from_millis(100), counters.clone());
            let error = stream
                .write_all(&[b'x'; 4096])
                .await
                .expect_err("a peer that never reads is cut off");
            assert_eq!(error.kind(), io::ErrorKind::TimedOut);
            assert_eq!(counters.stalled.load(Ordering::Relaxed), 1);
            assert_eq!(counters.peak_written.load(Ordering::Relaxed), 1024);

            // A reader that takes a little every 50 ms (half the deadline) is never cut.
            let (near, mut far2) = tokio::io::duplex(256);
            let mut stream = Stalling::new(near, Duration::from_millis(100), counters.clone());
            let reader = tokio::spawn(async move {
                use tokio::io::AsyncReadExt;
                let mut got = 0;
                let mut buf = [0u8; 256];
                while got < 4096 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    got += far2.read(&mut buf).await.expect("reads");
                }
                got
            });
            stream.write_all(&[b'y'; 4096]).await.expect("not cut");
            assert_eq!(reader.await.expect("the reader"), 4096);
            assert_eq!(counters.stalled.load(Ordering::Relaxed), 1);
            drop(far.shutdown().await);
        });
    }
}

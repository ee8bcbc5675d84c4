//! From generators to coroutines to state machines: what a non-blocking server needs from each
//! connection is to *stop in the middle* and continue later.
//!
//! - `generator` (example4.py): a Python generator is an object that runs to its next `yield`
//!   each time `next()` is called. Rust's [`Iterator`] is the same contract written by hand:
//!   the state lives in fields, and `next()` advances it. Called a sixth time on a five-item
//!   countdown it returns `None` — the book's `StopIteration`, as a value, not an exception.
//! - `callback` (example5.py): the book bridges callbacks and coroutines — the coroutine yields
//!   a callback, and whoever fires the callback resumes it with `gen.send(value)`. In Rust an
//!   `async fn` is that coroutine: it awaits a future that is `Pending` until a callback fills a
//!   slot, and a plain loop (no runtime) polls it after each callback.
//! - `hand-written`: the protocol's per-connection state machine
//!   ([`crate::protocol::Connection`]), fed a session split at awkward places — what the
//!   reactor does with real sockets.
//! - `async-fn`: the same session through [`crate::tokio_server::converse`], an `async fn` the
//!   compiler turns into a state machine of its own. Both transcripts must be identical.
//!
//! Run: `cargo run -p chapter-18 -- run state-machines`. Book: chapter 18, example4.py and
//! example5.py (and the coroutines of example6.py).

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use common::{Outcome, RunConfig, Verdict};

use crate::protocol::{Connection, Limits};

common::variants! {
    /// The building block each variant shows.
    pub enum BuildingBlock {
        /// The book's generator as an [`Iterator`].
        Generator = "generator": "an Iterator called one time too many returns None (StopIteration)",
        /// A coroutine resumed by callbacks.
        Callback = "callback": "an async fn resumed by callbacks, driven by a bare loop",
        /// The protocol's per-connection state machine, written by hand.
        HandWritten = "hand-written": "the protocol's per-connection state machine fed input cut mid-line",
        /// The same conversation as an `async fn`.
        AsyncFn = "async-fn": "the same session through the async fn the compiler turns into one",
    }
}

/// A countdown from `n`: the book's generator as an explicit state machine.
#[derive(Debug)]
pub struct Countdown {
    next: u32,
}

impl Countdown {
    /// Counts `n, n-1, ..., 1`.
    pub fn new(n: u32) -> Self {
        Self { next: n }
    }
}

impl Iterator for Countdown {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        // The "resume point" is just this field: where the loop was when it last yielded.
        let value = self.next;
        if value == 0 {
            return None;
        }
        self.next -= 1;
        Some(value)
    }
}

/// A future that is ready once a callback has put a value in its slot.
struct Delivered {
    slot: Rc<RefCell<Option<String>>>,
}

impl Future for Delivered {
    type Output = String;
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<String> {
        match self.slot.borrow_mut().take() {
            Some(value) => Poll::Ready(value),
            // No waker is kept: the driver loop below polls after every callback.
            None => Poll::Pending,
        }
    }
}

/// The consumer coroutine: awaits three deliveries and returns what it got.
async fn consumer(slot: Rc<RefCell<Option<String>>>) -> Vec<String> {
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(
            Delivered {
                slot: Rc::clone(&slot),
            }
            .await,
        );
    }
    got
}

/// Drives `consumer` from callbacks with a bare loop: returns the log of what happened.
pub fn callback_to_coroutine() -> (Vec<String>, Vec<String>) {
    let slot = Rc::new(RefCell::new(None));
    let mut future = pin!(consumer(Rc::clone(&slot)));
    let mut cx = Context::from_waker(Waker::noop());
    let mut log = Vec::new();
    // The "callback" the event source fires: put the value where the coroutine will find it.
    let callback = |value: &str| *slot.borrow_mut() = Some(value.to_string());
    for event in ["first", "second", "third"] {
        if future.as_mut().poll(&mut cx).is_pending() {
            log.push(format!(
                "coroutine suspended, waiting; callback fires with “{event}”"
            ));
        }
        callback(event);
    }
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(got) => {
            log.push(format!("coroutine finished with {}", got.join(", ")));
            (log, got)
        }
        Poll::Pending => (log, Vec::new()),
    }
}

/// The session both state machines are fed, and where it is cut into reads.
pub const SCRIPT: &[u8] = b"1,2,3\nproduct\n4,5\nnot a list\nquit\n";
const CUTS: [usize; 4] = [3, 9, 17, 30];

/// The hand-written machine's transcript, fed [`SCRIPT`] in pieces cut mid-line.
pub fn hand_written_transcript() -> String {
    let mut connection = Connection::new(Limits::default().max_line);
    let mut transcript = Vec::new();
    let mut from = 0;
    for to in CUTS.into_iter().chain([SCRIPT.len()]) {
        connection.received(&SCRIPT[from..to]);
        transcript.extend_from_slice(connection.output());
        connection.wrote(connection.output().len());
        from = to;
    }
    String::from_utf8_lossy(&transcript).into_owned()
}

/// The `async fn`'s transcript, over an in-memory pipe, written in the same pieces.
pub fn async_fn_transcript() -> anyhow::Result<(String, usize)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (server_end, mut client) = tokio::io::duplex(1024);
        let stats = crate::lifecycle::Stats::default();
        let shutdown = crate::lifecycle::Shutdown::default();
        let conversation = crate::tokio_server::converse(
            server_end,
            Limits::default(),
            &stats,
            shutdown.subscribe(),
        );
        let size = std::mem::size_of_val(&conversation);
        let client_side = async {
            let mut from = 0;
            for to in CUTS.into_iter().chain([SCRIPT.len()]) {
                client.write_all(&SCRIPT[from..to]).await?;
                tokio::task::yield_now().await;
                from = to;
            }
            client.shutdown().await?;
            let mut transcript = String::new();
            client.read_to_string(&mut transcript).await?;
            anyhow::Ok(transcript)
        };
        let (served, transcript) = tokio::join!(conversation, client_side);
        served?;
        Ok((transcript?, size))
    })
}

/// The example: one variant per building block.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let outcome = |showed: bool| config.outcome(Verdict::from(showed));
    Ok(match config.variant_of::<BuildingBlock>()? {
        BuildingBlock::Generator => {
            let mut countdown = Countdown::new(5);
            let calls: Vec<Option<u32>> = (0..6).map(|_| countdown.next()).collect();
            let shown: Vec<String> = calls.iter().map(|c| format!("{c:?}")).collect();
            outcome(
                calls[..5] == [Some(5), Some(4), Some(3), Some(2), Some(1)] && calls[5].is_none(),
            )
            .line(format!("six calls to next(): {}", shown.join(", ")))
            .line("the sixth returns None: Python's StopIteration is a value in Rust")
            .figure(
                "size of the generator's state",
                std::mem::size_of::<Countdown>() as f64,
                "bytes",
            )
        }
        BuildingBlock::Callback => {
            let (log, got) = callback_to_coroutine();
            let mut o = outcome(got == ["first", "second", "third"]);
            for line in log {
                o = o.line(line);
            }
            o.notice("no runtime: a loop that polls after each callback is all a coroutine needs")
        }
        BuildingBlock::HandWritten => {
            let transcript = hand_written_transcript();
            let mut o = outcome(transcript == expected_transcript());
            for line in transcript.lines() {
                o = o.line(format!("server: {line}"));
            }
            o.figure("size of one connection's state", std::mem::size_of::<Connection>() as f64, "bytes")
                .notice("the input arrived cut mid-line; the framer and the fields carry the state between reads")
        }
        BuildingBlock::AsyncFn => {
            let (transcript, size) = async_fn_transcript()?;
            let same = transcript == hand_written_transcript();
            outcome(same && transcript == expected_transcript())
                .line(format!(
                    "async fn transcript {} the hand-written one ({} lines)",
                    if same { "is identical to" } else { "DIFFERS from" },
                    transcript.lines().count()
                ))
                .figure("size of the compiler's state machine (the future)", size as f64, "bytes")
                .notice("the compiler keeps in the future what the hand-written machine keeps in fields")
        }
    })
}

/// What [`SCRIPT`] must produce.
pub fn expected_transcript() -> String {
    String::from_utf8_lossy(&crate::protocol::transcript(
        SCRIPT,
        Limits::default().max_line,
    ))
    .into_owned()
}

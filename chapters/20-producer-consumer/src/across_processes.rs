//! Producer and consumer in separate processes, over a pipe: framing, and exact-once delivery.
//!
//! Threads share memory; processes do not, so items must be turned into bytes and sent. The
//! book's `multiprocessing.Queue` (`Chapter06/example6–8.py`) does that behind the scenes:
//! pickle each object, write it into a pipe *with its length in front*, and read it back whole.
//! Here it is by hand. The parent `fork`s a child; the child (the producer) writes messages into
//! a pipe and exits; the parent (the consumer) reads them, checks that every message arrived
//! exactly once, intact and in order, and reaps the child with `waitpid`.
//!
//! A pipe carries a stream of bytes, not messages: one `write` may arrive in several `read`s,
//! and several writes in one read. So:
//! - `unframed` (broken): the child writes the messages back to back and the parent takes each
//!   `read()` as one message. Expect far fewer "messages" than were sent (each read returns up
//!   to 4 KiB of whatever is in the pipe) and almost none intact.
//! - `length-prefixed`: each message goes out as a 4-byte length, then the bytes; the parent
//!   reads exactly that many. Expect every message received exactly once, intact, in order.
//!
//! Why `fork` and not `std::process::Command`: a child made by `Command` runs a program from its
//! start, so it would need this binary to accept a hidden "be the producer" argument. `fork`
//! gives a child that continues right here with the data already built. The cost is a promise
//! (`common::process::fork_child`, shared with chapters 6 and 15, holds the `unsafe`): after
//! `fork` in a process with other threads (the test harness has some), the child may only call
//! async-signal-safe functions — not `malloc`, not a lock another thread might have held. So the
//! parent builds every byte the child will send *before* forking, and the child only calls
//! `close`, `write` and `_exit` (see `spawn_writer`). The pipe's buffer
//! (64 KiB on Linux) is smaller than what is sent, so the child blocks whenever the parent
//! falls behind: backpressure, across processes, for free.
//!
//! Nothing may hang, so the parent never blocks without a limit: before each `read` it `poll`s
//! the pipe with what is left of the example's time budget (`common::process::DeadlineReader`),
//! and it reaps the child with non-blocking `waitpid`s (`reap_by`). If the budget runs out, it kills the child (`SIGKILL`), reaps it,
//! and reports the overrun instead of a verdict.
//!
//! Run: `cargo run -p chapter-20 -- run across-processes [--variant unframed]`.

use std::io::{self, ErrorKind, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::process::{DeadlineReader, fork_child, reap_by, write_all};
use common::rng::SplitMix64;
use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, Verdict};
use nix::sys::wait::WaitStatus;
use nix::unistd::{Pid, close, pipe};

common::variants! {
    /// How messages are put on the byte stream.
    pub enum Framing {
        /// Back to back, no boundaries: the reader takes each `read()` as a message (broken).
        Unframed = "unframed": "each read() taken as one message: boundaries lost",
        /// A 4-byte little-endian length before each message.
        LengthPrefixed = "length-prefixed": "a 4-byte length before each message: every message exactly once",
    }
}

/// Message `i` of a run: its sequence number (8 bytes, little-endian) and 0 to 512 pseudo-random
/// bytes, the same in parent and child for the same seed.
pub fn message(seed: u64, i: u64) -> Vec<u8> {
    let mut rng = SplitMix64::for_stream(seed, i);
    let len = rng.below(513) as usize;
    let mut bytes = i.to_le_bytes().to_vec();
    bytes.extend((0..len).map(|_| rng.next_u64() as u8));
    bytes
}

/// Every byte the producer will write for `messages` messages.
pub fn encode(framing: Framing, messages: u64, seed: u64) -> Vec<u8> {
    let mut stream = Vec::new();
    for i in 0..messages {
        let m = message(seed, i);
        match framing {
            Framing::Unframed => {}
            Framing::LengthPrefixed => {
                let len = u32::try_from(m.len()).expect("messages are small");
                stream.extend_from_slice(&len.to_le_bytes());
            }
        }
        stream.extend_from_slice(&m);
    }
    stream
}

/// What the consumer process saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Messages the producer sent.
    pub sent: u64,
    /// Bytes the producer sent (messages, and their length prefixes if framed).
    pub sent_bytes: u64,
    /// Messages the consumer believed it received.
    pub received: u64,
    /// Received messages equal to the message sent at that position.
    pub intact: u64,
    /// `read()` calls that returned data.
    pub reads: u64,
    /// Bytes read in all.
    pub bytes: u64,
    /// Wrapping sum of `(seq + 1) * len` over the messages received intact.
    pub checksum: u64,
    /// The same sum over the messages sent.
    pub expected_checksum: u64,
    /// The child's exit code, if it exited normally.
    pub child_exit: Option<i32>,
    /// The time budget ran out before the stream ended: the reader gave up.
    pub timed_out: bool,
    /// The child was still running at the deadline and was killed (`SIGKILL`), then reaped.
    pub child_killed: bool,
}

impl Transfer {
    /// Every message received exactly once, intact and in order, and the child exited 0.
    pub fn exactly_once(&self) -> bool {
        !self.timed_out
            && self.received == self.sent
            && self.intact == self.sent
            && self.checksum == self.expected_checksum
            && self.child_exit == Some(0)
    }
}

fn weigh(seq: u64, len: usize) -> u64 {
    (seq + 1).wrapping_mul(len as u64)
}

/// Forks a child that writes `stream` into `write_end` and exits; returns its pid. The child
/// closes its copy of `read_end`, so that if the parent stops reading, the child's `write` fails
/// (`EPIPE`) instead of blocking for ever on a full pipe. The parent's copy of `write_end` is
/// closed here, so the parent's read end sees end-of-file once the child is done.
///
/// Any other child forked at the same moment by another thread of this process (tests run in
/// parallel) inherits copies of both ends too, and holds them until it exits: that can delay
/// this pipe's end-of-file until that child is done, but cannot deadlock, since every child
/// writes its own stream, exits, and is killed at its parent's deadline if it does not.
fn spawn_writer(stream: &[u8], read_end: &OwnedFd, write_end: OwnedFd) -> anyhow::Result<Pid> {
    let read_fd = read_end.as_raw_fd();
    // The child calls only async-signal-safe functions, as `fork_child` requires: `close(2)` on
    // its copy of the read end and (dropping the `OwnedFd`) of the write end, and `write(2)` of
    // memory built before the fork. The parent's copy of `write_end` is closed when `fork_child`
    // drops the closure, so the parent's read end sees end-of-file once the child is done.
    fork_child(move || {
        // The child only writes: keeping a read end open would let it block on a full pipe
        // that no one reads any more.
        let _ = close(read_fd);
        let code = match write_all(&write_end, stream) {
            Ok(()) => 0,
            Err(_) => 1,
        };
        drop(write_end);
        code
    })
}

/// Sends `messages` messages from a forked child to this process over a pipe and reports
/// what arrived. Takes at most about `budget`: at the deadline the reader gives up
/// ([`Transfer::timed_out`]) and the child is killed and reaped ([`Transfer::child_killed`]).
pub fn transfer(
    framing: Framing,
    messages: u64,
    seed: u64,
    budget: Duration,
) -> anyhow::Result<Transfer> {
    let deadline = Instant::now() + budget;
    let stream = encode(framing, messages, seed);
    let expected: Vec<Vec<u8>> = (0..messages).map(|i| message(seed, i)).collect();
    let expected_checksum = expected.iter().enumerate().fold(0u64, |sum, (i, m)| {
        sum.wrapping_add(weigh(i as u64, m.len()))
    });

    let (read_end, write_end) = pipe().context("pipe failed")?;
    let child = spawn_writer(&stream, &read_end, write_end)?;
    let mut reader = DeadlineReader::new(read_end, deadline);

    let mut t = Transfer {
        sent: messages,
        sent_bytes: stream.len() as u64,
        received: 0,
        intact: 0,
        reads: 0,
        bytes: 0,
        checksum: 0,
        expected_checksum,
        child_exit: None,
        timed_out: false,
        child_killed: false,
    };
    let mut note = |t: &mut Transfer, got: &[u8]| {
        let i = t.received;
        t.received += 1;
        if expected.get(i as usize).is_some_and(|m| m == got) {
            t.intact += 1;
            t.checksum = t.checksum.wrapping_add(weigh(i, got.len()));
        }
    };
    let read_result = match framing {
        Framing::Unframed => read_unframed(&mut reader, &mut t, &mut note),
        Framing::LengthPrefixed => read_frames(&mut reader, &mut t, &mut note),
    };
    // Closing the read end first: a child still writing gets EPIPE and exits.
    drop(reader);
    // Reap the child even if reading failed, so no zombie is left behind.
    let reaped = reap_by(child, deadline, Duration::from_millis(1))?;
    t.child_killed = reaped.killed;
    if let WaitStatus::Exited(_, code) = reaped.status {
        t.child_exit = Some(code);
    }
    match read_result {
        Err(e) if e.kind() == ErrorKind::TimedOut => t.timed_out = true,
        other => other.context("read failed")?,
    }
    Ok(t)
}

/// BROKEN: every `read()` is taken as one message.
fn read_unframed(
    reader: &mut impl Read,
    t: &mut Transfer,
    note: &mut impl FnMut(&mut Transfer, &[u8]),
) -> io::Result<()> {
    let mut buf = [0u8; 4096];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                t.reads += 1;
                t.bytes += n as u64;
                note(t, &buf[..n]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Reads a 4-byte length, then exactly that many bytes, until end-of-file at a boundary.
fn read_frames(
    reader: &mut impl Read,
    t: &mut Transfer,
    note: &mut impl FnMut(&mut Transfer, &[u8]),
) -> io::Result<()> {
    let mut counting = CountingReader { inner: reader, t };
    loop {
        let mut len = [0u8; 4];
        match counting.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
        counting.read_exact(&mut body).map_err(|e| match e.kind() {
            ErrorKind::UnexpectedEof => {
                io::Error::new(ErrorKind::InvalidData, "the stream ended inside a message")
            }
            _ => e,
        })?;
        note(counting.t, &body);
    }
}

/// Counts the `read()` calls and bytes under a `read_exact`.
struct CountingReader<'a, R> {
    inner: &'a mut R,
    t: &'a mut Transfer,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.t.reads += 1;
            self.t.bytes += n as u64;
        }
        Ok(n)
    }
}

/// Runs one variant of the example.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let framing = config.variant_of::<Framing>()?;
    let messages = config.pick(2_000, 50_000);
    let watch = Stopwatch::start();
    let budget = config.budget();
    let t = transfer(framing, messages, config.seed, budget)?;
    let took = watch.elapsed();
    let first = format!(
        "A forked child wrote {} messages (0–512 bytes each, {} KiB in all{}) into a pipe; \
         this process read {} KiB in {} reads, in {}.",
        common::format::count(messages),
        common::format::count(t.sent_bytes / 1024),
        match framing {
            Framing::Unframed => "",
            Framing::LengthPrefixed => ", with their length prefixes",
        },
        common::format::count(t.bytes / 1024),
        common::format::count(t.reads),
        human(took)
    );
    let child = match (t.child_exit, t.child_killed) {
        (_, true) => "The child was still running at the deadline: it was killed (SIGKILL) and reaped with waitpid.".to_string(),
        (Some(code), false) => format!("The child exited with status {code} and was reaped with waitpid."),
        (None, false) => "The child did not exit normally.".to_string(),
    };
    if t.timed_out || t.child_killed {
        return Ok(
            config.outcome(Verdict::DidNotShow)
                .line(first)
                .line(format!(
                    "The transfer did not finish within its budget of {}: the reader gave up after {} of {} messages.",
                    human(budget),
                    t.received,
                    t.sent
                ))
                .line(child)
                .count("messages received", t.received, "messages").as_key(),
        );
    }
    let outcome = match framing {
        Framing::Unframed => {
            let showed = t.received != t.sent || t.intact < t.sent;
            config.outcome(Verdict::from(showed))
                .line(first)
                .line(format!(
                    "Taking each read() as a message, the reader saw {} \"messages\" for {} sent; {} intact.",
                    t.received, t.sent, t.intact
                ))
                .line(child)
                .count("messages intact", t.intact, "messages").as_key()
                .count("messages believed received", t.received, "messages")
                .count("messages sent", t.sent, "messages")
                .notice("a pipe carries bytes, not messages: reads do not line up with writes")
        }
        Framing::LengthPrefixed => {
            let showed = t.exactly_once();
            config.outcome(Verdict::from(showed))
                .line(first)
                .line(format!(
                    "With a length before each message: {} of {} received, {} intact and in order, checksum {}.",
                    t.received,
                    t.sent,
                    t.intact,
                    if t.checksum == t.expected_checksum {
                        "matches"
                    } else {
                        "DIFFERS"
                    }
                ))
                .line(child)
                .count("messages received exactly once", t.intact, "messages").as_key()
                .count("reads", t.reads, "reads")
                .duration("seconds", took)
                .notice("the length prefix puts the message boundaries back: read exactly that many bytes")
        }
    };
    Ok(outcome)
}

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
//! gives a child that continues right here with the data already built. The cost is `unsafe`:
//! after `fork` in a process with other threads (the test harness has some), the child may only
//! call async-signal-safe functions — not `malloc`, not a lock another thread might have held.
//! So the parent builds every byte the child will send *before* forking, and the child only
//! calls `write` and `_exit` (see `spawn_writer`'s `SAFETY` comment). The pipe's buffer
//! (64 KiB on Linux) is smaller than what is sent, so the child blocks whenever the parent
//! falls behind: backpressure, across processes, for free.
//!
//! Run: `cargo run -p chapter-20 -- run across-processes [--variant unframed]`.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::fd::OwnedFd;

use anyhow::Context;
use common::rng::SplitMix64;
use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, Verdict};
use nix::errno::Errno;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pipe, write};

/// How messages are put on the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Back to back, no boundaries: the reader takes each `read()` as a message (broken).
    Unframed,
    /// A 4-byte little-endian length before each message.
    LengthPrefixed,
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
        if framing == Framing::LengthPrefixed {
            let len = u32::try_from(m.len()).expect("messages are small");
            stream.extend_from_slice(&len.to_le_bytes());
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
}

impl Transfer {
    /// Every message received exactly once, intact and in order, and the child exited 0.
    pub fn exactly_once(&self) -> bool {
        self.received == self.sent
            && self.intact == self.sent
            && self.checksum == self.expected_checksum
            && self.child_exit == Some(0)
    }
}

fn weigh(seq: u64, len: usize) -> u64 {
    (seq + 1).wrapping_mul(len as u64)
}

/// Forks a child that writes `stream` into `write_end` and exits; returns its pid. The parent's
/// copy of `write_end` is closed here, so the parent's read end sees end-of-file once the child
/// is done.
#[allow(unsafe_code)]
fn spawn_writer(stream: &[u8], write_end: OwnedFd) -> anyhow::Result<Pid> {
    // SAFETY: after `fork` the child is a copy of this process with only the calling thread, so
    // any lock another thread held (the allocator's, stdout's) stays held forever in the child.
    // The child therefore calls only async-signal-safe functions: `write(2)` on memory built
    // before the fork (no allocation), `close(2)` (dropping the `OwnedFd`s) and `_exit(2)`,
    // which skips atexit handlers and destructors. It never returns into the caller's code.
    match unsafe { fork() }.context("fork failed")? {
        ForkResult::Child => {
            let code = {
                let mut rest = stream;
                loop {
                    if rest.is_empty() {
                        break 0;
                    }
                    match write(&write_end, rest) {
                        Ok(n) => rest = &rest[n..],
                        Err(Errno::EINTR) => continue,
                        Err(_) => break 1,
                    }
                }
            };
            drop(write_end);
            // SAFETY: see above; `_exit` ends the child at once, without running the parent's
            // destructors or flushing buffers the parent owns.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            // Close the parent's write end, or the read side would never see end-of-file.
            drop(write_end);
            Ok(child)
        }
    }
}

/// Sends `messages` messages from a forked child to this process over a pipe and reports
/// what arrived.
pub fn transfer(framing: Framing, messages: u64, seed: u64) -> anyhow::Result<Transfer> {
    let stream = encode(framing, messages, seed);
    let expected: Vec<Vec<u8>> = (0..messages).map(|i| message(seed, i)).collect();
    let expected_checksum = expected.iter().enumerate().fold(0u64, |sum, (i, m)| {
        sum.wrapping_add(weigh(i as u64, m.len()))
    });

    let (read_end, write_end) = pipe().context("pipe failed")?;
    let child = spawn_writer(&stream, write_end)?;
    let mut reader = File::from(read_end);

    let mut t = Transfer {
        sent: messages,
        received: 0,
        intact: 0,
        reads: 0,
        bytes: 0,
        checksum: 0,
        expected_checksum,
        child_exit: None,
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
    drop(reader);
    // Reap the child even if reading failed, so no zombie is left behind.
    let status = waitpid(child, None).context("waitpid failed")?;
    if let WaitStatus::Exited(_, code) = status {
        t.child_exit = Some(code);
    }
    read_result?;
    Ok(t)
}

/// BROKEN: every `read()` is taken as one message.
fn read_unframed(
    reader: &mut File,
    t: &mut Transfer,
    note: &mut impl FnMut(&mut Transfer, &[u8]),
) -> anyhow::Result<()> {
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
            Err(e) => return Err(e).context("read failed"),
        }
    }
}

/// Reads a 4-byte length, then exactly that many bytes, until end-of-file at a boundary.
fn read_frames(
    reader: &mut File,
    t: &mut Transfer,
    note: &mut impl FnMut(&mut Transfer, &[u8]),
) -> anyhow::Result<()> {
    let mut counting = CountingReader { inner: reader, t };
    loop {
        let mut len = [0u8; 4];
        match counting.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e).context("read failed"),
        }
        let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
        counting
            .read_exact(&mut body)
            .context("the stream ended inside a message")?;
        note(counting.t, &body);
    }
}

/// Counts the `read()` calls and bytes under a `read_exact`.
struct CountingReader<'a> {
    inner: &'a mut File,
    t: &'a mut Transfer,
}

impl Read for CountingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
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
    let framing = if config.variant == "unframed" {
        Framing::Unframed
    } else {
        Framing::LengthPrefixed
    };
    let messages = config.pick(2_000, 50_000);
    let watch = Stopwatch::start();
    let t = transfer(framing, messages, config.seed)?;
    let took = watch.elapsed();
    let first = format!(
        "A forked child wrote {messages} messages (0–512 bytes each, {} KiB in all) into a pipe; this process read {} KiB in {} reads, in {}.",
        t.bytes / 1024,
        t.bytes / 1024,
        t.reads,
        human(took)
    );
    let child = match t.child_exit {
        Some(code) => format!("The child exited with status {code} and was reaped with waitpid."),
        None => "The child did not exit normally.".to_string(),
    };
    let outcome = match framing {
        Framing::Unframed => {
            let showed = t.received != t.sent || t.intact < t.sent;
            Outcome::new("across-processes", config.variant, verdict(showed))
                .line(first)
                .line(format!(
                    "Taking each read() as a message, the reader saw {} \"messages\" for {} sent; {} intact.",
                    t.received, t.sent, t.intact
                ))
                .line(child)
                .key_figure("messages intact", t.intact as f64, "messages")
                .figure("messages believed received", t.received as f64, "messages")
                .figure("messages sent", t.sent as f64, "messages")
                .notice("a pipe carries bytes, not messages: reads do not line up with writes")
        }
        Framing::LengthPrefixed => {
            let showed = t.exactly_once();
            Outcome::new("across-processes", config.variant, verdict(showed))
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
                .key_figure("messages received exactly once", t.intact as f64, "messages")
                .figure("reads", t.reads as f64, "reads")
                .figure("seconds", took.as_secs_f64(), "s")
                .notice("the length prefix puts the message boundaries back: read exactly that many bytes")
        }
    };
    Ok(outcome)
}

fn verdict(showed: bool) -> Verdict {
    if showed {
        Verdict::Showed
    } else {
        Verdict::DidNotShow
    }
}

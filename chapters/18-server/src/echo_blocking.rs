//! The book's first server: a blocking line-echo server on raw std sockets, one client at a time.
//!
//! `TcpListener::bind` + `accept` + a `BufReader` per connection is example1.py's `socket`,
//! `listen`, `accept` and `makefile().readline()`. Each line comes back as `Echoed: "line"`
//! (Rust's `{:?}` where the book printed Python's `%a` repr); `quit` closes the connection, and
//! the server goes back to `accept` for the next client. While it serves one client, a second
//! one connects (the kernel completes the handshake into the listen backlog) but hears nothing
//! until the first leaves — the example measures exactly that wait.
//!
//! Run: `cargo run -p chapter-18 -- run echo-blocking`. Book: chapter 18, example1.py.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::{Outcome, RunConfig, Verdict};

common::variants! {
    /// The one scenario: two clients, one server that serves one at a time.
    pub enum Scenario {
        /// Client B connects while A is being served.
        Book = "book": "client B connects while A is served and waits for A to leave",
    }
}

/// Serves `clients` connections, one after the other, then returns the lines it echoed.
pub fn serve_echo(listener: &TcpListener, clients: usize) -> std::io::Result<usize> {
    let mut echoed = 0;
    for _ in 0..clients {
        let (stream, _) = listener.accept()?;
        // Real servers cap the wait; the book's example has none, so a silent client would hang
        // it. The example's clients always talk, and this bound keeps a broken one from hanging
        // the tour.
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut writer = stream.try_clone()?;
        // `take` caps what one client may send at 1 MiB: the book's readline() has no limit.
        for line in BufReader::new(stream.take(1 << 20)).lines() {
            let line = line?;
            if line.trim() == "quit" {
                break;
            }
            // One write per reply: `writeln!` on a raw socket makes a write(2) per piece, and
            // Nagle's algorithm then holds the last piece until the client's delayed ACK (~40 ms).
            writer.write_all(format!("Echoed: {line:?}\n").as_bytes())?;
            echoed += 1;
        }
    }
    Ok(echoed)
}

fn say(stream: &mut TcpStream, reader: &mut impl BufRead, line: &str) -> anyhow::Result<String> {
    // One write, so that Nagle's algorithm does not hold the newline back (see `serve_echo`).
    stream.write_all(format!("{line}\n").as_bytes())?;
    let mut reply = String::new();
    reader.read_line(&mut reply)?;
    Ok(reply.trim_end().to_string())
}

/// The example: client A talks while client B waits to be served.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let Scenario::Book = config.variant_of()?;
    let listener = TcpListener::bind("127.0.0.1:0").context("bind")?;
    let addr = listener.local_addr()?;
    let server = std::thread::spawn(move || serve_echo(&listener, 2));
    let timeout = Some(Duration::from_secs(5));

    let mut a = TcpStream::connect(addr)?;
    a.set_read_timeout(timeout)?;
    let mut a_reader = BufReader::new(a.try_clone()?);
    let first = say(&mut a, &mut a_reader, "hello")?;

    // B connects while A is still being served: the connection succeeds (the backlog), but no
    // echo comes until A quits.
    let mut b = TcpStream::connect(addr)?;
    b.set_read_timeout(timeout)?;
    let mut b_reader = BufReader::new(b.try_clone()?);
    let b_started = Instant::now();
    writeln!(b, "are you there?")?;
    let hold = Duration::from_millis(config.pick(150, 500));
    // A keeps talking for `hold`: a stand-in for a slow client, the waiting is the subject.
    let mut a_lines = vec![first];
    let until = Instant::now() + hold;
    while Instant::now() < until {
        a_lines.push(say(&mut a, &mut a_reader, "still me")?);
        std::thread::sleep(Duration::from_millis(25));
    }
    writeln!(a, "quit")?;
    let mut b_reply = String::new();
    b_reader.read_line(&mut b_reply)?;
    let b_waited = b_started.elapsed();
    writeln!(b, "quit")?;
    let echoed = server
        .join()
        .map_err(|_| anyhow::anyhow!("echo server panicked"))??;

    let showed = a_lines[0] == "Echoed: \"hello\""
        && b_reply.trim_end() == "Echoed: \"are you there?\""
        && b_waited >= hold;
    Ok(config.outcome(Verdict::from(showed))
        .line(format!("client A: hello -> {}", a_lines[0]))
        .line(format!(
            "client B connected at once but waited {:.0} ms for its echo: the server was busy with A",
            b_waited.as_secs_f64() * 1e3
        ))
        .key_figure("client B's wait for its first echo", b_waited.as_secs_f64() * 1e3, "ms")
        .figure("lines echoed", echoed as f64, "lines")
        .notice("one client at a time: a blocking server serves whoever it accepted until they leave"))
}

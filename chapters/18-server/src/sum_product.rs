//! The book's sum/product protocol: first as a console loop, then as a blocking server.
//!
//! `console` is example2.py: read a comma-separated list of integers, print its sum and product,
//! repeat. Here it reads any `BufRead` and ends cleanly at end of input (the book's loop only
//! ends with Ctrl-C, and raises `EOFError` at end of input); the example feeds it a script.
//!
//! `server` is example3.py: the same arithmetic behind the line protocol specified in the
//! README (welcome line, `sum` / `product` / `quit`, one reply per line), served by
//! [`crate::blocking`]. The example walks a real client through one session over loopback and
//! checks every reply, including the differences from the book: bare numbers instead of `'6'`,
//! an error line for bad input, and overflow reported instead of wrapped.
//!
//! Run: `cargo run -p chapter-18 -- run sum-product`. Book: chapter 18, example2.py and
//! example3.py.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Outcome, RunConfig, TableData, Verdict};

use crate::evaluate::evaluate;
use crate::protocol::Limits;
use crate::request::Mode;
use crate::server::{Impl, start_local};

common::variants! {
    /// Where the arithmetic runs.
    pub enum Stage {
        /// The book's example2.py: a console loop over lines.
        Console = "console": "read lists, print sum and product, end at end of input",
        /// The book's example3.py: the protocol, served by the blocking server.
        Server = "server": "a real client walks the protocol with the blocking server",
    }
}

/// The console loop: for each input line, its sum and product (or why not). Ends at end of
/// input; returns the lines answered.
pub fn console(input: impl BufRead, mut output: impl Write) -> std::io::Result<usize> {
    let mut answered = 0;
    for line in input.lines() {
        let line = line?;
        let answer = match (evaluate(Mode::Sum, &line), evaluate(Mode::Product, &line)) {
            (Ok(sum), Ok(product)) => format!("sum = {sum}, product = {product}"),
            (Ok(sum), Err(_)) => format!("sum = {sum}, product overflows i64"),
            (Err(e), _) => format!("cannot read “{line}”: {e}"),
        };
        writeln!(output, "> {line}\n{answer}")?;
        answered += 1;
    }
    Ok(answered)
}

/// One scripted session: what the client sends, and the reply the protocol requires.
pub const SESSION: &[(&str, &str)] = &[
    ("1,2,3", "6"),
    ("product", "switched to product mode"),
    ("2, 3, 4", "24"),
    (
        "9223372036854775807,2",
        "error: overflow: the product does not fit in a 64-bit signed integer",
    ),
    ("sum", "switched to sum mode"),
    ("1,two,3", "error: \"two\" is not a 64-bit integer"),
    ("-5,5", "0"),
    ("quit", "bye"),
];

/// Runs [`SESSION`] against a server at `addr`: (sent, expected, got) for each line, after
/// checking the welcome line.
pub fn play_session(addr: std::net::SocketAddr) -> anyhow::Result<Vec<(String, String, String)>> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    anyhow::ensure!(
        line.trim_end() == crate::protocol::WELCOME,
        "welcome line was {line:?}"
    );
    let mut rows = Vec::new();
    for (sent, expected) in SESSION {
        writeln!(writer, "{sent}")?;
        line.clear();
        reader.read_line(&mut line)?;
        rows.push((
            sent.to_string(),
            expected.to_string(),
            line.trim_end().to_string(),
        ));
    }
    line.clear();
    let after_bye = reader.read_line(&mut line)?;
    anyhow::ensure!(after_bye == 0, "the server said {line:?} after bye");
    Ok(rows)
}

/// The example: `console` or `server`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    match config.variant_of::<Stage>()? {
        Stage::Console => run_console(config),
        Stage::Server => run_server(config),
    }
}

fn run_console(config: &RunConfig) -> anyhow::Result<Outcome> {
    let script = "1,2,3\n4, 5\n-3,7,2\nhello\n";
    let mut out = Vec::new();
    let answered = console(script.as_bytes(), &mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let showed = answered == 4
        && text.contains("sum = 6, product = 6")
        && text.contains("sum = 9, product = 20")
        && text.contains("“hello” is not a 64-bit integer");
    let mut outcome = config.outcome(Verdict::from(showed));
    for line in text.lines() {
        outcome = outcome.line(line.to_string());
    }
    Ok(outcome
        .figure("lines answered", answered as f64, "lines")
        .notice("end of input ends the loop cleanly (the book's input() raised EOFError)"))
}

fn run_server(config: &RunConfig) -> anyhow::Result<Outcome> {
    let server = start_local(Impl::Blocking, Limits::default())?;
    let rows = play_session(server.addr)?;
    let stats = server.stop()?;
    let mut table = TableData::new(
        "one session with the blocking server",
        &["client sends", "server answers", "as specified"],
    );
    let mut all_right = true;
    for (sent, expected, got) in &rows {
        let right = got == expected;
        all_right &= right;
        table.row([
            sent.clone(),
            got.clone(),
            if right {
                "yes".into()
            } else {
                format!("no, want {expected:?}")
            },
        ]);
    }
    Ok(config
        .outcome(Verdict::from(
            all_right && stats.requests == SESSION.len() as u64,
        ))
        .table(table)
        .key_figure("requests answered", stats.requests as f64, "requests")
        .notice(
            "a bare 6, not the book's quoted '6'; overflow is an error line, not a wrapped number",
        ))
}

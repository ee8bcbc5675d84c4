//! Grading suite of exercise 11.1 (the line codec), run by `cargo xtask exercise check 11.1`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e1_line_codec.rs`. The codec is pure logic, so it is checked
//! exhaustively: a stream of requests is cut into reads at every possible place (every single
//! split, every pair of splits, one byte at a time) and must decode to the same frames each time.
//! Then the real server runs the codec against a real client.

#![cfg(not(feature = "shuttle"))]

use bytes::BytesMut;
use chapter_11::line_codec::{FrameError, LineCodec, MAX_LINE};
use tokio_util::codec::Decoder;

type Frame = Result<String, FrameError>;

/// Feeds `chunks` to a fresh codec as successive reads, then ends the stream.
fn decode_all(chunks: &[&[u8]]) -> Vec<Frame> {
    let mut codec = LineCodec::new();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(frame) = codec.decode(&mut buf).expect("no I/O error") {
            frames.push(frame);
        }
    }
    while let Some(frame) = codec.decode_eof(&mut buf).expect("no I/O error") {
        frames.push(frame);
    }
    frames
}

fn ok(line: &str) -> Frame {
    Ok(line.to_string())
}

/// A short stream with every kind of frame, and the frames it must give.
fn short_stream() -> (Vec<u8>, Vec<Frame>) {
    let stream = b"PING\nSET a 1\r\n\n\xffbad\nGET a\nhalf".to_vec();
    let frames = vec![
        ok("PING"),
        ok("SET a 1"),
        ok(""),
        Err(FrameError::NotUtf8),
        ok("GET a"),
        Err(FrameError::Truncated { bytes: 4 }),
    ];
    (stream, frames)
}

#[test]
fn one_read_with_everything_in_it() {
    let (stream, frames) = short_stream();
    assert_eq!(decode_all(&[&stream]), frames);
}

#[test]
fn every_single_split_gives_the_same_frames() {
    let (stream, frames) = short_stream();
    for at in 0..=stream.len() {
        let (a, b) = stream.split_at(at);
        assert_eq!(decode_all(&[a, b]), frames, "split at {at}");
    }
}

#[test]
fn every_pair_of_splits_gives_the_same_frames() {
    let (stream, frames) = short_stream();
    for i in 0..=stream.len() {
        for j in i..=stream.len() {
            let chunks = [&stream[..i], &stream[i..j], &stream[j..]];
            assert_eq!(decode_all(&chunks), frames, "splits at {i} and {j}");
        }
    }
}

#[test]
fn one_byte_at_a_time_gives_the_same_frames() {
    let (stream, frames) = short_stream();
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(decode_all(&bytes), frames);
}

#[test]
fn over_long_lines_are_one_error_each_and_the_next_line_still_comes() {
    let limit = "x".repeat(MAX_LINE);
    let over = "y".repeat(MAX_LINE + 1);
    let huge = "z".repeat(10 * MAX_LINE);
    let stream = format!("{limit}\n{over}\nPING\n{huge}\r\nGET a\n{limit}\r\n");
    let want = vec![
        ok(&limit),
        Err(FrameError::TooLong),
        ok("PING"),
        Err(FrameError::TooLong),
        ok("GET a"),
        ok(&limit),
    ];
    let bytes = stream.as_bytes();
    assert_eq!(decode_all(&[bytes]), want, "in one read");
    let small: Vec<&[u8]> = bytes.chunks(7).collect();
    assert_eq!(decode_all(&small), want, "in 7-byte reads");
    for at in (0..=bytes.len()).step_by(97) {
        let (a, b) = bytes.split_at(at);
        assert_eq!(decode_all(&[a, b]), want, "split at {at}");
    }
}

#[test]
fn the_buffer_stays_bounded_while_an_endless_line_arrives() {
    let mut codec = LineCodec::new();
    let mut buf = BytesMut::new();
    for _ in 0..1_000 {
        buf.extend_from_slice(&[b'n'; 1000]);
        assert_eq!(codec.decode(&mut buf).expect("no I/O error"), None);
        assert!(
            buf.len() <= 2 * MAX_LINE + 1000,
            "{} bytes buffered",
            buf.len()
        );
    }
    buf.extend_from_slice(b"\nPING\n");
    assert_eq!(
        codec.decode(&mut buf).expect("ok"),
        Some(Err(FrameError::TooLong))
    );
    assert_eq!(codec.decode(&mut buf).expect("ok"), Some(ok("PING")));
}

#[test]
fn an_over_long_unfinished_line_at_the_end_is_reported_once() {
    let frames = decode_all(&[b"PING\n", &[b'q'; 3 * MAX_LINE]]);
    assert_eq!(frames.len(), 2, "{:?}", &frames[1..]);
    assert_eq!(frames[0], ok("PING"));
    assert!(matches!(frames[1], Err(FrameError::Truncated { .. })));
    assert_eq!(
        decode_all(&[]),
        Vec::<Frame>::new(),
        "an empty stream has no frames"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_runs_the_codec_line_for_line() {
    use chapter_11::framed_protocol::{Framing, ProtocolServer, pipeline, script};
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let (mut requests, mut expected) = script(3, 40);
    requests.extend_from_slice(b"NOPE\nPING\r\n");
    expected.push("ERR unknown command \"NOPE\"".to_string());
    expected.push("PONG".to_string());
    let got = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        pipeline(server.addr(), &requests),
    )
    .await
    .expect("within the limit")
    .expect("pipelines");
    assert_eq!(got, expected);
}

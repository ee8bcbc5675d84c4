//! Grading suite of exercise 11.1 (the line codec), run by `cargo xtask exercise check 11.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_line_codec.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! The codec is pure logic, so it is checked exhaustively: a stream of requests is cut into
//! reads at every possible place (every single split, every pair of splits, one byte at a time)
//! and must decode to the same frames each time; the buffer is checked after every read of an
//! endless line. A wrong frame is reported with what it says about the codec (a line through
//! that is over the limit, frames lost after the first line of a read, ...). Then the real
//! server runs the graded codec against a real client.

/// The tests, against the line-codec module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use bytes::BytesMut;
        use tokio_util::codec::Decoder;

        use $($module)::+::{FrameError, LineCodec, MAX_LINE};

        type Frame = Result<String, FrameError>;

        /// One `decode` or `decode_eof` result; an I/O error fails with what it means.
        fn frame_of(result: std::io::Result<Option<Frame>>, how: &str) -> Option<Frame> {
            result.unwrap_or_else(|e| {
                panic!(
                    "decode returned the I/O error \"{e}\" ({how}): a malformed frame is an item, \
                     Ok(Some(Err(FrameError::...))) — an Err of the outer Result ends the \
                     connection instead of answering ERR and reading the next line"
                )
            })
        }

        /// Feeds `chunks` to a fresh codec as successive reads, then ends the stream.
        fn decode_all(chunks: &[&[u8]], how: &str) -> Vec<Frame> {
            let mut codec = LineCodec::new();
            let mut buf = BytesMut::new();
            let mut frames = Vec::new();
            for chunk in chunks {
                buf.extend_from_slice(chunk);
                while let Some(frame) = frame_of(codec.decode(&mut buf), how) {
                    frames.push(frame);
                }
            }
            while let Some(frame) = frame_of(codec.decode_eof(&mut buf), how) {
                frames.push(frame);
            }
            frames
        }

        fn ok(line: &str) -> Frame {
            Ok(line.to_string())
        }

        /// A frame for a message: long lines shortened, with their length.
        fn show(frame: &Frame) -> String {
            match frame {
                Ok(line) if line.len() > 20 => {
                    let head: String = line.chars().take(8).collect();
                    format!("Ok(\"{head}…\", {} bytes)", line.len())
                }
                Ok(line) => format!("Ok({line:?})"),
                Err(e) => format!("Err({e:?})"),
            }
        }

        fn show_all(frames: &[Frame]) -> String {
            let shown: Vec<String> = frames.iter().take(8).map(show).collect();
            let more = if frames.len() > 8 { ", …" } else { "" };
            format!("[{}{more}]", shown.join(", "))
        }

        /// Fails, saying what the first wrong frame tells about the codec, unless `got` is `want`.
        fn check(got: &[Frame], want: &[Frame], how: &str) {
            if got == want {
                return;
            }
            let seen = format!("got {}, want {}", show_all(got), show_all(want));
            let Some(i) = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]) else {
                assert!(
                    got.len() >= want.len(),
                    "fewer frames than lines sent ({how}): {seen} — one read may hold several \
                     lines: take only the bytes up to the first \\n and leave the rest in the \
                     buffer for the next call"
                );
                panic!(
                    "more frames than lines sent ({how}): {seen} — the stream ends after the \
                     last line"
                );
            };
            match (&got[i], &want[i]) {
                (Ok(line), Err(FrameError::TooLong)) if line.len() > MAX_LINE => panic!(
                    "frame {i}: a line of {} bytes came through ({how}): a line over MAX_LINE \
                     ({MAX_LINE}) bytes is Err(FrameError::TooLong) — {seen}",
                    line.len()
                ),
                (Err(FrameError::TooLong), Ok(line)) if line.len() == MAX_LINE => panic!(
                    "frame {i}: a line of exactly MAX_LINE bytes ({MAX_LINE}) came out as \
                     TooLong ({how}): the limit counts the line without its \\n or \\r\\n, and \
                     telnet sends \\r\\n — {seen}"
                ),
                _ if i > 0 && got[i - 1] == Err(FrameError::TooLong) => panic!(
                    "frame {i}: after a TooLong came {} where the next line is {} ({how}): \
                     the rest of the over-long line must be skipped up to its \\n, not reported \
                     as frames of its own — one TooLong per over-long line; {seen}",
                    show(&got[i]),
                    show(&want[i])
                ),
                _ => panic!(
                    "frame {i} is {}, want {} ({how}): {seen}",
                    show(&got[i]),
                    show(&want[i])
                ),
            }
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
            check(&decode_all(&[&stream], "in one read"), &frames, "in one read");
        }

        #[test]
        fn every_single_split_gives_the_same_frames() {
            let (stream, frames) = short_stream();
            for at in 0..=stream.len() {
                let (a, b) = stream.split_at(at);
                let how = format!("two reads, split at byte {at}");
                check(&decode_all(&[a, b], &how), &frames, &how);
            }
        }

        #[test]
        fn every_pair_of_splits_gives_the_same_frames() {
            let (stream, frames) = short_stream();
            for i in 0..=stream.len() {
                for j in i..=stream.len() {
                    let chunks = [&stream[..i], &stream[i..j], &stream[j..]];
                    let how = format!("three reads, split at bytes {i} and {j}");
                    check(&decode_all(&chunks, &how), &frames, &how);
                }
            }
        }

        #[test]
        fn one_byte_at_a_time_gives_the_same_frames() {
            let (stream, frames) = short_stream();
            let bytes: Vec<&[u8]> = stream.chunks(1).collect();
            let how = "one byte per read";
            check(&decode_all(&bytes, how), &frames, how);
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
            check(&decode_all(&[bytes], "in one read"), &want, "in one read");
            let small: Vec<&[u8]> = bytes.chunks(7).collect();
            check(&decode_all(&small, "in 7-byte reads"), &want, "in 7-byte reads");
            for at in (0..=bytes.len()).step_by(97) {
                let (a, b) = bytes.split_at(at);
                let how = format!("two reads, split at byte {at}");
                check(&decode_all(&[a, b], &how), &want, &how);
            }
        }

        /// A line of exactly `MAX_LINE` bytes whose `\r` arrives before its `\n`.
        #[test]
        fn a_line_at_the_limit_sent_with_crlf_in_two_reads_comes_through() {
            let limit = "x".repeat(MAX_LINE);
            let first = format!("{limit}\r");
            let how = "the \\r\\n of a MAX_LINE-byte line split between two reads";
            let frames = decode_all(&[first.as_bytes(), b"\nPING\n"], how);
            check(&frames, &[ok(&limit), ok("PING")], how);
        }

        #[test]
        fn the_buffer_stays_bounded_while_an_endless_line_arrives() {
            let mut codec = LineCodec::new();
            let mut buf = BytesMut::new();
            let how = "an endless line arriving 1,000 bytes at a time";
            for read in 1..=1_000 {
                buf.extend_from_slice(&[b'n'; 1000]);
                if let Some(frame) = frame_of(codec.decode(&mut buf), how) {
                    panic!(
                        "decode gave {} after read {read} of an endless line, before its \\n: an \
                         over-long line gives one TooLong, when its \\n arrives — the rest of \
                         the over-long line must be skipped, not reported as frames of its own",
                        show(&frame)
                    );
                }
                assert!(
                    buf.len() <= 2 * MAX_LINE + 1000,
                    "{} bytes buffered while an endless line arrives (after read {read}): once \
                     a line is over MAX_LINE ({MAX_LINE}) bytes, drop its bytes as they arrive — \
                     a client that never sends \\n must not make the server buffer without bound",
                    buf.len()
                );
            }
            buf.extend_from_slice(b"\nPING\n");
            let mut frames = Vec::new();
            while let Some(frame) = frame_of(codec.decode(&mut buf), how) {
                frames.push(frame);
            }
            check(&frames, &[Err(FrameError::TooLong), ok("PING")], "the endless line's \\n, then PING");
        }

        #[test]
        fn an_over_long_unfinished_line_at_the_end_is_reported_once() {
            let how = "PING, then 3 × MAX_LINE bytes and the end of the stream";
            let frames = decode_all(&[b"PING\n", &[b'q'; 3 * MAX_LINE]], how);
            assert!(
                frames.len() == 2
                    && frames[0] == ok("PING")
                    && matches!(frames[1], Err(FrameError::Truncated { .. })),
                "{how}: got {}, want [Ok(\"PING\"), Err(Truncated {{ .. }})] — a line cut off \
                 by the end of the stream is one Truncated, however long it was",
                show_all(&frames)
            );
            let none = decode_all(&[], "an empty stream");
            assert!(none.is_empty(), "an empty stream has no frames: got {}", show_all(&none));
        }
    };
}

/// The learner's codec (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_11::line_codec);
}

/// The chapter's framed-protocol server, which cuts requests with the graded codec.
mod graded_in_the_server {
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
        .expect("the server answers every pipelined request within the limit")
        .expect("pipelines");
        assert_eq!(
            got, expected,
            "the server, cutting requests with your codec, must answer every pipelined request \
             in order"
        );
    }
}

#[cfg(mutants)]
mod e1_io_error {
    suite!(chapter_11::mutants::e1_io_error);
}

#[cfg(mutants)]
mod e1_limit_at_newline {
    suite!(chapter_11::mutants::e1_limit_at_newline);
}

#[cfg(mutants)]
mod e1_no_limit {
    suite!(chapter_11::mutants::e1_no_limit);
}

#[cfg(mutants)]
mod e1_no_room_for_cr {
    suite!(chapter_11::mutants::e1_no_room_for_cr);
}

#[cfg(mutants)]
mod e1_tail_as_line {
    suite!(chapter_11::mutants::e1_tail_as_line);
}

#[cfg(mutants)]
mod e1_whole_buffer {
    suite!(chapter_11::mutants::e1_whole_buffer);
}

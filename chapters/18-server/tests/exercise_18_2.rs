//! Grading suite of exercise 18.2 (`LineFramer`), run by `cargo xtask exercise check 18.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_line_framer.rs`. Fixed cases, then a property test: random
//! input fed in random chunks gives the same frames as a simple model of the whole input, and the
//! framer never holds more than `max + 1` bytes.

use chapter_18::line_framer::LineFramer;
use chapter_18::protocol::Frame;
use proptest::prelude::*;

fn frames(max: usize, chunks: &[&[u8]]) -> Vec<Frame> {
    let mut framer = LineFramer::new(max);
    let mut out = Vec::new();
    for chunk in chunks {
        framer.push(chunk, &mut out);
        assert!(
            framer.buffered() <= max + 1,
            "holds {} bytes",
            framer.buffered()
        );
    }
    out
}

fn line(s: &str) -> Frame {
    Frame::Line(s.as_bytes().to_vec())
}

#[test]
fn lines_split_across_reads_and_several_in_one() {
    assert_eq!(
        frames(16, &[b"1,", b"2\n3", b",4\nsum\r\n"]),
        [line("1,2"), line("3,4"), line("sum")]
    );
    assert_eq!(frames(16, &[b"\n\r\n"]), [line(""), line("")]);
    assert_eq!(frames(16, &[b"no newline yet"]), []);
}

#[test]
fn a_long_line_is_one_error_and_the_next_line_is_fine() {
    assert_eq!(
        frames(4, &[b"1234\n12345\n1,2\n"]),
        [line("1234"), Frame::TooLong, line("1,2")]
    );
    assert_eq!(frames(4, &[b"1234\r\n"]), [line("1234")]);
    // Reported as soon as it goes over, before its newline arrives.
    assert_eq!(frames(4, &[b"123456789"]), [Frame::TooLong]);
    assert_eq!(
        frames(4, &[b"12345", b"6789", b"\n", b"ok\n"]),
        [Frame::TooLong, line("ok")]
    );
}

/// The frames of a whole input, computed line by line.
fn model(max: usize, input: &[u8]) -> Vec<Frame> {
    let mut segments: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let tail = segments.pop().unwrap_or_default();
    let mut out: Vec<Frame> = segments
        .into_iter()
        .map(|s| {
            let s = s.strip_suffix(b"\r").unwrap_or(s);
            if s.len() > max {
                Frame::TooLong
            } else {
                Frame::Line(s.to_vec())
            }
        })
        .collect();
    // An unfinished line is reported once it cannot fit any more, even with a `\r` to come.
    if tail.len() > max + 1 || (tail.len() == max + 1 && tail.last() != Some(&b'\r')) {
        out.push(Frame::TooLong);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn chunking_never_changes_the_frames(
        input in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b'1'), any::<u8>()], 0..200),
        max in 1usize..24,
        cuts in proptest::collection::vec(1usize..30, 1..10),
    ) {
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut rest = &input[..];
        for &n in cuts.iter().cycle() {
            if rest.is_empty() { break; }
            let n = n.min(rest.len());
            chunks.push(&rest[..n]);
            rest = &rest[n..];
        }
        prop_assert_eq!(frames(max, &chunks), model(max, &input));
    }
}

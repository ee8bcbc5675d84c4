//! Grading suite of exercise 18.2 (`LineFramer`), run by `cargo xtask exercise check 18.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_line_framer.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it: after every `push` the framer holds at most `max + 1`
//! bytes; lines cut by read boundaries come out whole; one `\r` before the `\n` is dropped and not
//! counted; a too-long line is one `TooLong`, reported before its newline arrives, and the rest of
//! it is skipped; and random input fed in random chunks gives the frames of a simple model of the
//! whole input.

/// The tests, against the framer module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::LineFramer;
        use chapter_18::request::Frame;
        use proptest::prelude::*;

        /// The frames of `chunks` pushed one after the other; after each push, the framer may
        /// hold at most `max + 1` bytes.
        fn frames(max: usize, chunks: &[&[u8]]) -> Vec<Frame> {
            let mut framer = LineFramer::new(max);
            let mut out = Vec::new();
            let mut fed = 0;
            for chunk in chunks {
                framer.push(chunk, &mut out);
                fed += chunk.len();
                let held = framer.buffered();
                assert!(
                    held <= max + 1,
                    "after {fed} bytes the framer holds {held} bytes of one unfinished line with \
                     max = {max}: it may hold at most max + 1 (a line over the limit is reported \
                     and dropped, not buffered until its newline)"
                );
            }
            out
        }

        /// `input` pushed one byte at a time.
        fn byte_by_byte(max: usize, input: &[u8]) -> Vec<Frame> {
            let chunks: Vec<&[u8]> = input.chunks(1).collect();
            frames(max, &chunks)
        }

        fn line(s: &str) -> Frame {
            Frame::Line(s.as_bytes().to_vec())
        }

        #[test]
        fn lines_split_across_reads_come_out_whole() {
            let whole = "a line split across reads must come out whole: keep its unfinished part \
                         between push calls";
            assert_eq!(
                frames(16, &[b"1,", b"2\n3", b",4\nsum\r\n"]),
                [line("1,2"), line("3,4"), line("sum")],
                "{whole}"
            );
            assert_eq!(
                byte_by_byte(16, b"12,34\nsum\r\n"),
                [line("12,34"), line("sum")],
                "{whole} (one byte a read)"
            );
            assert_eq!(frames(16, &[b"no newline yet"]), [], "no newline, no frame yet");
        }

        #[test]
        fn each_newline_ends_a_line_without_one_cr_before_it() {
            let ends = "each \\n ends a line, pushed without the \\n and without one \\r just \
                        before it";
            assert_eq!(frames(16, &[b"\n\r\n"]), [line(""), line("")], "{ends}");
            assert_eq!(frames(16, &[b"1,2\n3\n"]), [line("1,2"), line("3")], "{ends}");
            assert_eq!(frames(16, &[b"a\r\r\n"]), [line("a\r")], "{ends} (only one)");
            assert_eq!(frames(16, &[b"a\rb\n"]), [line("a\rb")], "{ends} (only at the end)");
        }

        #[test]
        fn a_long_line_is_one_error_and_the_next_line_is_fine() {
            let skipped = "a line over max bytes is one Frame::TooLong; the rest of a too-long \
                           line must be skipped up to its newline, and the line after it read \
                           normally";
            assert_eq!(
                frames(4, &[b"1234\n12345\n1,2\n"]),
                [line("1234"), Frame::TooLong, line("1,2")],
                "{skipped}"
            );
            assert_eq!(
                frames(4, &[b"123456\n123456789\n\n"]),
                [Frame::TooLong, Frame::TooLong, line("")],
                "{skipped}"
            );
            assert_eq!(
                byte_by_byte(2, b"12345678\nok\n"),
                [Frame::TooLong, line("ok")],
                "{skipped} (one byte a read)"
            );
        }

        #[test]
        fn the_cr_before_the_newline_is_not_counted() {
            let slack = "a line of exactly max bytes ending in \\r\\n is not too long: the \\r \
                         before the \\n does not count against the limit";
            assert_eq!(frames(4, &[b"1234\r\n"]), [line("1234")], "{slack}");
            assert_eq!(frames(4, &[b"1234\r", b"\n"]), [line("1234")], "{slack}");
            assert_eq!(
                frames(4, &[b"1234\rx\n"]),
                [Frame::TooLong],
                "a \\r inside a line is one of its bytes"
            );
        }

        #[test]
        fn a_long_line_is_reported_before_its_newline() {
            let early = "a line must be reported Frame::TooLong as soon as it goes over the limit, \
                         before its newline arrives (a client may never send one)";
            assert_eq!(frames(4, &[b"123456789"]), [Frame::TooLong], "{early}");
            assert_eq!(frames(4, &[b"12345"]), [Frame::TooLong], "{early}");
            assert_eq!(
                frames(4, &[b"12345", b"6789", b"\n", b"ok\n"]),
                [Frame::TooLong, line("ok")],
                "{early}"
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
                prop_assert_eq!(
                    frames(max, &chunks),
                    model(max, &input),
                    "the frames of this input in these chunks differ from the frames of the whole \
                     input (max = {})",
                    max
                );
            }
        }
    };
}

/// The learner's framer (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_18::line_framer);
}

#[cfg(mutants)]
mod e2_no_limit {
    suite!(chapter_18::mutants::e2_no_limit);
}

#[cfg(mutants)]
mod e2_partial_line_lost {
    suite!(chapter_18::mutants::e2_partial_line_lost);
}

#[cfg(mutants)]
mod e2_reported_at_newline {
    suite!(chapter_18::mutants::e2_reported_at_newline);
}

#[cfg(mutants)]
mod e2_no_cr_slack {
    suite!(chapter_18::mutants::e2_no_cr_slack);
}

#[cfg(mutants)]
mod e2_rest_not_skipped {
    suite!(chapter_18::mutants::e2_rest_not_skipped);
}

//! Grading suite of exercise 6.2 (length-prefixed framing), run by `cargo xtask exercise check
//! 6.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_framing.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails.
//!
//! What is checked, as the task states it: the bytes on the wire (a little-endian length, then
//! the message), written and read each on its own, so two wrong halves cannot agree; frames read
//! through a reader that hands out one byte per `read`, as a pipe may; a clean end told from a
//! cut one; and a thousand frames from a forked child through a real pipe, under a watchdog, so
//! a reader that never sees the end fails fast instead of hanging the grader.

use std::io::{self, Read};

/// Hands out at most one byte per `read`, as a pipe may.
struct Trickle<R>(R);

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

/// Message `i`: 0 to 299 bytes, different for every `i`.
fn message(i: usize) -> Vec<u8> {
    (0..(i * 37) % 300).map(|j| (i + j) as u8).collect()
}

/// Frames written by the test itself, as the format says: the length in 4 little-endian bytes.
fn frames_by_hand(count: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in 0..count {
        let msg = message(i);
        bytes.extend_from_slice(&(msg.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&msg);
    }
    bytes
}

/// The tests, against the framing module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use std::fs::File;
        use std::io::{Cursor, ErrorKind};
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        use $($module)::+::{read_frame, write_frame};
        use chapter_6::fork::{fork_child, kill_and_reap};
        use chapter_6::wait_timeout::wait_timeout;
        use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
        use nix::errno::Errno;
        use nix::sys::wait::WaitStatus;
        use nix::unistd::{pipe, write};

        use super::{Trickle, frames_by_hand, message};

        fn encode(count: usize) -> Vec<u8> {
            let mut bytes = Vec::new();
            for i in 0..count {
                write_frame(&mut bytes, &message(i)).expect("writing to a Vec succeeds");
            }
            bytes
        }

        /// Reads `count` frames of `message(i)` and then the clean end from `r`, failing with
        /// what went wrong; `how` says what kind of reader it is.
        fn read_all(r: &mut impl std::io::Read, count: usize, how: &str) {
            for i in 0..count {
                match read_frame(r) {
                    Ok(Some(frame)) if frame == message(i) => {}
                    got => panic!(
                        "frame {i} came back wrong from {how}: {} bytes expected, got {}; one \
                         `read` may return fewer bytes than asked, in the length as in the \
                         message (keep reading until you have them all)",
                        message(i).len(),
                        describe(&got)
                    ),
                }
            }
            match read_frame(r) {
                Ok(None) => {}
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => panic!(
                    "a clean end of stream (after the last frame, before any byte of a new one) \
                     must be Ok(None), not an error: read_frame gave {e}"
                ),
                got => panic!(
                    "after the last frame, a clean end of stream must give Ok(None); got {}",
                    describe(&got)
                ),
            }
        }

        fn describe(got: &std::io::Result<Option<Vec<u8>>>) -> String {
            match got {
                Ok(Some(frame)) => format!("a frame of {} bytes", frame.len()),
                Ok(None) => "Ok(None), a clean end".to_string(),
                Err(e) => format!("the error {e} ({:?})", e.kind()),
            }
        }

        #[test]
        fn the_frame_is_a_little_endian_length_then_the_bytes() {
            let mut bytes = Vec::new();
            write_frame(&mut bytes, b"hi").expect("succeeds");
            write_frame(&mut bytes, b"").expect("succeeds");
            assert!(
                bytes != [0, 0, 0, 2, b'h', b'i', 0, 0, 0, 0],
                "the length is written big-endian: b\"hi\" must be [2, 0, 0, 0, b'h', b'i'] (the \
                 least significant byte first), got {bytes:?}"
            );
            assert_eq!(
                bytes,
                [2, 0, 0, 0, b'h', b'i', 0, 0, 0, 0],
                "two frames, b\"hi\" then b\"\": each a 4-byte little-endian length, then the bytes"
            );
        }

        #[test]
        fn frames_written_by_the_format_are_read() {
            let mut r = Cursor::new(frames_by_hand(3));
            match read_frame(&mut r) {
                Ok(Some(frame)) if frame.is_empty() => {}
                got => panic!("[0, 0, 0, 0] is the empty message; got {}", describe(&got)),
            }
            let mut one = Cursor::new(vec![1u8, 0, 0, 0, b'x']);
            match read_frame(&mut one) {
                Ok(Some(frame)) if frame == b"x" => {}
                got => panic!(
                    "[1, 0, 0, 0, b'x'] is the 1-byte message b\"x\": the length is read \
                     little-endian (read big-endian, it would be 16777216); got {}",
                    describe(&got)
                ),
            }
            for i in 1..3 {
                match read_frame(&mut r) {
                    Ok(Some(frame)) if frame == message(i) => {}
                    got => panic!(
                        "frame {i}, written by the test as the format says, came back as {}",
                        describe(&got)
                    ),
                }
            }
        }

        #[test]
        fn frames_round_trip_through_a_trickling_reader() {
            let mut r = Trickle(Cursor::new(encode(50)));
            read_all(&mut r, 50, "a reader that hands out one byte per `read`");
        }

        #[test]
        fn a_stream_cut_inside_a_frame_is_an_error() {
            let mut bytes = encode(2);
            bytes.pop();
            let mut r = Cursor::new(bytes);
            assert_eq!(read_frame(&mut r).expect("the first frame is whole"), Some(message(0)));
            match read_frame(&mut r) {
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => {}
                got => panic!(
                    "a stream cut inside a frame's bytes (one byte short) must be an \
                     UnexpectedEof error; got {}",
                    describe(&got)
                ),
            }
            let mut cut_length = Cursor::new(vec![5u8, 0]);
            match read_frame(&mut cut_length) {
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => {}
                got => panic!(
                    "a stream cut inside a frame's length (two of its four bytes, then the end) \
                     must be an UnexpectedEof error, not a clean end; got {}",
                    describe(&got)
                ),
            }
        }

        #[test]
        fn frames_from_a_forked_child_arrive_exactly_once_in_order() {
            const COUNT: usize = 1000;
            let bytes = encode(COUNT); // built before the fork: the child only writes
            let (rx, tx) = pipe().expect("succeeds");
            let child = fork_child(move || {
                let mut rest = &bytes[..];
                while !rest.is_empty() {
                    match write(&tx, rest) {
                        Ok(n) => rest = &rest[n..],
                        Err(Errno::EINTR) => continue,
                        Err(_) => return 1,
                    }
                }
                0
            })
            .expect("succeeds");
            let got = Arc::new(Mutex::new(Vec::new()));
            let out = Arc::clone(&got);
            let report = Watchdog::new(Duration::from_secs(10)).run(vec![worker(
                "reader",
                move |ctx: &WorkerCtx| {
                    let mut file = File::from(rx);
                    loop {
                        match read_frame(&mut file) {
                            Ok(Some(frame)) => out.lock().expect("not poisoned").push(frame),
                            Ok(None) => break,
                            Err(e) => panic!(
                                "reading the pipe failed after {} frames: {e} (after the last frame the child \
                                 closes the pipe: a clean end of stream)",
                                out.lock().expect("not poisoned").len()
                            ),
                        }
                        ctx.progress();
                    }
                },
            )]);
            if report.ending != Ending::Finished {
                let _ = kill_and_reap(child);
                panic!("the reader did not finish: {}", report.describe_ending());
            }
            assert!(report.panics().is_empty(), "{}", report.panics().join("\n"));
            let status = wait_timeout(child, Duration::from_secs(5)).expect("succeeds");
            assert!(
                matches!(status, Some(WaitStatus::Exited(_, 0))),
                "the writing child ended with {status:?}"
            );
            let got = got.lock().expect("not poisoned");
            assert_eq!(got.len(), COUNT, "every frame exactly once");
            for (i, frame) in got.iter().enumerate() {
                assert!(*frame == message(i), "frame {i} intact and in order");
            }
        }
    };
}

/// The learner's framing (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_6::framing);
}

#[cfg(mutants)]
mod e2_big_endian {
    suite!(chapter_6::mutants::e2_big_endian);
}

#[cfg(mutants)]
mod e2_body_one_read {
    suite!(chapter_6::mutants::e2_body_one_read);
}

#[cfg(mutants)]
mod e2_cut_length_is_end {
    suite!(chapter_6::mutants::e2_cut_length_is_end);
}

#[cfg(mutants)]
mod e2_eof_is_error {
    suite!(chapter_6::mutants::e2_eof_is_error);
}

#[cfg(mutants)]
mod e2_one_read {
    suite!(chapter_6::mutants::e2_one_read);
}

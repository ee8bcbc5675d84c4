//! Grading suite of exercise 6.2 (length-prefixed framing), run by `cargo xtask exercise check
//! 6.2`.
//!
//! Without the `learner` feature it checks the reference solution (every normal test run); with
//! it, the learner's `exercises/e2_framing.rs`. The pipe test runs under a watchdog, so a reader
//! that never sees the end fails fast instead of hanging the grader.

mod on_real_threads {
    use std::fs::File;
    use std::io::{self, Cursor, ErrorKind, Read};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use chapter_6::fork::{fork_child, kill_and_reap};
    use chapter_6::framing::{read_frame, write_frame};
    use chapter_6::wait_timeout::wait_timeout;
    use common::watchdog::{Ending, Watchdog, WorkerCtx, worker};
    use nix::errno::Errno;
    use nix::sys::wait::WaitStatus;
    use nix::unistd::{pipe, write};

    /// Hands out at most one byte per `read`, as a pipe may.
    struct Trickle<R>(R);

    impl<R: Read> Read for Trickle<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(1);
            self.0.read(&mut buf[..n])
        }
    }

    fn message(i: usize) -> Vec<u8> {
        (0..(i * 37) % 300).map(|j| (i + j) as u8).collect()
    }

    fn encode(count: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        for i in 0..count {
            write_frame(&mut bytes, &message(i)).expect("succeeds");
        }
        bytes
    }

    #[test]
    fn the_frame_is_a_little_endian_length_then_the_bytes() {
        let mut bytes = Vec::new();
        write_frame(&mut bytes, b"hi").expect("succeeds");
        write_frame(&mut bytes, b"").expect("succeeds");
        assert_eq!(bytes, [2, 0, 0, 0, b'h', b'i', 0, 0, 0, 0]);
    }

    #[test]
    fn frames_round_trip_through_a_trickling_reader() {
        let bytes = encode(50);
        let mut r = Trickle(Cursor::new(bytes));
        for i in 0..50 {
            assert_eq!(
                read_frame(&mut r).expect("succeeds"),
                Some(message(i)),
                "frame {i}"
            );
        }
        assert_eq!(
            read_frame(&mut r).expect("succeeds"),
            None,
            "clean end of stream"
        );
    }

    #[test]
    fn a_stream_cut_inside_a_frame_is_an_error() {
        let mut bytes = encode(2);
        bytes.pop();
        let mut r = Cursor::new(bytes);
        assert_eq!(read_frame(&mut r).expect("succeeds"), Some(message(0)));
        let err = read_frame(&mut r).expect_err("a cut stream is an error");
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        let mut cut_length = Cursor::new(vec![5u8, 0]);
        let err = read_frame(&mut cut_length).expect_err("a cut stream is an error");
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
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
                while let Some(frame) = read_frame(&mut file).expect("reads") {
                    out.lock().expect("not poisoned").push(frame);
                    ctx.progress();
                }
            },
        )]);
        if report.ending != Ending::Finished {
            let _ = kill_and_reap(child);
            panic!("the reader did not finish: {}", report.describe_ending());
        }
        assert!(report.panics().is_empty(), "{:?}", report.panics());
        let status = wait_timeout(child, Duration::from_secs(5)).expect("succeeds");
        assert!(
            matches!(status, Some(WaitStatus::Exited(_, 0))),
            "{status:?}"
        );
        let got = got.lock().expect("not poisoned");
        assert_eq!(got.len(), COUNT, "every frame exactly once");
        for (i, frame) in got.iter().enumerate() {
            assert_eq!(*frame, message(i), "frame {i} intact and in order");
        }
    }
}

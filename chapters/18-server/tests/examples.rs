//! Every example's outcome, quick settings: each shows what it teaches, with the figures that
//! prove it (the blocking echo server made client B wait; the async fn's transcript equals the
//! hand-written machine's; every robustness check passed; shutdown lost no answer; the load
//! answered everything).

use chapter_18::CHAPTER;
use common::testing::{every_variant, run_quick};

#[test]
fn every_example_and_variant_shows_what_it_teaches() {
    every_variant(&CHAPTER, &[]);
}

#[test]
fn figures_carry_the_lessons() {
    let echo = run_quick(&CHAPTER, "echo-blocking", "book");
    assert!(
        echo.get("client B's wait for its first echo")
            .expect("wait")
            >= 150.0
    );
    let robust = run_quick(&CHAPTER, "robustness", "tokio");
    assert_eq!(robust.get("checks passed"), Some(7.0));
    let shutdown = run_quick(&CHAPTER, "shutdown", "reactor");
    assert_eq!(shutdown.get("answered requests lost"), Some(0.0));
    let load = run_quick(&CHAPTER, "load-test", "compare");
    assert!(load.get("reactor throughput").expect("figure") > 0.0);
}

#[test]
fn state_machines_agree_with_the_protocol_model() {
    use chapter_18::state_machines::*;
    assert_eq!(hand_written_transcript(), expected_transcript());
    let (transcript, size) = async_fn_transcript().expect("runs");
    assert_eq!(transcript, expected_transcript());
    assert!(size > 0);
    assert_eq!(Countdown::new(5).collect::<Vec<_>>(), [5, 4, 3, 2, 1]);
}

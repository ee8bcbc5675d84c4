//! Every example's outcome, quick settings: each shows what it teaches, with the figures that
//! prove it (the blocking echo server made client B wait; the async fn's transcript equals the
//! hand-written machine's; every robustness check passed; shutdown lost no answer; the load
//! answered everything).

use chapter_18::CHAPTER;
use common::{Outcome, RunConfig, Verdict};

fn run(example: &str, variant: &'static str) -> Outcome {
    let example = CHAPTER.example(example).expect("example exists");
    let config = RunConfig::quick(example, variant);
    (example.run)(&config).expect("runs")
}

#[test]
fn every_example_and_variant_shows_what_it_teaches() {
    for example in CHAPTER.examples {
        for variant in example.variants {
            let outcome = run(example.name, variant.name);
            assert_eq!(
                outcome.verdict,
                Verdict::Showed,
                "{} {}: {outcome:#?}",
                example.name,
                variant.name
            );
        }
    }
}

#[test]
fn figures_carry_the_lessons() {
    let echo = run("echo-blocking", "book");
    assert!(
        echo.get("client B's wait for its first echo")
            .expect("wait")
            >= 150.0
    );
    let robust = run("robustness", "tokio");
    assert_eq!(robust.get("checks passed"), Some(7.0));
    let shutdown = run("shutdown", "reactor");
    assert_eq!(shutdown.get("answered requests lost"), Some(0.0));
    let load = run("load-test", "compare");
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

//! Every variant of every example, run as the tour runs it: real time, quick settings. Each must
//! show what it teaches. The verdicts check rules that hold whatever the timer jitter (the
//! output against the readings actually taken, the counts adding up); exact times are the
//! paused-clock suites' job (operators.rs, hot_and_cold.rs, backpressure.rs).

use chapter_21::CHAPTER;
use common::{RunConfig, Verdict};

#[test]
fn every_variant_shows_what_it_teaches() {
    for example in CHAPTER.examples {
        for variant in example.variants {
            let config = RunConfig::quick(example, variant.name);
            let outcome = (example.run)(&config).expect("runs");
            assert_eq!(
                outcome.verdict,
                Verdict::Showed,
                "{} {}: {:#?}",
                example.name,
                variant.name,
                outcome.narrative
            );
            assert!(outcome.key().is_some(), "{} {}", example.name, variant.name);
        }
    }
}

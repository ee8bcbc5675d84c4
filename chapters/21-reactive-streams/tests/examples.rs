//! Every variant of every example, run as the tour runs it: real time, quick settings. Each must
//! show what it teaches. The verdicts check rules that hold whatever the timer jitter (the
//! output against the readings actually taken, the counts adding up); exact times are the
//! paused-clock suites' job (operators.rs, hot_and_cold.rs, backpressure.rs).

use chapter_21::CHAPTER;
use common::testing::every_variant;

#[test]
fn every_variant_shows_what_it_teaches() {
    for run in every_variant(&CHAPTER, &[]) {
        assert!(
            run.outcome.key().is_some(),
            "{} {}",
            run.example.name,
            run.variant.name
        );
    }
}

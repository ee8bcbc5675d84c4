//! The `model-checking` example end to end: shuttle runs inside it (and installs its panic hook
//! for the whole process), so it has this test binary to itself.

#![cfg(not(any(shuttle, loom)))]

use chapter_19::model_checking::{Version, shuttle_check, stress_test};
use common::Verdict;
use common::testing::run_quick;

#[test]
fn shuttle_finds_the_duplicate_ticket_and_replays_it() {
    let finding = shuttle_check(Version::Broken, 42, 1_000, 2).expect("runs");
    let failure = finding.failure.clone().expect("shuttle finds the bug");
    assert!(failure.starts_with("duplicate ticket"), "{failure}");
    assert!(
        finding.schedule.is_some(),
        "the failing schedule was written"
    );
    assert_eq!(finding.replays, vec![Some(failure.clone()), Some(failure)]);
}

#[test]
fn both_variants_show_their_lesson() {
    for variant in ["broken", "fixed"] {
        let outcome = run_quick(&chapter_19::CHAPTER, "model-checking", variant);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
    }
}

#[test]
fn the_fixed_dispenser_survives_the_stress_test() {
    assert_eq!(stress_test(Version::Fixed, 500), 0);
}

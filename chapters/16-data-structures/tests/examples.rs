//! Integration tests on the examples' outcomes: each broken variant exhibits its bug, counted
//! (lost updates, `KeyError`s, a duplicated pop) and each fix counts none. Real threads; no
//! timing assertions — the throughput figures are reported, never checked.

#![cfg(not(any(shuttle, loom)))]

use chapter_16::snapshot_read::Sharing;
use chapter_16::{CHAPTER, aba, lockless_counter, snapshot_read};
use common::Verdict;
use common::testing::run_quick_threads;

#[test]
fn the_lockless_counter_loses_updates_and_the_locked_one_none() {
    // Three workers with a 1 ms pause between read and write: losing none would need every
    // worker to read only after the others wrote, 300 times running.
    let broken = lockless_counter::run_pool(false, 3, 300, lockless_counter::PAUSE).expect("runs");
    assert!(broken.lost() > 0, "{broken:?}");
    // No lower bound beyond 1: a worker that slept through many of the others' increments
    // writes back an old value + 1, so the counter can even go backwards.
    assert!(broken.actual >= 1, "{broken:?}");
    let locked = lockless_counter::run_pool(true, 3, 60, lockless_counter::PAUSE).expect("runs");
    assert_eq!(locked.actual, 60, "{locked:?}");
}

#[test]
fn the_book_scene_raises_key_error_only_without_snapshots() {
    assert_eq!(
        snapshot_read::book_scene(Sharing::Locked, 1).expect("runs"),
        snapshot_read::Read::KeyError("A".to_string())
    );
    for sharing in [Sharing::ArcMutex, Sharing::ArcSwap] {
        // example6.py prints the old primary's value: 1.
        assert_eq!(
            snapshot_read::book_scene(sharing, 1).expect("runs"),
            snapshot_read::Read::Value {
                value: 1,
                current: false
            },
            "{sharing}"
        );
    }
}

#[test]
fn snapshots_never_raise_key_error_under_load() {
    for variant in ["arc-mutex", "arc-swap"] {
        let outcome = run_quick_threads(&CHAPTER, "snapshot-read", variant, 2);
        assert_eq!(outcome.verdict, Verdict::Showed, "{variant}: {outcome:#?}");
        assert_eq!(outcome.get("KeyErrors under load"), Some(0.0), "{variant}");
        assert_eq!(outcome.get("reads under load"), Some(600.0), "{variant}");
    }
    let broken = run_quick_threads(&CHAPTER, "snapshot-read", "broken", 1);
    assert_eq!(broken.verdict, Verdict::Showed, "{broken:#?}");
    assert!(broken.get("KeyErrors under load").expect("figure") > 0.0);
}

#[test]
fn refresh_keeps_three_nodes_and_moves_the_primary() {
    let mut network = snapshot_read::Network::book();
    let mut rng = common::rng::SplitMix64::new(3);
    for _ in 0..50 {
        let old = network.primary_key.clone();
        network.refresh_primary(&mut rng);
        assert_eq!(network.nodes.len(), 3);
        assert!(
            !network.nodes.contains_key(&old),
            "the old primary is deleted"
        );
        assert!(network.nodes.contains_key(&network.primary_key));
    }
}

#[test]
fn every_counter_counts_exactly() {
    for kind in chapter_16::counters::KINDS {
        for threads in [1, 3] {
            let m = chapter_16::counters::measure(kind, threads, 20_000, 64).expect("runs");
            assert_eq!(m.counted, m.expected, "{kind} with {threads} threads");
        }
    }
}

#[test]
fn approximate_reads_stay_within_the_bound_under_load() {
    for threshold in [1, 7, 100] {
        let s = chapter_16::counters::sample_error(3, 30_000, threshold).expect("runs");
        assert!(s.never_ahead, "{s:?}");
        assert!(s.worst <= s.bound && s.quiescent_miss <= s.bound, "{s:?}");
        assert!(s.exact_after_flush, "{s:?}");
        // Once all stopped, each thread's remainder (30 000 mod S) is still local.
        assert_eq!(s.quiescent_miss, 3 * (30_000 % threshold), "{s:?}");
    }
}

#[test]
fn the_aba_schedule_duplicates_a_value_unless_tagged() {
    let untagged = aba::scripted(false).expect("runs");
    assert!(untagged.stale_swap_won, "{untagged:?}");
    assert_eq!(
        untagged.popped,
        vec![aba::A, aba::B, aba::X, aba::B, aba::C],
        "B's freed slot is popped again"
    );
    assert_eq!((untagged.duplicates, untagged.lost), (1, 0));
    let tagged = aba::scripted(true).expect("runs");
    assert!(!tagged.stale_swap_won, "{tagged:?}");
    assert_eq!(tagged.popped, vec![aba::A, aba::B, aba::X, aba::C]);
    assert_eq!((tagged.duplicates, tagged.lost), (0, 0));
}

#[test]
fn the_tour_examples_show_with_two_threads() {
    for (example, variant) in [
        ("linked-list", "compare"),
        ("lock-free-stack", "compare"),
        ("lock-free-stack", "aba"),
        ("lock-free-stack", "tagged"),
    ] {
        let outcome = run_quick_threads(&CHAPTER, example, variant, 2);
        assert_eq!(
            outcome.verdict,
            Verdict::Showed,
            "{example} {variant}: {outcome:#?}"
        );
    }
}

#[test]
fn false_sharing_puts_the_counters_where_each_layout_says_and_both_count_exactly() {
    use chapter_16::false_sharing::{Layout, count_with};
    for (layout, one_line) in [(Layout::Adjacent, true), (Layout::Padded, false)] {
        let counted = count_with(layout, 10_000);
        assert_eq!(counted.same_line, one_line, "{layout:?}: {counted:?}");
        assert!(counted.exact, "{layout:?}: {counted:?}");
    }
    for variant in Layout::ALL {
        let outcome =
            common::testing::run_quick(&chapter_16::CHAPTER, "false-sharing", variant.name);
        assert_eq!(
            outcome.verdict,
            common::Verdict::Showed,
            "false-sharing --variant {}: {outcome:#?}",
            variant.name
        );
    }
}

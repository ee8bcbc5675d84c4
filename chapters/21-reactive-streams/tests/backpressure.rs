//! Backpressure strategies on tokio's paused clock: 100 readings 1 ms apart, 4 ms of work each,
//! so the subscriber can take at most a quarter of them as they come. What each strategy keeps,
//! and that every loss is accounted for.

use std::time::Duration;

use chapter_21::backpressure::{Settings, Strategy, Tally, checks, run_strategy};

async fn run(strategy: Strategy) -> (Settings, Tally) {
    let settings = Settings::new(100);
    let tally = run_strategy(strategy, settings).await;
    assert!(
        checks(strategy, &settings, &tally)
            .iter()
            .all(|(_, ok)| *ok),
        "{strategy:?}: {:?}",
        checks(strategy, &settings, &tally)
    );
    assert_eq!(tally.produced, 100);
    assert!(tally.in_order(), "{strategy:?}: {:?}", tally.delivered);
    (settings, tally)
}

#[tokio::test(start_paused = true)]
async fn a_bounded_buffer_keeps_everything_and_holds_the_producer_back() {
    let (settings, t) = run(Strategy::Buffer).await;
    assert_eq!(t.delivered, (0..100).collect::<Vec<_>>());
    assert_eq!(t.high_water, Some(settings.capacity), "the queue filled up");
    // The subscriber needs 4 ms a reading: the last of 100 cannot be sent before the subscriber
    // has taken the 83rd, at 83 x 4 ms at the earliest; unhindered the producer needs 99 ms.
    assert!(
        t.producer_done >= Duration::from_millis(332),
        "{:?}",
        t.producer_done
    );
    assert!(
        t.consumer_done >= Duration::from_millis(400),
        "100 x 4 ms of work"
    );
    assert!(
        t.max_age() >= Duration::from_millis(60),
        "readings waited in the queue"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_the_newest_counts_every_drop() {
    let (settings, t) = run(Strategy::DropNewest).await;
    assert_eq!(t.told_dropped, Some(t.lost()));
    // The first 16 + 1 readings always get in; after that about one in four does.
    assert_eq!(&t.delivered[..17], &(0..17).collect::<Vec<_>>()[..]);
    assert!((35..=45).contains(&t.kept()), "kept {}", t.kept());
    assert_eq!(
        t.producer_done,
        Duration::from_millis(99),
        "never held back"
    );
    assert_eq!(t.high_water, Some(settings.capacity));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_oldest_keeps_the_freshest_and_says_how_many_went() {
    let (_, t) = run(Strategy::DropOldest).await;
    assert_eq!(
        t.told_dropped,
        Some(t.lost()),
        "Lagged(n) adds up to the losses"
    );
    assert!(t.lost() > 40, "lost {}", t.lost());
    // The ring keeps the newest 16: the last 16 readings are all delivered.
    assert_eq!(
        &t.delivered[t.delivered.len() - 16..],
        &(84..100).collect::<Vec<_>>()[..]
    );
    assert_eq!(
        t.producer_done,
        Duration::from_millis(99),
        "never held back"
    );
}

#[tokio::test(start_paused = true)]
async fn conflating_hands_over_the_newest_reading_whenever_the_subscriber_is_free() {
    let (_, t) = run(Strategy::Latest).await;
    assert_eq!(
        t.told_dropped, None,
        "watch does not count what it overwrote"
    );
    assert_eq!(t.delivered.last(), Some(&99));
    // Free every 4 ms, the subscriber takes whatever is newest then: never older than a tick.
    assert!(t.max_age() <= Duration::from_millis(1), "{:?}", t.max_age());
    assert!((20..=30).contains(&t.kept()), "kept {}", t.kept());
}

#[tokio::test(start_paused = true)]
async fn sampling_takes_one_fresh_reading_per_period() {
    let (_, t) = run(Strategy::Sample).await;
    assert_eq!(t.told_dropped, None);
    assert_eq!(
        t.delivered.last(),
        Some(&99),
        "the last reading is flushed at the end"
    );
    // One per 10 ms tick over 100 ms, plus the flush.
    assert!(
        (9..=11).contains(&t.kept()),
        "kept {}: {:?}",
        t.kept(),
        t.delivered
    );
    assert!(t.max_age() <= Duration::from_millis(1), "{:?}", t.max_age());
}

//! What one backpressure strategy kept, and the checks that make its verdict: readings kept and
//! lost, whether the mechanism said so, when each side finished, how old the readings were. Apart
//! from the strategies (in `backpressure.rs`) so that file reads as the channels and their loops.

use std::time::Duration;

use super::{Settings, Strategy};

/// What one strategy kept.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Readings the producer took.
    pub produced: u64,
    /// The ids the subscriber got, in order.
    pub delivered: Vec<u64>,
    /// Drops the mechanism reported (failed `try_send`s, `Lagged` sums); `None` if it reports
    /// none (watch, sample: the count comes from the gaps in the ids).
    pub told_dropped: Option<u64>,
    /// When the producer took its last reading.
    pub producer_done: Duration,
    /// When the subscriber finished its last reading.
    pub consumer_done: Duration,
    /// How old each delivered reading was when the subscriber got it.
    pub ages: Vec<Duration>,
    /// The most readings waiting in the channel at once (`None` where nothing queues in a
    /// channel the producer can see: the sampler drains its input as it goes).
    pub high_water: Option<usize>,
}

impl Tally {
    /// Readings delivered.
    pub fn kept(&self) -> u64 {
        self.delivered.len() as u64
    }

    /// Readings never delivered.
    pub fn lost(&self) -> u64 {
        self.produced - self.kept()
    }

    /// The oldest a reading was when delivered.
    pub fn max_age(&self) -> Duration {
        self.ages.iter().copied().max().unwrap_or_default()
    }

    /// The mean age of delivered readings.
    pub fn mean_age(&self) -> Duration {
        if self.ages.is_empty() {
            return Duration::ZERO;
        }
        self.ages.iter().sum::<Duration>() / self.ages.len() as u32
    }

    /// Ids delivered in increasing order, each once.
    pub fn in_order(&self) -> bool {
        self.delivered.windows(2).all(|w| w[0] < w[1])
    }
}

/// The verdict's checks: (what was checked, did it hold).
pub fn checks(strategy: Strategy, settings: &Settings, t: &Tally) -> Vec<(String, bool)> {
    let mut checks = vec![(
        format!(
            "each delivered reading once, in order; {} kept + {} lost = {} produced",
            t.kept(),
            t.lost(),
            t.produced
        ),
        t.in_order() && t.kept() + t.lost() == t.produced && t.kept() > 0,
    )];
    match strategy {
        Strategy::Buffer => {
            // The subscriber needs `work` per reading, so reading k can only be sent once it has
            // taken k − capacity − 1 of them: a floor on the producer's time, not a speed claim.
            let floor =
                settings.work * (t.produced.saturating_sub(settings.capacity as u64 + 2)) as u32;
            checks.push((
                format!(
                    "nothing lost, but the producer was held back: done after {} ms (≥ {} ms; unhindered it takes {} ms)",
                    t.producer_done.as_millis(),
                    floor.as_millis(),
                    (settings.every * t.produced.saturating_sub(1) as u32).as_millis()
                ),
                t.lost() == 0 && t.producer_done >= floor,
            ));
        }
        Strategy::DropNewest | Strategy::DropOldest => {
            let told = t.told_dropped.unwrap_or(0);
            checks.push((
                format!(
                    "the channel reported {told} dropped, exactly the {} lost",
                    t.lost()
                ),
                told == t.lost() && told > 0,
            ));
        }
        Strategy::Latest | Strategy::Sample => {
            checks.push((
                format!(
                    "{} lost without a word (counted from gaps in the ids); the last reading, #{}, was delivered",
                    t.lost(),
                    t.produced.saturating_sub(1)
                ),
                t.lost() > 0 && t.delivered.last() == Some(&t.produced.saturating_sub(1)),
            ));
        }
    }
    checks
}

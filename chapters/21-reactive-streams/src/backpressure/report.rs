//! The reporting of the `backpressure` example: one strategy's table, ids, checks and figures,
//! or all five side by side with the freshest named. Apart from the strategies (in
//! `backpressure.rs`) so the lesson is not interleaved with its prose.

use std::time::Duration;

use common::{Outcome, RunConfig, TableData, Verdict};

use super::{Settings, Strategy, Tally, checks};

/// The outcome when a run outlived its budget.
pub(super) fn timed_out(config: &RunConfig, budget: Duration) -> Outcome {
    config.outcome(Verdict::DidNotShow).line(format!(
        "The run did not finish within its budget of {} ms: `tokio::time::timeout` ended it.",
        budget.as_millis()
    ))
}

/// The outcome of `compare`: each strategy's tally, in the order run, named by its variant.
pub(super) fn compare(
    config: &RunConfig,
    settings: &Settings,
    tallies: &[(&str, Strategy, Tally)],
) -> Outcome {
    let mut table = table_for(settings, settings.items);
    let mut outcome = config
        .outcome(Verdict::Showed)
        .line("Every strategy on the same workload, one after the other.")
        .line(REAL_TIME);
    let mut all_ok = true;
    let mut freshest: Option<(&str, Duration)> = None;
    for &(name, strategy, ref t) in tallies {
        let ok = checks(strategy, settings, t).iter().all(|(_, ok)| *ok);
        all_ok &= ok;
        outcome = outcome.line(format!(
            "{} {name} ({}): kept {} of {}, mean age {}",
            mark(ok),
            strategy.mechanism(),
            common::format::count(t.kept()),
            common::format::count(t.produced),
            common::format::duration(t.mean_age())
        ));
        if freshest.is_none_or(|(_, age)| t.mean_age() < age) {
            freshest = Some((name, t.mean_age()));
        }
        add_row(&mut table, name, t);
        outcome = outcome.count(format!("kept ({name})"), t.kept(), "readings");
        outcome = outcome.figure(
            format!("mean age ({name})"),
            t.mean_age().as_secs_f64() * 1e3,
            "ms",
        );
    }
    outcome.verdict = Verdict::from(all_ok);
    let (fresh_name, fresh_age) = freshest.unwrap_or(("none", Duration::ZERO));
    outcome
        .line(format!(
            "Freshest on delivery: {fresh_name}, {} old on average.",
            common::format::duration(fresh_age)
        ))
        .table(table)
        .key_figure("freshest mean age", fresh_age.as_secs_f64() * 1e3, "ms")
        .notice("keep everything, leave the producer free, keep the data fresh: no bounded strategy has all three")
}

/// The outcome of one strategy's run `t`.
pub(super) fn one(
    config: &RunConfig,
    strategy: Strategy,
    settings: &Settings,
    t: &Tally,
) -> Outcome {
    let checks = checks(strategy, settings, t);
    let showed = checks.iter().all(|(_, ok)| *ok);
    let mut table = table_for(settings, t.produced);
    add_row(&mut table, config.variant, t);
    let kept_ids: Vec<String> = t.delivered.iter().take(12).map(u64::to_string).collect();
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .line(format!(
            "Strategy `{}`: {}.",
            config.variant,
            strategy.mechanism()
        ))
        .line(REAL_TIME)
        .line(format!(
            "First ids delivered: {}{}",
            kept_ids.join(", "),
            if t.delivered.len() > 12 { ", …" } else { "" }
        ));
    for (check, ok) in &checks {
        outcome = outcome.line(format!("{} {check}", mark(*ok)));
    }
    let notice = match strategy {
        Strategy::Buffer => {
            "a bounded buffer keeps everything by slowing the producer: fine for a file, stale readings for a sensor"
        }
        Strategy::DropNewest => {
            "dropping the newest keeps the queue's old readings: the subscriber works on stale data"
        }
        Strategy::DropOldest => {
            "dropping the oldest keeps the freshest 16, and Lagged(n) says how many went"
        }
        Strategy::Latest => {
            "conflation: the subscriber always gets the newest reading the moment it is free"
        }
        Strategy::Sample => "sampling: one fresh reading per period, whatever the producer's rate",
    };
    outcome
        .table(table)
        .count("readings kept", t.kept(), "readings")
        .as_key()
        .count("readings lost", t.lost(), "readings")
        .count("readings produced", t.produced, "readings")
        .figure(
            "producer done after",
            t.producer_done.as_secs_f64() * 1e3,
            "ms",
        )
        .figure(
            "subscriber done after",
            t.consumer_done.as_secs_f64() * 1e3,
            "ms",
        )
        .figure(
            "mean age when delivered",
            t.mean_age().as_secs_f64() * 1e3,
            "ms",
        )
        .figure(
            "max age when delivered",
            t.max_age().as_secs_f64() * 1e3,
            "ms",
        )
        .notice(notice)
}

fn table_for(settings: &Settings, produced: u64) -> TableData {
    TableData::new(
        format!(
            "{} readings 1 ms apart; the subscriber spends {} on each",
            common::format::count(produced),
            common::format::duration(settings.work)
        ),
        &[
            "strategy",
            "kept",
            "lost",
            "told of losses",
            "queue high-water",
            "producer done",
            "subscriber done",
            "mean age",
            "max age",
        ],
    )
}

fn add_row(table: &mut TableData, name: &str, t: &Tally) {
    table.row([
        name.to_string(),
        common::format::count(t.kept()),
        common::format::count(t.lost()),
        t.told_dropped.map_or("no".to_string(), |n| {
            format!("yes ({})", common::format::count(n))
        }),
        t.high_water.map_or("—".to_string(), common::format::count),
        common::format::duration(t.producer_done),
        common::format::duration(t.consumer_done),
        common::format::duration(t.mean_age()),
        common::format::duration(t.max_age()),
    ]);
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

const REAL_TIME: &str = "Real time (tokio::time): the producer's pace and the subscriber's work are real waits, because latency is the subject.";

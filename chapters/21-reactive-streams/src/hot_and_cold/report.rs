//! The checks and reporting of the `hot-and-cold` example: what each variant must show about
//! who got which readings, and the run's lanes, table and figures. Apart from the streams and
//! their subscribers (in `hot_and_cold.rs`) so the lesson is not interleaved with its prose.

use common::{Outcome, RunConfig, TableData, Verdict};

use super::{HotColdRun, Received, TICK, Temperature};
use crate::timeline::{Diagram, slots_until};

/// The verdict's checks for a run: (what was checked, did it hold).
pub fn checks(kind: Temperature, run: &HotColdRun) -> Vec<(String, bool)> {
    let all: Vec<i64> = run.taken.iter().map(|r| r.value).collect();
    let [a, b] = &run.subscribers;
    let mut checks = vec![(
        format!(
            "A, subscribed from the start, got all {} readings",
            all.len()
        ),
        a.values() == all && !all.is_empty(),
    )];
    match kind {
        Temperature::Cold => {
            checks.push((
                format!(
                    "B, subscribed at {} ms, also got all {} from the first: its own run",
                    b.subscribed_at.as_millis(),
                    all.len()
                ),
                b.values() == all,
            ));
            checks.push((
                format!(
                    "the sensor started once per subscriber: {}",
                    run.sensor_starts
                ),
                run.sensor_starts == 2,
            ));
        }
        Temperature::Hot => {
            let after: Vec<i64> = run
                .taken
                .iter()
                .filter(|r| r.at >= b.subscribed_at)
                .map(|r| r.value)
                .collect();
            let missed = all.len() - b.values().len();
            checks.push((
                format!(
                    "B, subscribed at {} ms, got only the {} readings taken since, and missed {missed} without a word",
                    b.subscribed_at.as_millis(),
                    b.values().len()
                ),
                b.values() == after && missed > 0 && b.told_missed() == 0,
            ));
            checks.push((
                format!("the sensor started once: {}", run.sensor_starts),
                run.sensor_starts == 1,
            ));
        }
        Temperature::Lagging => {
            let got = b.values().len() as u64;
            let told = b.told_missed();
            checks.push((
                format!(
                    "slow B got {got} and was told it missed {told}: {got} + {told} = {} readings taken",
                    all.len()
                ),
                got + told == all.len() as u64 && told > 0 && is_ordered_subset(&b.values(), &all),
            ));
        }
    }
    checks
}

fn is_ordered_subset(small: &[i64], big: &[i64]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

/// The outcome of the run `r` of `kind`: the sensor's and the subscribers' lanes, the checks,
/// a table of what each subscriber got, and the figures.
pub(super) fn outcome(config: &RunConfig, kind: Temperature, r: &HotColdRun) -> Outcome {
    let checks = checks(kind, r);
    let showed = checks.iter().all(|(_, ok)| *ok);
    let slots = slots_until(r.ended, TICK);
    let mut diagram = Diagram::new();
    diagram.lane("sensor", &r.taken, TICK, slots, |v| v.to_string());
    let show = |v: &Received| match v {
        Received::Reading(r) => r.value.to_string(),
        Received::Missed(n) => format!("(missed {n})"),
    };
    for s in &r.subscribers {
        diagram.lane(&format!("sub {}", s.name), &s.received, TICK, slots, show);
    }
    let intro = match kind {
        Temperature::Cold => {
            "Cold: each subscriber's poll starts its own run of the sensor; B subscribes 120 ms late and still gets everything, 120 ms later."
        }
        Temperature::Hot => {
            "Hot: one sensor task broadcasts (tokio::sync::broadcast, capacity 64); B subscribes at 120 ms."
        }
        Temperature::Lagging => {
            "Lagging: one broadcast of capacity 4; B spends 47 ms on each reading (a sleep: its slowness is the subject)."
        }
    };
    let mut table = TableData::new(
        "what each subscriber got",
        &[
            "subscriber",
            "subscribed at",
            "readings",
            "told it missed",
            "sensor starts",
        ],
    );
    for s in &r.subscribers {
        table.row([
            s.name.to_string(),
            format!("{} ms", s.subscribed_at.as_millis()),
            s.values().len().to_string(),
            s.told_missed().to_string(),
            r.sensor_starts.to_string(),
        ]);
    }
    let mut outcome = config
        .outcome(Verdict::from(showed))
        .line(intro)
        .line("Real time (tokio::time); times are measured.");
    for line in diagram.lines(TICK) {
        outcome = outcome.line(line);
    }
    for (check, ok) in &checks {
        outcome = outcome.line(format!("{} {check}", if *ok { "✓" } else { "✗" }));
    }
    let [a, b] = &r.subscribers;
    let notice = match kind {
        Temperature::Cold => {
            "cold = a recording: every subscriber gets the whole thing, from its own start"
        }
        Temperature::Hot => {
            "hot = live: what happened before you subscribed is gone, and nobody tells you"
        }
        Temperature::Lagging => {
            "a broadcast never waits for the slowest: it overwrites the oldest and tells the laggard how many it lost"
        }
    };
    outcome
        .table(table)
        .count("readings B got", b.values().len(), "readings")
        .as_key()
        .count("readings B was told it missed", b.told_missed(), "readings")
        .count("readings A got", a.values().len(), "readings")
        .count("readings taken", r.taken.len(), "readings")
        .count("sensor starts", r.sensor_starts, "starts")
        .notice(notice)
}

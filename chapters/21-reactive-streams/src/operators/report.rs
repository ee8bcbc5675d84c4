//! The reporting of the `operators` example: a run's lanes as a marble diagram, the rules it was
//! checked against, its figures, and what each operator is about and what to notice in it. Apart
//! from the operators (in `operators.rs`) and the runs that check them (`checked.rs`), so the
//! lesson is not interleaved with prose.

use common::{Outcome, RunConfig, Verdict};

use super::{Operator, OperatorRun, TICK};
use crate::timeline::{Diagram, slots_until};

/// The outcome of `operator`'s run `r`: what the operator does, its lanes, the rules checked
/// and whether the output obeyed them, its figures.
pub(super) fn outcome(config: &RunConfig, operator: Operator, r: &OperatorRun) -> Outcome {
    let slot = TICK;
    let slots = slots_until(r.ended, slot);
    let mut diagram = Diagram::new();
    for lane in r.inputs.iter().chain(&r.outputs) {
        diagram.lane(&lane.name, &lane.events, slot, slots, |v| v.clone());
    }
    let mut outcome = config.outcome(Verdict::from(r.obeys))
        .line(about(operator))
        .line("Real time: the sensor takes its readings on a schedule (tokio::time); times are measured, so a busy machine shows in them as readings a few ms late; the rule is checked against the times actually seen.");
    for line in diagram.lines(slot) {
        outcome = outcome.line(line);
    }
    for check in &r.checks {
        outcome = outcome.line(format!("Rule: {check}."));
    }
    outcome
        .line(format!(
            "The output obeys the operator's rule, checked against the readings actually taken: {}.",
            if r.obeys { "yes" } else { "NO" }
        ))
        .count("items out", r.items_out, "items").as_key()
        .count("items in", r.items_in, "items")
        .figure("longest wait, reading to output", r.max_latency.as_secs_f64() * 1e3, "ms")
        .notice(notice(operator))
}

/// What each operator is about, for the narrative.
fn about(operator: Operator) -> &'static str {
    match operator {
        Operator::Map => "map: one output per input, at the same moment: only the value changes",
        Operator::Filter => "filter: drops what fails the test; what passes leaves at once",
        Operator::Scan => {
            "scan: carries state from item to item (here the maximum so far), one output per input"
        }
        Operator::Chunks => {
            "chunks waits for a full batch, however long; chunks_timeout also lets a batch go when its first item has waited long enough"
        }
        Operator::Merge => {
            "merge: two sources into one stream, each item as soon as it arrives, from whichever source"
        }
        Operator::Zip => {
            "zip: pairs the n-th items; a pair waits for its slower half, and the faster source's items pile up"
        }
        Operator::Throttle => {
            "throttle (tokio-stream) spaces items out and keeps them all, so bursts leave late; throttle_first lets one through and drops the rest of the window"
        }
        Operator::Debounce => {
            "debounce: waits for the burst to settle and emits only its last reading, one quiet period later"
        }
    }
}

fn notice(operator: Operator) -> &'static str {
    match operator {
        Operator::Map | Operator::Filter | Operator::Scan => {
            "the output lane's marks sit exactly under the input's: these operators change values, not time"
        }
        Operator::Chunks => {
            "a fixed batch size makes the burst's leftover wait for the next burst; a time limit bounds that wait"
        }
        Operator::Merge => "merge interleaves by arrival time: nothing waits",
        Operator::Zip => {
            "zip paces the fast sensor to the slow one: its readings wait longer and longer for a partner"
        }
        Operator::Throttle => {
            "spacing delays (latency grows in a burst); throttle-first drops (data lost, no delay)"
        }
        Operator::Debounce => {
            "one output per burst, a quiet period after its last reading: the price of calm is latency"
        }
    }
}

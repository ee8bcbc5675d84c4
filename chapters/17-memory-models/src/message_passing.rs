//! Message passing: publish data with a `Release` store of a flag, read it after an `Acquire`
//! load of the flag — and what `Relaxed` on the flag would allow.
//!
//! The writer stores the data (42), then raises the flag. The reader reads the flag, then the
//! data. The bad outcome is `(flag, data) = (1, 0)`: the reader saw the flag but not the message.
//! With a `Release` store and an `Acquire` load that saw it, the two threads *synchronize*:
//! everything the writer did before the release is visible to the reader after the acquire, so
//! `(1, 0)` is impossible on every platform. With `Relaxed` on the flag the model allows `(1, 0)`:
//! the compiler may reorder the two stores, and ARM or POWER cores may make them visible out of
//! order.
//!
//! x86 hides the difference: its stores become visible in program order and its loads are not
//! reordered with each other (TSO), and the compiler happens not to reorder these accesses, so
//! both variants show `(1, 0)` zero times here. That is the lesson: a test on x86 cannot tell
//! correct from broken. The model can: the verdict rests on [`crate::model`], which explores
//! every execution and finds `(1, 0)` with `Relaxed` and none with `Release`/`Acquire`; and
//! `tests/loom_litmus.rs` runs these same functions under loom, which agrees (run `cargo xtask
//! test`, or the command in the chapter README).
//!
//! Run: `cargo run --release -p chapter-17 -- run message-passing`.
//! Expect: thousands to millions of trials (fewer on a busy machine), `(1, 0)` never seen on
//! x86 for either variant; the output says what the model allows.
//! Book section: chapter 17, "Memory models" (what a memory model promises a reader).

use std::time::Duration;

use common::{Outcome, RunConfig, Verdict};

use crate::litmus::{self, Histogram, Order, RaceConfig};
use crate::store_buffering::histogram_table;

common::variants! {
    /// The ordering on the flag: its store and its load.
    pub enum FlagOrder {
        /// `Relaxed` store and load of the flag.
        Relaxed = "relaxed": "Relaxed flag: the model allows flag-without-data; x86 hides it, loom finds it",
        /// `Release` store, `Acquire` load of the flag.
        ReleaseAcquire = "release-acquire": "Release store, Acquire load: the data is always there once the flag is",
    }
}

impl FlagOrder {
    /// The litmus ordering the threads run with.
    pub fn order(self) -> Order {
        match self {
            Self::Relaxed => Order::Relaxed,
            Self::ReleaseAcquire => Order::ReleaseAcquire,
        }
    }
}

/// Runs message passing with `order` on the flag; the histogram counts what the reader saw,
/// `(flag, data)` with data 1 meaning "the 42 was there".
pub fn measure(order: Order, race: RaceConfig) -> anyhow::Result<Histogram> {
    litmus::race_classified(
        race,
        |data, flag| {
            let (f, d) = litmus::mp_reader(data, flag, order);
            // Both reads in one value: the harness keeps one value per thread and trial.
            2 * f + u64::from(d == 42)
        },
        |data, flag| {
            litmus::mp_writer(data, flag, order);
            0
        },
        |reader, _writer| (reader >> 1, reader & 1),
    )
}

/// The example's entry point.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let flag = config.variant_of::<FlagOrder>()?;
    let order = flag.order();
    let race = RaceConfig {
        batch: 5_000,
        budget: config.pick(Duration::from_millis(300), Duration::from_secs(2)),
        max_batches: config.pick(1_000, 100_000),
        enough: None,
    };
    let h = measure(order, race)?;
    let stale = h.count(1, 0);
    let arch = std::env::consts::ARCH;
    let strong_hardware = matches!(arch, "x86" | "x86_64");
    let allowed = crate::model::message_passing(order).contains(&(1, 0));
    // The model says what may happen: Relaxed allows (1, 0), Release/Acquire forbids it, and
    // the hardware must never show what the model forbids. Whether x86 shows what it allows
    // (it will not) is the measurement beside the verdict.
    let verdict = h.other == 0
        && match flag {
            FlagOrder::Relaxed => allowed,
            FlagOrder::ReleaseAcquire => !allowed && stale == 0,
        };
    let mut outcome = config
        .outcome(Verdict::from(verdict))
        .flag("model allows (1, 0)", allowed)
        .count("flag seen, data not", stale, "trials")
        .as_key()
        .count("trials", h.trials(), "trials")
        .count("flag seen", h.count(1, 0) + h.count(1, 1), "trials")
        .table(histogram_table(
            &format!(
                "what the reader saw in {} trials on {arch}",
                common::format::count(h.trials())
            ),
            &h,
            ["flag", "data"],
        ))
        .line(format!(
            "writer: data = 42 (Relaxed); flag = 1 ({:?})  ||  reader: f = flag ({:?}); d = data",
            order.store(),
            order.load()
        ));
    outcome = match (flag, stale) {
        (FlagOrder::Relaxed, 0) if strong_hardware => outcome
            .line("(flag, data) = (1, 0) never seen: x86 keeps stores in order, so the bug hides here")
            .line("The model, every execution explored, reaches (1, 0): allowed (loom agrees, and ARM shows it)"),
        (FlagOrder::Relaxed, 0) => outcome.line(
            "(1, 0) not seen this run; the model, every execution explored, reaches it: allowed",
        ),
        (FlagOrder::Relaxed, n) => outcome.line(format!(
            "(1, 0) seen {n} times: the reader saw the flag before the data"
        )),
        (FlagOrder::ReleaseAcquire, 0) => outcome
            .line("(1, 0) never seen, and the model (like loom) finds it unreachable: the acquire load that reads 1 synchronizes with the release store"),
        (FlagOrder::ReleaseAcquire, n) => outcome.line(format!(
            "(1, 0) seen {n} times under Release/Acquire: a bug in the platform"
        )),
    };
    if h.other > 0 {
        outcome = outcome.line(format!(
            "{} trials read a flag that was neither 0 nor 1: a bug in the harness",
            h.other
        ));
    }
    Ok(outcome.notice(match flag {
        FlagOrder::Relaxed => "a test that passes on x86 proves nothing about Relaxed: ask the model (loom), not the machine",
        FlagOrder::ReleaseAcquire => "Release on the flag's store + Acquire on its load: everything written before is visible after",
    }))
}

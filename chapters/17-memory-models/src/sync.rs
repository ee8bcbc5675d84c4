//! The one place this chapter's checked code takes its atomics and threads from: `std` in normal
//! builds, loom's under `RUSTFLAGS="--cfg loom"`.
//!
//! The litmus bodies ([`crate::litmus`]), the CAS loops ([`crate::cas_loop`], exercise 17.1) and
//! the spin lock (exercise 17.2) are written against this module, so `tests/loom_litmus.rs`
//! checks the very code the examples run on real threads, not a copy. In a loom build those types
//! only work inside `loom::model`, so only the loom tests run there (every other test target is
//! gated with `#![cfg(not(loom))]`).
//!
//! Run: nothing to run; see `tests/loom_litmus.rs`.
//! Book section: chapter 17, "Memory models and operations on atomic types".

#[cfg(loom)]
pub use loom::sync::Arc;
#[cfg(loom)]
pub use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
#[cfg(loom)]
pub use loom::thread;

#[cfg(not(loom))]
pub use std::sync::Arc;
#[cfg(not(loom))]
pub use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
#[cfg(not(loom))]
pub use std::thread;

/// What a spin loop does while it waits: a CPU hint on real threads (`pause` on x86: it frees
/// the core's resources for a hyperthread sibling and saves power); under loom, a yield, which
/// tells the model checker that this thread cannot progress until another one runs (loom rejects
/// spin loops that never yield).
#[inline]
pub fn spin_hint() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::hint::spin_loop();
}

/// Runs `body` under loom in every interleaving (up to `LOOM_MAX_PREEMPTIONS`), like
/// `loom::model`, but a loop that never ends in some interleaving — which loom reports as
/// "Model exceeded maximum number of branches" — fails with `endless` (what to look at) added.
#[cfg(loom)]
pub fn model<F>(endless: &str, body: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        loom::model::Builder::new().check(body)
    }));
    if let Err(payload) = checked {
        let message = common::watchdog::panic_message(payload.as_ref());
        if message.contains("maximum number of branches") {
            panic!("a loop never ended in some interleaving: {endless} (loom: {message})");
        }
        std::panic::resume_unwind(payload);
    }
}

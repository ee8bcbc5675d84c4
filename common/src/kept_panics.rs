//! Panics kept for the report instead of printed as they happen.
//!
//! Several lessons are a panic: a thread that panics and is joined as an `Err`, a poisoned lock,
//! a task whose panic the runtime catches. Rust's default panic hook prints each one to stderr
//! the moment it happens — before the example's section is printed, and with a whole backtrace
//! when `RUST_BACKTRACE` is set — so a panic the lesson expects looks like a crash. While the
//! CLI runs examples, [`keep`] replaces that hook with one that writes nothing and keeps the
//! message; the CLI then takes them ([`take`]) after each run and prints, inside the run's own
//! section, any the example did not already explain. A panic nobody expected still shows: as a
//! line of the report, and as the run's failure when it reached the example's own thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, PoisonError};

/// Whether panics are being kept; when not, the hook that was there before prints them.
static KEEPING: AtomicBool = AtomicBool::new(false);

/// The panics since the last [`take`]: `thread 'name' panicked at file:line: message`.
static KEPT: Mutex<Vec<KeptPanic>> = Mutex::new(Vec::new());

/// One panic, as the hook saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPanic {
    /// The panicking thread's name (`unnamed` when it has none).
    pub thread: String,
    /// Where: `file:line`.
    pub location: String,
    /// The panic's message.
    pub message: String,
}

impl std::fmt::Display for KeptPanic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "thread '{}' panicked at {}: {}",
            self.thread, self.location, self.message
        )
    }
}

/// From now on (until [`release`]), panics in this process are kept for [`take`], never
/// printed, whatever `RUST_BACKTRACE` says.
pub fn keep() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !KEEPING.load(Ordering::SeqCst) {
                return previous(info);
            }
            let thread = std::thread::current();
            let kept = KeptPanic {
                thread: thread.name().unwrap_or("unnamed").to_string(),
                location: info
                    .location()
                    .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line())),
                message: crate::watchdog::panic_message(info.payload()),
            };
            KEPT.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(kept);
        }));
    });
    KEEPING.store(true, Ordering::SeqCst);
}

/// Panics are printed again, by the hook that was there before [`keep`].
pub fn release() {
    KEEPING.store(false, Ordering::SeqCst);
}

/// The panics kept since the last call, oldest first.
pub fn take() -> Vec<KeptPanic> {
    std::mem::take(&mut *KEPT.lock().unwrap_or_else(PoisonError::into_inner))
}

#[cfg(all(test, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn a_kept_panic_is_taken_once_with_its_thread_and_message() {
        keep();
        let joined = std::thread::Builder::new()
            .name("doomed".to_string())
            .spawn(|| panic!("on purpose"))
            .expect("spawn")
            .join();
        assert!(joined.is_err(), "the thread panicked");
        let kept: Vec<KeptPanic> = take()
            .into_iter()
            .filter(|p| p.thread == "doomed")
            .collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0].message, "on purpose");
        assert!(kept[0].location.contains("kept_panics.rs"), "{kept:?}");
        assert!(
            kept[0]
                .to_string()
                .starts_with("thread 'doomed' panicked at "),
            "{}",
            kept[0]
        );
        release();
        assert!(take().iter().all(|p| p.thread != "doomed"), "taken once");
    }
}

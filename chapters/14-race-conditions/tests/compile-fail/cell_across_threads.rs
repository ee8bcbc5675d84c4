//! Refused: a `Cell` shared by two threads. `Cell` lets you mutate through a shared reference
//! with no lock, which is fine on one thread; on two, `set(get() + 1)` would race. `Cell` is not
//! `Sync`, so a `&Cell` cannot be shared between threads (error E0277).

use std::cell::Cell;

fn main() {
    let hits = Cell::new(0u64);
    std::thread::scope(|s| {
        s.spawn(|| hits.set(hits.get() + 1));
        s.spawn(|| hits.set(hits.get() + 1));
    });
    println!("{}", hits.get());
}

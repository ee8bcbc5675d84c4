//! A wrong tree reduction for exercise 7.1.
//!
//! Wrong: cuts the data into chunks of `threads` items instead of `threads` chunks, so it starts
//! one thread per few items (the result is right).
//! Caught: cut the data into `threads` chunks

use common::sync::thread;

/// Reduces `data` with `op` on up to `threads` scoped threads (0 counts as 1); `None` if empty.
pub fn tree_reduce<T, F>(data: &[T], threads: usize, op: F) -> Option<T>
where
    T: Copy + Send + Sync,
    F: Fn(T, T) -> T + Sync,
{
    if data.is_empty() {
        return None;
    }
    let chunk = threads.max(1);
    let op = &op;
    let mut level: Vec<T> = thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().copied().reduce(op).expect("non-empty chunk")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("leaf thread panicked"))
            .collect()
    });
    // Rounds: combine neighbours (0,1), (2,3), ...; a lone last value moves up unchanged.
    while level.len() > 1 {
        level = thread::scope(|s| {
            let handles: Vec<_> = level
                .chunks(2)
                .map(|pair| {
                    s.spawn(move || match *pair {
                        [a, b] => op(a, b),
                        [a] => a,
                        _ => unreachable!("chunks(2) yields one or two"),
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("combine thread panicked"))
                .collect()
        });
    }
    level.pop()
}

//! A wrong tree reduction for exercise 7.1.
//!
//! Wrong: folds the chunks one after the other on the calling thread and never starts a thread,
//! so nothing runs in parallel (the result is right).
//! Caught: fold each chunk on its own thread

/// Reduces `data` with `op` on up to `threads` scoped threads (0 counts as 1); `None` if empty.
pub fn tree_reduce<T, F>(data: &[T], threads: usize, op: F) -> Option<T>
where
    T: Copy + Send + Sync,
    F: Fn(T, T) -> T + Sync,
{
    if data.is_empty() {
        return None;
    }
    let threads = threads.clamp(1, data.len());
    let chunk = data.len().div_ceil(threads);
    let mut level: Vec<T> = data
        .chunks(chunk)
        .map(|part| part.iter().copied().reduce(&op).expect("non-empty chunk"))
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match *pair {
                [a, b] => op(a, b),
                [a] => a,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level.pop()
}

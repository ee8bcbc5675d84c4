//! The book's work items: primality tests (`Chapter06/example8.py`) and factor lists
//! (`Chapter03/example5.py`), numbered so that a pipeline can check every task was done exactly
//! once.
//!
//! Nothing concurrent happens here; the pipelines in `flawed_shutdown.rs`, `shutdown.rs` and
//! `across_processes.rs` move these tasks between threads or processes. `is_prime` is the book's
//! trial division (handle x < 2, 2 and even numbers, then odd divisors up to √x).

/// The numbers `Chapter06/example7.py` and `example8.py` test for primality (shared with chapter
/// 6's process pool).
pub const BOOK_NUMBERS: [u64; 10] = common::book::PRIMALITY_NUMBERS;

/// The numbers `Chapter03/example5.py` pre-fills its queue with.
pub const WORK_QUEUE_NUMBERS: [u64; 4] = [1, 10, 4, 3];

/// One unit of work: a number to test, with an id unique within a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    /// Unique within a run, `0..tasks`.
    pub id: usize,
    /// The number to test.
    pub number: u64,
}

/// A task done: which task, the answer, and who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// The task's id.
    pub id: usize,
    /// The task's number.
    pub number: u64,
    /// Whether it is prime.
    pub prime: bool,
    /// The consumer that did it.
    pub consumer: usize,
}

/// The book's tasks, `rounds` times over, with ids `0..10 * rounds`.
pub fn book_tasks(rounds: usize) -> Vec<Task> {
    (0..rounds)
        .flat_map(|_| BOOK_NUMBERS)
        .enumerate()
        .map(|(id, number)| Task { id, number })
        .collect()
}

/// Trial division, as the book writes it.
pub fn is_prime(x: u64) -> bool {
    if x < 2 {
        return false;
    }
    if x == 2 {
        return true;
    }
    if x.is_multiple_of(2) {
        return false;
    }
    let limit = x.isqrt() + 1;
    (3..limit).step_by(2).all(|d| !x.is_multiple_of(d))
}

/// The positive divisors of `n`, smallest first (the book's "factors").
pub fn factors(n: u64) -> Vec<u64> {
    (1..=n).filter(|&d| n.is_multiple_of(d)).collect()
}

/// How each task id fared: lost (never done) and duplicated (done more than once) counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tasks handed out.
    pub produced: usize,
    /// Tasks done (counting repeats).
    pub consumed: usize,
    /// Tasks never done.
    pub lost: usize,
    /// Tasks done more than once.
    pub duplicated: usize,
    /// Wrapping sum of `(id + 1) * number` over the tasks handed out…
    pub expected_checksum: u64,
    /// …and over the tasks done.
    pub checksum: u64,
}

impl Tally {
    /// Tallies `done` against `tasks`.
    pub fn of(tasks: &[Task], done: &[Done]) -> Self {
        let mut times = vec![0usize; tasks.len()];
        let weigh = |id: usize, number: u64| (id as u64 + 1).wrapping_mul(number);
        let mut checksum = 0u64;
        for d in done {
            if let Some(t) = times.get_mut(d.id) {
                *t += 1;
            }
            checksum = checksum.wrapping_add(weigh(d.id, d.number));
        }
        Self {
            produced: tasks.len(),
            consumed: done.len(),
            lost: times.iter().filter(|&&t| t == 0).count(),
            duplicated: times.iter().filter(|&&t| t > 1).count(),
            expected_checksum: tasks
                .iter()
                .fold(0u64, |sum, t| sum.wrapping_add(weigh(t.id, t.number))),
            checksum,
        }
    }

    /// Every task done exactly once, and the checksums agree.
    pub fn exactly_once(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.consumed == self.produced
            && self.checksum == self.expected_checksum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_numbers_have_the_books_answers() {
        let primes: Vec<u64> = BOOK_NUMBERS.into_iter().filter(|&n| is_prime(n)).collect();
        // 323 = 17 * 19, 513 = 27 * 19, 9999999 = 3^2 * 239 * 4649, 433785907 is prime.
        assert_eq!(primes, [2, 101, 193, 1327, 433_785_907]);
        assert!(!is_prime(0) && !is_prime(1) && is_prime(3) && !is_prime(9));
    }

    #[test]
    fn factors_of_the_work_queue_numbers() {
        assert_eq!(factors(1), [1]);
        assert_eq!(factors(10), [1, 2, 5, 10]);
        assert_eq!(factors(4), [1, 2, 4]);
        assert_eq!(factors(3), [1, 3]);
    }

    #[test]
    fn the_tally_sees_lost_and_duplicated_tasks() {
        let tasks = book_tasks(1);
        let done = |id: usize| Done {
            id,
            number: tasks[id].number,
            prime: false,
            consumer: 0,
        };
        let all: Vec<Done> = (0..10).map(done).collect();
        assert!(Tally::of(&tasks, &all).exactly_once());
        let mut bad: Vec<Done> = (0..9).map(done).collect();
        bad.push(done(3));
        let tally = Tally::of(&tasks, &bad);
        assert_eq!((tally.lost, tally.duplicated), (1, 1));
        assert!(!tally.exactly_once());
    }
}

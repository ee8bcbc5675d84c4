//! Why a parallel reduction needs an associative operator.
//!
//! A parallel reduction regroups the work: with two threads, `a+b+c+d` becomes `(a+b)+(c+d)`.
//! That is only safe when the operator is associative. Integer `+` is; floating-point `+` is
//! not quite (each addition rounds), and subtraction is not at all.
//!
//! Variant `broken` sums the same seeded `f32` values chunked over 1, 2, 3, ... threads: the bits
//! of the result change with the thread count. It also reduces a list with subtraction through
//! the book's queue rounds (`parallel_sum::queue_reduce`): the answer is not the sequential one.
//!
//! Variant `deterministic` fixes the floating-point case two ways: a deterministic tree (fixed
//! blocks of 1024 values, combined in a fixed pairwise tree, so the grouping depends on the input
//! length only, never on the thread count) gives the same bits for every thread count; and
//! Kahan's compensated summation carries each addition's rounding error forward, landing close
//! to the exact sum (computed in `f64`).
//!
//! Mirrors the book's remark in chapter 7 that a reduction operator must be associative (and, for
//! the book's queues, commutative). Run: `cargo run -p chapter-7 -- run associativity`.

use common::rng::SplitMix64;
use common::{Outcome, RunConfig, TableData, Verdict, format};

use crate::parallel_sum::queue_reduce;

/// Values per block of the deterministic tree.
pub const BLOCK: usize = 1024;

/// `n` seeded `f32` values of very different magnitudes, so rounding shows.
pub fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mantissa = rng.below(1_000_000) as f32 / 1_000.0;
            let scale = [1e-3_f32, 1.0, 1e3, 1e6][rng.below(4) as usize];
            mantissa * scale
        })
        .collect()
}

/// The naive parallel sum: one chunk per thread, each summed left to right, partials added in
/// order. The grouping, and so the rounding, depends on the thread count.
pub fn chunked_sum(data: &[f32], threads: usize) -> f32 {
    let chunk = data.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().sum::<f32>()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("summing thread panicked"))
            .sum()
    })
}

/// Sums `values` in a fixed pairwise tree: halves split at a power of two, whatever the caller.
fn pairwise(values: &[f32]) -> f32 {
    match values.len() {
        0 => 0.0,
        1 => values[0],
        n => {
            // The largest power of two below n: the split depends on n alone.
            let half = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
            pairwise(&values[..half]) + pairwise(&values[half..])
        }
    }
}

/// The deterministic parallel sum: blocks of [`BLOCK`] values summed left to right (threads share
/// the blocks out), then the block sums combined by one fixed pairwise tree. The grouping depends
/// on `data.len()` only, so the result has the same bits for any thread count.
pub fn deterministic_sum(data: &[f32], threads: usize) -> f32 {
    let blocks: Vec<&[f32]> = data.chunks(BLOCK).collect();
    let per_thread = blocks.len().div_ceil(threads.max(1)).max(1);
    let block_sums: Vec<f32> = std::thread::scope(|s| {
        let handles: Vec<_> = blocks
            .chunks(per_thread)
            .map(|mine| {
                s.spawn(move || {
                    mine.iter()
                        .map(|block| block.iter().sum::<f32>())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("block thread panicked"))
            .collect()
    });
    pairwise(&block_sums)
}

/// Kahan's compensated sum: carries each addition's lost low-order bits into the next.
pub fn kahan_sum(data: &[f32]) -> f32 {
    let (mut sum, mut carry) = (0.0_f32, 0.0_f32);
    for &x in data {
        let y = x - carry;
        let t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }
    sum
}

/// The exact-enough reference: the same values summed in `f64`.
pub fn reference_sum(data: &[f32]) -> f64 {
    data.iter().map(|&x| f64::from(x)).sum()
}

common::variants! {
    /// How the threads group the operands of the sum.
    pub enum Grouping {
        /// One chunk per thread: the grouping follows the thread count.
        Chunked = "broken": "chunked f32 sums over 1..8 threads give different bits; subtraction through the queue rounds",
        /// Fixed blocks in a fixed pairwise tree, whatever the thread count.
        Fixed = "deterministic": "fixed blocks in a fixed pairwise tree: same bits for any thread count; plus Kahan summation",
    }
}

/// `value` to one decimal with thousands separators, `+` or `-` in front when `signed`:
/// `-7,397,692,877.3`. An error's every digit is what tells two sums apart, so
/// [`format::number`]'s three significant digits would hide it.
fn tenths(value: f64, signed: bool) -> String {
    let all = (value.abs() * 10.0).round() as i128;
    let sign = if value < 0.0 {
        "-"
    } else if signed {
        "+"
    } else {
        ""
    };
    format!("{sign}{}.{}", format::count(all / 10), all % 10)
}

/// Runs the example: `broken` (sums that change with the grouping) or `deterministic`.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let n = config.pick(200_000, 2_000_000);
    let data = values(n, config.seed);
    let exact = reference_sum(&data);
    let thread_counts = [1, 2, 3, 4, 7, 8];
    let grouping = config.variant_of::<Grouping>()?;
    let sum = |threads| match grouping {
        Grouping::Fixed => deterministic_sum(&data, threads),
        Grouping::Chunked => chunked_sum(&data, threads),
    };
    let sums: Vec<f32> = thread_counts.iter().map(|&t| sum(t)).collect();
    let distinct = {
        let mut bits: Vec<u32> = sums.iter().map(|s| s.to_bits()).collect();
        bits.sort_unstable();
        bits.dedup();
        bits.len()
    };
    let mut table = TableData::new(
        format!(
            "{} seeded f32 values (seed {}), {} sum",
            format::count(n),
            config.seed,
            match grouping {
                Grouping::Fixed => "deterministic tree",
                Grouping::Chunked => "chunked",
            }
        ),
        &["threads", "sum", "bits", "error vs f64"],
    );
    for (&t, &s) in thread_counts.iter().zip(&sums) {
        table.row([
            t.to_string(),
            format::number(f64::from(s)),
            format!("{:#010x}", s.to_bits()),
            tenths(f64::from(s) - exact, true),
        ]);
    }
    let mut outcome = config
        .outcome(Verdict::from(match grouping {
            Grouping::Fixed => distinct == 1,
            Grouping::Chunked => distinct > 1,
        }))
        .table(table)
        .count("distinct results", distinct, "")
        .as_key();
    match grouping {
        Grouping::Fixed => {
            let kahan = kahan_sum(&data);
            outcome = outcome
                .line(format!(
                    "Kahan (compensated) sum: {}, error {}; exact (f64) {}",
                    format::number(f64::from(kahan)),
                    tenths(f64::from(kahan) - exact, true),
                    tenths(exact, false)
                ))
                .figure("kahan error", (f64::from(kahan) - exact).abs(), "")
                .notice("same grouping for every thread count, same bits: reproducible parallel floating-point sums");
        }
        Grouping::Chunked => {
            let list: Vec<u64> = (1..=8).collect();
            let sequential = list.iter().copied().reduce(u64::wrapping_sub).unwrap_or(0) as i64;
            let (parallel, _) = queue_reduce(list.clone(), 2, u64::wrapping_sub);
            let parallel = parallel.unwrap_or(0) as i64;
            outcome = outcome
                .line(format!(
                    "subtraction is not associative: 1-2-...-8 left to right is {sequential}, through the queue rounds {parallel}"
                ))
                .figure("subtraction, sequential", sequential as f64, "")
                .figure("subtraction, queue rounds", parallel as f64, "")
                .notice("the thread count changes the grouping, and float rounding follows the grouping: use a fixed tree or compensated sums");
        }
    }
    Ok(outcome)
}

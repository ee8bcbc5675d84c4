//! Integration tests on the examples' outcomes: the sweeps cover 1..=N workers with the right
//! predictions beside each measurement, the book's sweep finds its 34 primes, and the plot
//! example finds the target folder it writes to (the chart itself: `tests/plots.rs`). Measured
//! speedups are only reported, never asserted.

use chapter_2::amdahl::{self, Sweeps, Workload};
use chapter_2::{CHAPTER, gustafson, plot, primes};
use common::Verdict;
use common::testing::run_quick_threads;
use common::timing;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_book_range_holds_34_primes() {
    let range = primes::book_range(primes::BOOK_COUNT);
    let count = range.filter(|&n| primes::is_prime(n)).count();
    assert_eq!(count, primes::BOOK_PRIMES);
}

#[test]
fn book_sweep_finds_34_primes_on_every_worker_count() {
    let outcome = run_quick_threads(&CHAPTER, "amdahl", "book-sweep", 3);
    assert_eq!(outcome.verdict, Verdict::Showed);
    assert!(
        outcome.narrative.iter().any(|l| l.starts_with("34 primes")),
        "{:?}",
        outcome.narrative
    );
    // One row per worker count plus the bound, and the per-worker chunks.
    assert_eq!(outcome.tables[0].rows.len(), 4);
    let chunks = &outcome.tables[1];
    let primes: usize = chunks
        .rows
        .iter()
        .map(|r| r[2].parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(primes, 34);
}

#[test]
fn every_serial_variant_sweeps_1_to_n_beside_amdahls_prediction() {
    for (variant, s) in [
        (Sweeps::Serial0, 0.0),
        (Sweeps::Serial10, 0.1),
        (Sweeps::Serial50, 0.5),
    ] {
        let workload = Workload::of(variant, true);
        assert!(close(workload.serial_fraction(), s), "{variant}");
        let sweep = amdahl::sweep(&workload, 3, 1).expect("sweeps");
        assert_eq!(sweep.cells.len(), 3);
        for (i, cell) in sweep.cells.iter().enumerate() {
            assert_eq!(cell.workers, i + 1);
            assert!(close(cell.predicted, timing::amdahl(s, i + 1)), "{cell:?}");
            assert!(
                close(
                    cell.predicted_here,
                    timing::amdahl(s, (i + 1).min(sweep.cores))
                ),
                "{cell:?}"
            );
            assert!(close(cell.efficiency, cell.speedup / (i + 1) as f64));
        }
        assert!(close(sweep.cells[0].speedup, 1.0));
        if s > 0.0 {
            assert!(close(sweep.bound(), 1.0 / s));
        } else {
            assert!(sweep.bound().is_infinite());
        }
        let table = sweep.table("t");
        assert_eq!(table.rows.last().expect("bound row")[0], "∞");
    }
}

#[test]
fn the_amdahl_outcome_reports_the_bound_and_oversubscription() {
    let outcome = run_quick_threads(&CHAPTER, "amdahl", "serial-0.1", 1);
    assert!(
        outcome.get("speedup on 1 workers").is_some(),
        "{outcome:#?}"
    );
    assert!(
        outcome
            .narrative
            .iter()
            .any(|l| l.contains("bound as workers → ∞: 10.00×")),
        "{:?}",
        outcome.narrative
    );
    let many = amdahl::cores() + 1;
    let outcome = run_quick_threads(&CHAPTER, "amdahl", "serial-0.5", many);
    let rows = &outcome.tables[0].rows;
    assert_eq!(rows[many - 1][0], format!("{many} (oversubscribed)"));
    assert!(
        outcome
            .narrative
            .iter()
            .any(|l| l.contains("oversubscribe"))
    );
}

#[test]
fn every_serial_variant_is_named_by_its_fraction() {
    use common::Variants;
    for &sweeps in Sweeps::CASES {
        match sweeps.serial_fraction() {
            Some(s) => assert_eq!(sweeps.name(), format!("serial-{s}")),
            None => assert_eq!(sweeps, Sweeps::BookSweep),
        }
        assert!(amdahl::plot_id(sweeps).ends_with(sweeps.name()));
    }
    for &serial in gustafson::Serial::CASES {
        assert_eq!(serial.name(), format!("serial-{}", serial.fraction()));
    }
    for &drawn in plot::Drawn::CASES {
        assert_eq!(drawn.name(), drawn.sweeps().name());
    }
}

#[test]
fn gustafson_grows_the_job_with_the_workers() {
    let cells = gustafson::sweep(0.1, 90, 3, 1).expect("sweeps");
    assert_eq!(cells.len(), 3);
    for (i, cell) in cells.iter().enumerate() {
        let n = i + 1;
        // s = serial / (serial + per worker) = 0.1 with 90 units per worker: 10 serial units.
        assert_eq!(cell.job.serial, 10);
        assert_eq!(cell.job.parallel, 90 * n as u64);
        assert!(close(cell.gustafson, timing::gustafson(0.1, n)));
        assert!(close(cell.amdahl, timing::amdahl(0.1, n)));
        assert!(cell.gustafson >= cell.amdahl);
    }
    // On one core a scaled job gains nothing; on unlimited cores it gains Gustafson's n - s(n-1).
    assert!(close(gustafson::scaled_prediction_here(10, 90, 4, 1), 1.0));
    assert!(close(
        gustafson::scaled_prediction_here(10, 90, 4, 64),
        timing::gustafson(0.1, 4)
    ));
    let outcome = run_quick_threads(&CHAPTER, "gustafson", "serial-0.5", 2);
    assert_eq!(outcome.tables[0].rows.len(), 2);
    assert!(outcome.get("scaled speedup on 2 workers").is_some());
}

#[test]
fn the_target_dir_is_found_from_the_test_binary() {
    let dir = plot::target_dir();
    if std::env::var_os("CARGO_TARGET_DIR").is_none() {
        assert_eq!(dir.file_name().and_then(|n| n.to_str()), Some("target"));
    }
    let exe = std::env::current_exe().expect("exe");
    assert!(exe.starts_with(&dir) || std::env::var_os("CARGO_TARGET_DIR").is_some());
}

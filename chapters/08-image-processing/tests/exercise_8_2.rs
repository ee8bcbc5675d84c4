//! Grading suite of exercise 8.2 (`threshold_tiles_scoped`), run by `cargo xtask exercise check
//! 8.2`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e2_scoped_tiles.rs` with `COURSE_BUILD=learner-e2`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e2_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. Runs under a watchdog, so a hang fails fast. Each thread owns
//! its chunk of tiles; with `--cfg shuttle` the model checker runs small tile sets under many
//! schedules, so a result gathered in finishing order is caught whichever thread wins on a real
//! machine.
//!
//! What is checked: one result per tile (a chunk that drops the remainder loses tiles), each the
//! sequential result of its own tile, in the tiles' order, for 1 to 40 threads and for no tiles.

/// The tests, against the tiles module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        use $($module)::+::threshold_tiles_scoped;
        use chapter_8::batch::cut;
        use chapter_8::imaging::test_image;
        use chapter_8::threshold::process_tile;
        use image::{GrayImage, RgbImage};

        /// Compares the results for `tiles` on `threads` threads with the sequential ones.
        fn check(tiles: &[RgbImage], want: &[GrayImage], threads: usize) {
            let got = threshold_tiles_scoped(tiles, threads);
            assert_eq!(
                got.len(),
                want.len(),
                "{threads} threads, {} tiles: {} results, but one result per tile (do the chunks \
                 cover every tile, the remainder too?)",
                want.len(),
                got.len()
            );
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                assert!(
                    g == w,
                    "{threads} threads: tile {i} is not the sequential result of tile {i}: \
                     results out of tile order (return them in the order of `tiles`, whatever \
                     order the threads finish in)"
                );
            }
        }

        #[cfg(not(shuttle))]
        mod on_real_threads {
            use super::*;
            use common::testing;
            use std::time::Duration;

            /// Runs every case on a watched thread: a hang or a panic fails with the watchdog's
            /// report.
            fn watched<R: Send + 'static>(body: impl FnOnce() -> R + Send + 'static) -> R {
                testing::watched("tiles", Duration::from_secs(60), body)
            }

            #[test]
            fn the_tiles_come_back_thresholded_in_order() {
                watched(|| {
                    // Tiles of different sizes, so a result in the wrong slot cannot pass by luck.
                    let mut tiles: Vec<_> = cut(&test_image(91, 67, 4), 3)
                        .into_iter()
                        .map(|(_, _, t)| t)
                        .collect();
                    tiles.extend(
                        cut(&test_image(40, 30, 5), 2)
                            .into_iter()
                            .map(|(_, _, t)| t),
                    );
                    let want: Vec<_> = tiles.iter().map(process_tile).collect();
                    for threads in [1, 2, 3, 4, 5, 8, 13, 40] {
                        check(&tiles, &want, threads);
                    }
                });
            }

            /// Split work leaves the calling thread waiting while the tiles are thresholded:
            /// it spends a small share of the CPU time the batch costs (a quarter at most, if it
            /// takes a chunk itself), where a loop on the caller spends all of it; and the
            /// threads are alive together, where threads joined one by one never are.
            #[test]
            fn the_tiles_are_thresholded_on_threads_not_on_the_caller() {
                let split = watched(|| {
                    testing::split_of_enough_work(
                        4,
                        |count| vec![test_image(64, 64, 4); count],
                        |tiles| {
                            threshold_tiles_scoped(tiles, 4);
                        },
                    )
                });
                testing::assert_split_across_threads(split, "threshold the chunks", "threads");
            }

            #[test]
            fn no_tiles_give_no_results() {
                for threads in [1, 4] {
                    let outcome = watched(move || {
                        std::panic::catch_unwind(|| threshold_tiles_scoped(&[], threads))
                            .map_err(|payload| common::watchdog::panic_message(&*payload))
                    });
                    match outcome {
                        Ok(got) => assert!(got.is_empty(), "no tiles give no results"),
                        Err(message) => panic!(
                            "panicked with no tiles and {threads} threads ({message}): no tiles \
                             give no results"
                        ),
                    }
                }
            }
        }

        #[cfg(shuttle)]
        mod under_the_model_checker {
            use super::*;
            use common::sync::model_check;

            #[test]
            fn no_schedule_changes_the_order() {
                model_check(|| {
                    let tiles: Vec<_> = cut(&test_image(9, 6, 4), 3)
                        .into_iter()
                        .map(|(_, _, t)| t)
                        .collect();
                    let want: Vec<_> = tiles.iter().map(process_tile).collect();
                    for threads in [2, 3] {
                        check(&tiles, &want, threads);
                    }
                });
            }
        }
    };
}

/// The learner's tiles (`COURSE_BUILD=learner-e2`), or the reference solution.
mod graded {
    suite!(chapter_8::scoped_tiles);
}

#[cfg(mutants)]
mod e2_finish_order {
    suite!(chapter_8::mutants::e2_finish_order);
}

#[cfg(mutants)]
mod e2_reversed {
    suite!(chapter_8::mutants::e2_reversed);
}

#[cfg(mutants)]
mod e2_drops_remainder {
    suite!(chapter_8::mutants::e2_drops_remainder);
}

#[cfg(mutants)]
mod e2_on_the_caller {
    suite!(chapter_8::mutants::e2_on_the_caller);
}

#[cfg(mutants)]
mod e2_zero_chunk {
    suite!(chapter_8::mutants::e2_zero_chunk);
}

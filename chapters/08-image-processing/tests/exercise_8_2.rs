//! Grading suite of exercise 8.2 (`threshold_tiles_scoped`), run by `cargo xtask exercise check
//! 8.2`.
//!
//! Without the `learner` feature it checks the reference solution; with it, the learner's
//! `exercises/e2_scoped_tiles.rs`. Runs under a watchdog, so a hang fails fast. Each thread owns
//! its chunk of tiles; with `--features shuttle` the model checker runs small tile sets under many
//! schedules, so a result gathered in finishing order is caught.

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use std::time::Duration;

    use chapter_8::batch::cut;
    use chapter_8::imaging::test_image;
    use chapter_8::scoped_tiles::threshold_tiles_scoped;
    use chapter_8::threshold::process_tile;
    use common::testing;

    /// Runs every case on a watched thread: a hang or a panic fails with the watchdog's report.
    fn watched(body: impl FnOnce() + Send + 'static) {
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
                let got = threshold_tiles_scoped(&tiles, threads);
                assert_eq!(
                    got.len(),
                    want.len(),
                    "{threads} threads: one result per tile"
                );
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        g == w,
                        "{threads} threads: tile {i} is not the sequential result (out of order?)"
                    );
                }
            }
            assert!(threshold_tiles_scoped(&[], 4).is_empty());
        });
    }
}

#[cfg(feature = "shuttle")]
mod under_the_model_checker {
    use chapter_8::batch::cut;
    use chapter_8::imaging::test_image;
    use chapter_8::scoped_tiles::threshold_tiles_scoped;
    use chapter_8::threshold::process_tile;
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
                let got = threshold_tiles_scoped(&tiles, threads);
                assert!(got == want, "{threads} threads: results out of tile order");
            }
        });
    }
}

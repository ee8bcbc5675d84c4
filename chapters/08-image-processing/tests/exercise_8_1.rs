//! Grading suite of exercise 8.1 (`blur_bands_with_halo`), run by `cargo xtask exercise check 8.1`.
//!
//! Without the `learner` feature it checks the reference solution; with it, the learner's
//! `exercises/e1_halo.rs`. The blur runs under a watchdog, so a hang fails fast. This chapter
//! shares no mutable state between threads (each band owns its output rows), so there is nothing
//! for the model checker to find: the shuttle pass only checks that the suite builds.

#[cfg(not(feature = "shuttle"))]
mod on_real_threads {
    use std::time::Duration;

    use chapter_8::halo::blur_bands_with_halo;
    use chapter_8::imaging::test_image;
    use chapter_8::threshold::{Adaptive, box_kernel, filter, grayscale};
    use common::testing;

    /// Runs every case on a watched thread: a hang or a panic fails with the watchdog's report.
    /// Runs every case on a watched thread: a hang or a panic fails with the watchdog's report.
    fn watched(body: impl FnOnce() + Send + 'static) {
        testing::watched("blur", Duration::from_secs(60), body)
    }

    #[test]
    fn the_banded_blur_equals_the_sequential_one() {
        watched(|| {
            for kernel in [Adaptive::Gaussian.kernel(), box_kernel(5), box_kernel(3)] {
                for (w, h) in [(1, 1), (29, 2), (57, 101), (83, 64)] {
                    let gray = grayscale(&test_image(w, h, 21));
                    let want = filter(&gray, &kernel);
                    for bands in [1, 2, 3, 4, 6, 13, 500] {
                        let got = blur_bands_with_halo(&gray, &kernel, bands);
                        let wrong = got.iter().zip(want.iter()).filter(|(a, b)| a != b).count();
                        assert_eq!(
                            wrong,
                            0,
                            "{w}×{h} image, {bands} bands, {}-tap kernel: {wrong} pixels differ from the sequential blur (is the halo there, on both sides?)",
                            kernel.len()
                        );
                    }
                }
            }
        });
    }
}

//! Grading suite of exercise 8.1 (`blur_bands_with_halo`), run by `cargo xtask exercise check 8.1`.
//!
//! The suite is written once, in `suite!`, and run against each implementation in a module of
//! its own: `graded` is the reference solution in a normal test run and the learner's
//! `exercises/e1_halo.rs` with `COURSE_BUILD=learner-e1`; with `COURSE_BUILD=mutants`, every
//! committed wrong solution (`src/mutants/e1_*.diff`) gets a module too, and `cargo xtask exercise
//! verify` proves each one fails. The blur runs under a watchdog, so a hang fails fast. This
//! chapter shares no mutable state between threads (each band owns its output rows), so there
//! is nothing for the model checker to find: the shuttle pass only checks that the suite builds.
//!
//! What is checked: the output equals the sequential blur byte for byte; when it does not, the
//! message says which band edges the wrong rows sit at and how deep they reach (a halo missing
//! on one side, or thinner than the kernel's radius); a panic names the case it happened in
//! (a halo that reaches outside the image).

/// The tests, against the halo module named by the path.
macro_rules! suite {
    ($($module:ident)::+) => {
        #[cfg(not(shuttle))]
        mod on_real_threads {
            use std::time::Duration;

            use $($module)::+::blur_bands_with_halo;
            use chapter_8::imaging::band_rows;
            use chapter_8::imaging::test_image;
            use chapter_8::threshold::{Adaptive, box_kernel, filter, grayscale};
            use common::testing;
            use image::GrayImage;

            /// Runs every case on a watched thread: a hang fails with the watchdog's report.
            fn watched(body: impl FnOnce() + Send + 'static) {
                testing::watched("blur", Duration::from_secs(60), body)
            }

            /// `n` and the word, singular or plural: "1 row", "2 rows".
            fn count(n: usize, word: &str) -> String {
                if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
            }

            /// Where the wrong rows of `got` sit: at which band edges, and how deep they reach.
            fn diagnose(got: &GrayImage, want: &GrayImage, bands: usize, radius: usize) -> String {
                let (w, h) = (want.width() as usize, want.height() as usize);
                let wrong_rows: Vec<usize> = (0..h)
                    .filter(|&y| {
                        got.as_raw()[y * w..(y + 1) * w] != want.as_raw()[y * w..(y + 1) * w]
                    })
                    .collect();
                let (mut top, mut bottom, mut depth) = (false, false, 0);
                for &y in &wrong_rows {
                    let Some(band) = band_rows(h, bands).into_iter().find(|b| b.contains(&y)) else {
                        continue;
                    };
                    let (from_top, from_bottom) = (y - band.start, band.end - 1 - y);
                    if band.start > 0 && from_top < from_bottom.min(radius) + 1 {
                        top = true;
                        depth = depth.max(from_top + 1);
                    } else if band.end < h {
                        bottom = true;
                        depth = depth.max(from_bottom + 1);
                    }
                }
                let edges = match (top, bottom) {
                    (true, true) => "top and bottom edges",
                    (true, false) => "top edge",
                    (false, true) => "bottom edge",
                    (false, false) => "no edge",
                };
                format!(
                    "{} wrong, reaching {} into the bands from a band's {edges}: the halo must \
                     be the kernel's radius ({}) above and below each band, clipped to the image",
                    count(wrong_rows.len(), "row"),
                    count(depth, "row"),
                    count(radius, "row")
                )
            }

            #[test]
            fn the_banded_blur_equals_the_sequential_one() {
                watched(|| {
                    for kernel in [Adaptive::Gaussian.kernel(), box_kernel(5), box_kernel(3)] {
                        for (w, h) in [(1, 1), (29, 2), (57, 101), (83, 64)] {
                            let gray = grayscale(&test_image(w, h, 21));
                            let want = filter(&gray, &kernel);
                            for bands in [1, 2, 3, 4, 6, 13, 500] {
                                let got = std::panic::catch_unwind(|| {
                                    blur_bands_with_halo(&gray, &kernel, bands)
                                })
                                .unwrap_or_else(|payload| {
                                    panic!(
                                        "{w}×{h} image, {}, {}-tap kernel: panicked \
                                         ({}): the halo must stay inside the image (clip it at \
                                         the first and the last row)",
                                        count(bands, "band"),
                                        kernel.len(),
                                        common::watchdog::panic_message(&*payload)
                                    )
                                });
                                let wrong =
                                    got.iter().zip(want.iter()).filter(|(a, b)| a != b).count();
                                assert!(
                                    wrong == 0,
                                    "{w}×{h} image, {}, {}-tap kernel: {} differ from the \
                                     sequential blur; {}",
                                    count(bands, "band"),
                                    kernel.len(),
                                    count(wrong, "pixel"),
                                    diagnose(&got, &want, bands, kernel.len() / 2)
                                );
                            }
                        }
                    }
                });
            }

            /// Split work leaves the calling thread waiting while the bands are blurred: it
            /// spends a small share of the CPU time the blur costs (a quarter at most, if it
            /// blurs a band itself), where a blur on the caller spends all of it; and the threads
            /// are alive together, where threads joined one by one never are.
            #[test]
            fn the_bands_are_blurred_on_threads_not_on_the_caller() {
                let split = testing::watched("split across threads", Duration::from_secs(60), || {
                    let kernel = Adaptive::Gaussian.kernel();
                    testing::split_of_enough_work(
                        64,
                        |rows| grayscale(&test_image(256, rows as u32, 21)),
                        |gray| {
                            blur_bands_with_halo(gray, &kernel, 4);
                        },
                    )
                });
                testing::assert_split_across_threads(split, "blur the bands", "bands");
            }
        }
    };
}

/// The learner's banded blur (`COURSE_BUILD=learner-e1`), or the reference solution.
mod graded {
    suite!(chapter_8::halo);
}

#[cfg(mutants)]
mod e1_halo_one_row {
    suite!(chapter_8::mutants::e1_halo_one_row);
}

#[cfg(mutants)]
mod e1_on_the_caller {
    suite!(chapter_8::mutants::e1_on_the_caller);
}

#[cfg(mutants)]
mod e1_halo_unclipped {
    suite!(chapter_8::mutants::e1_halo_unclipped);
}

#[cfg(mutants)]
mod e1_halo_above_only {
    suite!(chapter_8::mutants::e1_halo_above_only);
}

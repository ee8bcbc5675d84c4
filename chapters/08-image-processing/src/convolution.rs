//! A blur on row bands, one thread per band: why each band must read a halo of its neighbours' rows.
//!
//! A convolution's output pixel depends on a neighbourhood: an 11-tap Gaussian reads 5 rows above
//! and 5 below. Split the image into row bands, one thread each, and a band's top and bottom rows
//! need rows that belong to the next band. The `broken` variant gives each thread only its own
//! band's rows, so at a band edge it replicates the band's last row instead of reading the real
//! one: the pixels within 5 rows of every inner band border come out different. The `halo`
//! variant hands each thread its band plus 5 rows either side (read-only, shared), and its output
//! equals the sequential blur byte for byte. Both write their band in place through
//! `chunks_mut`, so no two threads can touch the same output row — the compiler checks that.
//!
//! Run `cargo run -p chapter-8 -- run banded-blur --variant broken --threads 4`. Expect a count of
//! differing pixels for `broken` (all of them near band borders) and 0 for `halo`. Not in the book,
//! whose workers each get a whole tile; this is what splitting *one* image costs (see also
//! `batch --variant rayon-rows`, which reads the halo rows from the shared image).

use common::timing::{Stopwatch, human};
use common::{Outcome, RunConfig, TableData, Verdict, format};
use image::GrayImage;

use crate::halo::blur_bands_with_halo;
use crate::imaging::{BOOK_HEIGHT, BOOK_WIDTH, band_rows, output_root, test_image, write_gray_png};
use crate::threshold::{Adaptive, filter, filter_rows, grayscale};

/// BROKEN: each thread sees only its own band's rows, so it replicates the band's edge row where
/// it should read the neighbour's rows.
pub fn blur_bands_no_halo(gray: &GrayImage, kernel: &[f32], bands: usize) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let mut out = vec![0u8; w * h];
    if w == 0 || h == 0 {
        return gray.clone();
    }
    let rows = band_rows(h, bands);
    let per = rows[0].len();
    std::thread::scope(|s| {
        for (band, dst) in rows.iter().zip(out.chunks_mut(per * w)) {
            let src = &gray.as_raw()[band.start * w..band.end * w];
            s.spawn(move || filter_rows(src, w, band.clone(), kernel, band.clone(), dst));
        }
    });
    GrayImage::from_raw(gray.width(), gray.height(), out).expect("same size")
}

/// Where `broken` and `halo` differ from the sequential blur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandCheck {
    /// Pixels that differ from the sequential blur.
    pub differing: usize,
    /// Of those, how many lie within the kernel's radius of an inner band border.
    pub near_borders: usize,
}

/// Compares `out` with `reference`, locating the differences relative to the band borders.
pub fn check(out: &GrayImage, reference: &GrayImage, bands: usize, radius: usize) -> BandCheck {
    let w = out.width() as usize;
    let borders: Vec<usize> = band_rows(out.height() as usize, bands)
        .iter()
        .skip(1)
        .map(|r| r.start)
        .collect();
    let mut check = BandCheck {
        differing: 0,
        near_borders: 0,
    };
    for (i, (a, b)) in out.iter().zip(reference.iter()).enumerate() {
        if a != b {
            check.differing += 1;
            let y = i / w.max(1);
            if borders.iter().any(|&b| y + radius >= b && y < b + radius) {
                check.near_borders += 1;
            }
        }
    }
    check
}

common::variants! {
    /// Which rows each band reads.
    pub enum Bands {
        /// Its own rows only.
        NoHalo = "broken": "each band sees only its own rows",
        /// Its own rows and 5 of each neighbour's.
        Halo = "halo": "each band also reads 5 rows from each neighbour",
    }
}

/// Blurs the gray picture sequentially and in bands, broken or with the halo, and counts the
/// differences.
pub fn run(config: &RunConfig) -> anyhow::Result<Outcome> {
    let reads = config.variant_of::<Bands>()?;
    let bands = config.threads;
    let picture = test_image(
        BOOK_WIDTH,
        config.pick(BOOK_HEIGHT / 2, BOOK_HEIGHT),
        config.seed,
    );
    let gray = grayscale(&picture);
    let kernel = Adaptive::Gaussian.kernel();
    let radius = kernel.len() / 2;
    let clock = Stopwatch::start();
    let reference = filter(&gray, &kernel);
    let sequential = clock.elapsed();
    let clock = Stopwatch::start();
    let banded = match reads {
        Bands::Halo => blur_bands_with_halo(&gray, &kernel, bands),
        Bands::NoHalo => blur_bands_no_halo(&gray, &kernel, bands),
    };
    let parallel = clock.elapsed();
    let found = check(&banded, &reference, bands, radius);
    let dir = output_root().join("banded-blur");
    write_gray_png(&dir.join(format!("{reads}.png")), &banded)?;
    write_gray_png(&dir.join("sequential.png"), &reference)?;
    let inner = band_rows(gray.height() as usize, bands)
        .len()
        .saturating_sub(1);
    let mut table = TableData::new(
        format!(
            "11-tap Gaussian blur (radius {radius}) of a {}×{} image",
            gray.width(),
            gray.height()
        ),
        &[
            "run",
            "time",
            "pixels differing from sequential",
            "of those near a band border",
        ],
    );
    table.row([
        "sequential".to_string(),
        human(sequential),
        "-".to_string(),
        "-".to_string(),
    ]);
    table.row([
        format!("{bands} bands, {reads}"),
        human(parallel),
        format::count(found.differing),
        format::count(found.near_borders),
    ]);
    // Broken shows its bug when the bands differ; a single band has no inner border to get wrong.
    let showed = match reads {
        Bands::Halo => found.differing == 0,
        Bands::NoHalo => {
            inner == 0 || (found.differing > 0 && found.near_borders == found.differing)
        }
    };
    Ok(config.outcome(Verdict::from(showed))
        .table(table)
        .line(format!("{inner} inner band borders; files in {}", dir.display()))
        .key_figure("differing pixels", found.differing as f64, "pixels")
        .figure("near a band border", found.near_borders as f64, "pixels")
        .notice(match reads {
            Bands::Halo => "with 5 rows of halo each side, every band reads exactly the rows the sequential blur reads: identical output",
            Bands::NoHalo => "every wrong pixel lies within 5 rows of a band border: the band replicated its own edge row where its neighbour's rows belonged",
        }))
}

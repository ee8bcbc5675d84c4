//! Images on disk: a procedurally generated test picture (the book's `ship.jpg` is not ours to
//! ship), PNG and JPEG files under `target/chapter-8/`, and reading them back.
//!
//! The book's example1 loads a 1577×1118 photo of a ship and prints its shape and its top-left
//! pixel. Here [`test_image`] paints a picture of the same size — a sky gradient, a sun, a sea with
//! a shadow band, a ship, and seeded noise — so that a global threshold and an adaptive one give
//! visibly different results. Files are written atomically (a temporary name, then a rename), so
//! a test and a tour running at once never read half a file. Run `cargo run -p chapter-8 -- run
//! pipeline` and look in `target/chapter-8/`.
//!
//! Reading is [`decode`], which hands back what OpenCV's `imread(path, IMREAD_COLOR)` would: the
//! pixels turned upright by the file's EXIF orientation, and word of damage. JPEG goes straight
//! to `zune-jpeg` (the decoder inside `image`) in strict mode, so a truncated or corrupt file is
//! caught instead of decoded into grey without a word; it is then decoded leniently, as libjpeg
//! does with a warning, and the damage is named. Other formats go through `image`.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use common::rng::SplitMix64;
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, ImageDecoder, ImageFormat, Rgb, RgbImage};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

/// The size of the book's `ship.jpg`.
pub const BOOK_WIDTH: u32 = 1577;
/// The size of the book's `ship.jpg`.
pub const BOOK_HEIGHT: u32 = 1118;

/// Paints the test picture: deterministic for a given `seed`.
pub fn test_image(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut rng = SplitMix64::new(seed);
    let (w, h) = (width as f32, height as f32);
    let horizon = h * 0.55;
    let (sun_x, sun_y, sun_r) = (w * 0.78, h * 0.2, h * 0.09);
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let mut c = if fy < horizon {
            // Sky: light blue at the top, paler near the horizon.
            let t = fy / horizon;
            [90.0 + 120.0 * t, 150.0 + 70.0 * t, 230.0 - 20.0 * t]
        } else {
            // Sea: darker with depth, and a diagonal shadow so one global threshold cannot fit all.
            let t = (fy - horizon) / (h - horizon);
            let shade = if fx + fy * 0.8 < w * 0.9 { 0.55 } else { 1.0 };
            [
                (30.0 + 40.0 * t) * shade,
                (90.0 + 40.0 * t) * shade,
                (140.0 + 30.0 * t) * shade,
            ]
        };
        let d = ((fx - sun_x).powi(2) + (fy - sun_y).powi(2)).sqrt();
        if d < sun_r {
            c = [250.0, 230.0, 150.0];
        }
        // The ship: a dark hull (a trapezoid) and a light sail (a triangle) on the horizon.
        let hull_top = horizon - h * 0.02;
        let hull_bottom = horizon + h * 0.05;
        let (hx0, hx1) = (w * 0.25, w * 0.6);
        if fy >= hull_top && fy <= hull_bottom {
            let inset = (fy - hull_top) * 0.8;
            if fx >= hx0 + inset && fx <= hx1 - inset {
                c = [60.0, 35.0, 25.0];
            }
        }
        let mast = w * 0.42;
        let sail_top = horizon - h * 0.35;
        if fy >= sail_top && fy < hull_top {
            let half = (fy - sail_top) * 0.45;
            if (fx - mast).abs() <= half && fx >= mast - half * 0.2 {
                c = [235.0, 230.0, 215.0];
            }
        }
        // Seeded noise: texture for the adaptive thresholds to pick out.
        let noise = rng.below(41) as f32 - 20.0;
        Rgb(c.map(|v| (v + noise).clamp(0.0, 255.0) as u8))
    })
}

/// Where this build's files go: `$CARGO_TARGET_DIR/chapter-8`, else the `target` folder above
/// the running executable, else `./target/chapter-8`.
pub fn output_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("chapter-8");
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors() {
            if dir.file_name().is_some_and(|n| n == "target") {
                return dir.join("chapter-8");
            }
        }
    }
    PathBuf::from("target").join("chapter-8")
}

/// Writes `bytes` to `path` under a temporary name first, then renames: readers never see half.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = path.with_extension(format!(
        "tmp{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// Encodes a gray image as PNG bytes.
pub fn png_bytes(image: &GrayImage) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)?;
    Ok(bytes)
}

/// Writes a gray image as a PNG file.
pub fn write_gray_png(path: &Path, image: &GrayImage) -> anyhow::Result<()> {
    write_atomically(path, &png_bytes(image)?)
}

/// Writes a colour image as PNG or JPEG (quality 90), chosen by `format`.
pub fn write_rgb(path: &Path, image: &RgbImage, format: ImageFormat) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    if format == ImageFormat::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90);
        image.write_with_encoder(encoder)?;
    } else {
        image.write_to(&mut Cursor::new(&mut bytes), format)?;
    }
    write_atomically(path, &bytes)
}

/// A decoded file: 8-bit RGB, upright, and what was wrong with it if it was damaged but could
/// still be decoded in part (as libjpeg decodes a truncated JPEG, with a warning).
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels, EXIF orientation applied.
    pub rgb: RgbImage,
    /// Why the file is damaged, if it is; its pixels are then only partly the file's.
    pub damage: Option<String>,
}

/// Decodes PNG or JPEG bytes (format guessed from the first bytes) as [`imread`] would: upright.
/// An error means nothing could be decoded; damage that still leaves a picture is in
/// [`Decoded::damage`].
///
/// [`imread`]: https://docs.opencv.org/4.x/d4/da8/group__imgcodecs.html
pub fn decode(bytes: &[u8]) -> anyhow::Result<Decoded> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return decode_jpeg(bytes);
    }
    let reader = image::ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(Decoded {
        rgb: image.into_rgb8(),
        damage: None,
    })
}

fn jpeg_options(strict: bool) -> DecoderOptions {
    DecoderOptions::default()
        .set_strict_mode(strict)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .jpeg_set_out_colorspace(ColorSpace::RGB)
}

fn decode_jpeg(bytes: &[u8]) -> anyhow::Result<Decoded> {
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), jpeg_options(true));
    let (pixels, mut damage) = match decoder.decode() {
        Ok(pixels) => (pixels, None),
        Err(strict) => {
            decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), jpeg_options(false));
            let pixels = decoder
                .decode()
                .map_err(|e| anyhow::anyhow!("not a readable JPEG: {e}"))?;
            (pixels, Some(format!("damaged JPEG ({strict})")))
        }
    };
    // A truncation inside the last row of blocks can slip past the decoder: the last scan must
    // be followed by an end-of-image marker, FF D9, and no scan (FF DA) may start after it.
    // Entropy-coded data never holds either pair, and an EXIF thumbnail's come before the main
    // scan. The marker is at the end of a whole file, so the search from the end is short.
    let eoi = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    let scan_after = |e: usize| bytes[e..].windows(2).any(|w| w == [0xFF, 0xDA]);
    if damage.is_none() && eoi.is_none_or(scan_after) {
        damage = Some("truncated JPEG (no end-of-image marker after the scan)".into());
    }
    let (width, height) = decoder.dimensions().context("a decoded JPEG has a size")?;
    let orientation = decoder
        .exif()
        .and_then(|exif| Orientation::from_exif_chunk(exif))
        .unwrap_or(Orientation::NoTransforms);
    let rgb = RgbImage::from_raw(width as u32, height as u32, pixels)
        .context("the JPEG decoder gave fewer pixels than its size")?;
    let mut image = DynamicImage::ImageRgb8(rgb);
    image.apply_orientation(orientation);
    Ok(Decoded {
        rgb: image.into_rgb8(),
        damage,
    })
}

/// Reads a PNG or JPEG file as 8-bit RGB, upright; a damaged file is an error.
pub fn read_rgb(path: &Path) -> anyhow::Result<RgbImage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let decoded = decode(&bytes).with_context(|| format!("decoding {}", path.display()))?;
    match decoded.damage {
        None => Ok(decoded.rgb),
        Some(damage) => anyhow::bail!("decoding {}: {damage}", path.display()),
    }
}

/// Reads a gray PNG written by [`write_gray_png`].
pub fn read_gray(path: &Path) -> anyhow::Result<GrayImage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(image::load_from_memory(&bytes)
        .with_context(|| format!("decoding {}", path.display()))?
        .to_luma8())
}

/// The row ranges of `bands` near-equal bands of `height` rows (never an empty band).
pub fn band_rows(height: usize, bands: usize) -> Vec<std::ops::Range<usize>> {
    let per = height.div_ceil(bands.max(1)).max(1);
    (0..height)
        .step_by(per)
        .map(|start| start..(start + per).min(height))
        .collect()
}

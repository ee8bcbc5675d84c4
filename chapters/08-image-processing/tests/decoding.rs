//! Reading files as OpenCV's `imread` does: a JPEG carrying EXIF orientation 6 ("rotate 90°
//! clockwise to view") comes out rotated, a truncated JPEG is decoded but named as damaged, and
//! a corrupt PNG is an error. The JPEGs are made here: the chapter's encoder, then an EXIF
//! segment spliced in after the start-of-image marker.

#![cfg(not(shuttle))]

use chapter_8::imaging::decode;
use image::{Rgb, RgbImage};

/// A 48×32 picture, white but for a black 16×16 block at the top left.
fn marked() -> RgbImage {
    RgbImage::from_fn(48, 32, |x, y| {
        if x < 16 && y < 16 {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        }
    })
}

fn jpeg(picture: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95);
    picture.write_with_encoder(encoder).expect("encodes");
    bytes
}

/// `bytes` with an APP1 EXIF segment holding one tag: Orientation = `orientation`.
fn with_orientation(bytes: &[u8], orientation: u8) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    exif.extend_from_slice(&[0, 1]); // one IFD entry
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    let length = u16::try_from(exif.len() + 2).expect("short");
    let mut out = bytes[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&bytes[2..]);
    out
}

fn is_dark(picture: &RgbImage, x: u32, y: u32) -> bool {
    picture.get_pixel(x, y).0.iter().all(|&c| c < 64)
}

#[test]
fn orientation_6_is_turned_upright() {
    let plain = jpeg(&marked());
    let upright = decode(&plain).expect("decodes");
    assert_eq!(upright.rgb.dimensions(), (48, 32));
    assert!(is_dark(&upright.rgb, 2, 2) && upright.damage.is_none());

    let turned = decode(&with_orientation(&plain, 6)).expect("decodes");
    assert!(turned.damage.is_none(), "{:?}", turned.damage);
    // Rotated 90° clockwise: 32 wide, 48 high, the block now at the top right.
    assert_eq!(turned.rgb.dimensions(), (32, 48));
    assert!(is_dark(&turned.rgb, 29, 2), "block at the top right");
    assert!(!is_dark(&turned.rgb, 2, 2), "not at the top left");
    assert_eq!(turned.rgb, image::imageops::rotate90(&upright.rgb));
    // Orientation 1 changes nothing.
    assert_eq!(
        decode(&with_orientation(&plain, 1)).expect("decodes").rgb,
        upright.rgb
    );
}

#[test]
fn a_truncated_jpeg_is_named_as_damaged() {
    let whole = jpeg(&chapter_8::imaging::test_image(160, 120, 3));
    assert!(decode(&whole).expect("decodes").damage.is_none());
    // Cut anywhere in the scan, even just before the end-of-image marker.
    for keep in [whole.len() / 2, whole.len() * 9 / 10, whole.len() - 2] {
        let cut = decode(&whole[..keep]).expect("what is there still decodes");
        assert_eq!(cut.rgb.dimensions(), (160, 120));
        let damage = cut.damage.expect("named as damaged");
        assert!(damage.contains("JPEG"), "{damage}");
    }
    // Cut inside the headers: nothing to decode.
    assert!(decode(&whole[..40]).is_err());
}

#[test]
fn a_corrupt_png_is_an_error() {
    let mut png = Vec::new();
    chapter_8::imaging::test_image(40, 30, 1)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encodes");
    assert!(decode(&png).is_ok());
    assert!(decode(&png[..png.len() / 2]).is_err());
    let mut flipped = png.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xFF;
    assert!(decode(&flipped).is_err());
}

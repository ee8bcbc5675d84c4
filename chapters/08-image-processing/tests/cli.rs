//! CLI tests against the real `chapter-8` binary: every usage error the registry implies exits 2
//! with one line; the broken blur exits 0 having counted wrong pixels; `--json` prints one outcome
//! per line with identical batch outputs.

#![cfg(not(shuttle))]

use common::cli_test::{ChapterBinary, figure};

const CHAPTER_8: ChapterBinary = ChapterBinary::new(env!("CARGO_BIN_EXE_chapter-8"));

#[test]
fn usage_errors_exit_2_with_one_line() {
    CHAPTER_8.check_usage_errors(&chapter_8::CHAPTER);
}

#[test]
fn the_broken_blur_counts_wrong_pixels_and_exits_0() {
    let lines =
        CHAPTER_8.json_lines(&["run", "banded-blur", "--json", "--quick", "--threads", "3"]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["variant"], "broken");
    assert_eq!(lines[0]["verdict"], "showed");
    assert!(figure(&lines[0], "differing pixels") > 0.0);
    assert_eq!(lines[1]["variant"], "halo");
    assert_eq!(figure(&lines[1], "differing pixels"), 0.0);
}

#[test]
fn the_batch_writes_identical_files_for_every_worker_count() {
    let lines = CHAPTER_8.json_lines(&[
        "run",
        "batch",
        "--variant",
        "worker-reads",
        "--threads",
        "3",
        "--json",
        "--quick",
    ]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["verdict"], "showed");
    assert_eq!(figure(&lines[0], "differing outputs"), 0.0);
}

/// The tool's stdout with its wrapped lines joined: the checks read words, not layout.
fn flat(stdout: String) -> String {
    stdout.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_threshold_tool_processes_a_directory_and_names_a_bad_file() {
    let root = std::env::temp_dir().join(format!("chapter8-your-images-{}", std::process::id()));
    let (input, out) = (root.join("in"), root.join("out"));
    std::fs::create_dir_all(&input).expect("creates the input dir");
    let picture = chapter_8::imaging::test_image(120, 80, 7);
    for (name, format) in [
        ("a.png", image::ImageFormat::Png),
        ("b.jpg", image::ImageFormat::Jpeg),
        ("gray.png", image::ImageFormat::Png),
        ("gray.jpg", image::ImageFormat::Jpeg),
    ] {
        chapter_8::imaging::write_rgb(&input.join(name), &picture, format).expect("writes");
    }
    std::fs::write(input.join("notes.txt"), "not an image").expect("writes a text file");
    let (input_arg, out_arg) = (input.display().to_string(), out.display().to_string());
    let args = [
        "threshold",
        "--input",
        &input_arg,
        "--out",
        &out_arg,
        "--threads",
        "2",
    ];
    // One pass by default; `--compare` adds the one-thread pass and the check.
    let stdout = flat(CHAPTER_8.stdout(&args, 0));
    assert!(
        stdout.contains("4 files") && stdout.contains("2 threads"),
        "{stdout}"
    );
    assert!(!stdout.contains("compare:"), "{stdout}");
    let compare = [&args[..], &["--compare"]].concat();
    let stdout = flat(CHAPTER_8.stdout(&compare, 0));
    assert!(stdout.contains("identical on both passes"), "{stdout}");
    // Two inputs with one stem write two files.
    for name in [
        "a_gaussian.png",
        "b_gaussian.png",
        "gray_png_gaussian.png",
        "gray_jpg_gaussian.png",
    ] {
        let written = chapter_8::imaging::read_gray(&out.join(name)).expect("reads the output");
        assert_eq!(written.dimensions(), (120, 80));
    }
    // A file that does not decode is listed with its reason, and the exit code says so; the
    // files that did decode still agree between the passes.
    std::fs::write(input.join("broken.png"), "not a png").expect("writes a bad file");
    let stdout = flat(CHAPTER_8.stdout(&compare, 1));
    assert!(
        stdout.contains("broken.png") && stdout.contains("decoding"),
        "{stdout}"
    );
    assert!(stdout.contains("1 not decoded"), "{stdout}");
    assert!(stdout.contains("identical on both passes"), "{stdout}");
    assert!(!stdout.contains("DIFFER"), "{stdout}");
    // A truncated JPEG is written, but named as damaged.
    std::fs::remove_file(input.join("broken.png")).expect("removes the bad file");
    let whole = std::fs::read(input.join("b.jpg")).expect("reads the JPEG");
    std::fs::write(input.join("cut.jpg"), &whole[..whole.len() / 2]).expect("writes a cut one");
    let stdout = flat(CHAPTER_8.stdout(&args, 1));
    assert!(
        stdout.contains("cut.jpg") && stdout.contains("DAMAGED"),
        "{stdout}"
    );
    assert!(stdout.contains("1 damaged"), "{stdout}");
    // Names that would still collide are refused before any work.
    std::fs::write(input.join("gray_jpg.png"), "").expect("writes a clashing name");
    CHAPTER_8.usage_error(&args, "would both be written as gray_jpg_gaussian.png");
    let _ = std::fs::remove_dir_all(&root);
    CHAPTER_8.usage_error(
        &["threshold", "--input", "/no/such/dir"],
        "cannot read --input",
    );
    CHAPTER_8.usage_error(&["threshold"], "--input");
    CHAPTER_8.usage_error(
        &["threshold", "--input", ".", "--threads", "0"],
        "--threads",
    );
}

//! `chapter-18`: hands the chapter's registry (its examples, and the `serve` and `load` tools) to
//! the shared command line.

fn main() -> std::process::ExitCode {
    common::cli::main(&chapter_18::CHAPTER)
}

//! `chapter-5`: hands the chapter's registry to the shared command line.

fn main() -> std::process::ExitCode {
    common::cli::main(&chapter_5::CHAPTER)
}

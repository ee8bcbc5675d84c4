//! `chapter-19`: hands the chapter's registry to the shared command line.

fn main() -> std::process::ExitCode {
    common::cli::main(&chapter_19::CHAPTER)
}

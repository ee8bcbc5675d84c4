//! The `file-handles` example's guarantees, in a test binary of its own.
//!
//! Counting `/proc/self/fd` and lowering `RLIMIT_NOFILE` both concern the whole process: another
//! test thread opening a file meanwhile would change the count, and could itself fail with
//! EMFILE under the lowered limit. So this binary holds a single test function, and the test
//! harness runs it alone (`cargo test` runs test binaries one after another).

#![cfg(not(shuttle))]

use chapter_4::file_handles::{BOOK_FILES, HEADROOM, ScratchDir, open_and_keep, open_scoped};

#[test]
fn descriptors_return_to_the_start_and_a_kept_file_hits_emfile() {
    // Scoped files: the count is back at the start, and never more than one above it.
    let dir = ScratchDir::new("test-scoped").expect("a temp dir");
    let scoped = open_scoped(&dir, BOOK_FILES).expect("the scoped run");
    assert_eq!(scoped.after, scoped.before, "{scoped:?}");
    assert!(scoped.peak <= scoped.before + 1, "{scoped:?}");
    let path = dir.path().to_path_buf();
    drop(dir);
    assert!(!path.exists(), "the scratch dir removes itself");

    // Kept files under a lowered soft limit: EMFILE, then every descriptor closed and the
    // limit restored.
    let dir = ScratchDir::new("test-leaked").expect("a temp dir");
    let leaked = open_and_keep(&dir, HEADROOM, BOOK_FILES).expect("the leaked run");
    assert!(leaked.hit_emfile(), "{leaked:?}");
    // The lowered limit, not the book's file count, stopped it.
    assert!(
        leaked.opened > 0 && leaked.opened < BOOK_FILES,
        "{leaked:?}"
    );
    assert_eq!(leaked.after, leaked.before, "{leaked:?}");
    assert!(leaked.limit_restored, "{leaked:?}");
}

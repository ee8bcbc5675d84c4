//! Compile-fail tests: the data races Rust refuses at compile time, each with rustc's exact
//! error beside it (`tests/compile-fail/*.stderr`, written for rustc 1.95).
//!
//! - `vec_two_threads.rs`: two threads push to one `Vec` without a lock — E0499, two `&mut`;
//! - `rc_to_thread.rs`: an `Rc` moved into another thread — E0277, `Rc` is not `Send`;
//! - `cell_across_threads.rs`: a `Cell` shared by two threads — E0277, `Cell` is not `Sync`.
//!
//! Run: `cargo test -p chapter-14 --test compile_fail`. After a compiler upgrade changes the
//! wording, regenerate with `TRYBUILD=overwrite cargo test -p chapter-14 --test compile_fail`
//! and review the diff. Not run under the `shuttle` feature (it would only rebuild for nothing).

#![cfg(not(shuttle))]

#[test]
fn data_races_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}

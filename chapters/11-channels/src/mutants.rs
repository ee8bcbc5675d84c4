//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_io_error;
pub mod e1_limit_at_newline;
pub mod e1_no_limit;
pub mod e1_no_room_for_cr;
pub mod e1_tail_as_line;
pub mod e1_whole_buffer;
pub mod e2_abort_at_once;
pub mod e2_counts_aborted;
pub mod e2_keeps_listener;
pub mod e2_no_cancel;
pub mod e2_no_grace_limit;

//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_blocking_waitpid;
pub mod e1_deadline_first;
pub mod e1_kills_at_timeout;
pub mod e1_one_look;
pub mod e1_spins;
pub mod e1_still_alive_status;
pub mod e1_zombie_probe;
pub mod e2_big_endian;
pub mod e2_body_one_read;
pub mod e2_cut_length_is_end;
pub mod e2_eof_is_error;
pub mod e2_one_read;

//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_check_then_add;
pub mod e1_load_then_store;
pub mod e1_never_gives_up;
pub mod e1_no_retry;
pub mod e1_store_limit;
pub mod e1_up_to_limit;
pub mod e2_balance_under_guard;
pub mod e2_between_before_check;
pub mod e2_check_before_lock;
pub mod e2_refuses_whole_balance;
pub mod e2_two_locks;

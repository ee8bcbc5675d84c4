//! Committed wrong solutions of the chapter's exercises, compiled only with
//! `COURSE_BUILD=mutants`: each is a file a learner could have written, and `cargo xtask exercise verify`
//! proves the exercise's suite fails it with a message that names the fault.

pub mod e1_saturating;
pub mod e1_unchecked_fold;
pub mod e1_untrimmed_items;
pub mod e1_whitespace_not_empty;
pub mod e2_no_cr_slack;
pub mod e2_no_limit;
pub mod e2_partial_line_lost;
pub mod e2_reported_at_newline;
pub mod e2_rest_not_skipped;

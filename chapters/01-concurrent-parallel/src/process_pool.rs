//! The `processes` variant of `prime-check`: the book's process pool, as forked children that
//! take jobs from one shared pipe and send their primes back through pipes of their own.
//!
//! The parent writes every job (a number's index, 4 bytes) into one *job pipe* before it forks;
//! each child reads the next job from it, tests that number, and writes each prime it finds into
//! its own result pipe as 8 bytes, until the job pipe is empty; then it `_exit`s. The parent
//! reads the result pipes (with `poll`, never past the time budget) and reaps the children with
//! `waitpid`, killing any that are still running at the deadline. Separate processes share no
//! memory: the numbers are copied at fork, and jobs and answers travel as bytes. The approach of
//! chapter 20's `across_processes.rs`.

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::timing::human;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, close, fork, pipe, read, write};

use crate::primes::is_prime;

/// The most numbers `processes` takes: the parent writes every job (4 bytes each) into the job
/// pipe before forking, so they must fit in its buffer without a reader. 1024 jobs are 4 KiB,
/// one page: the least buffer Linux gives a pipe.
pub const MAX_PROCESS_JOBS: usize = 1024;

/// Forks a child that takes jobs (4-byte little-endian indices into `numbers`) from the job
/// pipe `jobs` until it is empty, tests each number, writes each prime into `write_end` as 8
/// little-endian bytes, and exits (status 0; 1 if a read or write failed; 2 on a torn job).
/// Returns its pid. The parent's copy of `write_end` is closed here, so the parent sees
/// end-of-file once the child is done. The job pipe's write end is closed before any child is
/// forked, so a child that finds the pipe empty sees end-of-file.
#[allow(unsafe_code)]
fn spawn_checker(
    numbers: &[u64],
    jobs: &OwnedFd,
    read_end: &OwnedFd,
    write_end: OwnedFd,
) -> anyhow::Result<Pid> {
    // SAFETY: after `fork` the child has only the calling thread; a lock another thread held
    // (the allocator's, stdout's) stays held forever in the child. So the child calls only
    // async-signal-safe functions and allocates nothing: `close(2)`; `read(2)` into a 4-byte
    // array on the stack; `is_prime`, pure arithmetic on numbers the parent built before the
    // fork; `write(2)` from an 8-byte array on the stack; and `_exit(2)`, which runs no
    // destructors or atexit handlers. It never returns into the caller's code. Children that
    // other threads fork at the same moment may inherit copies of these pipes' write ends; that
    // only delays an end-of-file until they exit (each child exits once the job pipe is empty,
    // and is killed at its parent's deadline if it does not).
    match unsafe { fork() }.context("fork failed")? {
        ForkResult::Child => {
            let _ = close(read_end.as_raw_fd());
            let mut code = 0;
            let mut job = [0u8; 4];
            'jobs: loop {
                // Every job was written with one 4-byte write before the fork, and is read with
                // one 4-byte read, so no two children ever get the same job or half of one.
                match read(jobs.as_raw_fd(), &mut job) {
                    Ok(0) => break,
                    Ok(4) => {}
                    Ok(_) => {
                        code = 2;
                        break;
                    }
                    Err(Errno::EINTR) => continue,
                    Err(_) => {
                        code = 1;
                        break;
                    }
                }
                let Some(&n) = numbers.get(u32::from_le_bytes(job) as usize) else {
                    code = 2;
                    break;
                };
                if is_prime(n) {
                    let bytes = n.to_le_bytes();
                    let mut rest = &bytes[..];
                    while !rest.is_empty() {
                        match write(&write_end, rest) {
                            Ok(k) => rest = &rest[k..],
                            Err(Errno::EINTR) => {}
                            Err(_) => {
                                code = 1;
                                break 'jobs;
                            }
                        }
                    }
                }
            }
            // SAFETY: see above; `_exit` ends the child at once. Nothing of the parent's is
            // dropped or flushed (the `OwnedFd`s are closed by the kernel as the process ends).
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(write_end);
            Ok(child)
        }
    }
}

/// Reaps `child` without blocking past `deadline`: at the deadline it is killed (`SIGKILL`)
/// and then reaped. Returns its exit code, if it exited by itself.
fn reap(child: Pid, deadline: Instant) -> anyhow::Result<Option<i32>> {
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() >= deadline => {
                let _ = kill(child, Signal::SIGKILL); // fails only if it exited meanwhile
                loop {
                    match waitpid(child, None) {
                        Err(Errno::EINTR) => continue,
                        other => {
                            other.context("waitpid failed")?;
                            return Ok(None);
                        }
                    }
                }
            }
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_micros(200)),
            Ok(WaitStatus::Exited(_, code)) => return Ok(Some(code)),
            Ok(_) => return Ok(None),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e).context("waitpid failed"),
        }
    }
}

/// The primes among `numbers`, found by `workers` forked processes that take their jobs from
/// one shared job pipe and send their primes back through one result pipe each. Fails, rather
/// than hangs, if the children are not done within `budget` (they are then killed and reaped),
/// and refuses more than [`MAX_PROCESS_JOBS`] numbers.
pub fn primes_processes(
    numbers: &[u64],
    workers: usize,
    budget: Duration,
) -> anyhow::Result<Vec<u64>> {
    if numbers.len() > MAX_PROCESS_JOBS {
        bail!("the process pool takes at most {MAX_PROCESS_JOBS} numbers");
    }
    let deadline = Instant::now() + budget;
    let workers = workers.max(1);
    // Hand every job out before forking: one 4-byte write each, all fitting in the pipe's
    // buffer. Written while the children ran, they went to whichever child was waiting at that
    // moment: measured, no speedup at all with 2 or 4 children, 1.9x with 3 — by all signs the
    // children took the jobs in turn, and with an even count that is parity again.
    let (jobs, jobs_write) = pipe().context("pipe failed")?;
    for i in 0..numbers.len() {
        let job = u32::try_from(i).context("too many jobs")?.to_le_bytes();
        loop {
            match write(&jobs_write, &job) {
                Ok(4) => break,
                Ok(_) => bail!("a job was written in part"),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e).context("cannot hand out a job"),
            }
        }
    }
    // Closed before forking: no child holds a write end, so an empty pipe reads as end-of-file.
    drop(jobs_write);
    let mut children: Vec<(Pid, File)> = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (read_end, write_end) = pipe().context("pipe failed")?;
        let pid = spawn_checker(numbers, &jobs, &read_end, write_end)?;
        children.push((pid, File::from(read_end)));
    }
    drop(jobs);

    let mut received: Vec<Vec<u8>> = vec![Vec::new(); workers];
    let mut open = vec![true; workers];
    let mut timed_out = false;
    let mut buf = [0u8; 4096];
    while open.iter().any(|&o| o) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let waiting: Vec<usize> = (0..workers).filter(|&k| open[k]).collect();
        let mut fds: Vec<PollFd> = waiting
            .iter()
            .map(|&k| PollFd::new(children[k].1.as_fd(), PollFlags::POLLIN))
            .collect();
        let millis = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
        match poll(&mut fds, PollTimeout::from(millis)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(e).context("poll failed"),
        }
        let ready: Vec<usize> = waiting
            .iter()
            .zip(&fds)
            .filter(|(_, fd)| fd.revents().is_some_and(|r| !r.is_empty()))
            .map(|(&k, _)| k)
            .collect();
        drop(fds);
        for k in ready {
            // Data or end-of-file (POLLHUP): `read` returns at once either way.
            match (&children[k].1).read(&mut buf) {
                Ok(0) => open[k] = false,
                Ok(n) => received[k].extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context("read failed"),
            }
        }
    }

    let mut failed = Vec::new();
    for (k, (pid, file)) in children.into_iter().enumerate() {
        drop(file);
        if reap(pid, deadline)? != Some(0) {
            failed.push(k);
        }
    }
    if timed_out {
        bail!(
            "the worker processes were not done within {}",
            human(budget)
        );
    }
    if !failed.is_empty() {
        bail!("worker processes {failed:?} did not exit with status 0");
    }
    let mut primes = Vec::new();
    for bytes in received {
        if !bytes.len().is_multiple_of(8) {
            bail!("a worker process sent a partial number");
        }
        primes.extend(
            bytes
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))),
        );
    }
    primes.sort_unstable();
    Ok(primes)
}

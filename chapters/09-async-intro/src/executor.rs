//! A mini executor, built here in about 400 lines of code: the chapter's centrepiece.
//!
//! An executor is the loop that runs futures. It keeps a **run queue** of tasks that are ready to
//! make progress, pops one, **polls** it, and goes on to the next. A task that cannot go on (its
//! timer has not fired, its data has not arrived) returns `Poll::Pending` after handing its
//! **waker** to whoever will finish the wait; when that happens, the waker puts the task back on
//! the run queue. Nothing is polled in vain and nothing spins: when no task is ready, the
//! executor's one thread sleeps until a waker pushes one.
//!
//! The loop is here: [`Executor`], [`Handle`] and [`JoinHandle`] (`spawn`, `block_on`, and
//! awaiting a task). The two things that feed it each have a file beside it, in `executor/`:
//! - `run_queue.rs`: [`RunQueue`], the ids of ready tasks, shared with every waker (a waker may
//!   fire on any thread), and [`TaskWaker`], a task's waker, which queues its task at most once
//!   between two polls;
//! - `timers.rs`: [`Timers`] and [`Sleep`], the timer future, on a real clock (a timer thread
//!   fires the wakers) or on a virtual clock (the executor jumps time to the next deadline when
//!   every task waits: deterministic and instant, which is what the tests use).
//!
//! It is single-threaded: tasks need not be `Send`, and a task that computes without returning
//! stops every other task (the `cooperative` example measures exactly that). This is asyncio's
//! event loop, and what tokio's `current_thread` runtime does, minus the I/O reactor.
//!
//! Run: `cargo run -p chapter-9 -- run mini-executor` (and `--variant virtual-clock`). Mirrors the
//! book's chapter 9 text on the event loop (no numbered example).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use common::sync::thread;

mod run_queue;
mod timers;

pub use run_queue::{RunQueue, TaskWaker};
pub use timers::{Clock, Sleep, Timers};

type LocalTask = Pin<Box<dyn Future<Output = ()>>>;

/// One spawned task: its future (None while it is being polled, and once it has finished) and
/// its waker.
struct Slot {
    future: Option<LocalTask>,
    waker: Arc<TaskWaker>,
}

struct Shared {
    queue: Arc<RunQueue>,
    timers: Arc<Timers>,
    /// Every task ever spawned, indexed by id (ids are never reused in one run).
    tasks: RefCell<Vec<Slot>>,
    unfinished: Cell<usize>,
    polls: Cell<u64>,
}

/// What tasks use to reach their executor: spawn, sleep, read the clock. Cheap to clone.
#[derive(Clone)]
pub struct Handle(Rc<Shared>);

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("clock", &self.0.timers.clock)
            .field("tasks", &self.0.tasks.borrow().len())
            .field("unfinished", &self.0.unfinished.get())
            .finish()
    }
}

impl Handle {
    /// Starts `future` as a new task; it first runs when the executor reaches it in the queue.
    pub fn spawn<F: Future + 'static>(&self, future: F) -> JoinHandle<F::Output> {
        let output = Rc::new(RefCell::new(JoinState {
            value: None,
            waiting: None,
        }));
        let task_output = Rc::clone(&output);
        let task = async move {
            let value = future.await;
            let mut state = task_output.borrow_mut();
            state.value = Some(value);
            // Whoever awaits this task's JoinHandle is woken: the same mechanism as a timer.
            if let Some(waker) = state.waiting.take() {
                waker.wake();
            }
        };
        let mut tasks = self.0.tasks.borrow_mut();
        let waker = TaskWaker::new(tasks.len(), Arc::clone(&self.0.queue));
        tasks.push(Slot {
            future: Some(Box::pin(task)),
            waker: Arc::clone(&waker),
        });
        self.0.unfinished.set(self.0.unfinished.get() + 1);
        // A new task is ready at once: waking it is how it gets into the queue.
        waker.wake_by_ref();
        JoinHandle { state: output }
    }

    /// A future that completes `duration` from now, on the executor's clock.
    pub fn sleep(&self, duration: Duration) -> Sleep {
        self.sleep_until(self.now() + duration)
    }

    /// A future that completes when the executor's clock reaches `deadline`.
    pub fn sleep_until(&self, deadline: Duration) -> Sleep {
        Sleep {
            timers: Arc::clone(&self.0.timers),
            deadline,
        }
    }

    /// Time since the executor started, on its clock.
    pub fn now(&self) -> Duration {
        self.0.timers.now()
    }

    /// How many polls the executor has made so far.
    pub fn polls(&self) -> u64 {
        self.0.polls.get()
    }

    /// The executor's clock.
    pub fn clock(&self) -> Clock {
        self.0.timers.clock
    }
}

struct JoinState<T> {
    value: Option<T>,
    waiting: Option<Waker>,
}

/// Awaits a spawned task's output.
pub struct JoinHandle<T> {
    state: Rc<RefCell<JoinState<T>>>,
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("finished", &self.state.borrow().value.is_some())
            .finish()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.state.borrow_mut();
        match state.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                state.waiting = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// `block_on` gave up: no task was ready, no timer pending, and no waker fired for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stalled {
    /// Tasks spawned but not finished (the main task among them).
    pub unfinished: usize,
    /// How long the executor waited for a wake before giving up.
    pub waited: Duration,
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "executor stalled: {} returned Pending, yet no timer is pending and no waker \
             fired within {} (a future that returns Pending must make sure its waker is called)",
            common::format::counted(self.unfinished, "tasks"),
            common::format::duration(self.waited)
        )
    }
}

impl std::error::Error for Stalled {}

/// A single-threaded executor. Create it, take [`Executor::handle`]s for the tasks, then
/// [`Executor::block_on`] the main future.
pub struct Executor {
    handle: Handle,
    timer_thread: Option<thread::JoinHandle<()>>,
    /// How long to wait for a wake from another thread when nothing else can happen.
    patience: Duration,
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("handle", &self.handle)
            .finish()
    }
}

impl Executor {
    /// An executor whose timers read `clock` (a real clock starts the timer thread).
    pub fn new(clock: Clock) -> Self {
        let timers = Arc::new(Timers::new(clock));
        let timer_thread = (clock == Clock::Real).then(|| {
            let timers = Arc::clone(&timers);
            thread::Builder::new()
                .name("timer".into())
                .spawn(move || timers.run_timer_thread())
                .unwrap_or_else(|e| panic!("cannot spawn the timer thread: {e}"))
        });
        let shared = Shared {
            queue: Arc::new(RunQueue::new()),
            timers,
            tasks: RefCell::new(Vec::new()),
            unfinished: Cell::new(0),
            polls: Cell::new(0),
        };
        Self {
            handle: Handle(Rc::new(shared)),
            timer_thread,
            patience: Duration::from_secs(2),
        }
    }

    /// Gives up after waiting `patience` for a wake when nothing else can happen (default 2 s).
    pub fn with_patience(mut self, patience: Duration) -> Self {
        self.patience = patience;
        self
    }

    /// A handle for spawning tasks and creating timers.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Runs `main` and every task it (or anyone) spawns until `main` finishes; returns its
    /// output. Tasks still unfinished then are dropped with the executor.
    pub fn block_on<F: Future + 'static>(self, main: F) -> Result<F::Output, Stalled> {
        let shared = Rc::clone(&self.handle.0);
        let main = self.handle.spawn(main);
        loop {
            if let Some(value) = main.state.borrow_mut().value.take() {
                return Ok(value);
            }
            let id = match shared.queue.pop(Some(Duration::ZERO)) {
                Some(id) => id,
                // Nothing is ready: every task waits for a timer or for another thread.
                None => {
                    if shared.timers.clock == Clock::Virtual && shared.timers.advance_virtual() {
                        continue;
                    }
                    let patience = shared.timers.until_next().unwrap_or_default() + self.patience;
                    match shared.queue.pop(Some(patience)) {
                        Some(id) => id,
                        None => {
                            return Err(Stalled {
                                unfinished: shared.unfinished.get(),
                                waited: patience,
                            });
                        }
                    }
                }
            };
            self.poll_task(id);
        }
    }

    fn poll_task(&self, id: usize) {
        let shared = &self.handle.0;
        // Take the future out of its slot, so the task may spawn (push to `tasks`) while polled.
        let (future, waker) = {
            let mut tasks = shared.tasks.borrow_mut();
            let slot = &mut tasks[id];
            (slot.future.take(), Arc::clone(&slot.waker))
        };
        // A late wake for a task that already finished: nothing to do.
        let Some(mut future) = future else { return };
        waker.begin_poll();
        let waker = Waker::from(waker);
        shared.polls.set(shared.polls.get() + 1);
        match future.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(()) => shared.unfinished.set(shared.unfinished.get() - 1),
            Poll::Pending => shared.tasks.borrow_mut()[id].future = Some(future),
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        // Drop unfinished tasks first: they hold handles to the executor (an Rc cycle otherwise).
        // Taken out before dropping, since a future's drop may itself touch `tasks`.
        let tasks = std::mem::take(&mut *self.handle.0.tasks.borrow_mut());
        drop(tasks);
        self.handle.0.timers.shut_down();
        if let Some(timer_thread) = self.timer_thread.take() {
            let _ = timer_thread.join();
        }
    }
}

//! A mini executor, built here in one file of about 400 lines of code: the chapter's centrepiece.
//!
//! An executor is the loop that runs futures. It keeps a **run queue** of tasks that are ready to
//! make progress, pops one, **polls** it, and goes on to the next. A task that cannot go on (its
//! timer has not fired, its data has not arrived) returns `Poll::Pending` after handing its
//! **waker** to whoever will finish the wait; when that happens, the waker puts the task back on
//! the run queue. Nothing is polled in vain and nothing spins: when no task is ready, the
//! executor's one thread sleeps until a waker pushes one.
//!
//! What is here, in reading order:
//! - [`RunQueue`]: the ids of ready tasks, shared with every waker (a waker may fire on any thread);
//! - [`TaskWaker`]: a task's waker, which queues its task at most once between two polls;
//! - [`Timers`] and [`Sleep`]: the timer future, on a real clock (a timer thread fires the wakers)
//!   or on a virtual clock (the executor jumps time to the next deadline when every task waits:
//!   deterministic and instant, which is what the tests use);
//! - [`Executor`], [`Handle`] and [`JoinHandle`]: `spawn`, `block_on`, and awaiting a task.
//!
//! It is single-threaded: tasks need not be `Send`, and a task that computes without returning
//! stops every other task (the `cooperative` example measures exactly that). This is asyncio's
//! event loop, and what tokio's `current_thread` runtime does, minus the I/O reactor.
//!
//! Run: `cargo run -p chapter-9 -- run mini-executor` (and `--variant virtual-clock`). Mirrors the
//! book's chapter 9 text on the event loop (no numbered example).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use common::sync::atomic::{AtomicBool, Ordering};
use common::sync::{Condvar, Mutex, MutexGuard, lock, thread};

/// The ids of the tasks that are ready to be polled, in the order they became ready.
#[derive(Debug)]
pub struct RunQueue {
    ready: Mutex<VecDeque<usize>>,
    /// Signalled on every push, so an idle executor wakes up.
    pushed: Condvar,
}

impl Default for RunQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl RunQueue {
    /// An empty run queue.
    pub fn new() -> Self {
        Self {
            ready: Mutex::new(VecDeque::new()),
            pushed: Condvar::new(),
        }
    }

    /// Marks task `id` ready and wakes the executor if it sleeps.
    pub fn push(&self, id: usize) {
        lock(&self.ready).push_back(id);
        self.pushed.notify_one();
    }

    /// The next ready task, waiting up to `patience` for one (`None`: wait as long as it takes).
    pub fn pop(&self, patience: Option<Duration>) -> Option<usize> {
        let deadline = patience.map(|p| Instant::now() + p);
        let mut ready = lock(&self.ready);
        loop {
            if let Some(id) = ready.pop_front() {
                return Some(id);
            }
            // Waiting releases the lock, so a waker on another thread can push meanwhile; the
            // check-then-wait happens under the lock, so no push slips in between unseen.
            ready = match deadline {
                None => wait(&self.pushed, ready),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    wait_timeout(&self.pushed, ready, left)
                }
            };
        }
    }

    /// How many tasks are ready right now.
    pub fn len(&self) -> usize {
        lock(&self.ready).len()
    }

    /// Whether no task is ready right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn wait_timeout<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> MutexGuard<'a, T> {
    condvar
        .wait_timeout(guard, timeout)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .0
}

/// A task's waker: waking it puts the task's id on the run queue.
///
/// `queued` makes a burst of wakes cost one poll: only the first wake after a poll pushes. The
/// executor clears it just *before* polling, so a wake that arrives during the poll (from another
/// thread, or the task waking itself to yield) queues the task again. Clearing it after the poll
/// would swallow that wake and the task would sleep forever: the lost wake-up that
/// `tests/model_check.rs` has shuttle find.
#[derive(Debug)]
pub struct TaskWaker {
    id: usize,
    queued: AtomicBool,
    queue: Arc<RunQueue>,
}

impl TaskWaker {
    /// The waker of task `id`, which pushes onto `queue`.
    pub fn new(id: usize, queue: Arc<RunQueue>) -> Arc<Self> {
        Arc::new(Self {
            id,
            queued: AtomicBool::new(false),
            queue,
        })
    }

    /// Called by the executor right before it polls the task: from here on, a wake queues it.
    pub fn begin_poll(&self) {
        self.queued.store(false, Ordering::SeqCst);
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::SeqCst) {
            self.queue.push(self.id);
        }
    }
}

common::variants! {
    /// Which clock the timers read; also the variants of [`crate::mini_executor`].
    pub enum Clock {
        /// Wall-clock time: a timer thread sleeps until the next deadline and fires its waker.
        Real = "real-clock": "wall-clock timers fired by a timer thread",
        /// Virtual time, which moves only when no task is ready: the executor then jumps it to
        /// the next deadline. Runs are deterministic and take no real time.
        Virtual = "virtual-clock": "the executor jumps time to the next deadline: exact and instant",
    }
}

/// The pending timers of one executor, and its clock. Times are durations since the start.
#[derive(Debug)]
pub struct Timers {
    clock: Clock,
    started: Instant,
    state: Mutex<TimerState>,
    /// Signalled when a timer is added or the executor shuts down (the timer thread waits on it).
    changed: Condvar,
}

#[derive(Debug, Default)]
struct TimerState {
    /// (deadline, waker). A Vec scanned for its minimum is plenty for a handful of timers.
    pending: Vec<(Duration, Waker)>,
    virtual_now: Duration,
    shutdown: bool,
}

impl Timers {
    fn new(clock: Clock) -> Self {
        Self {
            clock,
            started: Instant::now(),
            state: Mutex::new(TimerState::default()),
            changed: Condvar::new(),
        }
    }

    /// The time since the executor started, on its clock.
    pub fn now(&self) -> Duration {
        match self.clock {
            Clock::Real => self.started.elapsed(),
            Clock::Virtual => lock(&self.state).virtual_now,
        }
    }

    fn register(&self, deadline: Duration, waker: Waker) {
        lock(&self.state).pending.push((deadline, waker));
        self.changed.notify_one();
    }

    /// Takes out the wakers of every timer due at `now`.
    fn take_due(state: &mut TimerState, now: Duration) -> Vec<Waker> {
        let (due, later) = std::mem::take(&mut state.pending)
            .into_iter()
            .partition(|(deadline, _)| *deadline <= now);
        state.pending = later;
        due.into_iter().map(|(_, waker)| waker).collect()
    }

    fn next_deadline(state: &TimerState) -> Option<Duration> {
        state.pending.iter().map(|(deadline, _)| *deadline).min()
    }

    /// Virtual clock: jumps to the next deadline and fires every timer due then. False if no
    /// timer is pending.
    fn advance_virtual(&self) -> bool {
        let due = {
            let mut state = lock(&self.state);
            let Some(next) = Self::next_deadline(&state) else {
                return false;
            };
            state.virtual_now = state.virtual_now.max(next);
            let now = state.virtual_now;
            Self::take_due(&mut state, now)
        };
        // Wake outside the lock: a waker may do anything, including register another timer.
        due.into_iter().for_each(Waker::wake);
        true
    }

    /// How long until the next deadline, if any timer is pending.
    fn until_next(&self) -> Option<Duration> {
        let state = lock(&self.state);
        let next = Self::next_deadline(&state)?;
        drop(state);
        Some(next.saturating_sub(self.now()))
    }

    /// The real clock's timer thread: sleep until the next deadline, fire what is due, repeat.
    fn run_timer_thread(&self) {
        let mut state = lock(&self.state);
        while !state.shutdown {
            let now = self.started.elapsed();
            let due = Self::take_due(&mut state, now);
            if !due.is_empty() {
                drop(state);
                due.into_iter().for_each(Waker::wake);
                state = lock(&self.state);
                continue;
            }
            // A new, earlier timer or the shutdown signals `changed` and cuts the sleep short.
            state = match Self::next_deadline(&state) {
                Some(next) => wait_timeout(&self.changed, state, next - now),
                None => wait(&self.changed, state),
            };
        }
    }
}

/// A future that completes once the executor's clock reaches its deadline.
#[derive(Debug)]
pub struct Sleep {
    timers: Arc<Timers>,
    deadline: Duration,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.timers.now() >= self.deadline {
            return Poll::Ready(());
        }
        // Hand the waker to the timers; the timer thread (or the virtual clock) will call it.
        // Polled again early, the future registers again: a duplicate only costs a spare wake.
        self.timers.register(self.deadline, cx.waker().clone());
        Poll::Pending
    }
}

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
            "executor stalled: {} task(s) returned Pending, yet no timer is pending and no waker \
             fired within {:?} (a future that returns Pending must make sure its waker is called)",
            self.unfinished, self.waited
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
        lock(&self.handle.0.timers.state).shutdown = true;
        self.handle.0.timers.changed.notify_one();
        if let Some(timer_thread) = self.timer_thread.take() {
            let _ = timer_thread.join();
        }
    }
}

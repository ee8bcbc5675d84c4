//! Micro-benchmarks of in-process channels, the building block under this chapter's servers:
//! how long one message takes to go to another thread (or task) and back, and how many messages
//! a second one sender can push to one receiver.
//!
//! - `round_trip`: ping-pong with an echo thread over std `mpsc`, over `crossbeam-channel`
//!   `bounded(0)` (a rendezvous: a send waits until the receiver takes the message) and
//!   `bounded(1)`, and over tokio's `mpsc` between two tasks on a current-thread runtime (the
//!   runtime this chapter's examples use for their clients). One iteration is one message there
//!   and one back.
//! - `one_way`: one iteration sends `ITEMS` messages to a consumer that acknowledges each batch
//!   once it has them all; divan reports the time per batch and the items per second.
//!
//! Run: `cargo bench -p chapter-11 --bench channels` (about 15 s). `cargo test -p chapter-11
//! --benches` runs each bench once, as a smoke test.
//!
//! Expect, on a 2-core machine: a round trip that parks costs microseconds — a receiver that
//! finds its channel empty parks, and waking a parked thread is a system call and a trip through
//! the scheduler, twice per round trip. That is `bounded(0)` (a rendezvous registers and parks at
//! once; tens of µs here) and std `mpsc` (about 10 µs here). `bounded(1)` first spins and yields
//! a few rounds before parking, so when both threads have a core the reply usually comes while
//! the waiter still spins: a few hundred ns. The tokio round trip never leaves its thread: two
//! task switches, under a microsecond. One way, a sender that is not made to wait for each
//! message (unbounded, or a buffer of 1024) moves tens of millions of messages a second; tokio's
//! single thread does both halves, so a few times fewer; a rendezvous moves one message per
//! wake-up, hundreds of times fewer. On a shared machine whose cores are busy, a parked thread
//! waits for a core too, and every thread-crossing figure grows: compare rows, not digits.
//! Book: chapter 11, building communication channels (the book's are asyncio transports; these
//! are the in-process channels Rust code reaches for first).

fn main() {
    divan::main();
}

/// Messages per `one_way` iteration: enough that the one acknowledgement per batch is noise.
const ITEMS: u64 = 10_000;

/// One message to an echo thread (or task) and its reply. A round trip is microseconds, so
/// divan times each one on its own; 1000 samples, at most a second per bench.
#[divan::bench_group(sample_count = 1000, max_time = 1)]
mod round_trip {
    use std::sync::mpsc;
    use std::thread;

    use divan::Bencher;

    #[divan::bench]
    fn std_mpsc(bencher: Bencher) {
        let (to_echo, echo_in) = mpsc::channel::<u64>();
        let (echo_out, from_echo) = mpsc::channel::<u64>();
        // The echo thread ends when the bench drops its sender.
        let echo = thread::spawn(move || {
            for message in echo_in {
                if echo_out.send(message).is_err() {
                    break;
                }
            }
        });
        bencher.bench_local(|| {
            to_echo.send(1).expect("the echo thread is running");
            from_echo.recv().expect("the echo thread replies")
        });
        drop(to_echo);
        echo.join().expect("the echo thread ends cleanly");
    }

    /// Both directions `crossbeam_channel::bounded(capacity)`.
    fn crossbeam(bencher: Bencher, capacity: usize) {
        let (to_echo, echo_in) = crossbeam_channel::bounded::<u64>(capacity);
        let (echo_out, from_echo) = crossbeam_channel::bounded::<u64>(capacity);
        let echo = thread::spawn(move || {
            for message in echo_in {
                if echo_out.send(message).is_err() {
                    break;
                }
            }
        });
        bencher.bench_local(|| {
            to_echo.send(1).expect("the echo thread is running");
            from_echo.recv().expect("the echo thread replies")
        });
        drop(to_echo);
        echo.join().expect("the echo thread ends cleanly");
    }

    #[divan::bench]
    fn crossbeam_bounded_0(bencher: Bencher) {
        crossbeam(bencher, 0);
    }

    #[divan::bench]
    fn crossbeam_bounded_1(bencher: Bencher) {
        crossbeam(bencher, 1);
    }

    /// Two tasks on one thread: `block_on` drives the bench's half and, while it waits, the
    /// spawned echo task.
    #[divan::bench]
    fn tokio_mpsc_current_thread(bencher: Bencher) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime builds");
        let (to_echo, mut echo_in) = tokio::sync::mpsc::channel::<u64>(1);
        let (echo_out, mut from_echo) = tokio::sync::mpsc::channel::<u64>(1);
        runtime.spawn(async move {
            while let Some(message) = echo_in.recv().await {
                if echo_out.send(message).await.is_err() {
                    break;
                }
            }
        });
        bencher.bench_local(|| {
            runtime.block_on(async {
                to_echo.send(1).await.expect("the echo task is running");
                from_echo.recv().await.expect("the echo task replies")
            })
        });
    }
}

/// `ITEMS` messages one way per iteration; the consumer acknowledges each full batch.
#[divan::bench_group(sample_count = 100, max_time = 1)]
mod one_way {
    use std::sync::mpsc;
    use std::thread;

    use divan::Bencher;
    use divan::counter::ItemsCount;

    use super::ITEMS;

    /// Runs the batches: `send` pushes one message, `acked` waits for the consumer's
    /// acknowledgement of a batch.
    fn batches(bencher: Bencher, send: impl Fn(u64), acked: impl Fn()) {
        bencher.counter(ItemsCount::new(ITEMS)).bench_local(|| {
            for item in 0..ITEMS {
                send(item);
            }
            acked();
        });
    }

    /// A consumer thread that receives from `next` until it ends and calls `ack` after every
    /// `ITEMS` messages.
    fn consumer(
        next: impl FnMut() -> Option<u64> + Send + 'static,
        ack: mpsc::Sender<()>,
    ) -> thread::JoinHandle<()> {
        thread::spawn(move || {
            let mut next = next;
            let mut received = 0;
            while next().is_some() {
                received += 1;
                if received % ITEMS == 0 && ack.send(()).is_err() {
                    break;
                }
            }
        })
    }

    #[divan::bench]
    fn std_mpsc_unbounded(bencher: Bencher) {
        let (tx, rx) = mpsc::channel::<u64>();
        let (ack, acks) = mpsc::channel();
        let consumer = consumer(move || rx.recv().ok(), ack);
        batches(
            bencher,
            |item| tx.send(item).expect("the consumer is running"),
            || acks.recv().expect("the consumer acknowledges"),
        );
        drop(tx);
        consumer.join().expect("the consumer ends cleanly");
    }

    #[divan::bench]
    fn std_sync_channel_1024(bencher: Bencher) {
        let (tx, rx) = mpsc::sync_channel::<u64>(1024);
        let (ack, acks) = mpsc::channel();
        let consumer = consumer(move || rx.recv().ok(), ack);
        batches(
            bencher,
            |item| tx.send(item).expect("the consumer is running"),
            || acks.recv().expect("the consumer acknowledges"),
        );
        drop(tx);
        consumer.join().expect("the consumer ends cleanly");
    }

    /// `crossbeam_channel::bounded(capacity)`, or `unbounded()` for `None`.
    fn crossbeam(bencher: Bencher, capacity: Option<usize>) {
        let (tx, rx) = match capacity {
            Some(capacity) => crossbeam_channel::bounded::<u64>(capacity),
            None => crossbeam_channel::unbounded::<u64>(),
        };
        let (ack, acks) = mpsc::channel();
        let consumer = consumer(move || rx.recv().ok(), ack);
        batches(
            bencher,
            |item| tx.send(item).expect("the consumer is running"),
            || acks.recv().expect("the consumer acknowledges"),
        );
        drop(tx);
        consumer.join().expect("the consumer ends cleanly");
    }

    #[divan::bench]
    fn crossbeam_unbounded(bencher: Bencher) {
        crossbeam(bencher, None);
    }

    #[divan::bench]
    fn crossbeam_bounded_1024(bencher: Bencher) {
        crossbeam(bencher, Some(1024));
    }

    /// Every message a rendezvous: the sender waits for the consumer each time.
    #[divan::bench]
    fn crossbeam_bounded_0(bencher: Bencher) {
        crossbeam(bencher, Some(0));
    }

    /// Producer and consumer are tasks on one current-thread runtime: when the buffer fills,
    /// the sender yields and the consumer drains it, on the same thread.
    #[divan::bench]
    fn tokio_mpsc_1024_current_thread(bencher: Bencher) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime builds");
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(1024);
        let (ack, mut acks) = tokio::sync::mpsc::channel::<()>(1);
        runtime.spawn(async move {
            let mut received = 0;
            while rx.recv().await.is_some() {
                received += 1;
                if received % ITEMS == 0 && ack.send(()).await.is_err() {
                    break;
                }
            }
        });
        bencher.counter(ItemsCount::new(ITEMS)).bench_local(|| {
            runtime.block_on(async {
                for item in 0..ITEMS {
                    tx.send(item).await.expect("the consumer task is running");
                }
                acks.recv().await.expect("the consumer task acknowledges");
            })
        });
    }
}

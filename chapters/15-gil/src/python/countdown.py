"""Chapter 15's CPU-bound workload in Python, written and run by `chapter-15 run python-side-by-side`.

The book's countdown (Chapter15/example2.py, example3.py): count down from COUNT in pure Python,
once on one thread, then split over two threads (one GIL: they take turns), then split over a
Pool of two processes (one interpreter, so one GIL, each: they run at once).

Usage: python3 countdown.py COUNT
Prints one line per measurement: "<name> <value>".
"""
import sys
import threading
import time
from multiprocessing import Pool


def countdown(n):
    while n > 0:
        n -= 1
    return n


def one_thread(count):
    return [countdown(count)]


def two_threads(count):
    halves = [count // 2, count - count // 2]
    left = [None, None]

    def run(i):
        left[i] = countdown(halves[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return left


def two_processes(count):
    halves = [count // 2, count - count // 2]
    # As in the book, the time includes starting the pool.
    with Pool(processes=2) as pool:
        results = [pool.apply_async(countdown, (half,)) for half in halves]
        return [r.get() for r in results]


def timed(name, work, count):
    start = time.perf_counter()
    left = work(count)
    elapsed = time.perf_counter() - start
    if any(n != 0 for n in left):
        raise SystemExit(f"{name}: the countdown did not reach zero")
    print(name, f"{elapsed:.6f}", flush=True)


if __name__ == "__main__":
    count = int(sys.argv[1])
    print("version", sys.version.split()[0], flush=True)
    print("switchinterval", sys.getswitchinterval(), flush=True)
    timed("one-thread", one_thread, count)
    timed("two-threads", two_threads, count)
    timed("two-processes", two_processes, count)

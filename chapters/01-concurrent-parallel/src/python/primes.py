"""Chapter 1's prime check in Python, written and run by `chapter-1 run python-side-by-side`.

The book's Chapter01/example1.py: test COUNT integers from 10**13 for primality by trial
division, one after the other, then with one job per number on a pool of WORKERS threads (one
GIL: they take turns) and on a pool of WORKERS processes (one interpreter, so one GIL, each).

Usage: python3 primes.py COUNT WORKERS
Prints one line per result: "<name> <value>" (times in seconds, primes space-separated).
"""
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

START = 10**13


def is_prime(x):
    if x < 2:
        return False
    if x == 2:
        return True
    if x % 2 == 0:
        return False
    limit = int(math.sqrt(x)) + 1
    for i in range(3, limit, 2):
        if x % i == 0:
            return False
    return True


def sequential(numbers, workers):
    return [n for n in numbers if is_prime(n)]


def pooled(executor_type):
    def run(numbers, workers):
        # As in the book: one job per number, answers collected as they complete (unordered),
        # the pool's start-up included in the time.
        with executor_type(max_workers=workers) as executor:
            jobs = {executor.submit(is_prime, n): n for n in numbers}
            return sorted(jobs[job] for job in as_completed(jobs) if job.result())

    return run


def timed(name, work, numbers, workers):
    start = time.perf_counter()
    primes = work(numbers, workers)
    elapsed = time.perf_counter() - start
    print(name, f"{elapsed:.6f}", flush=True)
    print(name + "-primes", *primes, flush=True)


if __name__ == "__main__":
    count, workers = int(sys.argv[1]), int(sys.argv[2])
    numbers = range(START, START + count)
    print("version", sys.version.split()[0], flush=True)
    timed("sequential", sequential, numbers, workers)
    timed("threads", pooled(ThreadPoolExecutor), numbers, workers)
    timed("processes", pooled(ProcessPoolExecutor), numbers, workers)

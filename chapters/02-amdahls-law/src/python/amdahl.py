"""Chapter 2's prime sweep in Python, written and run by `chapter-2 run python-side-by-side`.

The book's Chapter02/example1.py: test COUNT integers from 10**13 for primality by trial
division with one job per number on a ProcessPoolExecutor of 1 worker, then of 2 workers (one
interpreter, so one GIL, each: they run at once), collecting the answers as they complete.

Usage: python3 amdahl.py COUNT
Prints one line per result: "<name> <value>" (times in seconds).
"""
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

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


def sweep(numbers, workers):
    # As in the book, the time includes starting the pool.
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as executor:
        jobs = [executor.submit(is_prime, n) for n in numbers]
        primes = sum(1 for job in as_completed(jobs) if job.result())
    elapsed = time.perf_counter() - start
    print(f"workers-{workers}", f"{elapsed:.6f}", flush=True)
    print(f"workers-{workers}-primes", primes, flush=True)


if __name__ == "__main__":
    count = int(sys.argv[1])
    numbers = range(START, START + count)
    print("version", sys.version.split()[0], flush=True)
    for workers in (1, 2):
        sweep(numbers, workers)

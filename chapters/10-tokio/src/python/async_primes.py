"""Chapter 10's asynchronous prime check in Python, written and run by
`chapter-10 run python-side-by-side`.

The book's Chapter10/example3.py, example4.py and example6.py: check NUMBERS for primality by
trial division on one asyncio event loop, three ways: one after the other inside one coroutine
(the loop is blocked throughout), as one task per number that gives the loop a turn
(`await asyncio.sleep(0)`) every YIELD_EVERY divisors, and on a ProcessPoolExecutor of one
process per number through `loop.run_in_executor`, awaited with `asyncio.gather`.

Usage: python3 async_primes.py YIELD_EVERY NUMBER...
Prints one line per result: "<name> <value>" (times in seconds; "-answers" lines give 1 for a
prime and 0 for a composite, in the order of NUMBERS; "-order" lines the numbers as answered).
"""
import asyncio
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor


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


async def is_prime_yielding(x, yield_every):
    if x < 2:
        return False
    if x == 2:
        return True
    if x % 2 == 0:
        return False
    limit = int(math.sqrt(x)) + 1
    since_yield = 0
    for i in range(3, limit, 2):
        if x % i == 0:
            return False
        since_yield += 1
        if since_yield == yield_every:
            since_yield = 0
            await asyncio.sleep(0)
    return True


async def sync(numbers, yield_every, order):
    answers = []
    for n in numbers:
        answers.append(is_prime(n))
        order.append(n)
    return answers


async def yielding(numbers, yield_every, order):
    async def check(n):
        prime = await is_prime_yielding(n, yield_every)
        order.append(n)
        return prime

    return await asyncio.gather(*(check(n) for n in numbers))


async def executor(numbers, yield_every, order):
    loop = asyncio.get_running_loop()
    # As in the book, the time includes starting the pool.
    with ProcessPoolExecutor(max_workers=len(numbers)) as pool:

        async def check(n):
            prime = await loop.run_in_executor(pool, is_prime, n)
            order.append(n)
            return prime

        return await asyncio.gather(*(check(n) for n in numbers))


def timed(name, style, numbers, yield_every):
    order = []
    start = time.perf_counter()
    answers = asyncio.run(style(numbers, yield_every, order))
    elapsed = time.perf_counter() - start
    print(name, f"{elapsed:.6f}", flush=True)
    print(name + "-answers", *(int(a) for a in answers), flush=True)
    print(name + "-order", *order, flush=True)


if __name__ == "__main__":
    yield_every = int(sys.argv[1])
    numbers = [int(n) for n in sys.argv[2:]]
    print("version", sys.version.split()[0], flush=True)
    timed("sync", sync, numbers, yield_every)
    timed("yielding", yielding, numbers, yield_every)
    timed("executor", executor, numbers, yield_every)

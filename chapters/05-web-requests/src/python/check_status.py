"""Chapter 5's status checks in Python, written and run by `chapter-5 run python-side-by-side`.

The book's Chapter05/example2.py and example3.py with the standard library in place of
`requests`: GET each URL (the chapter's local status server, /status/CODE?sleep=MS) one after
the other, or on a ThreadPoolExecutor of WORKERS threads, and note each answer's status code.
Waiting on a socket releases the GIL, so the threads' waits overlap.

Usage: python3 check_status.py sequential|threads WORKERS TIMEOUT_S URL...
Prints one line per result: "<name> <value>" (the time in seconds; the statuses in the order
of the URLs, 0 for a request that failed).
"""
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def status(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:  # 4xx and 5xx are answers too
        error.read()
        return error.code
    except OSError:
        return 0


def sequential(urls, workers, timeout):
    return [status(url, timeout) for url in urls]


def threads(urls, workers, timeout):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda url: status(url, timeout), urls))


if __name__ == "__main__":
    mode, workers, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    urls = sys.argv[4:]
    check = {"sequential": sequential, "threads": threads}[mode]
    print("version", sys.version.split()[0], flush=True)
    start = time.perf_counter()
    statuses = check(urls, workers, timeout)
    elapsed = time.perf_counter() - start
    print(mode, f"{elapsed:.6f}", flush=True)
    print(mode + "-statuses", *statuses, flush=True)

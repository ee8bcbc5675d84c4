#!/usr/bin/env python3
"""Chapter 8 against OpenCV: the same images, pixel by pixel, and OpenCV's time on them.

Optional: needs `cv2` (pip install opencv-python-headless numpy); without it, it prints one
line and exits 0. Nothing in the project's tests needs it.

    python3 chapters/08-image-processing/compare_opencv.py PATH [PATH ...]

Each PATH is an image or a directory of them (the book's Chapter08 `tiles/` and `ship.jpg`).
The images of each PATH are thresholded three ways by `chapter-8 threshold` (built in release
mode) and by OpenCV (`cvtColor(BGR2GRAY)`, then `adaptiveThreshold(gray, 255,
ADAPTIVE_THRESH_GAUSSIAN_C, THRESH_BINARY, 11, 2)`), and the outputs compared pixel by pixel:

  1. from OpenCV's gray image (written as PNG): the threshold alone;
  2. from OpenCV's decoded colour image (written as PNG): grayscale + threshold;
  3. from the files themselves: JPEG decoding too (zune-jpeg against libjpeg-turbo).

Then OpenCV's one pass (read + gray + threshold of every file, one process, one thread) and its
decoding alone are timed, best and median of 20, beside the chapter's own pass on 1 and 2
threads (the `threshold` tool's figure, best and median of 10 runs). Exit 1 if 1 or 2 differ.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import cv2
    import numpy as np
except ImportError:
    print("compare_opencv.py: cv2 is not installed (pip install opencv-python-headless numpy); "
          "nothing compared")
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IMAGES = (".png", ".jpg", ".jpeg")


def chapter_binary():
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "chapter-8"],
                   cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "chapter-8")


def images(path):
    if os.path.isdir(path):
        return sorted(os.path.join(path, f) for f in os.listdir(path)
                      if f.lower().endswith(IMAGES))
    return [path]


def opencv_threshold(gray):
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                 cv2.THRESH_BINARY, 11, 2)


def run_tool(binary, folder, out, threads=1):
    """Runs `chapter-8 threshold` on `folder`; returns its pass time in seconds."""
    done = subprocess.run([binary, "threshold", "--input", folder, "--out", out,
                           "--threads", str(threads)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"chapter-8 threshold failed on {folder}:\n{done.stdout}{done.stderr}")
    found = re.search(r"in ([\d.,]+) (ns|µs|ms|s) on", done.stdout)
    scale = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}[found.group(2)]
    return float(found.group(1).replace(",", "")) * scale


def differing(folder_out, names, expected):
    """Pixels of the tool's outputs that differ from OpenCV's, and the pixels compared."""
    differ = total = 0
    for name, want in zip(names, expected):
        got = cv2.imread(os.path.join(folder_out, name + "_gaussian.png"), cv2.IMREAD_GRAYSCALE)
        differ += int(np.count_nonzero(got != want))
        total += want.size
    return differ, total


def compare(binary, path, scratch):
    files = images(path)
    names = [os.path.splitext(os.path.basename(f))[0] for f in files]
    bgr = [cv2.imread(f, cv2.IMREAD_COLOR) for f in files]
    gray = [cv2.cvtColor(b, cv2.COLOR_BGR2GRAY) for b in bgr]
    want = [opencv_threshold(g) for g in gray]
    ways = {}
    for way, pictures in (("gray", gray), ("colour", bgr), ("file", None)):
        folder = os.path.join(scratch, way)
        os.makedirs(folder)
        for name, picture, source in zip(names, pictures or files, files):
            if pictures is None:
                shutil.copy(source, folder)
            else:
                cv2.imwrite(os.path.join(folder, name + ".png"), picture)
        run_tool(binary, folder, folder + "-out")
        ways[way] = differing(folder + "-out", names, want)
    label = os.path.basename(os.path.normpath(path))
    print(f"{label}: {len(files)} images, {ways['file'][1]:,} pixels; "
          f"pixels that differ from OpenCV:")
    for way, text in (("gray", "from OpenCV's gray (the threshold alone)"),
                      ("colour", "from OpenCV's colour (grayscale + threshold)"),
                      ("file", "from the files (decoding too)")):
        differ, total = ways[way]
        print(f"  {text:46} {differ:>7,}  ({100 * (total - differ) / total:.3f} % agree)")
    return files, ways


def timed(work, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def ms(pair):
    return f"best {pair[0] * 1e3:.1f} ms, median {pair[1] * 1e3:.1f} ms"


def timings(binary, files, scratch):
    cv2.setNumThreads(1)

    def read():
        for f in files:
            cv2.imread(f, cv2.IMREAD_COLOR)

    def one_pass():
        for f in files:
            opencv_threshold(cv2.cvtColor(cv2.imread(f, cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY))

    one_pass()
    print(f"OpenCV {cv2.__version__}, one thread, {len(files)} files, 20 runs:")
    print(f"  read + gray + threshold   {ms(timed(one_pass, 20))}")
    print(f"  read (decode) alone       {ms(timed(read, 20))}")
    folder = os.path.dirname(files[0])
    print("chapter-8 threshold (the pass it reports), 10 runs:")
    for threads in (1, 2):
        runs = [run_tool(binary, folder, os.path.join(scratch, "timing"), threads)
                for _ in range(10)]
        print(f"  {threads} thread{'s' if threads > 1 else ' '}                 "
              f"{ms((min(runs), statistics.median(runs)))}")
    print(f"  (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


def main():
    paths = sys.argv[1:]
    if not paths:
        print("usage: " + __doc__.split("\n\n")[2].strip(), file=sys.stderr)
        sys.exit(2)
    binary = chapter_binary()
    exact = True
    largest = []
    with tempfile.TemporaryDirectory() as scratch:
        for i, path in enumerate(paths):
            files, ways = compare(binary, path, os.path.join(scratch, str(i)))
            exact &= ways["gray"][0] == 0 and ways["colour"][0] == 0
            largest = max(largest, files, key=len)
        timings(binary, largest, scratch)
    sys.exit(0 if exact else 1)


if __name__ == "__main__":
    main()

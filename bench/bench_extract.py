"""Speed and memory of `extract` (the in-process pipeline), one core.

    .venv/bin/python bench/bench_extract.py [--repeat N]

Prints, per seed document: size, p50 / p95 / mean milliseconds per extraction over N runs, and
documents per second; then time against input size (100 KB … 1 MB, built by repeating the seeds)
to show the pipeline is linear; then the peak memory of one 1 MB extraction, measured in a fresh
process (peak RSS of the whole process, and the peak of Python allocations during the call).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


def _time(data: bytes, repeat: int) -> list[float]:
    from services.pipeline import extract

    extract(data)  # warm-up: imports, OpenCC dictionaries, regex compilation
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        extract(data)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _corpus() -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(SEEDS.glob("*.txt")))


def _sized(size: int) -> bytes:
    corpus = _corpus()
    return (corpus * (size // len(corpus) + 1))[:size].decode("utf-8", "ignore").encode("utf-8")


def _memory_child(size: int) -> None:
    import tracemalloc

    from services.pipeline import extract

    data = _sized(size)
    extract(b"warm-up text: 2021\xe5\xb9\xb4")
    tracemalloc.start()
    extract(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"tracemalloc_peak_mb": peak / 2**20, "max_rss_mb": rss_kb / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        _memory_child(args.memory_child)
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says

    print(f"{'document':<28}{'bytes':>8}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'docs/s':>9}")
    all_p50 = []
    for path in sorted(SEEDS.glob("*.txt")):
        data = path.read_bytes()
        times = sorted(_time(data, args.repeat))
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        all_p50.append(p50)
        mean = statistics.fmean(times)
        print(f"{path.name:<28}{len(data):>8}{p50:>9.2f}{p95:>9.2f}{mean:>9.2f}{1000 / mean:>9.0f}")
    print(f"{'median of seed p50s':<28}{'':>8}{statistics.median(all_p50):>9.2f}")

    print(f"\n{'input size':<14}{'ms':>10}{'ms per 100 KB':>16}")
    for size in (100_000, 250_000, 500_000, 1_000_000):
        data = _sized(size)
        best = min(_time(data, 3))
        print(f"{size // 1000:>6} KB{'':<7}{best:>10.1f}{best / (size / 100_000):>16.1f}")

    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", "1000000"],
        capture_output=True,
        text=True,
        check=True,
    )
    mem = json.loads(child.stdout)
    print(
        f"\npeak memory, one 1 MB extraction in a fresh process: "
        f"RSS {mem['max_rss_mb']:.0f} MB (whole process), "
        f"Python allocations during the call {mem['tracemalloc_peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()

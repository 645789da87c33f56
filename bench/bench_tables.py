"""Speed of the table parser (`parse_tables`, pipeline step "tables"), one core.

    .venv/bin/python bench/bench_tables.py [--repeat N]

Prints, per input: size in characters, best / p50 / p95 milliseconds per call over N runs.
Inputs: seed 004 (normalised), a ~20 KB report per flattened layout (the three tables inside
prose), a report with glued rows, and 1 MB inputs that stress each bound (random table-like
garbage, a million-digit run, repeated reports, one enormous line, unbalanced brackets).
Budget: ~3 ms for a typical 20 KB report; well under a second for 1 MB.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.pipeline.normalise import normalise  # noqa: E402
from services.pipeline.tables import parse_tables  # noqa: E402
from tests.pipeline.tables.layouts import (  # noqa: E402
    LAYOUTS,
    Layout,
    printed,
    render,
    request_values,
    requests_items,
    review_items,
    wrap_report,
)

SEED = REPO.parent / "shared" / "seeds" / "004_6bdcad6606f9a5c6.txt"
PROSE = (
    "本机关认真贯彻落实条例要求,不断完善制度,提高政府信息公开工作质量和水平,切实保障人民群众知情权。"
    * 3
)
TABLEISH = "0123456789 |\n-+.元件规章行政许可总计其他(一)1.、予以公开结果维持"


def report(layout: Layout, glued: bool = False) -> str:
    values = printed(request_values("2021"))
    if glued:
        values["granted"] = ["".join(values["granted"])]
    reviews = ["0"] * 15 if not glued else ["000000000000000"]
    body = wrap_report(
        ("三、收到和处理政府信息公开申请情况", render(requests_items("2021", values), layout)),
        ("四、政府信息公开行政复议、行政诉讼情况", render(review_items(reviews), layout)),
    )
    padding = (PROSE + "\n") * 60
    return normalise(padding + body + padding).text


def inputs() -> list[tuple[str, str]]:
    rnd = random.Random(1)
    out = [("seed 004", normalise(SEED.read_text(encoding="utf-8")).text)]
    out += [(f"20 KB report, {layout}", report(layout)) for layout in LAYOUTS]
    out.append(("20 KB report, glued rows", report("space_rows", glued=True)))
    one = report("pipe_lines")
    out += [
        ("1 MB random table-like garbage", "".join(rnd.choice(TABLEISH) for _ in range(1_000_000))),
        ("1 MB repeated reports", (one * (1_000_000 // len(one) + 1))[:1_000_000]),
        ("1 MB one line of rows", "规章 0 0 0 " * 100_000),
        ("1 MB glued digit run", "行政许可" + "7" * 999_996),
        ("1 MB unbalanced brackets", "(" * 500_000 + "1\n" * 250_000),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"{'input':34s} {'chars':>9s} {'best ms':>9s} {'p50 ms':>9s} {'p95 ms':>9s}")
    for name, text in inputs():
        parse_tables(text, [])  # warm-up
        repeat = args.repeat if len(text) < 200_000 else max(3, args.repeat // 10)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            parse_tables(text, [])
            times.append((time.perf_counter() - start) * 1000)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        print(
            f"{name:34s} {len(text):9d} {min(times):9.2f} {statistics.median(times):9.2f} {p95:9.2f}"
        )


if __name__ == "__main__":
    main()

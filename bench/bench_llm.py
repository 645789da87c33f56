"""Figures of the LLM step over the seed documents, against the fake OpenAI-compatible server
(`tests/support/fake_llm.py`, started as a subprocess on loopback):

    .venv/bin/python bench/bench_llm.py [--runs 30] [--seeds ../shared/seeds]

1. Prompt tokens sent per document, against sending the whole document in the same prompt
   (target: at most 40%). Both go through the same server and the same token count (one token
   per Chinese character or punctuation mark, one per four letters or digits); "whole" is the
   document as submitted, "whole (norm.)" the normalised text, which is shorter for documents
   with pinyin glosses or site chrome.
2. What a cache hit costs (target: 0 tokens).
3. The pipeline's own overhead per document with a zero-latency loopback LLM (target: under
   20 ms beyond the core): median of `extract()` with the refiner, without caching, minus the
   median without a refiner. "echo" answers with every item (grounding and merging work),
   "empty" answers with none (the HTTP round trip and the plumbing alone).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from prompts import SectionText, load_prompt  # noqa: E402
from schemas.llm import SCHEMA_NAME, output_json_schema  # noqa: E402
from services.config import Settings, override_settings  # noqa: E402
from services.llm import LlmRefiner, MemoryLlmCache  # noqa: E402
from services.llm.cache import CachedAnswer  # noqa: E402
from services.llm.client import ChatRequest, LlmClient  # noqa: E402
from services.llm.usage import AttemptLog, UsageMeter  # noqa: E402
from services.pipeline import extract  # noqa: E402
from services.pipeline.normalise import normalise  # noqa: E402

FAKE = REPO / "tests" / "support" / "fake_llm.py"


class NoCache:
    """Every chunk asks the server: what a document costs the first time."""

    def get(self, key: str) -> CachedAnswer | None:
        return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        return None


@contextmanager
def fake_server(mode: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, str(FAKE), "--port", "0", "--mode", mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"(http://\S+/v1)", line)
        if not found:
            raise RuntimeError(f"fake LLM server did not start: {line!r}")
        yield found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def settings_for(url: str) -> Settings:
    return override_settings(llm_base_url=url, llm_model="fake-model", llm_timeout_s=10)


def whole_document_tokens(settings: Settings, text: str) -> int:
    """Prompt tokens of one request carrying the whole `text` in the same prompt."""
    prompt = load_prompt("free_text", settings.llm_prompt_version)
    request = ChatRequest(
        prompt.messages(prompt.render([SectionText("全文", text)])),
        output_json_schema(),
        SCHEMA_NAME,
        "",
    )
    client = LlmClient(settings)
    try:
        usage = UsageMeter()
        client.complete(request, attempts=AttemptLog(), usage=usage)
        return usage.prompt_tokens
    finally:
        client.close()


def elapsed_ms(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def token_table(seeds: list[Path]) -> None:
    print("\n1-2. Prompt tokens per document (echo-rules server)\n")
    head = f"{'document':<28}{'sent':>7}{'whole':>8}{'ratio':>8}{'whole (norm.)':>15}{'ratio':>8}{'cache hit':>11}"
    print(head)
    print("-" * len(head))
    sums = [0, 0, 0]
    with fake_server("echo-rules") as url:
        settings = settings_for(url)
        refiner = LlmRefiner(settings, MemoryLlmCache())
        try:
            for path in seeds:
                text = path.read_text(encoding="utf-8")
                first = extract(text, refiner=refiner).provenance
                hit = extract(text, refiner=refiner).provenance
                sent = first.llm_usage.prompt_tokens
                whole = whole_document_tokens(settings, text)
                whole_norm = whole_document_tokens(settings, normalise(text).text)
                sums = [sums[0] + sent, sums[1] + whole, sums[2] + whole_norm]
                hit_cost = hit.llm_usage.prompt_tokens + hit.llm_usage.completion_tokens
                print(
                    f"{path.name[:27]:<28}{sent:>7}{whole:>8}{sent / whole:>8.0%}"
                    f"{whole_norm:>15}{sent / whole_norm:>8.0%}{hit_cost:>8} ({hit.llm_status})"
                )
        finally:
            refiner.close()
    print("-" * len(head))
    print(
        f"{'all seeds':<28}{sums[0]:>7}{sums[1]:>8}{sums[0] / sums[1]:>8.0%}{sums[2]:>15}{sums[0] / sums[2]:>8.0%}"
    )


def overhead_table(seeds: list[Path], runs: int) -> None:
    print(f"\n3. Overhead per document, zero-latency loopback LLM (median of {runs} runs, ms)\n")
    head = f"{'document':<28}{'core':>8}{'+echo':>9}{'overhead':>10}{'+empty':>9}{'overhead':>10}"
    print(head)
    print("-" * len(head))
    with fake_server("echo-rules") as echo_url, fake_server("zero-latency") as empty_url:
        echo = LlmRefiner(settings_for(echo_url), NoCache())
        empty = LlmRefiner(settings_for(empty_url), NoCache())
        try:
            for path in seeds:
                text = path.read_text(encoding="utf-8")
                variants = {
                    "core": partial(extract, text),
                    "echo": partial(extract, text, refiner=echo),
                    "empty": partial(extract, text, refiner=empty),
                }
                for run in variants.values():
                    run()  # warm-up: imports, caches, the first connection
                # Interleaved, so that load from elsewhere on the machine hits all three alike.
                times: dict[str, list[float]] = {name: [] for name in variants}
                for _ in range(runs):
                    for name, run in variants.items():
                        times[name].append(elapsed_ms(run))
                core, with_echo, with_empty = (statistics.median(times[n]) for n in variants)
                print(
                    f"{path.name[:27]:<28}{core:>8.1f}{with_echo:>9.1f}{with_echo - core:>10.1f}"
                    f"{with_empty:>9.1f}{with_empty - core:>10.1f}"
                )
        finally:
            echo.close()
            empty.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = parser.parse_args()
    seeds = sorted(args.seeds.glob("*.txt"))
    if not seeds:
        print(f"no seed documents in {args.seeds}", file=sys.stderr)
        return 1
    token_table(seeds)
    overhead_table(seeds, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `ogi-extract` console script, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "services.cli"]


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=120, check=False)


def test_extract_prints_one_record_per_file(seeds_dir: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    done = _run("extract", *files)
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert len(lines) == len(files)
    records = [json.loads(line) for line in lines]
    assert {r["doc_type"] for r in records} == {"annual_report", "work_plan"}
    assert all(r["provenance"]["pipeline_version"] for r in records)


def test_a_bad_file_is_reported_and_the_others_still_run(tmp_path: Path, seeds_dir: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    good = next(iter(sorted(seeds_dir.glob("*.txt"))))
    done = _run("extract", str(empty), str(good), str(binary), str(tmp_path / "missing.txt"))
    assert done.returncode == 1
    assert len(done.stdout.decode().splitlines()) == 1
    err = done.stderr.decode()
    assert f"{empty}: the document is empty" in err
    assert f"{binary}: contains NUL bytes" in err
    assert "missing.txt: No such file or directory" in err


def test_stdin_in_gbk() -> None:
    text = "某市统计局2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息12条。"
    done = _run("extract", "-", stdin=text.encode("gbk"))
    assert done.returncode == 0, done.stderr.decode()
    record = json.loads(done.stdout)
    assert record["metadata"]["agency"]["value"] == "某市统计局"
    assert record["narrative"]["proactive_total"]["value"] == 12


def test_schema_is_the_records_json_schema() -> None:
    done = _run("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["title"] == "Record"
    assert {"metadata", "requests", "checks", "provenance"} <= set(schema["properties"])


def test_extract_uses_the_llm_when_an_endpoint_is_configured(seeds_dir: Path) -> None:
    from tests.support.fake_llm import FakeLlm

    seed = seeds_dir / "004_6bdcad6606f9a5c6.txt"
    with FakeLlm() as server:
        env = {**os.environ, "LLM_BASE_URL": server.url, "LLM_MODEL": "fake-model"}
        done = subprocess.run(
            [*CLI, "extract", str(seed)], capture_output=True, timeout=120, check=False, env=env
        )
        assert done.returncode == 0, done.stderr.decode()
        assert server.requests, "the CLI never called the LLM"
    provenance = json.loads(done.stdout)["provenance"]
    assert provenance["model"] == "fake-model"
    assert provenance["prompt_version"] and provenance["llm_status"] == "ok"
    assert provenance["llm_usage"]["prompt_tokens"] > 0

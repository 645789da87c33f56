"""The five real seed documents (`shared/seeds/`, beside the repository)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@cache
def seed_names() -> tuple[str, ...]:
    names = tuple(sorted(p.name for p in SEED_DIR.glob("*.txt")))
    if not names:
        raise FileNotFoundError(f"no seed documents in {SEED_DIR} (expected shared/seeds/*.txt)")
    return names


@cache
def seed_text(name: str) -> str:
    return (SEED_DIR / name).read_text(encoding="utf-8")

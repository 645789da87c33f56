"""Root fixtures shared by every test package: where the spec's seed documents live."""

from __future__ import annotations

from pathlib import Path

import pytest

# Real-parts fixtures (PostgreSQL database, Redis, Celery workers, API server) live in one module,
# so a single database and worker serve the whole session.
pytest_plugins = ["tests.support.service_fixtures"]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed documents not found at {SEEDS} (shared/ must sit beside the repo)")
    return SEEDS

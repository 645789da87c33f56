"""Migrations: they build the schema the models declare, on SQLite and PostgreSQL, and
`ogi-extract migrate` finds them from any working directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool

from services.storage.migrate import current_revision, head_revision, upgrade
from services.storage.models import Base
from tests.support.processes import REPO


def _differences(url: str) -> list[object]:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return list(diff)


def test_migrated_sqlite_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    assert current_revision(url) == head_revision()
    assert _differences(url) == []


def test_migrated_postgres_matches_the_models(pg_url: str) -> None:
    assert current_revision(pg_url) == head_revision()
    assert _differences(pg_url) == []


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    upgrade(url)
    upgrade(url)
    tables = set(inspect(create_engine(url, poolclass=pool.NullPool)).get_table_names())
    assert {"documents", "jobs", "records", "record_versions", "llm_cache"} <= tables


def test_migrate_command_works_from_another_directory(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = tmp_path / "cli.db"
    result = subprocess.run(
        [sys.executable, "-m", "services.cli_service", "migrate"],
        cwd=elsewhere,
        env={"PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"database at revision {head_revision()}" in result.stdout
    assert db.exists()

"""Real databases for tests: a PostgreSQL database of our own per test session (the server is
shared with other engineers), and SQLite files in a temporary folder."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import create_engine, pool, text

from services.storage.migrate import upgrade
from services.storage.models import Base

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_ADMIN_DB = "test"


def create_postgres_database() -> str:
    """CREATE a fresh, migrated database; returns its URL."""
    name = f"ogi_test_{secrets.token_hex(4)}"
    admin = create_engine(
        f"{PG_SERVER}/{PG_ADMIN_DB}", isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{PG_SERVER}/{name}"
    upgrade(url)
    return url


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(
        f"{PG_SERVER}/{PG_ADMIN_DB}", isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create_sqlite_database(folder: Path) -> str:
    url = f"sqlite:///{folder / f'ogi-{secrets.token_hex(3)}.db'}"
    upgrade(url)
    return url


def empty_all_tables(url: str) -> None:
    """Delete every row (children first), keeping the schema and the Alembic revision."""
    engine = create_engine(url, poolclass=pool.NullPool)
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    engine.dispose()

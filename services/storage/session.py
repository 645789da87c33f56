"""Engines and sessions, built from `get_settings().database_url`.

    with write_session() as session:   # one transaction, committed on success
        ...
    with read_session() as session:    # no writes expected; nothing is committed

Transactions belong at the edge (one per HTTP request or task), so repositories never commit.
SQLite, the embedded default, is shared by the API and worker processes: it runs in WAL mode
with a busy timeout, and a write transaction takes the write lock up front (`BEGIN
IMMEDIATE`); otherwise two processes that both read, then write, fail with "database is
locked" instead of waiting their turn.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from services.config import get_settings

_WRITE = "ogi_write"
_SQLITE_BUSY_TIMEOUT_MS = 30_000

# (pid, url) -> factory: a forked worker process must not reuse its parent's connections.
_factories: dict[tuple[int, str], sessionmaker[Session]] = {}


def session_factory(database_url: str | None = None) -> sessionmaker[Session]:
    """The process's session factory for a database (default: the configured one)."""
    url = database_url or get_settings().database_url
    key = (os.getpid(), url)
    factory = _factories.get(key)
    if factory is None:
        factory = sessionmaker(bind=build_engine(url), expire_on_commit=False)
        _factories[key] = factory
    return factory


def build_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    size = get_settings().database_pool_size
    return create_engine(url, pool_size=size, max_overflow=2 * size, pool_pre_ping=True)


@contextmanager
def write_session(database_url: str | None = None) -> Iterator[Session]:
    """One read-write transaction: committed when the block ends, rolled back on error."""
    session = session_factory(database_url)()
    try:
        session.connection(execution_options={_WRITE: True})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(database_url: str | None = None) -> Iterator[Session]:
    """A read-only unit of work; nothing is committed."""
    session = session_factory(database_url)()
    try:
        yield session
    finally:
        # close (not rollback): objects read stay usable, detached; the pool ends the transaction
        session.close()


def dispose_all() -> None:
    """Close every pooled connection of this process (tests, shutdown)."""
    for (pid, _url), factory in list(_factories.items()):
        if pid == os.getpid():
            bind = factory.kw["bind"]
            if isinstance(bind, Engine):
                bind.dispose()
        del _factories[(pid, _url)]


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred only).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine

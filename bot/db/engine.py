"""Engines and units of work.

Why: every process (action server, staff app, CLI) opens the database the same way — 2.0-style engine,
connections checked before use, SQLite made safe for concurrent writers — and every piece of work runs in
`with session_scope() as session:` which commits on success and rolls back on error. There is no global
session; engines are cached per URL because they own connection pools.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Iterator, Optional, Union

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session

from bot.db.crypto import active_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _prepare_sqlite(engine: Engine, database: Optional[str]) -> None:
    in_memory = not database or database == ":memory:" or database.startswith("file::memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy (not pysqlite) decide when transactions begin; see _on_begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front and waits (busy_timeout) for it. A deferred transaction
        # that reads and then writes can fail at once with "database is locked" when another writer
        # got in between; with IMMEDIATE concurrent units of work simply queue.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: Union[str, URL], **kwargs) -> Engine:
    """A new 2.0-style engine for `url` (prefer `get_engine` in application code)."""
    u = url if isinstance(url, URL) else make_url(str(url))
    options: dict = {"future": True, "pool_pre_ping": True}
    if u.get_backend_name() == "sqlite":
        database = u.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif u.get_backend_name() == "postgresql" and u.get_driver_name() in ("psycopg2", "psycopg2cffi"):
        options["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    options.update(kwargs)
    engine = create_engine(u, **options)
    if u.get_backend_name() == "sqlite":
        _prepare_sqlite(engine, u.database)
    return engine


def get_engine(url: Optional[str] = None) -> Engine:
    """The process-wide engine for `url` (default: settings.database_url), created on first use."""
    if url is None:
        url = active_settings().database_url
    url = str(url)
    engine = _engines.get(url)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(url)
            if engine is None:
                engine = _engines[url] = make_engine(url)
    return engine


def dispose_engines(url: Optional[str] = None) -> None:
    """Close pooled connections (all engines, or the one for `url`) and forget them. For tests and shutdown."""
    with _engines_lock:
        urls = [str(url)] if url is not None else list(_engines)
        for u in urls:
            engine = _engines.pop(u, None)
            if engine is not None:
                engine.dispose()


@contextlib.contextmanager
def session_scope(engine: Union[Engine, str, None] = None) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises, always close.

    `engine` may be an Engine, a URL, or None for the configured database.
    """
    if not isinstance(engine, Engine):
        engine = get_engine(engine)
    session = Session(engine, future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

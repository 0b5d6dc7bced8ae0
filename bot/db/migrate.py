"""Apply the Alembic migrations shipped in bot/db/migrations.

Why a function: `make run`, `make test`, `mediation-admin migrate` and the test fixtures all bring a
database to the current schema the same way, with no alembic.ini at the repository root.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db.engine import make_engine
from bot.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Alembic's `context` is process-global, so migrations in one process run one at a time. Across processes,
# env.py takes a PostgreSQL advisory lock; SQLite serializes through BEGIN IMMEDIATE.
_lock = threading.RLock()


def alembic_config(url: Optional[str] = None) -> Config:
    if url is None:
        url = get_settings().database_url
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % specially; URLs may contain %-escaped passwords.
    cfg.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    return cfg


def upgrade(url: Optional[str] = None, revision: str = "head") -> str:
    """Migrate the database at `url` (default: settings) up to `revision`; returns the revision reached."""
    with _lock:
        command.upgrade(alembic_config(url), revision)
        return current(url) or ""


def downgrade(url: Optional[str], revision: str) -> None:
    with _lock:
        command.downgrade(alembic_config(url), revision)


def head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current(url: Optional[str] = None) -> Optional[str]:
    """The revision the database is at, or None if it was never migrated."""
    cfg = alembic_config(url)
    engine = make_engine((cfg.get_main_option("sqlalchemy.url") or "").replace("%%", "%"), pool_pre_ping=False)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()

"""Shared fixtures: isolated settings/keys, a real database on SQLite AND PostgreSQL, migrated.

Why here: every database test must run against both engines with fresh keys and an empty outbox, and
must never touch the developer's var/ folder.

* `mediation_env`  → Settings with throwaway MEDIATION_ENCRYPTION_KEY / MEDIATION_SECRET_KEY /
                     MEDIATION_OUTBOX_DIR / MEDIATION_VAR_DIR set in os.environ (settings cache reset).
* `db_url`         → URL of an empty database; parametrized: a SQLite file, and a throwaway PostgreSQL
                     database on 127.0.0.1:5432 (marked `postgres`). If PostgreSQL is unreachable the test
                     FAILS, unless MEDIATION_SKIP_POSTGRES=1.
* `migrated_db`    → Settings whose database_url is `db_url`, migrated to head, DATABASE_URL exported.
* `make_pg_database` → `make_pg_database()` creates another throwaway PostgreSQL database and returns its
                     name (dropped at teardown); `pg_url(name, port=...)` builds its URL.
* `make_draft`     → factory for a valid RequestDraft (keyword overrides).
"""

from __future__ import annotations

import os
import uuid
from datetime import date
from typing import Iterator

import pytest

# The real Rasa + action server + staff app stack, shared by e2e, channel and browser tests.
pytest_plugins = ["tests.stack"]

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "root"
PG_ADMIN_DB = "test"


def pg_url(database: str, host: str = PG_HOST, port: int = PG_PORT) -> str:
    return f"postgresql+psycopg2://{PG_USER}@{host}:{port}/{database}"


def _pg_admin():
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=PG_ADMIN_DB, connect_timeout=5)
    conn.autocommit = True
    return conn


@pytest.fixture
def mediation_env(tmp_path, monkeypatch):
    """Fresh keys, outbox and var dir in the environment; returns the resulting Settings."""
    import secrets

    from cryptography.fernet import Fernet

    from bot.settings import get_settings, reset_settings_cache

    monkeypatch.setenv("MEDIATION_ENV", "test")
    monkeypatch.setenv("MEDIATION_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("MEDIATION_SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("MEDIATION_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("MEDIATION_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name in ("SMTP_HOST", "STAFF_NOTIFY_TO"):
        monkeypatch.delenv(name, raising=False)
    reset_settings_cache()
    _reset_lookup_memory()
    yield get_settings()
    reset_settings_cache()
    _reset_lookup_memory()


def _reset_lookup_memory() -> None:
    try:
        from bot.requests.lookup import _memory_lockout
    except ImportError:  # pragma: no cover
        return
    _memory_lockout.clear()


@pytest.fixture
def make_pg_database():
    """Creates uniquely named PostgreSQL databases on demand; drops them all at teardown.

    Fails the test if PostgreSQL is unreachable, unless MEDIATION_SKIP_POSTGRES=1 (then skips).
    """
    from bot.db.engine import dispose_engines

    try:
        admin = _pg_admin()
    except Exception as exc:
        if os.environ.get("MEDIATION_SKIP_POSTGRES") == "1":
            pytest.skip(f"PostgreSQL not reachable and MEDIATION_SKIP_POSTGRES=1: {type(exc).__name__}")
        pytest.fail(
            f"PostgreSQL at {PG_HOST}:{PG_PORT} (user {PG_USER}, db {PG_ADMIN_DB}) is not reachable: {exc}. "
            "Start it, or set MEDIATION_SKIP_POSTGRES=1 to skip the PostgreSQL half of the database tests."
        )
    created: list[str] = []

    def _create() -> str:
        name = f"mediation_test_{uuid.uuid4().hex[:12]}"
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return name

    try:
        yield _create
    finally:
        # Drop pooled connections first (ours and any other URL pointing at these databases).
        dispose_engines()
        with admin.cursor() as cur:
            for name in created:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database: a SQLite file, or a uniquely named throwaway PostgreSQL database."""
    from bot.db.engine import dispose_engines

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mediation-test.db'}"
        yield url
        dispose_engines(url)
        return
    yield pg_url(request.getfixturevalue("make_pg_database")())


@pytest.fixture
def migrated_db(db_url, mediation_env, monkeypatch):
    """Settings pointing at `db_url`, migrated to the latest revision (DATABASE_URL is exported too)."""
    from bot.db.migrate import upgrade
    from bot.settings import get_settings, reset_settings_cache

    monkeypatch.setenv("DATABASE_URL", db_url)
    reset_settings_cache()
    upgrade(db_url)
    yield get_settings()
    reset_settings_cache()


@pytest.fixture
def make_draft():
    """`make_draft(**overrides)` → a valid RequestDraft (phone/email already normalized)."""
    from bot.requests import RequestDraft

    def _make(**overrides) -> RequestDraft:
        values = dict(
            name="Jordan Example",
            preferred_contact="text",
            phone="+18165550123",
            email="jordan@example.org",
            complaint_number="2026-0042",
            incident_date=date(2026, 10, 3),
            incident_location="Troost Ave and 31st St",
            officer="Badge 1234",
            description="I was stopped on my way home and spoken to disrespectfully.",
            availability="Weekday evenings",
            language="English",
            interpreter_needed=False,
            accessibility_needs="Wheelchair access",
            eligibility_outcome="likely_eligible",
            eligibility_reasons=[{"rule": "within_filing_window", "result": "pass", "reason": "Filed in time."}],
        )
        values.update(overrides)
        return RequestDraft(**values)

    return _make

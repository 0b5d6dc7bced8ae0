"""Shared fixtures: isolated settings/keys, a real database on SQLite AND PostgreSQL, migrated.

Why here: every database test must run against both engines with fresh keys and an empty outbox, and
must never touch the developer's var/ folder. Migrating is done once per session into a template (a SQLite
file copied per test, a PostgreSQL `CREATE DATABASE … TEMPLATE`), so a test starts from a migrated database
in milliseconds instead of running every revision again. Passwords are hashed with cheap argon2 parameters
(MEDIATION_PASSWORD_HASHING=fast, refused outside MEDIATION_ENV=test).

* `mediation_env`  → Settings with throwaway MEDIATION_ENCRYPTION_KEY / MEDIATION_SECRET_KEY /
                     MEDIATION_OUTBOX_DIR / MEDIATION_VAR_DIR set in os.environ (settings cache reset).
* `db_url`         → URL of an EMPTY database; parametrized: a SQLite file, and a throwaway PostgreSQL
                     database on 127.0.0.1:5432 (marked `postgres`). If PostgreSQL is unreachable the test
                     FAILS, unless MEDIATION_SKIP_POSTGRES=1.
* `migrated_db`    → Settings whose database_url is `db_url`, at the latest revision, DATABASE_URL exported.
* `migrate_copy(url)` → make the empty database at `url` a copy of the migrated template.
* `make_pg_database` → `make_pg_database()` creates another throwaway PostgreSQL database and returns its
                     name (dropped at teardown); `pg_url(name, port=...)` builds its URL.
* `make_draft`     → factory for a valid RequestDraft (keyword overrides).
* `fresh_settings` → settings re-read from the environment for a test that changes it.
* `settings`, `db`, `file_request` → the migrated test database's Settings, `with db() as s:` units of work
                     (test keys active), and requests filed the way the bot files them.
* `app`, `accounts`, `staff_client`, `admin_client` → the real staff app, two accounts, signed-in clients.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import psycopg2
import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from bot.db import crypto
from bot.db.engine import dispose_engines, get_engine, session_scope
from bot.db.migrate import upgrade
from bot.requests import RequestDraft, staff_accounts, submit_request
from bot.requests.lookup import _memory_lockout
from bot.settings import get_settings, reset_settings_cache
from bot.staff import create_app
from tests.support.staff import ADMIN_EMAIL, PASSWORD, STAFF_EMAIL, sign_in

# The real Rasa + action server + staff app stack, shared by e2e, channel and browser tests.
pytest_plugins = ["tests.support.stack"]

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "root"
PG_ADMIN_DB = "test"


def pg_url(database: str, host: str = PG_HOST, port: int = PG_PORT) -> str:
    return f"postgresql+psycopg2://{PG_USER}@{host}:{port}/{database}"


def _pg_admin():
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=PG_ADMIN_DB, connect_timeout=5)
    conn.autocommit = True
    return conn


def _pg_unreachable(exc: Exception):
    if os.environ.get("MEDIATION_SKIP_POSTGRES") == "1":
        pytest.skip(f"PostgreSQL not reachable and MEDIATION_SKIP_POSTGRES=1: {type(exc).__name__}")
    pytest.fail(
        f"PostgreSQL at {PG_HOST}:{PG_PORT} (user {PG_USER}, db {PG_ADMIN_DB}) is not reachable: {exc}. "
        "Start it, or set MEDIATION_SKIP_POSTGRES=1 to skip the PostgreSQL half of the database tests."
    )


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """argon2's default costs ~0.2 s a hash; tests that sign in dozens of times use cheap parameters."""
    monkeypatch.setenv("MEDIATION_PASSWORD_HASHING", "fast")
    if os.environ.get("MEDIATION_ENV") is None:
        monkeypatch.setenv("MEDIATION_ENV", "test")
    reset_settings_cache()
    yield
    reset_settings_cache()


@pytest.fixture
def mediation_env(tmp_path, monkeypatch):
    """Fresh keys, outbox and var dir in the environment; returns the resulting Settings."""
    monkeypatch.setenv("MEDIATION_ENV", "test")
    monkeypatch.setenv("MEDIATION_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("MEDIATION_SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("MEDIATION_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("MEDIATION_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name in ("SMTP_HOST", "STAFF_NOTIFY_TO"):
        monkeypatch.delenv(name, raising=False)
    reset_settings_cache()
    _memory_lockout.clear()
    yield get_settings()
    reset_settings_cache()
    _memory_lockout.clear()


@pytest.fixture
def fresh_settings():
    """For a test that changes environment variables: settings are re-read from them, and again after."""
    reset_settings_cache()
    yield
    reset_settings_cache()


class MigratedTemplates:
    """Databases migrated once per session, copied for each test that needs a migrated database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite_file: Path | None = None
        self.pg_name: str | None = None

    def _sqlite(self) -> Path:
        if self.sqlite_file is None:
            path = self.folder / "template.db"
            upgrade(f"sqlite:///{path}")
            dispose_engines()
            self.sqlite_file = path
        return self.sqlite_file

    def _pg(self) -> str:
        if self.pg_name is None:
            name = f"mediation_template_{uuid.uuid4().hex[:12]}"
            admin = _pg_admin()
            with admin.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
            admin.close()
            upgrade(pg_url(name))
            dispose_engines()  # a template must have no open connections
            self.pg_name = name
        return self.pg_name

    def copy_into(self, url: str) -> None:
        """Make the (empty, unused) database at `url` a copy of the migrated template."""
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            shutil.copyfile(self._sqlite(), parsed.database)
            return
        template = self._pg()
        admin = _pg_admin()
        try:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"')
        finally:
            admin.close()

    def drop(self) -> None:
        if self.pg_name is not None:
            admin = _pg_admin()
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            admin.close()


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    dispose_engines()
    templates.drop()


@pytest.fixture
def migrate_copy(_migrated_templates) -> Callable[[str], None]:
    return _migrated_templates.copy_into


@pytest.fixture
def make_pg_database():
    """Creates uniquely named PostgreSQL databases on demand; drops them all at teardown.

    Fails the test if PostgreSQL is unreachable, unless MEDIATION_SKIP_POSTGRES=1 (then skips).
    """
    try:
        admin = _pg_admin()
    except Exception as exc:
        _pg_unreachable(exc)
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
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mediation-test.db'}"
        yield url
        dispose_engines(url)
        return
    yield pg_url(request.getfixturevalue("make_pg_database")())


@pytest.fixture
def migrated_db(db_url, mediation_env, migrate_copy, monkeypatch):
    """Settings pointing at `db_url`, at the latest revision (DATABASE_URL is exported too)."""
    migrate_copy(db_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    reset_settings_cache()
    yield get_settings()
    reset_settings_cache()


@pytest.fixture
def make_draft():
    """`make_draft(**overrides)` → a valid RequestDraft (phone/email already normalized)."""

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


@pytest.fixture
def settings(migrated_db):
    return migrated_db


@pytest.fixture
def db(settings):
    """`with db() as s:` — a unit of work on the test database with the test keys active."""

    @contextlib.contextmanager
    def _scope():
        with crypto.using(settings), session_scope(get_engine(settings.database_url)) as s:
            yield s

    return _scope


@dataclass
class Filed:
    reference: str
    name: str


@pytest.fixture
def file_request(settings, make_draft):
    """`file_request(**draft_overrides)` files a request the way the bot does and returns its reference."""
    counter = {"n": 0}

    def _file(channel: str = "web", **overrides) -> Filed:
        counter["n"] += 1
        draft = make_draft(**overrides)
        result = submit_request(draft, sender_key=f"test-sender-{counter['n']}", channel=channel, settings=settings)
        assert result.stored and not result.duplicate
        return Filed(result.reference, draft.name)

    return _file


@pytest.fixture
def app(settings):
    """The real staff app on the test database."""
    app = create_app(settings)
    app.config["TESTING"] = True  # exceptions propagate; CSRF stays ON (WTF_CSRF_ENABLED is not touched)
    return app


@pytest.fixture
def accounts(db):
    with db() as s:
        staff_accounts.create_user(s, STAFF_EMAIL, PASSWORD, "staff", actor="test")
        staff_accounts.create_user(s, ADMIN_EMAIL, PASSWORD, "admin", actor="test")
    return {"staff": STAFF_EMAIL, "admin": ADMIN_EMAIL}


@pytest.fixture
def staff_client(app, accounts):
    client = app.test_client()
    assert sign_in(client, STAFF_EMAIL).status_code == 302
    return client


@pytest.fixture
def admin_client(app, accounts):
    client = app.test_client()
    assert sign_in(client, ADMIN_EMAIL).status_code == 302
    return client

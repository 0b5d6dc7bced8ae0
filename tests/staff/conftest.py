"""Fixtures for the staff dashboard: the real app on the shared migrated database (SQLite and PostgreSQL),
accounts, signed-in clients and sample requests filed through bot.requests."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

STAFF_EMAIL = "staff@example.org"
ADMIN_EMAIL = "admin@example.org"
PASSWORD = "correct horse battery staple"

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def settings(migrated_db):
    return migrated_db


@pytest.fixture
def app(settings):
    from bot.staff import create_app

    app = create_app(settings)
    app.config["TESTING"] = True  # exceptions propagate; CSRF stays ON (WTF_CSRF_ENABLED is not touched)
    return app


@pytest.fixture
def db(settings):
    """`with db() as s:` — a unit of work on the test database with the test keys active."""
    import contextlib

    from bot.db import crypto
    from bot.db.engine import get_engine, session_scope

    @contextlib.contextmanager
    def _scope():
        with crypto.using(settings), session_scope(get_engine(settings.database_url)) as s:
            yield s

    return _scope


@pytest.fixture
def accounts(db):
    from bot.requests import staff_accounts

    with db() as s:
        staff_accounts.create_user(s, STAFF_EMAIL, PASSWORD, "staff", actor="test")
        staff_accounts.create_user(s, ADMIN_EMAIL, PASSWORD, "admin", actor="test")
    return {"staff": STAFF_EMAIL, "admin": ADMIN_EMAIL}


def sign_in(client, email: str, password: str = PASSWORD, follow_redirects=False):
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        follow_redirects=follow_redirects,
    )


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


@dataclass
class Filed:
    reference: str
    name: str


@pytest.fixture
def file_request(settings, make_draft):
    """`file_request(**draft_overrides)` files a request the way the bot does and returns its reference."""
    from bot.requests import submit_request

    counter = {"n": 0}

    def _file(channel: str = "web", **overrides) -> Filed:
        counter["n"] += 1
        draft = make_draft(**overrides)
        result = submit_request(draft, sender_key=f"test-sender-{counter['n']}", channel=channel, settings=settings)
        assert result.stored and not result.duplicate
        return Filed(result.reference, draft.name)

    return _file


def audit_events(db, action=None):
    from sqlalchemy import select

    from bot.db.models import AuditEvent

    with db() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return [(e.actor, e.action, e.request_id, e.detail) for e in s.execute(stmt).scalars()]

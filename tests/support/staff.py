"""Staff-side test helpers: the test accounts, a sign-in through the real form, CSRF tokens, audit rows."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.db.models import AuditEvent

STAFF_EMAIL = "staff@example.org"
ADMIN_EMAIL = "admin@example.org"
PASSWORD = "correct horse battery staple"

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, follow_redirects=False):
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        follow_redirects=follow_redirects,
    )


def audit_events(db, action=None):
    with db() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return [(e.actor, e.action, e.request_id, e.detail) for e in s.execute(stmt).scalars()]

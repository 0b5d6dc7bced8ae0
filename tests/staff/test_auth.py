"""Accounts and sign-in on the real app and database: hashing, throttling, CSRF, cookies, idle expiry."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import User
from bot.requests import staff_accounts
from bot.staff import create_app
from bot.staff.db import unit_of_work
from tests.support.staff import ADMIN_EMAIL, PASSWORD, STAFF_EMAIL, audit_events, csrf_token, sign_in


@pytest.mark.parametrize(
    "email,password,role,message",
    [
        ("not-an-email", PASSWORD, "staff", "valid email"),
        ("a@example.org", "short", "staff", "at least 12"),
        ("a@example.org", PASSWORD, "superuser", "role must be"),
    ],
)
def test_create_user_rejects_bad_input(db, email, password, role, message):
    with db() as s, pytest.raises(staff_accounts.UserError, match=message):
        staff_accounts.create_user(s, email, password, role)


def test_create_user_hashes_with_argon2_and_refuses_duplicates(db):
    with db() as s:
        staff_accounts.create_user(s, " Person@Example.org ", PASSWORD, "admin")
    with db() as s:
        user = s.execute(select(User)).scalar_one()
        assert user.email == "person@example.org"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        with pytest.raises(staff_accounts.UserError, match="already exists"):
            staff_accounts.create_user(s, "person@example.org", PASSWORD, "staff")
    assert audit_events(db, "create_user")


def test_authenticate_locks_after_repeated_failures_and_unlocks_later(db, accounts):
    now = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
    with db() as s:
        for _ in range(staff_accounts.MAX_FAILURES - 1):
            result = staff_accounts.authenticate(s, STAFF_EMAIL, "wrong password!!", now=now)
            assert not result.ok and result.locked_until is None
        result = staff_accounts.authenticate(s, STAFF_EMAIL, "wrong password!!", now=now)
        assert not result.ok and result.locked_until is not None
    with db() as s:  # locked: even the right password is refused
        result = staff_accounts.authenticate(s, STAFF_EMAIL, PASSWORD, now=now + timedelta(minutes=1))
        assert not result.ok and "locked" in result.message
    with db() as s:  # after the lock period the right password works and resets the counter
        later = now + timedelta(minutes=staff_accounts.LOCK_MINUTES, seconds=1)
        result = staff_accounts.authenticate(s, STAFF_EMAIL, PASSWORD, now=later)
        assert result.ok and result.role == "staff"
        user = staff_accounts.find_user(s, STAFF_EMAIL)
        assert user.failed_logins == 0 and user.locked_until is None
    reasons = [d.get("reason") for _, _, _, d in audit_events(db, "sign_in_failed")]
    assert reasons.count("wrong_password") == staff_accounts.MAX_FAILURES - 1
    assert "wrong_password_locked" in reasons and "locked" in reasons


def test_sign_in_page_is_accessible_markup(app):
    page = app.test_client().get("/sign-in")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'autocomplete="current-password"' in html


def test_sign_in_success_sets_safe_cookie_and_is_audited(app, accounts, db):
    client = app.test_client()
    response = sign_in(client, STAFF_EMAIL)
    assert response.status_code == 302 and response.headers["Location"].endswith("/requests")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # HTTPS not configured in tests
    assert client.get("/requests").status_code == 200
    assert (STAFF_EMAIL, "sign_in", None) in [e[:3] for e in audit_events(db)]


def test_secure_cookie_when_https(settings, accounts):
    app = create_app(dataclasses.replace(settings, https=True))
    response = sign_in(app.test_client(), STAFF_EMAIL)
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize(
    "email,password",
    [
        (STAFF_EMAIL, "not the password"),
        ("nobody@example.org", PASSWORD),
    ],
)
def test_sign_in_failure_is_neutral_and_audited(app, accounts, db, email, password):
    client = app.test_client()
    response = sign_in(client, email, password)
    assert response.status_code == 401
    assert "The email or password is not correct." in response.text
    assert client.get("/requests").status_code == 302  # still signed out
    failures = audit_events(db, "sign_in_failed")
    assert failures and password not in str(failures)
    if email == "nobody@example.org":
        assert failures[-1][0] == "(unknown account)"


def test_sign_in_throttled_through_the_web(app, accounts):
    client = app.test_client()
    for _ in range(staff_accounts.MAX_FAILURES):
        response = sign_in(client, ADMIN_EMAIL, "guessing password")
    assert "locked" in response.text
    response = sign_in(client, ADMIN_EMAIL, PASSWORD)
    assert response.status_code == 401 and "locked" in response.text
    assert client.get("/requests").status_code == 302


def test_admin_can_unlock_a_locked_account(app, accounts, admin_client):
    locked_client = app.test_client()
    for _ in range(staff_accounts.MAX_FAILURES):
        sign_in(locked_client, STAFF_EMAIL, "guessing password")
    page = admin_client.get("/admin/users")
    assert "Locked until" in page.text
    user_id = _user_id(app, STAFF_EMAIL)
    response = admin_client.post(f"/admin/users/{user_id}/unlock", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert sign_in(locked_client, STAFF_EMAIL).status_code == 302


def _user_id(app, email):
    with app.app_context(), unit_of_work() as s:
        return staff_accounts.find_user(s, email).id


def test_post_without_csrf_token_is_rejected(app, accounts):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": STAFF_EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.text
    assert client.get("/requests").status_code == 302


def test_post_with_token_from_another_session_is_rejected(app, accounts, file_request):
    filed = file_request()
    attacker = app.test_client()
    foreign_token = csrf_token(attacker.get("/sign-in").text)
    victim = app.test_client()
    assert sign_in(victim, STAFF_EMAIL).status_code == 302
    response = victim.post(f"/requests/{filed.reference}/notes", data={"body": "x", "csrf_token": foreign_token})
    assert response.status_code == 400


def test_sign_out_requires_post_and_ends_the_session(staff_client, db):
    assert staff_client.get("/sign-out").status_code == 405
    page = staff_client.get("/requests")
    response = staff_client.post("/sign-out", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert staff_client.get("/requests").status_code == 302
    assert (STAFF_EMAIL, "sign_out") in [e[:2] for e in audit_events(db)]


def test_idle_session_expires(staff_client, app, db):
    assert staff_client.get("/requests").status_code == 200
    with staff_client.session_transaction() as sess:
        sess["last_seen"] = time.time() - app.config["IDLE_TIMEOUT_MINUTES"] * 60 - 5
    response = staff_client.get("/requests")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    page = staff_client.get(response.headers["Location"])
    assert "without activity" in page.text
    assert staff_client.get("/requests").status_code == 302  # really signed out
    assert any(e[1] == "sign_out" and e[3] == {"reason": "idle"} for e in audit_events(db))


def test_active_session_does_not_expire(staff_client, app):
    with staff_client.session_transaction() as sess:
        sess["last_seen"] = time.time() - app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 30
    assert staff_client.get("/requests").status_code == 200


def test_idle_timeout_is_configurable(settings, accounts):
    app = create_app(settings, config={"IDLE_TIMEOUT_MINUTES": 5})
    client = app.test_client()
    sign_in(client, STAFF_EMAIL)
    with client.session_transaction() as sess:
        sess["last_seen"] = time.time() - 6 * 60
    assert client.get("/requests").status_code == 302


def test_deactivated_account_is_signed_out_at_once(app, accounts, admin_client, staff_client):
    page = admin_client.get("/admin/users")
    user_id = _user_id(app, STAFF_EMAIL)
    response = admin_client.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert staff_client.get("/requests").status_code == 302
    assert sign_in(app.test_client(), STAFF_EMAIL).status_code == 401


def test_open_redirect_after_sign_in_is_refused(app, accounts):
    client = app.test_client()
    page = client.get("/sign-in?next=//evil.example/x")
    response = client.post(
        "/sign-in",
        data={
            "email": STAFF_EMAIL,
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"].endswith("/requests")


def test_security_headers(app):
    response = app.test_client().get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script" not in response.text

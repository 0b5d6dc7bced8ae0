"""`mediation-admin create-user` through the real console script, password from standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.db.models import User
from tests.support.staff import audit_events, sign_in


def _run(*args, stdin=""):
    exe = Path(sys.executable).with_name("mediation-admin")
    assert exe.exists(), "the console script is installed with the package (pip install -e .)"
    return subprocess.run(
        [str(exe), *args], input=stdin, capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


def test_create_user_reads_password_from_stdin_and_can_sign_in(settings, db, app):
    result = _run("create-user", "Chief.Admin@City.example", "--role", "admin", stdin="a sufficiently long password\n")
    assert result.returncode == 0, result.stderr
    assert "Created admin account chief.admin@city.example" in result.stdout
    assert "sufficiently" not in result.stdout + result.stderr
    with db() as s:
        user = s.execute(select(User)).scalar_one()
        assert (user.email, user.role) == ("chief.admin@city.example", "admin")
        assert user.password_hash.startswith("$argon2id$")
    assert audit_events(db, "create_user")[-1][0].startswith("cli:")
    client = app.test_client()
    assert sign_in(client, "chief.admin@city.example", "a sufficiently long password").status_code == 302
    assert client.get("/admin/audit").status_code == 200


def test_create_user_refuses_short_password_and_duplicates(settings, db):
    short = _run("create-user", "someone@city.example", stdin="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    assert _run("create-user", "someone@city.example", stdin="long enough password\n").returncode == 0
    dup = _run("create-user", "someone@city.example", stdin="long enough password\n")
    assert dup.returncode == 1 and "already exists" in dup.stderr
    with db() as s:
        assert [u.role for u in s.execute(select(User)).scalars()] == ["staff"]


def test_create_user_rejects_unknown_role(settings):
    result = _run("create-user", "x@city.example", "--role", "root", stdin="long enough password\n")
    assert result.returncode == 2 and "invalid choice" in result.stderr

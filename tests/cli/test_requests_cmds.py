"""The real `mediation-admin` console script, run as staff would run it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot import requests as svc
from bot.db import migrate
from bot.db.engine import session_scope
from bot.db.models import AuditEvent
from bot.requests import outbox
from bot.requests.store import pending_record
from tests.support import ROOT

SCRIPT = Path(sys.executable).parent / "mediation-admin"


@pytest.fixture(scope="session")
def admin_script() -> Path:
    if not SCRIPT.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-e", str(ROOT), "--no-deps"],
            check=True,
        )
    assert SCRIPT.exists()
    return SCRIPT


def run(script, *args, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(script), *args], env=dict(os.environ), capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_migrate_on_an_empty_database(admin_script, db_url, mediation_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = run(admin_script, "migrate").stdout
    assert f"revision {migrate.head()}" in out
    assert f"revision {migrate.head()}" in run(admin_script, "migrate").stdout  # idempotent


def test_export_json_and_csv(admin_script, migrated_db, make_draft, tmp_path):
    a = svc.submit_request(make_draft(), sender_key="a", channel="rest").reference
    b = svc.submit_request(
        make_draft(name='=HYPERLINK("http://x")', interpreter_needed=True, language="Spanish"),
        sender_key="b",
        channel="sms",
    ).reference

    rows = json.loads(run(admin_script, "export", "--format", "json").stdout)
    assert isinstance(rows, list) and [r["reference"] for r in rows] == [a, b]
    first = rows[0]
    assert set(svc.EXPORT_FIELDS) <= set(first)
    assert (first["name"], first["phone"], first["email"]) == ("Jordan Example", "+18165550123", "jordan@example.org")
    assert first["description"].startswith("I was stopped")
    assert rows[1]["interpreter_needed"] is True and rows[1]["language"] == "Spanish"

    target = tmp_path / "export.csv"
    proc = run(admin_script, "export", "--format", "csv", "--output", str(target))
    assert "personal data" in proc.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    table = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [r["reference"] for r in table] == [a, b]
    assert table[0]["phone"] == "+18165550123"
    assert table[1]["name"] == '\'=HYPERLINK("http://x")'  # defused for spreadsheets
    assert json.loads(table[0]["eligibility_reasons"])[0]["rule"] == "within_filing_window"

    with session_scope() as s:
        exports = s.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
    assert [e.detail for e in exports] == [{"count": 2, "format": "json"}, {"count": 2, "format": "csv"}]
    assert all(e.actor.startswith("cli:") for e in exports)


def test_list_show_and_unknown(admin_script, migrated_db, make_draft):
    ref = svc.submit_request(make_draft(), sender_key="a", channel="rest").reference
    assert ref in run(admin_script, "list").stdout
    shown = run(admin_script, "show", ref.lower()).stdout
    assert "Jordan Example" in shown and "-> new" in shown
    missing = run(admin_script, "show", "MR-222222" if ref != "MR-222222" else "MR-333333", check=False)
    assert missing.returncode == 1 and "No request" in missing.stderr


def test_deliver_pending_command(admin_script, migrated_db, make_draft):
    outbox.spool(pending_record(make_draft(), reference="MR-CDEFGH", submission_key="d" * 64, channel="web"))
    assert "Delivered 1 request(s); 0 still waiting." in run(admin_script, "deliver-pending").stdout
    assert svc.get_request("MR-CDEFGH")["name"] == "Jordan Example"


def test_generate_key(admin_script, tmp_path):
    key = run(admin_script, "generate-key", "--kind", "encryption").stdout.strip()
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"x")) == b"x"
    both = run(admin_script, "generate-key").stdout
    assert "MEDIATION_ENCRYPTION_KEY=" in both and "MEDIATION_SECRET_KEY=" in both


def test_production_without_keys_is_refused(admin_script, tmp_path, monkeypatch):
    for name in ("MEDIATION_ENCRYPTION_KEY", "MEDIATION_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_ENV", "production")
    monkeypatch.setenv("MEDIATION_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    proc = run(admin_script, "list", check=False)
    assert proc.returncode == 2
    assert "Refusing to start in production without MEDIATION_ENCRYPTION_KEY" in proc.stderr

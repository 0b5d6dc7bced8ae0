"""Retention purge on the real database: dry run vs real, statistics survive, audited; web and CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, update

from bot.db.models import MediationRequest, Note
from bot.requests import retention, stats, workflow
from tests.support.staff import ADMIN_EMAIL, audit_events, csrf_token

NOW = datetime.now(timezone.utc)


def _close(db, reference, status="mediated", days_ago=400):
    """Walk a request to `status` along the workflow, then backdate its closing."""
    path = {
        "mediated": ["in_review", "contacted", "scheduled", "mediated"],
        "withdrawn": ["withdrawn"],
        "closed": ["in_review", "closed"],
    }[status]
    with db() as s:
        req = s.execute(select(MediationRequest).where(MediationRequest.reference == reference)).scalar_one()
        s.add(Note(request_id=req.id, author="staff@example.org", body="Spoke with the resident at home."))
        for to in path:
            workflow.change_status(s, req, to, "staff@example.org")
        s.flush()
        s.execute(
            update(MediationRequest)
            .where(MediationRequest.id == req.id)
            .values(closed_at=NOW - timedelta(days=days_ago))
        )


def _row(db, reference):
    with db() as s:
        r = s.execute(select(MediationRequest).where(MediationRequest.reference == reference)).scalar_one()
        return {
            c: getattr(r, c)
            for c in retention.PERSONAL_FIELDS
            + ("status", "channel", "eligibility_outcome", "eligibility_reasons", "created_at", "purged_at")
        }, [n.body for n in r.notes]


def test_dry_run_changes_nothing_but_is_audited(db, file_request):
    old = file_request()
    _close(db, old.reference, days_ago=400)
    with db() as s:
        result = retention.purge(s, 365, actor="cli:test", dry_run=True)
    assert result.references == (old.reference,)
    row, notes = _row(db, old.reference)
    assert (
        row["name"] == "Jordan Example" and row["purged_at"] is None and notes == ["Spoke with the resident at home."]
    )
    event = audit_events(db, "purge")[-1]
    assert event[0] == "cli:test" and event[3]["dry_run"] is True and event[3]["count"] == 1


def test_purge_nulls_personal_fields_keeps_statistics_and_is_audited(db, file_request):
    old = file_request(eligibility_outcome="likely_eligible")
    recent = file_request()
    still_open = file_request()
    _close(db, old.reference, "mediated", days_ago=400)
    _close(db, recent.reference, "withdrawn", days_ago=10)
    with db() as s:
        before = stats.overview(s)
    with db() as s:
        result = retention.purge(s, 365, actor="cli:test")
    assert result.references == (old.reference,)

    row, notes = _row(db, old.reference)
    assert all(row[f] is None for f in retention.PERSONAL_FIELDS)
    assert notes == [None]
    assert row["purged_at"] is not None
    assert (row["status"], row["channel"], row["eligibility_outcome"]) == ("mediated", "web", "likely_eligible")
    assert row["eligibility_reasons"] == [
        {"rule": "within_filing_window", "result": "pass", "reason": "Filed in time."}
    ]
    for untouched in (recent.reference, still_open.reference):
        assert _row(db, untouched)[0]["name"] == "Jordan Example"

    with db() as s:
        after = stats.overview(s)
    assert (after.total, after.outcomes, after.weeks, after.channels) == (
        before.total,
        before.outcomes,
        before.weeks,
        before.channels,
    )
    assert after.purged == 1
    event = audit_events(db, "purge")[-1]
    assert event[3] == {"older_than_days": 365, "dry_run": False, "count": 1, "references": [old.reference]}

    with db() as s:  # idempotent: nothing left to purge
        assert retention.purge(s, 365, actor="cli:test").count == 0


def test_purged_request_page_says_so(admin_client, db, file_request):
    old = file_request()
    _close(db, old.reference, days_ago=400)
    with db() as s:
        retention.purge(s, 30, actor="cli:test")
    html = admin_client.get(f"/requests/{old.reference}").text
    assert "Personal data was removed" in html and "Jordan Example" not in html
    assert "Removed by the retention purge." in html
    assert "<em>Purged</em>" in admin_client.get("/requests").text


def test_purge_from_the_dashboard_needs_confirmation(admin_client, db, file_request):
    old = file_request()
    _close(db, old.reference, days_ago=100)
    page = admin_client.get("/admin/retention").text
    token = csrf_token(page)
    preview = admin_client.post("/admin/retention", data={"days": "90", "action": "preview", "csrf_token": token})
    assert preview.status_code == 200 and "Preview: 1 request" in preview.text
    unconfirmed = admin_client.post("/admin/retention", data={"days": "90", "action": "purge", "csrf_token": token})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.text
    assert _row(db, old.reference)[0]["purged_at"] is None
    done = admin_client.post(
        "/admin/retention", data={"days": "90", "action": "purge", "confirm": "y", "csrf_token": token}
    )
    assert done.status_code == 200 and "Purged 1 request" in done.text
    assert _row(db, old.reference)[0]["purged_at"] is not None
    assert [e[3]["dry_run"] for e in audit_events(db, "purge") if e[0] == ADMIN_EMAIL] == [True, False]


def _cli(*args, env_extra=None):
    exe = Path(sys.executable).with_name("mediation-admin")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env_extra or {})}
    )


def test_cli_purge_dry_run_then_real_with_default_days(db, file_request, monkeypatch):
    old = file_request()
    _close(db, old.reference, days_ago=40)
    dry = _cli("purge", "--older-than", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would purge personal data from 1 request(s)" in dry.stdout and old.reference in dry.stdout
    assert _row(db, old.reference)[0]["name"] == "Jordan Example"
    default = _cli("purge", env_extra={"MEDIATION_RETENTION_DAYS": "60"})
    assert default.returncode == 0 and "from 0 request(s)" in default.stdout and "(60 days)" in default.stdout
    real = _cli("purge", "--older-than", "30")
    assert real.returncode == 0 and "Purged personal data from 1 request(s)" in real.stdout
    assert _row(db, old.reference)[0]["name"] is None
    events = audit_events(db, "purge")
    assert [e[3]["dry_run"] for e in events] == [True, False, False]
    assert all(e[0].startswith("cli:") for e in events)

"""Filing, idempotency, status lookup with verification and lockout, reading back — on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import bot.conversation.references
import bot.requests.notify
from bot import requests as svc
from bot.conversation.references import normalize_reference
from bot.db.engine import session_scope
from bot.db.models import AuditEvent, MediationRequest, StatusEvent, utcnow


def _count(model, *where):
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_submit_stores_request_history_and_audit(migrated_db, make_draft):
    result = svc.submit_request(make_draft(), sender_key="conv-1", channel="rest")
    assert result.stored and not result.duplicate
    assert normalize_reference(result.reference) == result.reference
    with session_scope() as s:
        req = s.execute(select(MediationRequest)).scalar_one()
        assert (req.reference, req.status, req.channel) == (result.reference, "new", "rest")
        assert req.created_at.tzinfo is not None and req.consent_at is not None
        events = s.execute(select(StatusEvent)).scalars().all()
        assert [(e.from_status, e.to_status) for e in events] == [(None, "new")]
        audit = s.execute(select(AuditEvent).where(AuditEvent.action == "submit_request")).scalar_one()
        assert audit.request_id == req.id
        assert "Jordan" not in str(audit.detail) and "816" not in str(audit.detail)


def test_double_submit_creates_one_request(migrated_db, make_draft):
    first = svc.submit_request(make_draft(), sender_key="conv-1", channel="rest")
    second = svc.submit_request(make_draft(), sender_key="conv-1", channel="rest")
    assert second == svc.SubmitResult(reference=first.reference, stored=True, duplicate=True)
    assert _count(MediationRequest) == 1


@pytest.mark.parametrize(
    "sender,overrides",
    [("conv-2", {}), ("conv-1", {"description": "A different story."}), ("conv-1", {"phone": "+18165550199"})],
)
def test_different_sender_or_content_is_a_new_request(migrated_db, make_draft, sender, overrides):
    first = svc.submit_request(make_draft(), sender_key="conv-1", channel="rest")
    other = svc.submit_request(make_draft(**overrides), sender_key=sender, channel="rest")
    assert other.reference != first.reference and not other.duplicate
    assert _count(MediationRequest) == 2


def test_reference_collision_is_retried(migrated_db, make_draft, monkeypatch):
    codes = iter(["MR-AAAAAA", "MR-AAAAAA", "MR-BBBBBB"])
    monkeypatch.setattr(bot.conversation.references, "new_reference", lambda: next(codes))
    first = svc.submit_request(make_draft(), sender_key="a", channel="rest")
    second = svc.submit_request(make_draft(), sender_key="b", channel="rest")
    assert (first.reference, second.reference) == ("MR-AAAAAA", "MR-BBBBBB")
    assert not second.duplicate and _count(MediationRequest) == 2


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"preferred_contact": "pigeon"}, "preferred_contact"),
        ({"preferred_contact": "text", "phone": None}, "phone"),
        ({"preferred_contact": "email", "email": None}, "email"),
    ],
)
def test_contract_violations_are_refused_and_store_nothing(migrated_db, make_draft, overrides, message):
    with pytest.raises(ValueError, match=message):
        svc.submit_request(make_draft(**overrides), sender_key="x", channel="rest")
    assert _count(MediationRequest) == 0


def test_a_failing_staff_notice_never_breaks_a_submission(migrated_db, make_draft, monkeypatch):
    calls = []

    def broken(reference, settings):
        calls.append(reference)
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(bot.requests.notify, "notify_new_request", broken)
    result = svc.submit_request(make_draft(), sender_key="c", channel="rest")
    assert result.stored and calls == [result.reference]
    svc.submit_request(make_draft(), sender_key="c", channel="rest")  # duplicate: no second notice
    assert calls == [result.reference]


@pytest.mark.parametrize(
    "contact,found",
    [
        ("+18165550123", True),
        ("(816) 555-0123", True),
        ("816.555.0123", True),
        ("1 816 555 0123", True),
        ("Jordan@Example.org", True),
        ("  jordan@example.org ", True),
        ("816-555-0124", False),
        ("someone@example.org", False),
        ("", False),
        ("not a phone", False),
    ],
)
def test_lookup_reveals_status_only_to_the_contact_on_file(migrated_db, make_draft, contact, found):
    ref = svc.submit_request(make_draft(), sender_key="c", channel="rest").reference
    result = svc.lookup_status(ref.lower().replace("-", " "), contact)
    assert result.found is found
    if found:
        assert (result.status, result.locked) == ("new", False)
    else:
        assert result == svc.LookupResult(False, None, False, reference=ref)


def test_wrong_contact_and_unknown_reference_look_the_same(migrated_db, make_draft):
    ref = svc.submit_request(make_draft(), sender_key="c", channel="rest").reference
    unknown = "MR-222222" if ref != "MR-222222" else "MR-333333"
    wrong = svc.lookup_status(ref, "816-555-0199")
    missing = svc.lookup_status(unknown, "816-555-0123")
    assert (wrong.found, wrong.status, wrong.locked) == (missing.found, missing.status, missing.locked)
    invalid = svc.lookup_status("hello there", "816-555-0123")
    assert (invalid.found, invalid.status, invalid.locked) == (False, None, False)


def test_lookup_locks_after_five_failures_even_for_the_right_contact(migrated_db, make_draft):
    ref = svc.submit_request(make_draft(), sender_key="c", channel="rest").reference
    results = [svc.lookup_status(ref, f"816-555-01{i:02d}") for i in range(30, 35)]
    assert [r.locked for r in results] == [False, False, False, False, True]
    locked = svc.lookup_status(ref, "816-555-0123")
    assert (locked.found, locked.status, locked.locked) == (False, None, True)
    # After the hour has passed, the right contact works again.
    with session_scope() as s:
        s.execute(update(MediationRequest).values(lookup_locked_until=utcnow() - timedelta(seconds=1)))
    assert svc.lookup_status(ref, "816-555-0123").found
    assert _count(AuditEvent, AuditEvent.action == "status_lookup") == 7


def test_success_resets_the_failure_count(migrated_db, make_draft):
    ref = svc.submit_request(make_draft(), sender_key="c", channel="rest").reference
    for _ in range(4):
        svc.lookup_status(ref, "816-555-0199")
    assert svc.lookup_status(ref, "jordan@example.org").found
    for _ in range(4):
        assert not svc.lookup_status(ref, "816-555-0199").locked


def test_unknown_references_lock_like_known_ones(migrated_db):
    results = [svc.lookup_status("MR-ABCDEF", "816-555-0100") for _ in range(5)]
    assert [r.locked for r in results] == [False, False, False, False, True]
    assert svc.lookup_status("MR-ABCDEF", "816-555-0100").locked


def test_lookup_shows_later_status(migrated_db, make_draft):
    ref = svc.submit_request(make_draft(), sender_key="c", channel="rest").reference
    with session_scope() as s:
        s.execute(update(MediationRequest).values(status="scheduled"))
    result = svc.lookup_status(ref, "+18165550123")
    assert result.status == "scheduled"


def test_list_get_and_export(migrated_db, make_draft):
    a = svc.submit_request(make_draft(), sender_key="a", channel="rest").reference
    b = svc.submit_request(
        make_draft(name="Sam Other", email=None, preferred_contact="call"), sender_key="b", channel="sms"
    ).reference
    listed = svc.list_requests()
    assert [r["reference"] for r in listed] == [b, a]
    assert svc.list_requests(status="closed") == []
    assert svc.count_requests() == 2
    detail = svc.get_request(b.lower(), actor="cli:test")
    assert detail["name"] == "Sam Other" and detail["status_history"][0]["to_status"] == "new"
    assert svc.get_request("MR-222222") is None or svc.get_request("MR-222222")["reference"] in (a, b)
    rows = svc.export_rows(actor="cli:test", fmt="json")
    assert [r["reference"] for r in rows] == [a, b]
    assert set(svc.EXPORT_FIELDS) <= set(rows[0])
    assert rows[0]["incident_date"] == "2026-10-03" and rows[0]["interpreter_needed"] is False
    assert rows[0]["eligibility_reasons"][0]["rule"] == "within_filing_window"
    assert _count(AuditEvent, AuditEvent.action == "export") == 1
    assert _count(AuditEvent, AuditEvent.action == "view_request") == 1

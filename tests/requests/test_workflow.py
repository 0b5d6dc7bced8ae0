"""The status workflow as a table, and a status change on the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import STATUSES, AuditEvent, MediationRequest, StatusEvent
from bot.requests import workflow

VALID = [
    ("new", "in_review"),
    ("new", "withdrawn"),
    ("new", "closed"),
    ("in_review", "contacted"),
    ("in_review", "withdrawn"),
    ("in_review", "closed"),
    ("contacted", "scheduled"),
    ("contacted", "not_mediated"),
    ("contacted", "withdrawn"),
    ("contacted", "closed"),
    ("scheduled", "mediated"),
    ("scheduled", "not_mediated"),
    ("scheduled", "withdrawn"),
    ("scheduled", "closed"),
]
INVALID = [
    ("new", "contacted"),
    ("new", "scheduled"),
    ("new", "mediated"),
    ("new", "not_mediated"),
    ("new", "new"),
    ("in_review", "new"),
    ("in_review", "scheduled"),
    ("in_review", "mediated"),
    ("contacted", "mediated"),
    ("contacted", "in_review"),
    ("scheduled", "contacted"),
    ("scheduled", "new"),
    ("mediated", "closed"),
    ("closed", "new"),
    ("withdrawn", "in_review"),
    ("not_mediated", "scheduled"),
    ("new", "archived"),
    ("bogus", "new"),
]


@pytest.mark.parametrize("from_status,to_status", VALID)
def test_valid_transitions(from_status, to_status):
    assert workflow.can_transition(from_status, to_status)
    assert workflow.refusal_message(from_status, to_status) is None


@pytest.mark.parametrize("from_status,to_status", INVALID)
def test_invalid_transitions_have_a_message(from_status, to_status):
    assert not workflow.can_transition(from_status, to_status)
    assert workflow.refusal_message(from_status, to_status)


def test_every_transition_is_listed_above():
    listed = {(a, b) for a, b in VALID}
    table = {(a, b) for a, nexts in workflow.TRANSITIONS.items() for b in nexts}
    assert table == listed


@pytest.mark.parametrize("status", workflow.FINAL_STATUSES)
def test_final_statuses_have_no_next(status):
    assert workflow.allowed_next(status) == ()
    assert "final" in workflow.refusal_message(status, "new")


def test_statuses_match_the_schema():
    assert tuple(STATUSES) == workflow.STATUSES


def test_change_status_records_history_audit_and_closed_at(db, file_request):
    filed = file_request()
    with db() as s:
        req = s.execute(select(MediationRequest).where(MediationRequest.reference == filed.reference)).scalar_one()
        for to in ("in_review", "contacted", "scheduled", "mediated"):
            workflow.change_status(s, req, to, "staff@example.org")
    with db() as s:
        req = s.execute(select(MediationRequest).where(MediationRequest.reference == filed.reference)).scalar_one()
        assert req.status == "mediated"
        assert req.closed_at is not None
        events = (
            s.execute(select(StatusEvent).where(StatusEvent.request_id == req.id).order_by(StatusEvent.id))
            .scalars()
            .all()
        )
        assert [(e.from_status, e.to_status) for e in events][-4:] == [
            ("new", "in_review"),
            ("in_review", "contacted"),
            ("contacted", "scheduled"),
            ("scheduled", "mediated"),
        ]
        audits = (
            s.execute(select(AuditEvent).where(AuditEvent.action == "update_status", AuditEvent.request_id == req.id))
            .scalars()
            .all()
        )
        assert [a.detail for a in audits][-1] == {"from": "scheduled", "to": "mediated"}


def test_change_status_refused_writes_nothing(db, file_request):
    filed = file_request()
    with db() as s:
        req = s.execute(select(MediationRequest).where(MediationRequest.reference == filed.reference)).scalar_one()
        with pytest.raises(workflow.TransitionRefused, match="cannot move to Mediated"):
            workflow.change_status(s, req, "mediated", "staff@example.org")
    with db() as s:
        req = s.execute(select(MediationRequest).where(MediationRequest.reference == filed.reference)).scalar_one()
        assert req.status == "new" and req.closed_at is None
        assert (
            s.execute(
                select(StatusEvent).where(StatusEvent.request_id == req.id, StatusEvent.to_status == "mediated")
            ).first()
            is None
        )

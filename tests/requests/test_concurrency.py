"""50 residents submitting at once: no request lost, none duplicated; 50 retries of one submission: one row."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot import requests as svc
from bot.db.engine import session_scope
from bot.db.models import MediationRequest, StatusEvent

N = 50


def _run_all(fn, args):
    with ThreadPoolExecutor(max_workers=N) as pool:
        return list(pool.map(fn, args))


def test_fifty_concurrent_submissions(migrated_db, make_draft):
    drafts = [make_draft(name=f"Resident {i}", phone=f"+1816555{i:04d}") for i in range(N)]
    results = _run_all(
        lambda i: svc.submit_request(drafts[i], sender_key=f"conv-{i}", channel="rest", settings=migrated_db),
        range(N),
    )
    assert all(r.stored and not r.duplicate for r in results)
    assert len({r.reference for r in results}) == N
    with session_scope() as s:
        rows = s.execute(select(MediationRequest.reference, MediationRequest.name)).all()
        events = s.execute(select(func.count()).select_from(StatusEvent)).scalar_one()
    assert len(rows) == N and events == N
    assert {r.reference for r in rows} == {r.reference for r in results}
    assert {r.name for r in rows} == {f"Resident {i}" for i in range(N)}


def test_fifty_concurrent_duplicates_make_one_request(migrated_db, make_draft):
    draft = make_draft()
    results = _run_all(
        lambda _: svc.submit_request(draft, sender_key="same-conversation", channel="rest", settings=migrated_db),
        range(N),
    )
    assert len({r.reference for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(MediationRequest)).scalar_one() == 1

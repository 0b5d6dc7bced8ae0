"""Nothing lost: with the database unreachable a submission goes to the encrypted outbox, keeps its
reference, and is delivered exactly once when the database is back.

The PostgreSQL outage is real: the application talks to PostgreSQL through a TCP proxy that the test
stops (connections cut, new ones refused) and restarts.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot import requests as svc
from bot.db.engine import dispose_engines, session_scope
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent, MediationRequest
from bot.requests import outbox
from bot.requests.drafts import submission_key_for
from bot.requests.store import pending_record
from bot.settings import get_settings, reset_settings_cache
from tests.support.tcp_proxy import TcpProxy

PG = ("127.0.0.1", 5432)
PLAINTEXT = (b"Jordan", b"8165550123", b"jordan@example.org", b"disrespectfully", b"Troost")


def _outbox_bytes(settings) -> list[bytes]:
    return [p.read_bytes() for p in outbox.pending_files(settings)]


def _rows(url):
    with session_scope(url) as s:
        return s.execute(select(MediationRequest.reference, MediationRequest.name)).all()


@pytest.mark.postgres
def test_postgres_outage_spools_and_delivers(mediation_env, make_pg_database, make_draft, monkeypatch):
    # A throwaway PostgreSQL database, reached only through the proxy.
    name = make_pg_database()
    proxy = TcpProxy(PG).start()
    url = f"postgresql+psycopg2://root@127.0.0.1:{proxy.port}/{name}"
    try:
        monkeypatch.setenv("DATABASE_URL", url)
        reset_settings_cache()
        settings = get_settings()
        upgrade(url)
        before = svc.submit_request(make_draft(name="Before Outage"), sender_key="b", channel="rest")
        assert before.stored

        proxy.stop()  # the database is now unreachable (open connections cut, new ones refused)
        started = time.monotonic()
        during = svc.submit_request(make_draft(), sender_key="d", channel="sms")
        assert time.monotonic() - started < 10
        assert during.stored is False and during.duplicate is False
        assert during.reference.startswith("MR-")
        # The same submission retried during the outage keeps its reference and is not spooled twice.
        assert svc.submit_request(make_draft(), sender_key="d", channel="sms") == svc.SubmitResult(
            during.reference, stored=False, duplicate=True
        )
        spooled = _outbox_bytes(settings)
        assert len(spooled) == 1
        for secret in PLAINTEXT:
            assert secret not in spooled[0]
        # The resident can already check on it, with the right contact only.
        status = svc.lookup_status(during.reference, "816 555 0123")
        assert (status.found, status.status) == (True, "received")
        # Anything else gets the same honest "can't check right now", whether the reference is spooled
        # (wrong contact), stored in the unreachable database, or unknown.
        for reference, contact in (
            (during.reference, "816 555 0199"),
            (before.reference, "816 555 0123"),
            ("MR-222222", "816 555 0123"),
        ):
            with pytest.raises(svc.DatabaseUnavailable):
                svc.lookup_status(reference, contact)
        assert outbox.flush(settings).unreachable

        proxy.start()  # the database is back
        assert svc.deliver_pending() == 1
        assert outbox.pending_files(settings) == []
        assert {r.reference for r in _rows(url)} == {before.reference, during.reference}
        assert svc.lookup_status(during.reference, "jordan@example.org").status == "new"
        assert svc.deliver_pending() == 0  # idempotent
        assert svc.submit_request(make_draft(), sender_key="d", channel="sms") == svc.SubmitResult(
            during.reference, stored=True, duplicate=True
        )
        assert len(_rows(url)) == 2
    finally:
        proxy.stop()
        dispose_engines()


def test_next_submission_flushes_the_outbox_first(migrated_db, make_draft, tmp_path, monkeypatch):
    """SQLite 'outage': DATABASE_URL points at a path that cannot be opened, then at the real database."""
    (tmp_path / "not-a-db").mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'not-a-db'}")
    reset_settings_cache()
    down = svc.submit_request(make_draft(), sender_key="x", channel="web")
    assert not down.stored and outbox.has_pending()
    assert not any(s in _outbox_bytes(get_settings())[0] for s in PLAINTEXT)

    monkeypatch.setenv("DATABASE_URL", migrated_db.database_url)
    reset_settings_cache()
    up = svc.submit_request(make_draft(name="Next Person"), sender_key="y", channel="web")
    assert up.stored
    assert not outbox.has_pending()
    assert {r.reference for r in _rows(migrated_db.database_url)} == {down.reference, up.reference}
    with session_scope() as s:
        vias = [
            e.detail["via"]
            for e in s.execute(
                select(AuditEvent).where(AuditEvent.action == "submit_request").order_by(AuditEvent.id)
            ).scalars()
        ]
    assert vias == ["outbox", "direct"]


def test_retry_while_delivery_is_busy_keeps_the_spooled_reference(migrated_db, make_draft):
    """The database is back but another thread holds the delivery lock: the retry must not mint a new code."""
    draft = make_draft()
    key = submission_key_for(draft, "conv")
    outbox.spool(pending_record(draft, reference="MR-DEFGHJ", submission_key=key, channel="rest"))
    with outbox._delivery_lock:  # as if the background thread were flushing right now
        result = svc.submit_request(draft, sender_key="conv", channel="rest")
    assert result == svc.SubmitResult("MR-DEFGHJ", stored=True, duplicate=True)
    assert not outbox.has_pending()
    assert [r.reference for r in _rows(migrated_db.database_url)] == ["MR-DEFGHJ"]


def test_spool_is_atomic_encrypted_and_private(mediation_env, make_draft):
    record = pending_record(make_draft(), reference="MR-ABCDEF", submission_key="k" * 64, channel="rest")
    path = outbox.spool(record)
    assert path.name == "k" * 64 + ".spool"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left behind
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert outbox.read(path) == record
    assert outbox.find(reference="MR-ABCDEF") == record
    assert outbox.find(reference="MR-222222") is None


def test_unreadable_spool_file_is_kept_not_lost(migrated_db, make_draft):
    record = pending_record(make_draft(), reference="MR-ABCDEF", submission_key="a" * 64, channel="rest")
    good = outbox.spool(record)
    bad = good.parent / ("b" * 64 + ".spool")
    bad.write_bytes(b"garbage that is not a fernet token")
    assert svc.deliver_pending() == 1
    assert not good.exists() and bad.exists()
    assert [r.reference for r in _rows(migrated_db.database_url)] == ["MR-ABCDEF"]


def test_background_delivery_thread(migrated_db, make_draft):
    record = pending_record(make_draft(), reference="MR-BCDEFG", submission_key="c" * 64, channel="rest")
    outbox.spool(record)
    thread = outbox.start_background_delivery(interval_seconds=0.2)
    try:
        assert outbox.start_background_delivery() is thread  # one per process
        deadline = time.monotonic() + 15
        while outbox.has_pending() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not outbox.has_pending()
    finally:
        outbox.stop_background_delivery()
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(MediationRequest)).scalar_one() == 1

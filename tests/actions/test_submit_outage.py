"""The database goes down at submit time: the resident is told honestly and keeps a valid reference.

Real PostgreSQL behind a proxy the test stops (tests/tcp_proxy.py); the real submit action runs.
"""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.submit import ActionSubmitRequest
from bot.db.engine import dispose_engines
from bot.db.migrate import upgrade
from bot.requests import deliver_pending, export_rows
from bot.settings import reset_settings_cache
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.actions.test_request_actions import FILLED
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


async def test_outage_at_submit_keeps_the_request_and_delivers_it_later(
    domain, mediation_env, make_pg_database, monkeypatch
):
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    url = f"postgresql+psycopg2://root@127.0.0.1:{proxy.port}/{make_pg_database()}"
    monkeypatch.setenv("DATABASE_URL", url)
    reset_settings_cache()
    try:
        upgrade(url)
        proxy.stop()  # the database is now unreachable

        dispatcher = CollectingDispatcher()
        events = await ActionSubmitRequest().run(dispatcher, make_tracker("yes", slots=FILLED), domain)
        reference = slot_events(events)["request_reference"]
        said = texts(dispatcher)
        assert "having trouble" in said and "saved safely" in said and reference in said

        proxy.start()  # the database is back
        assert deliver_pending() == 1
        rows = export_rows()
        assert [r["reference"] for r in rows] == [reference]
        assert rows[0]["name"] == FILLED["req_name"]
    finally:
        proxy.stop()
        dispose_engines()


async def test_when_nothing_can_save_the_request_the_answers_are_kept_and_the_summary_returns(
    domain, mediation_env, tmp_path, monkeypatch
):
    """Database down AND the outbox unwritable: no reference is invented, the form reopens at the summary."""
    proxy = TcpProxy(("127.0.0.1", 5432))  # never started: connections are refused
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg2://root@127.0.0.1:{proxy.port}/nothing")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("MEDIATION_OUTBOX_DIR", str(blocker / "outbox"))
    reset_settings_cache()
    try:
        dispatcher = CollectingDispatcher()
        events = await ActionSubmitRequest().run(dispatcher, make_tracker("yes", slots=FILLED), domain)
    finally:
        dispose_engines()
    said = texts(dispatcher)
    assert "couldn't save your request" in said and "MR-" not in said
    assert any(e["event"] == "followup" and e["name"] == "mediation_request_form" for e in events)
    assert slot_events(events) == {"req_confirm": None}  # every other answer is kept

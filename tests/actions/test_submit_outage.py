"""The database goes down at submit time: the resident is told honestly and keeps a valid reference.

Real PostgreSQL behind a proxy the test stops (tests/tcp_proxy.py); the real submit action runs.
"""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.submit import ActionSubmitRequest
from bot.db.engine import dispose_engines
from bot.db.migrate import upgrade
from bot.requests_service import deliver_pending, export_rows
from bot.settings import reset_settings_cache
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.actions.test_request_actions import FILLED
from tests.tcp_proxy import TcpProxy

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

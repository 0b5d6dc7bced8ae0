"""Opt-out store on a real, migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from bot.db.engine import get_engine
from bot.db.models import SmsOptOut
from bot.requests.sms_optouts import OptOutStore


def test_the_table_comes_from_the_migrations(settings):
    database_url = settings.database_url
    assert "sms_opt_outs" in inspect(get_engine(database_url)).get_table_names()
    assert OptOutStore(database_url).is_opted_out("a" * 32) is False


def test_opt_out_then_in(settings):
    database_url = settings.database_url
    store = OptOutStore(database_url)
    sender = "0123456789abcdef0123456789abcdef"
    assert store.opt_out(sender) is True  # new → confirm
    assert store.opt_out(sender) is False  # already → silence
    assert store.is_opted_out(sender) is True
    assert store.is_opted_out("f" * 32) is False  # only that sender
    assert store.opt_in(sender) is True
    assert store.opt_in(sender) is False
    assert store.is_opted_out(sender) is False


def test_survives_a_new_store_instance(settings):
    database_url = settings.database_url
    OptOutStore(database_url).opt_out("b" * 32)
    assert OptOutStore(database_url).is_opted_out("b" * 32) is True


def test_stores_only_the_hash_and_a_utc_time(settings):
    database_url = settings.database_url
    OptOutStore(database_url).opt_out("c" * 32)
    with get_engine(database_url).connect() as conn:
        rows = conn.execute(select(SmsOptOut.__table__)).all()
    assert [r.sender_hash for r in rows] == ["c" * 32]
    assert set(SmsOptOut.__table__.c.keys()) == {"sender_hash", "opted_out_at"}

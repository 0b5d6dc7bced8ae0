"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db import migrate
from bot.db.engine import make_engine
from bot.db.models import Base

TABLES = {"mediation_requests", "status_events", "notes", "users", "audit_events", "sms_opt_outs"}


def test_upgrade_creates_every_table_and_matches_models(db_url, mediation_env):
    assert migrate.current(db_url) is None
    assert migrate.upgrade(db_url) == migrate.head()
    engine = make_engine(db_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_is_repeatable_and_downgrade_round_trips(db_url, mediation_env):
    migrate.upgrade(db_url)
    migrate.upgrade(db_url)  # second run is a no-op
    migrate.downgrade(db_url, "base")
    engine = make_engine(db_url)
    try:
        assert not (TABLES & set(inspect(engine).get_table_names()))
    finally:
        engine.dispose()
    assert migrate.upgrade(db_url) == migrate.head()


@pytest.mark.parametrize(
    "table,unique_column",
    [("mediation_requests", "reference"), ("mediation_requests", "submission_key"), ("users", "email")],
)
def test_unique_constraints_exist(db_url, mediation_env, table, unique_column):
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    try:
        uniques = inspect(engine).get_unique_constraints(table)
        assert any(u["column_names"] == [unique_column] for u in uniques)
    finally:
        engine.dispose()


def test_concurrent_migrations_do_not_clash(db_url, mediation_env):
    """`make run` starts several processes that may all migrate at once; threads in one process too."""

    code = "import sys; from bot.db.migrate import upgrade; print(upgrade(sys.argv[1]))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == [migrate.head()] * 3
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(lambda _: migrate.upgrade(db_url), range(3))) == [migrate.head()] * 3


def test_sms_opt_outs_made_by_the_old_channel_are_kept(db_url, mediation_env):
    """Before revision 0002 the SMS channel created its table itself; upgrading keeps its rows."""
    migrate.upgrade(db_url, "0001")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("CREATE TABLE sms_opt_outs (sender_hash VARCHAR(64) PRIMARY KEY, opted_out_at TIMESTAMP NOT NULL)")
            )
            conn.execute(text("INSERT INTO sms_opt_outs VALUES ('abc', CURRENT_TIMESTAMP)"))
        assert migrate.upgrade(db_url) == migrate.head()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT sender_hash FROM sms_opt_outs")).scalars().all() == ["abc"]
    finally:
        engine.dispose()

"""Who texted STOP: a small durable record so we stay silent until they text START.

Why durable and in the bot database: an opt-out is a legal promise (carriers and the TCPA expect it
to be honoured indefinitely), so it must survive restarts and be shared by every Rasa process.
Only the keyed hash of the number is kept (the same hash that is the conversation id), never the
number itself, so the table holds no personal data.

Why not an Alembic migration: this table belongs to the SMS channel, which runs inside the Rasa
process; it creates itself on first use (`CREATE TABLE IF NOT EXISTS`) so the channel works on any
database the settings point at, including a fresh test database.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Callable, Optional, TypeVar

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.db.engine import get_engine, session_scope

T = TypeVar("T")

metadata = MetaData()

sms_opt_outs = Table(
    "sms_opt_outs",
    metadata,
    Column("sender_hash", String(64), primary_key=True),
    Column("opted_out_at", DateTime(timezone=True), nullable=False),
)

_created: set[str] = set()
_created_lock = threading.Lock()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class OptOutStore:
    """Opt-outs keyed by hashed sender, in the database at `url` (default: settings)."""

    def __init__(self, url: Optional[str] = None) -> None:
        if url is None:
            from bot.settings import get_settings

            url = get_settings().database_url
        self.url = str(url)

    def _engine(self) -> Engine:
        engine = get_engine(self.url)
        if self.url not in _created:
            with _created_lock:
                if self.url not in _created:
                    metadata.create_all(engine, tables=[sms_opt_outs], checkfirst=True)
                    _created.add(self.url)
        return engine

    def _unit(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one unit of work; if the table vanished (database reset), recreate it once."""
        try:
            with session_scope(self._engine()) as s:
                return work(s)
        except (OperationalError, ProgrammingError):
            with _created_lock:
                _created.discard(self.url)
            with session_scope(self._engine()) as s:
                return work(s)

    def is_opted_out(self, sender_hash: str) -> bool:
        query = select(sms_opt_outs.c.sender_hash).where(sms_opt_outs.c.sender_hash == sender_hash)
        return self._unit(lambda s: s.execute(query).first() is not None)

    def opt_out(self, sender_hash: str) -> bool:
        """Record the opt-out. True if it is new, False if the number had already opted out."""
        if self.is_opted_out(sender_hash):
            return False
        row = insert(sms_opt_outs).values(sender_hash=sender_hash, opted_out_at=_now())
        try:
            self._unit(lambda s: s.execute(row))
        except IntegrityError:  # a concurrent STOP from the same number got there first
            return False
        return True

    def opt_in(self, sender_hash: str) -> bool:
        """Remove the opt-out. True if there was one."""
        stmt = delete(sms_opt_outs).where(sms_opt_outs.c.sender_hash == sender_hash)
        return self._unit(lambda s: bool(s.execute(stmt).rowcount))

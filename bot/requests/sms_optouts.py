"""Who texted STOP: a small durable record so we stay silent until they text START.

Why durable and in the bot database: an opt-out is a legal promise (carriers and the TCPA expect it to be
honoured indefinitely), so it must survive restarts and be shared by every Rasa process. Only the keyed
hash of the number is kept (the same hash that is the conversation id), never the number itself, so the
table (`sms_opt_outs`, created by the Alembic migrations like every other table) holds no personal data.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.db.engine import get_engine, session_scope
from bot.db.models import SmsOptOut, utcnow
from bot.settings import get_settings


class OptOutStore:
    """Opt-outs keyed by hashed sender, in the database at `url` (default: settings)."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = str(url or get_settings().database_url)

    def is_opted_out(self, sender_hash: str) -> bool:
        query = select(SmsOptOut.sender_hash).where(SmsOptOut.sender_hash == sender_hash)
        with session_scope(get_engine(self.url)) as session:
            return session.execute(query).first() is not None

    def opt_out(self, sender_hash: str) -> bool:
        """Record the opt-out. True if it is new, False if the number had already opted out."""
        if self.is_opted_out(sender_hash):
            return False
        try:
            with session_scope(get_engine(self.url)) as session:
                session.add(SmsOptOut(sender_hash=sender_hash, opted_out_at=utcnow()))
        except IntegrityError:  # a concurrent STOP from the same number got there first
            return False
        return True

    def opt_in(self, sender_hash: str) -> bool:
        """Remove the opt-out. True if there was one."""
        with session_scope(get_engine(self.url)) as session:
            return bool(session.execute(delete(SmsOptOut).where(SmsOptOut.sender_hash == sender_hash)).rowcount)

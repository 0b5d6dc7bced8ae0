"""Status look-up for residents: a reference plus the phone or e-mail on file, and nothing else.

Why so strict: a reference code may be overheard or guessed, and the status of a police complaint is
private. A wrong contact and an unknown reference get the same neutral answer, and repeated failures lock a
reference for a while. The result carries a status code, never wording: what the resident is told lives in
the catalogue.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select

from bot.conversation.references import normalize_reference
from bot.db import audit, crypto
from bot.db.engine import get_engine, session_scope
from bot.db.models import MediationRequest, utcnow
from bot.requests import outbox
from bot.requests.contacts import contact_indexes, email_key, phone_key, same_index
from bot.requests.store import DatabaseUnavailable, is_unreachable, log_unreachable
from bot.settings import Settings, get_settings

MAX_LOOKUP_FAILURES = 5
LOOKUP_LOCKOUT = timedelta(hours=1)
RECEIVED = "received"  # the status of a request still waiting in the outbox


@dataclass(frozen=True)
class LookupResult:
    found: bool
    status: Optional[str]
    locked: bool
    reference: Optional[str] = None  # the normalized reference, when the input looked like one


NOT_FOUND = LookupResult(found=False, status=None, locked=False)


class _MemoryLockout:
    """Failure counting for references the database does not hold (unknown or still in the outbox).

    Why: a locked answer must not reveal that a reference exists, so unknown references lock the same way
    as known ones. In-process memory is enough for that; known references lock durably in the database.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, Optional[datetime]]] = {}

    def locked(self, reference: str, now: datetime) -> bool:
        with self._lock:
            _, until = self._entries.get(reference, (0, None))
            return until is not None and until > now

    def fail(self, reference: str, now: datetime) -> bool:
        """Count a failure; returns True when this failure locks the reference."""
        with self._lock:
            failures, until = self._entries.get(reference, (0, None))
            if until is not None and until <= now:
                failures, until = 0, None
            failures += 1
            if failures >= MAX_LOOKUP_FAILURES:
                self._entries[reference] = (0, now + LOOKUP_LOCKOUT)
                return True
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[reference] = (failures, until)
            return False

    def succeed(self, reference: str) -> None:
        with self._lock:
            self._entries.pop(reference, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_memory_lockout = _MemoryLockout()


def _neutral(reference: Optional[str], locked: bool) -> LookupResult:
    return replace(NOT_FOUND, locked=locked, reference=reference)


def _found(reference: str, status: str) -> LookupResult:
    return LookupResult(found=True, status=status, locked=False, reference=reference)


def _lookup_spooled(reference: str, phone_idx, email_idx, settings: Settings, now: datetime) -> LookupResult:
    if _memory_lockout.locked(reference, now):
        return _neutral(reference, locked=True)
    record = outbox.find(settings, reference=reference)
    if record is not None:
        draft = record.get("draft", {})
        if same_index(crypto.blind_index(phone_key(draft.get("phone")), settings), phone_idx) or same_index(
            crypto.blind_index(email_key(draft.get("email")), settings), email_idx
        ):
            _memory_lockout.succeed(reference)
            return _found(reference, RECEIVED)
    return _neutral(reference, locked=_memory_lockout.fail(reference, now))


def lookup_status(reference: str, contact: str, *, settings: Optional[Settings] = None) -> LookupResult:
    """The status of `reference` if `contact` (phone or email) matches the one on file, else a neutral answer.

    A wrong contact and an unknown reference give the same answer. After MAX_LOOKUP_FAILURES failures a
    reference is locked for LOOKUP_LOCKOUT (`locked=True`, even for the right contact). Raises
    DatabaseUnavailable when the database is down and the reference is not in the outbox.
    """
    settings = settings or get_settings()
    ref = normalize_reference(reference)
    now = utcnow()
    phone_idx, email_idx = contact_indexes(contact, settings)
    engine = get_engine(settings.database_url)
    try:
        with crypto.using(settings), session_scope(engine) as session:
            if ref is None:
                audit.record(session, "resident", "status_lookup", detail={"result": "invalid_reference"})
                return NOT_FOUND
            query = select(MediationRequest).where(MediationRequest.reference == ref)
            if engine.dialect.name == "postgresql":
                query = query.with_for_update()
            request = session.execute(query).scalar_one_or_none()
            if request is None:
                result = _lookup_spooled(ref, phone_idx, email_idx, settings, now)
                outcome = "locked" if result.locked else ("pending_delivery" if result.found else "no_match")
                audit.record(session, "resident", "status_lookup", detail={"result": outcome})
                return result
            if request.lookup_locked_until is not None and request.lookup_locked_until > now:
                audit.record(session, "resident", "status_lookup", request_id=request.id, detail={"result": "locked"})
                return _neutral(ref, locked=True)
            if same_index(request.phone_index, phone_idx) or same_index(request.email_index, email_idx):
                if request.lookup_failures:
                    request.lookup_failures = 0
                audit.record(session, "resident", "status_lookup", request_id=request.id, detail={"result": "match"})
                return _found(ref, request.status)
            request.lookup_failures = (request.lookup_failures or 0) + 1
            locked = request.lookup_failures >= MAX_LOOKUP_FAILURES
            if locked:
                request.lookup_failures = 0
                request.lookup_locked_until = now + LOOKUP_LOCKOUT
            audit.record(
                session,
                "resident",
                "status_lookup",
                request_id=request.id,
                detail={"result": "locked" if locked else "no_match"},
            )
            return _neutral(ref, locked=locked)
    except Exception as exc:
        if not is_unreachable(exc):
            raise
        log_unreachable(exc, "status lookup")
        if ref is not None:
            spooled = _lookup_spooled(ref, phone_idx, email_idx, settings, now)
            if spooled.found or spooled.locked:
                return spooled
        raise DatabaseUnavailable("The request database is not reachable right now.") from exc

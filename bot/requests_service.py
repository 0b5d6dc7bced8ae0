"""Filing mediation requests, looking up their status, and reading them back for staff.

Why one service: the Rasa actions, the CLI and the staff app must apply the same rules — one request
per submission however often it is retried, personal fields encrypted, contact details matched only via
blind indexes, a neutral answer to anyone who does not know the contact on file, and nothing lost when
the database is down (the submission goes to the encrypted outbox and keeps its reference).
Each public function is one unit of work (its own session), safe to call from many threads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Optional

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from bot import audit, outbox
from bot.db import crypto
from bot.db.engine import get_engine, session_scope
from bot.db.models import PREFERRED_CONTACTS, MediationRequest, StatusEvent, utcnow
from bot.references import new_reference, normalize_reference
from bot.settings import Settings, get_settings
from bot.validation import normalize_email, normalize_phone

log = logging.getLogger(__name__)

MAX_LOOKUP_FAILURES = 5
LOOKUP_LOCKOUT = timedelta(hours=1)
_INSERT_ATTEMPTS = 5

# What a resident is told about their request's status (no personal data, no staff notes).
RESIDENT_STATUS_LABELS = {
    "received": "received; it is saved and will reach OCC staff shortly",
    "new": "received and waiting for review by OCC staff",
    "in_review": "being reviewed by OCC staff",
    "contacted": "in progress: OCC staff have reached out to you",
    "scheduled": "scheduled: a mediation session has been arranged",
    "mediated": "completed: the mediation took place",
    "not_mediated": "closed without a mediation session",
    "withdrawn": "withdrawn",
    "closed": "closed",
}

# Columns of `export_rows()`, in order (also the CSV header).
EXPORT_FIELDS = (
    "reference",
    "created_at",
    "status",
    "channel",
    "name",
    "phone",
    "email",
    "preferred_contact",
    "complaint_number",
    "incident_date",
    "incident_location",
    "officer",
    "description",
    "availability",
    "language",
    "interpreter_needed",
    "accessibility_needs",
    "eligibility_outcome",
    "eligibility_reasons",
    "consent_at",
    "updated_at",
    "closed_at",
    "purged_at",
)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached right now (the caller should say so kindly and suggest trying later)."""


@dataclass(frozen=True)
class RequestDraft:
    """What the form collected, already validated and normalized (phone E.164, email lowercased)."""

    name: str
    preferred_contact: str
    phone: Optional[str]
    email: Optional[str]
    complaint_number: Optional[str]
    incident_date: Optional[date]
    incident_location: str
    officer: Optional[str]
    description: str
    availability: str
    language: str
    interpreter_needed: bool
    accessibility_needs: Optional[str]
    eligibility_outcome: str
    eligibility_reasons: list


@dataclass(frozen=True)
class SubmitResult:
    reference: str
    stored: bool  # False → spooled in the outbox because the database was unreachable
    duplicate: bool  # True → this submission was already received; reference is the existing one


@dataclass(frozen=True)
class LookupResult:
    found: bool
    status: Optional[str]
    status_label: Optional[str]
    locked: bool
    reference: Optional[str] = None  # the normalized reference, when the input looked like one


NOT_FOUND = LookupResult(found=False, status=None, status_label=None, locked=False)


# ---------------------------------------------------------------- drafts and submissions


def draft_to_payload(draft: RequestDraft) -> dict:
    """The draft as JSON-ready data (dates as ISO strings)."""
    data = asdict(draft)
    if isinstance(draft.incident_date, date):
        data["incident_date"] = draft.incident_date.isoformat()
    data["eligibility_reasons"] = list(draft.eligibility_reasons or [])
    return data


def draft_from_payload(data: dict) -> RequestDraft:
    data = dict(data)
    if data.get("incident_date"):
        data["incident_date"] = date.fromisoformat(data["incident_date"])
    return RequestDraft(**data)


def submission_key_for(draft: RequestDraft, sender_key: str) -> str:
    """sha256 of the sender key and the canonical JSON of the draft: the same submission → the same key."""
    canonical = json.dumps(draft_to_payload(draft), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{sender_key}\x00{canonical}".encode("utf-8")).hexdigest()


def _check_draft(draft: RequestDraft, channel: str) -> None:
    """Contract checks (the form validates the resident's input; these catch programming errors)."""
    if not isinstance(draft, RequestDraft):
        raise TypeError("submit_request expects a RequestDraft")
    if draft.preferred_contact not in PREFERRED_CONTACTS:
        raise ValueError(f"preferred_contact must be one of {PREFERRED_CONTACTS}")
    if draft.preferred_contact in ("call", "text") and not draft.phone:
        raise ValueError("a phone number is required when the preferred contact is call or text")
    if draft.preferred_contact == "email" and not draft.email:
        raise ValueError("an email address is required when the preferred contact is email")
    if not channel or len(channel) > 20:
        raise ValueError("channel must be a short name such as web, sms, rest or shell")


def _is_unreachable(exc: BaseException) -> bool:
    """Is this a database failure the outbox should absorb (rather than a bug in our data)?

    Any driver-level error except a constraint violation counts: a refused or dropped connection, a pool
    timeout, a locked SQLite file, or a schema that is not migrated yet. In every case the resident's
    request is safer in the encrypted outbox than lost; the error is logged for operators.
    """
    if isinstance(exc, sa_exc.IntegrityError):
        return False
    return isinstance(exc, (sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError))


def _log_unreachable(exc: BaseException, what: str) -> None:
    connection_problem = isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)) or (
        isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    )
    level = logging.WARNING if connection_problem else logging.ERROR
    log.log(level, "Database unavailable during %s (%s); using the outbox.", what, type(exc).__name__)


def _pending_record(draft: RequestDraft, *, reference: str, submission_key: str, channel: str) -> dict:
    now = utcnow().isoformat()
    return {
        "version": 1,
        "reference": reference,
        "submission_key": submission_key,
        "channel": channel,
        "created_at": now,
        "consent_at": now,
        "draft": draft_to_payload(draft),
    }


def store_record(record: dict, settings: Settings, *, via: str = "direct") -> tuple[str, bool]:
    """Insert a pending submission idempotently; returns (reference, duplicate). Used by submit and outbox.

    Raises the database error when the database cannot be reached.
    """
    draft = draft_from_payload(record["draft"])
    key = record["submission_key"]
    reference = record["reference"]
    engine = get_engine(settings.database_url)
    with crypto.using(settings):
        for _ in range(_INSERT_ATTEMPTS):
            try:
                with session_scope(engine) as session:
                    existing = session.execute(
                        select(MediationRequest.reference).where(MediationRequest.submission_key == key)
                    ).scalar_one_or_none()
                    if existing is not None:
                        return existing, True
                    request = _new_request(draft, record, reference, settings)
                    session.add(request)
                    session.flush()
                    session.add(
                        StatusEvent(
                            request_id=request.id,
                            from_status=None,
                            to_status="new",
                            actor=f"resident:{record['channel']}",
                            created_at=request.created_at,
                        )
                    )
                    audit.record(
                        session,
                        "assistant",
                        "submit_request",
                        request_id=request.id,
                        detail={
                            "channel": record["channel"],
                            "eligibility_outcome": draft.eligibility_outcome,
                            "via": via,
                        },
                    )
                return reference, False
            except sa_exc.IntegrityError:
                # Either the same submission raced in from another thread/process, or (1 in ~729 million)
                # the reference is taken. Find out which in a fresh unit of work.
                with session_scope(engine) as session:
                    existing = session.execute(
                        select(MediationRequest.reference).where(MediationRequest.submission_key == key)
                    ).scalar_one_or_none()
                if existing is not None:
                    return existing, True
                if via == "outbox":
                    log.warning("Spooled reference collided with an existing one; assigning a new reference.")
                reference = new_reference()
    raise RuntimeError("Could not store the request: no free reference after several attempts.")


def _new_request(draft: RequestDraft, record: dict, reference: str, settings: Settings) -> MediationRequest:
    created = datetime.fromisoformat(record["created_at"])
    consent = datetime.fromisoformat(record.get("consent_at") or record["created_at"])
    phone = _normalize_phone(draft.phone) if draft.phone else None
    email = _normalize_email(draft.email) if draft.email else None
    return MediationRequest(
        reference=reference,
        submission_key=record["submission_key"],
        created_at=created,
        updated_at=created,
        status="new",
        channel=record["channel"],
        name=draft.name,
        phone=draft.phone,
        email=draft.email,
        preferred_contact=draft.preferred_contact,
        phone_index=crypto.blind_index(phone or (draft.phone or "").strip() or None, settings),
        email_index=crypto.blind_index(email or (draft.email or "").strip().lower() or None, settings),
        complaint_number=draft.complaint_number,
        incident_date=draft.incident_date,
        incident_location=draft.incident_location,
        officer=draft.officer,
        description=draft.description,
        availability=draft.availability,
        language=draft.language,
        interpreter_needed=bool(draft.interpreter_needed),
        accessibility_needs=draft.accessibility_needs,
        eligibility_outcome=draft.eligibility_outcome,
        eligibility_reasons=list(draft.eligibility_reasons or []),
        consent_at=consent,
        lookup_failures=0,
    )


def notify_stored(reference: str, settings: Settings) -> None:
    """Tell staff a new request arrived; a failing notice never affects the request."""
    try:
        from bot.notify import notify_new_request

        notify_new_request(reference, settings)
    except Exception as exc:  # noqa: BLE001 - the request is already safe; the notice is best effort
        log.warning("New-request notice for %s failed: %s", reference, type(exc).__name__)


def submit_request(
    draft: RequestDraft, *, sender_key: str, channel: str, settings: Optional[Settings] = None
) -> SubmitResult:
    """File a request once, however often it is submitted; spool it to the outbox if the database is down."""
    settings = settings or get_settings()
    _check_draft(draft, channel)
    key = submission_key_for(draft, sender_key)

    database_down = False
    if outbox.has_pending(settings):
        database_down = outbox.flush(settings).unreachable
    # A retry of a submission still waiting in the outbox keeps the reference the resident was given.
    spooled = outbox.find(settings, submission_key=key)
    record = spooled or _pending_record(draft, reference=new_reference(), submission_key=key, channel=channel)

    if not database_down:
        try:
            reference, duplicate = store_record(record, settings)
        except Exception as exc:
            if not _is_unreachable(exc):
                raise
            _log_unreachable(exc, "submit")
        else:
            if spooled is not None:
                outbox.remove(settings, submission_key=key)
            if not duplicate:
                notify_stored(reference, settings)
            return SubmitResult(reference=reference, stored=True, duplicate=duplicate or spooled is not None)

    if spooled is not None:
        return SubmitResult(reference=spooled["reference"], stored=False, duplicate=True)
    outbox.spool(record, settings)
    return SubmitResult(reference=record["reference"], stored=False, duplicate=False)


def deliver_pending(settings: Optional[Settings] = None) -> int:
    """Flush the outbox into the database; returns how many submissions were delivered."""
    return outbox.deliver_pending(settings)


# ---------------------------------------------------------------- status lookup


def _normalize_phone(text: Optional[str]) -> Optional[str]:
    """E.164 (bot.validation's rule), or None."""
    return normalize_phone(text).value if text else None


def _normalize_email(text: Optional[str]) -> Optional[str]:
    """The address as bot.validation accepts it, lowercased for matching, or None."""
    value = normalize_email(text).value if text else None
    return value.strip().lower() if value else None


def _contact_indexes(contact: str, settings: Settings) -> tuple[Optional[str], Optional[str]]:
    """(phone_index, email_index) for whatever the resident typed; at most one is set."""
    contact = (contact or "").strip()
    if "@" in contact:
        return None, crypto.blind_index(_normalize_email(contact), settings)
    return crypto.blind_index(_normalize_phone(contact), settings), None


def _matches(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected and given) and hmac.compare_digest(expected or "", given or "")


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
    return LookupResult(
        found=True,
        status=status,
        status_label=RESIDENT_STATUS_LABELS.get(status, status),
        locked=False,
        reference=reference,
    )


def _lookup_spooled(reference: str, phone_idx, email_idx, settings: Settings, now: datetime) -> LookupResult:
    if _memory_lockout.locked(reference, now):
        return _neutral(reference, locked=True)
    record = outbox.find(settings, reference=reference)
    if record is not None:
        draft = record.get("draft", {})
        if _matches(crypto.blind_index(_normalize_phone(draft.get("phone")), settings), phone_idx) or _matches(
            crypto.blind_index(_normalize_email(draft.get("email")), settings), email_idx
        ):
            _memory_lockout.succeed(reference)
            return _found(reference, "received")
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
    phone_idx, email_idx = _contact_indexes(contact, settings)
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
            if _matches(request.phone_index, phone_idx) or _matches(request.email_index, email_idx):
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
        if not _is_unreachable(exc):
            raise
        _log_unreachable(exc, "status lookup")
        if ref is not None:
            spooled = _lookup_spooled(ref, phone_idx, email_idx, settings, now)
            if spooled.found or spooled.locked:
                return spooled
        raise DatabaseUnavailable("The request database is not reachable right now.") from exc


# ---------------------------------------------------------------- reading back (staff, CLI)


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() if value is not None else None


def request_to_dict(request: MediationRequest) -> dict:
    """A decrypted, JSON-ready dict of one request (the EXPORT_FIELDS)."""
    return {
        "reference": request.reference,
        "created_at": _iso(request.created_at),
        "status": request.status,
        "channel": request.channel,
        "name": request.name,
        "phone": request.phone,
        "email": request.email,
        "preferred_contact": request.preferred_contact,
        "complaint_number": request.complaint_number,
        "incident_date": _iso(request.incident_date),
        "incident_location": request.incident_location,
        "officer": request.officer,
        "description": request.description,
        "availability": request.availability,
        "language": request.language,
        "interpreter_needed": bool(request.interpreter_needed),
        "accessibility_needs": request.accessibility_needs,
        "eligibility_outcome": request.eligibility_outcome,
        "eligibility_reasons": list(request.eligibility_reasons or []),
        "consent_at": _iso(request.consent_at),
        "updated_at": _iso(request.updated_at),
        "closed_at": _iso(request.closed_at),
        "purged_at": _iso(request.purged_at),
    }


def list_requests(
    *, status: Optional[str] = None, limit: int = 100, offset: int = 0, settings: Optional[Settings] = None
) -> list[dict]:
    """Newest first: reference, created_at, status, channel, name, preferred_contact, eligibility_outcome."""
    settings = settings or get_settings()
    query = select(MediationRequest).order_by(MediationRequest.created_at.desc(), MediationRequest.id.desc())
    if status:
        query = query.where(MediationRequest.status == status)
    query = query.limit(limit).offset(offset)
    with crypto.using(settings), session_scope(get_engine(settings.database_url)) as session:
        return [
            {
                "reference": r.reference,
                "created_at": _iso(r.created_at),
                "status": r.status,
                "channel": r.channel,
                "name": r.name,
                "preferred_contact": r.preferred_contact,
                "eligibility_outcome": r.eligibility_outcome,
            }
            for r in session.execute(query).scalars()
        ]


def count_requests(*, status: Optional[str] = None, settings: Optional[Settings] = None) -> int:
    settings = settings or get_settings()
    query = select(func.count(MediationRequest.id))
    if status:
        query = query.where(MediationRequest.status == status)
    with session_scope(get_engine(settings.database_url)) as session:
        return session.execute(query).scalar_one()


def get_request(reference: str, *, actor: Optional[str] = None, settings: Optional[Settings] = None) -> Optional[dict]:
    """One request, decrypted, with `status_history` and `notes`; None if unknown. Audited when `actor` is given."""
    settings = settings or get_settings()
    ref = normalize_reference(reference)
    if ref is None:
        return None
    with crypto.using(settings), session_scope(get_engine(settings.database_url)) as session:
        request = session.execute(
            select(MediationRequest).where(MediationRequest.reference == ref)
        ).scalar_one_or_none()
        if request is None:
            return None
        data = request_to_dict(request)
        data["status_history"] = [
            {"from_status": e.from_status, "to_status": e.to_status, "actor": e.actor, "created_at": _iso(e.created_at)}
            for e in request.status_events
        ]
        data["notes"] = [{"author": n.author, "body": n.body, "created_at": _iso(n.created_at)} for n in request.notes]
        if actor:
            audit.record(session, actor, "view_request", request_id=request.id)
        return data


def export_rows(
    *, actor: Optional[str] = None, settings: Optional[Settings] = None, fmt: Optional[str] = None
) -> list[dict]:
    """Every request, decrypted, oldest first, as dicts with EXPORT_FIELDS. Audited (`export`) when `actor` is given."""
    settings = settings or get_settings()
    query = select(MediationRequest).order_by(MediationRequest.created_at, MediationRequest.id)
    with crypto.using(settings), session_scope(get_engine(settings.database_url)) as session:
        rows = [request_to_dict(r) for r in session.execute(query).scalars()]
        if actor:
            detail: dict[str, object] = {"count": len(rows)}
            if fmt:
                detail["format"] = fmt
            audit.record(session, actor, "export", detail=detail)
        return rows

"""Storing a submission in the database exactly once, and telling database trouble from bugs.

Why its own module: both a direct submission and the outbox's later delivery store the same record the same
way (same row, same status event, same audit entry, same idempotency check), so a request is never stored
twice however often it is retried or from wherever it is delivered.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from bot.conversation import references
from bot.db import audit, crypto
from bot.db.engine import get_engine, session_scope
from bot.db.models import MediationRequest, StatusEvent, utcnow
from bot.requests import contacts, notify
from bot.requests.drafts import RequestDraft, draft_from_payload, draft_to_payload
from bot.requests.fields import DRAFT_FIELDS
from bot.settings import Settings

log = logging.getLogger(__name__)

INSERT_ATTEMPTS = 5


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached right now (the caller should say so kindly and suggest trying later)."""


def is_unreachable(exc: BaseException) -> bool:
    """Is this a database failure the outbox should absorb (rather than a bug in our data)?

    Any driver-level error except a constraint violation counts: a refused or dropped connection, a pool
    timeout, a locked SQLite file, or a schema that is not migrated yet. In every case the resident's
    request is safer in the encrypted outbox than lost; the error is logged for operators.
    """
    if isinstance(exc, sa_exc.IntegrityError):
        return False
    return isinstance(exc, (sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError))


def log_unreachable(exc: BaseException, what: str) -> None:
    """One line for operators: what failed and the error's type (its message may carry submitted values)."""
    connection_problem = isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)) or (
        isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    )
    level = logging.WARNING if connection_problem else logging.ERROR
    log.log(level, "Database unavailable during %s (%s); using the outbox.", what, type(exc).__name__)


def pending_record(draft: RequestDraft, *, reference: str, submission_key: str, channel: str) -> dict:
    """A submission as it is stored or spooled: the draft plus its reference, key, channel and times."""
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


def _existing_reference(session, key: str):
    return session.execute(
        select(MediationRequest.reference).where(MediationRequest.submission_key == key)
    ).scalar_one_or_none()


def store_record(record: dict, settings: Settings, *, via: str = "direct") -> tuple[str, bool]:
    """Insert a pending submission idempotently; returns (reference, duplicate). Used by submit and outbox.

    Raises the database error when the database cannot be reached.
    """
    draft = draft_from_payload(record["draft"])
    key = record["submission_key"]
    reference = record["reference"]
    engine = get_engine(settings.database_url)
    with crypto.using(settings):
        for _ in range(INSERT_ATTEMPTS):
            try:
                with session_scope(engine) as session:
                    existing = _existing_reference(session, key)
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
                    existing = _existing_reference(session, key)
                if existing is not None:
                    return existing, True
                if via == "outbox":
                    log.warning("Spooled reference collided with an existing one; assigning a new reference.")
                reference = references.new_reference()
    raise RuntimeError("Could not store the request: no free reference after several attempts.")


def _new_request(draft: RequestDraft, record: dict, reference: str, settings: Settings) -> MediationRequest:
    created = datetime.fromisoformat(record["created_at"])
    consent = datetime.fromisoformat(record.get("consent_at") or record["created_at"])
    values = {name: getattr(draft, name) for name in DRAFT_FIELDS}
    values.update(
        interpreter_needed=bool(draft.interpreter_needed),
        eligibility_reasons=list(draft.eligibility_reasons or []),
    )
    return MediationRequest(
        reference=reference,
        submission_key=record["submission_key"],
        created_at=created,
        updated_at=created,
        status="new",
        channel=record["channel"],
        phone_index=contacts.phone_index(draft.phone, settings),
        email_index=contacts.email_index(draft.email, settings),
        consent_at=consent,
        lookup_failures=0,
        **values,
    )


def notify_stored(reference: str, settings: Settings) -> None:
    """Tell staff a new request arrived; a failing notice never affects the request."""
    try:
        notify.notify_new_request(reference, settings)
    except Exception as exc:  # noqa: BLE001 - the request is already safe; the notice is best effort
        log.warning("New-request notice for %s failed: %s", reference, type(exc).__name__)

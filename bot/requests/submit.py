"""Filing a resident's request: once, however often it is submitted, and never lost.

Why: the resident has just told us about an encounter with the police and been promised that nothing is lost.
A retried "Yes, send it" must return the same reference, and a database that is down must not lose the
request: it goes to the encrypted outbox (bot.requests.outbox) and keeps the reference it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.conversation import references
from bot.requests import outbox
from bot.requests.drafts import RequestDraft, check_draft, submission_key_for
from bot.requests.store import is_unreachable, log_unreachable, notify_stored, pending_record, store_record
from bot.settings import Settings, get_settings


@dataclass(frozen=True)
class SubmitResult:
    reference: str
    stored: bool  # False → spooled in the outbox because the database was unreachable
    duplicate: bool  # True → this submission was already received; reference is the existing one


def submit_request(
    draft: RequestDraft, *, sender_key: str, channel: str, settings: Optional[Settings] = None
) -> SubmitResult:
    """File a request once, however often it is submitted; spool it to the outbox if the database is down."""
    settings = settings or get_settings()
    check_draft(draft, channel)
    key = submission_key_for(draft, sender_key)

    database_down = False
    if outbox.has_pending(settings):
        database_down = outbox.flush(settings).unreachable
    # A retry of a submission still waiting in the outbox keeps the reference the resident was given.
    spooled = outbox.find(settings, submission_key=key)
    record = spooled or pending_record(draft, reference=references.new_reference(), submission_key=key, channel=channel)

    if not database_down:
        try:
            reference, duplicate = store_record(record, settings)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            log_unreachable(exc, "submit")
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

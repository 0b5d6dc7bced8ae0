"""Retention: remove personal data from requests that have been finished for longer than the policy allows.

Why: the program only needs a resident's name, contact details and story while it works on the case.
After a request reaches a final status (mediated, not mediated, withdrawn, closed) and the retention period
has passed, the personal fields are set to NULL and `purged_at` is stamped. The row itself stays, with its
status, channel, dates, eligibility outcome and reasons (which hold no personal data), so program
statistics (requests per week, outcomes) survive. Note bodies are erased too (they are about the person);
who wrote a note and when stays. Every run, dry or real, leaves one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import select, update

from bot.db import audit
from bot.db.models import MediationRequest, Note
from bot.requests.fields import PURGED_FIELDS
from bot.requests.workflow import FINAL_STATUSES

# Columns that hold personal data (or lead to it) and are nulled by a purge: the one field list decides.
PERSONAL_FIELDS = PURGED_FIELDS


@dataclass(frozen=True)
class PurgeResult:
    references: tuple[str, ...]
    cutoff: datetime
    dry_run: bool

    @property
    def count(self) -> int:
        return len(self.references)


def purge(
    session, older_than_days: int, *, actor: str = "cli", dry_run: bool = False, now: Optional[datetime] = None
) -> PurgeResult:
    """Purge personal data from requests closed more than `older_than_days` days ago.

    With `dry_run` nothing changes except the audit event saying what would have been purged.
    The caller owns the unit of work (commit/rollback).
    """
    if older_than_days < 0:
        raise ValueError("The number of days must be zero or more.")
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=older_than_days)
    rows = session.execute(
        select(MediationRequest.id, MediationRequest.reference)
        .where(
            MediationRequest.status.in_(FINAL_STATUSES),
            MediationRequest.closed_at.is_not(None),
            MediationRequest.closed_at < cutoff,
            MediationRequest.purged_at.is_(None),
        )
        .order_by(MediationRequest.id)
    ).all()
    ids = [r.id for r in rows]
    references = tuple(r.reference for r in rows)
    if ids and not dry_run:
        values: dict[str, object] = {field: None for field in PERSONAL_FIELDS}
        values["purged_at"] = now
        values["updated_at"] = now
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            session.execute(
                update(MediationRequest)
                .where(MediationRequest.id.in_(chunk))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(Note)
                .where(Note.request_id.in_(chunk))
                .values(body=None)
                .execution_options(synchronize_session=False)
            )
    audit.record(
        session,
        actor,
        "purge",
        detail={
            "older_than_days": older_than_days,
            "dry_run": dry_run,
            "count": len(ids),
            "references": list(references),
        },
    )
    return PurgeResult(references=references, cutoff=cutoff, dry_run=dry_run)

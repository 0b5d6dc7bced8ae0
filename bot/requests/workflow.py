"""Status workflow of a mediation request: which moves are allowed, and how a move is recorded.

Why as data: staff, tests and the documentation must agree on one table. The path is
`new → in_review → contacted → scheduled → mediated | not_mediated | withdrawn | closed`.

Decisions (the dashboard shows only the allowed moves; the CLI and tests use this same table):
* `withdrawn` is reachable from every open state: residents may change their mind at any time before a
  session (SF, Miami and others say so explicitly), not only after one is scheduled.
* `closed` (administrative close: ineligible, unreachable, duplicate, referred to investigation) is
  reachable from every open state, so staff never have to walk a request through steps that did not happen.
* `not_mediated` is reachable from `contacted` (the officer or the resident declined after contact) and
  from `scheduled` (the session did not happen or ended without agreement).
* `mediated` is only reachable from `scheduled`: a mediation needs a session.
* The four outcomes are final. A request never re-opens; a mistake is explained in a note. Every final
  status sets `closed_at`, which starts the retention clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from bot.db import audit
from bot.db.models import StatusEvent

OPEN_STATUSES = ("new", "in_review", "contacted", "scheduled")
FINAL_STATUSES = ("mediated", "not_mediated", "withdrawn", "closed")
STATUSES = OPEN_STATUSES + FINAL_STATUSES

LABELS = {
    "new": "New",
    "in_review": "In review",
    "contacted": "Contacted",
    "scheduled": "Scheduled",
    "mediated": "Mediated",
    "not_mediated": "Not mediated",
    "withdrawn": "Withdrawn",
    "closed": "Closed",
}

# from-status → statuses it may move to, in the order staff see them.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_review", "withdrawn", "closed"),
    "in_review": ("contacted", "withdrawn", "closed"),
    "contacted": ("scheduled", "not_mediated", "withdrawn", "closed"),
    "scheduled": ("mediated", "not_mediated", "withdrawn", "closed"),
    "mediated": (),
    "not_mediated": (),
    "withdrawn": (),
    "closed": (),
}


def label(status: Optional[str]) -> str:
    return LABELS.get(status or "", status or "—")


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


def allowed_next(status: str) -> tuple[str, ...]:
    """Statuses a request in `status` may move to (empty for final or unknown statuses)."""
    return TRANSITIONS.get(status, ())


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in allowed_next(from_status)


def refusal_message(from_status: str, to_status: str) -> Optional[str]:
    """A kind, specific message when the move is not allowed; None when it is."""
    if to_status not in LABELS:
        return f"“{to_status}” is not a status this program uses."
    if from_status == to_status:
        return f"The request is already {label(to_status)}."
    if is_final(from_status):
        return f"The request is {label(from_status)}, which is final. If this was a mistake, explain it in a note."
    if not can_transition(from_status, to_status):
        options = ", ".join(label(s) for s in allowed_next(from_status))
        return f"A request that is {label(from_status)} cannot move to {label(to_status)}. It can move to: {options}."
    return None


class TransitionRefused(ValueError):
    """The requested status change breaks the workflow; str(exc) is a message for staff."""


@dataclass(frozen=True)
class StatusChange:
    reference: str
    from_status: str
    to_status: str


def change_status(session, request, to_status: str, actor: str, *, now: Optional[datetime] = None) -> StatusChange:
    """Move `request` (a MediationRequest in `session`) to `to_status`, recording history and audit.

    Raises TransitionRefused (nothing written) when the workflow does not allow the move.
    The caller owns the unit of work (commit/rollback).
    """

    from_status = request.status
    message = refusal_message(from_status, to_status)
    if message:
        raise TransitionRefused(message)
    now = now or datetime.now(timezone.utc)
    request.status = to_status
    request.updated_at = now
    if is_final(to_status):
        request.closed_at = now
    session.add(
        StatusEvent(request_id=request.id, from_status=from_status, to_status=to_status, actor=actor, created_at=now)
    )
    audit.record(session, actor, "update_status", request_id=request.id, detail={"from": from_status, "to": to_status})
    return StatusChange(request.reference, from_status, to_status)

"""The audit trail: who looked at, changed, exported or submitted what.

Why a single function: every staff action and resident submission must leave the same kind of record,
inside the same unit of work as the action itself (so a rolled-back action leaves no audit row and a
committed one always does). `detail` must never contain personal data: ids, counts, outcomes only.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from sqlalchemy.orm import Session

from bot.db.models import AUDIT_ACTIONS, AuditEvent


def record(
    session: Session,
    actor: str,
    action: str,
    request_id: Optional[int] = None,
    detail: Optional[Mapping[str, Any]] = None,
) -> AuditEvent:
    """Add an audit event to `session` (the caller's unit of work commits it)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}; add it to bot.db.models.AUDIT_ACTIONS.")
    if not actor:
        raise ValueError("An audit event needs an actor.")
    event = AuditEvent(actor=actor[:255], action=action, request_id=request_id, detail=dict(detail or {}))
    session.add(event)
    return event

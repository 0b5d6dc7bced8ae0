"""Reading requests back for staff and the CLI: decrypted dicts, lists, one request, exports, CSV.

Why here: the staff dashboard and `mediation-admin` must show and export the same thing, decrypted the same
way and audited the same way; the CSV rules (columns, formula defusing) live once, in `render_csv`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Optional

from sqlalchemy import func, select

from bot.conversation.references import normalize_reference
from bot.db import audit, crypto
from bot.db.engine import get_engine, session_scope
from bot.db.models import MediationRequest
from bot.requests.fields import EXPORT_FIELDS, FREE_TEXT_FIELDS
from bot.settings import Settings, get_settings

# Spreadsheet programs run a cell starting with one of these as a formula, so free text that starts with one
# gets a leading apostrophe in CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _exported(name: str, value: Any) -> Any:
    if name == "interpreter_needed":
        return bool(value)
    if name == "eligibility_reasons":
        return list(value or [])
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def request_to_dict(request: MediationRequest) -> dict:
    """A decrypted, JSON-ready dict of one request (the EXPORT_FIELDS, in order)."""
    return {name: _exported(name, getattr(request, name)) for name in EXPORT_FIELDS}


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


def render_csv(rows: Iterable[dict]) -> str:
    """CSV with the EXPORT_FIELDS header; eligibility_reasons as JSON; formula-like free text defused."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["eligibility_reasons"] = json.dumps(row.get("eligibility_reasons") or [], ensure_ascii=False)
        flat["interpreter_needed"] = "true" if row.get("interpreter_needed") else "false"
        for name in FREE_TEXT_FIELDS:
            value = flat.get(name)
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                flat[name] = "'" + value
        writer.writerow({k: ("" if v is None else v) for k, v in flat.items()})
    return out.getvalue()

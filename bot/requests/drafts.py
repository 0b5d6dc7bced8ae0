"""What a resident's form becomes before it is stored: the `RequestDraft`, its JSON form and its key.

Why separate from storing: the same draft travels three ways — straight into the database, into the
encrypted outbox while the database is down, and back out of the outbox — and each way must produce the
same row and the same idempotency key, so a retried submission is recognised wherever it went first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Mapping, Optional

from bot.conversation import request_form as rf
from bot.db.models import PREFERRED_CONTACTS
from bot.requests.fields import DRAFT_FIELDS


@dataclass(frozen=True)
class RequestDraft:
    """What the form collected, already validated and normalized (phone E.164, email lowercased).

    Its fields are the `draft=True` fields of bot.requests.fields (checked at import below).
    """

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


if tuple(f.name for f in dataclasses.fields(RequestDraft)) != DRAFT_FIELDS:  # pragma: no cover - a coding error
    raise RuntimeError("RequestDraft's fields must be the draft fields of bot.requests.fields, in order")


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


def check_draft(draft: RequestDraft, channel: str) -> None:
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


def draft_from_form(values: Mapping[str, Any]) -> RequestDraft:
    """Turn the request form's answers (slot name → value) into a draft (only what the form asked)."""
    method = values.get("req_contact_method")
    raw_date = values.get("elig_incident_date")
    try:
        incident_date = date.fromisoformat(str(raw_date)) if raw_date else None
    except ValueError:  # "unknown": the resident wasn't sure
        incident_date = None
    language = rf.optional(values.get("req_language")) or "English"
    return RequestDraft(
        name=str(values.get("req_name") or ""),
        preferred_contact=str(method or ""),
        phone=rf.optional(values.get("req_phone")) if method in ("call", "text") else None,
        email=rf.optional(values.get("req_email")) if method == "email" else None,
        complaint_number=rf.optional(values.get("req_complaint_number")),
        incident_date=incident_date,
        incident_location=str(values.get("req_incident_location") or ""),
        officer=rf.optional(values.get("req_officer")),
        description=str(values.get("req_description") or ""),
        availability=str(values.get("req_availability") or ""),
        language=language,
        interpreter_needed=values.get("req_interpreter") == "yes" and language.lower() != "english",
        accessibility_needs=rf.optional(values.get("req_accessibility")),
        eligibility_outcome=str(values.get("eligibility_outcome") or "needs_staff_review"),
        eligibility_reasons=list(values.get("eligibility_reasons") or []),
    )

"""The mediation request form's rules: which questions are still needed, the summary, corrections.

Why: the Rasa form and the tests both need to know the same things (which slot holds which field, which
fields depend on which answer, how "the phone number is wrong" maps to a slot). Keeping them here as plain
data and functions means the action code only translates, and the rules are tested without a Rasa server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Optional

from bot.text import truncate

NONE = "none"  # an optional field the resident chose to leave empty
CONFIRM_YES = "yes"
CONTACT_METHODS = {"call": "Phone call", "text": "Text message", "email": "Email"}


@dataclass(frozen=True)
class Field:
    key: str
    slot: str
    label: str
    synonyms: tuple[str, ...] = ()
    clears: tuple[str, ...] = ()  # dependent slots to ask again when this one changes


FIELDS: tuple[Field, ...] = (
    Field("name", "req_name", "Name", ("name", "my name", "spelling", "misspelled")),
    Field(
        "contact_method",
        "req_contact_method",
        "Contact by",
        ("contact method", "how to contact", "contact me", "way to reach", "call or text", "contact"),
        clears=("req_phone", "req_email"),
    ),
    Field("phone", "req_phone", "Phone", ("phone", "number", "cell", "mobile", "telephone", "digits")),
    Field("email", "req_email", "Email", ("email", "e-mail", "mail address", "gmail")),
    Field(
        "complaint_number", "req_complaint_number", "Complaint number", ("complaint number", "case number", "complaint")
    ),
    Field("incident_date", "elig_incident_date", "Date of incident", ("date", "day", "when it happened", "when")),
    Field("incident_location", "req_incident_location", "Place", ("location", "place", "address", "where", "street")),
    Field("officer", "req_officer", "Department member", ("officer", "badge", "cop", "member")),
    Field(
        "description",
        "req_description",
        "What happened",
        ("description", "what happened", "story", "summary", "details"),
    ),
    Field("availability", "req_availability", "Availability", ("availability", "available", "times", "schedule")),
    Field(
        "language",
        "req_language",
        "Language",
        ("language", "spanish", "english", "vietnamese"),
        clears=("req_interpreter",),
    ),
    Field("interpreter", "req_interpreter", "Interpreter", ("interpreter", "translator")),
    Field(
        "accessibility",
        "req_accessibility",
        "Accessibility needs",
        ("accessibility", "accommodation", "wheelchair", "disability"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
FIELD_BY_SLOT = {f.slot: f for f in FIELDS}

FORM_SLOTS: tuple[str, ...] = tuple(f.slot for f in FIELDS) + ("req_consent", "req_confirm")
CORRECTABLE_LABELS = [f.label for f in FIELDS if f.key != "interpreter"]


def required_slots(values: Mapping[str, Any]) -> list[str]:
    """The request form's questions, in order, given what is known so far.

    Phone is asked for calls and texts, email for email; the interpreter question only when the language is
    not English. Declining consent ends the form there (nothing after it is needed, nothing is stored).
    """
    method = values.get("req_contact_method")
    language = (values.get("req_language") or "").strip().lower()
    slots: list[str] = []
    for field in FIELDS:
        if field.key == "phone" and method not in ("call", "text"):
            continue
        if field.key == "email" and method != "email":
            continue
        if field.key == "interpreter" and (not language or language == "english"):
            continue
        slots.append(field.slot)
    slots.append("req_consent")
    if values.get("req_consent") == "no":
        return slots
    slots.append("req_confirm")
    return slots


def field_from_text(text: str | None, entity_values: Optional[list[str]] = None) -> Optional[Field]:
    """Which field a resident wants to change: an NLU `field` entity wins, then a label or synonym."""
    for value in entity_values or []:
        value = (value or "").strip().lower()
        if value in FIELD_BY_KEY:
            return FIELD_BY_KEY[value]
    lowered = (text or "").strip().lower()
    if not lowered:
        return None
    for field in FIELDS:  # exact label (buttons send the label)
        if lowered == field.label.lower():
            return field
    best: tuple[int, Optional[Field]] = (0, None)
    for field in FIELDS:
        for synonym in field.synonyms + (field.label.lower(),):
            if re.search(rf"\b{re.escape(synonym)}\b", lowered) and len(synonym) > best[0]:
                best = (len(synonym), field)
    return best[1]


def slots_to_clear(field: Field) -> list[str]:
    return [field.slot, *field.clears]


def display_value(slot: str, value: Any) -> str:
    if value in (None, "", NONE):
        return "not given"
    if slot == "req_contact_method":
        return CONTACT_METHODS.get(value, str(value))
    if slot == "elig_incident_date":
        try:
            return date.fromisoformat(str(value)).strftime("%b %-d, %Y")
        except ValueError:
            return "not sure"
    if slot == "req_interpreter":
        return "Yes" if value == "yes" else "No"
    return str(value)


def summary_lines(values: Mapping[str, Any], description_preview: int = 140) -> list[str]:
    """One line per answered field, for the confirmation message."""
    lines = []
    for slot in required_slots(values):
        field = FIELD_BY_SLOT.get(slot)
        if field is None:
            continue
        shown = display_value(slot, values.get(slot))
        if slot == "req_description":
            shown = truncate(shown, description_preview)
        lines.append(f"{field.label}: {shown}")
    return lines


def optional(value: Any) -> Optional[str]:
    """Slot value → stored value (the NONE sentinel and blanks become None)."""
    if value in (None, "", NONE):
        return None
    return str(value)


def is_stored_date(value: Any) -> bool:
    """An answer the eligibility check already stored for the date: an ISO date, or "unknown" (not sure)."""
    if value == "unknown":
        return True
    try:
        date.fromisoformat(str(value))
        return True
    except ValueError:
        return False

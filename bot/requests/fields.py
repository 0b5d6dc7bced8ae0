"""The one list of a mediation request's fields, with what each field is.

Why one list: export, retention, the staff page, the CSV and the draft the form fills all need to know the
same things about a field — is it personal (encrypted at rest, erased by a retention purge), did the resident
type it (so a spreadsheet must never run it as a formula), does it leave the system in an export, where does
the staff page show it. Written once here, those lists can't drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class RequestField:
    name: str  # column name, export column, key of request_to_dict()
    staff_label: str  # how the staff page and the CSV header describe it
    section: Optional[str] = None  # staff page card: "summary" | "contact" | "incident" (None: shown elsewhere)
    draft: bool = False  # collected from the resident by the request form (a RequestDraft field)
    encrypted: bool = False  # stored Fernet-encrypted
    purged: bool = False  # set to NULL by a retention purge (personal data or what leads to it)
    free_text: bool = False  # typed by the resident: defused against spreadsheet formulas in CSV
    exported: bool = True  # a column of `mediation-admin export` and the staff CSV


FIELDS: tuple[RequestField, ...] = (
    RequestField("reference", "Reference"),
    RequestField("created_at", "Received", section="summary"),
    RequestField("status", "Status", section="summary"),
    RequestField("channel", "Channel", section="summary"),
    RequestField("name", "Name", "contact", draft=True, encrypted=True, purged=True, free_text=True),
    RequestField("preferred_contact", "Preferred contact", "contact", draft=True),
    # Not free text: the form stores it normalised to E.164.
    RequestField("phone", "Phone", "contact", draft=True, encrypted=True, purged=True),
    RequestField("email", "Email", "contact", draft=True, encrypted=True, purged=True, free_text=True),
    RequestField("phone_index", "Phone look-up index", purged=True, exported=False),
    RequestField("email_index", "Email look-up index", purged=True, exported=False),
    RequestField(
        "complaint_number", "Complaint number", "incident", draft=True, encrypted=True, purged=True, free_text=True
    ),
    RequestField("incident_date", "Incident date", "incident", draft=True, purged=True),
    RequestField("incident_location", "Location", "incident", draft=True, encrypted=True, purged=True, free_text=True),
    RequestField("officer", "Officer", "incident", draft=True, encrypted=True, purged=True, free_text=True),
    RequestField("description", "What happened", "incident", draft=True, encrypted=True, purged=True, free_text=True),
    RequestField("availability", "Availability", "contact", draft=True, encrypted=True, purged=True, free_text=True),
    RequestField("language", "Language", "contact", draft=True, free_text=True),
    RequestField("interpreter_needed", "Interpreter needed", "contact", draft=True),
    RequestField(
        "accessibility_needs",
        "Accessibility needs",
        "contact",
        draft=True,
        encrypted=True,
        purged=True,
        free_text=True,
    ),
    RequestField("eligibility_outcome", "Eligibility outcome", "summary", draft=True),
    RequestField("eligibility_reasons", "Eligibility reasons", draft=True),
    RequestField("consent_at", "Consent given", "summary"),
    RequestField("updated_at", "Updated"),
    RequestField("closed_at", "Closed", "summary"),
    RequestField("purged_at", "Personal data removed"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

EXPORT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.exported)
PURGED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.purged)
FREE_TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.free_text)
ENCRYPTED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.encrypted)
DRAFT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.draft)


def section(name: str) -> list[RequestField]:
    """The fields the staff page shows in one card, in list order."""
    return [f for f in FIELDS if f.section == name]

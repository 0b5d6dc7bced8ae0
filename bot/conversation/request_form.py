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

from bot.conversation.catalogue import Say, Speech, say, short_date
from bot.text import truncate

NONE = "none"  # an optional field the resident chose to leave empty
CONFIRM_YES = "yes"
CONTACT_METHODS = ("call", "text", "email")


@dataclass(frozen=True)
class Field:
    key: str
    slot: str
    synonyms: tuple[str, ...] = ()  # words residents use for it ("the number is wrong"); English for now
    clears: tuple[str, ...] = ()  # dependent slots to ask again when this one changes

    @property
    def label(self) -> Say:
        """What the summary and the "which part?" buttons call it (catalogue `field.<key>`)."""
        return say(f"field.{self.key}")


FIELDS: tuple[Field, ...] = (
    Field("name", "req_name", ("name", "my name", "spelling", "misspelled")),
    Field(
        "contact_method",
        "req_contact_method",
        ("contact method", "how to contact", "contact me", "way to reach", "call or text", "contact"),
        clears=("req_phone", "req_email"),
    ),
    Field("phone", "req_phone", ("phone", "number", "cell", "mobile", "telephone", "digits")),
    Field("email", "req_email", ("email", "e-mail", "mail address", "gmail")),
    Field("complaint_number", "req_complaint_number", ("complaint number", "case number", "complaint")),
    Field("incident_date", "elig_incident_date", ("date", "day", "when it happened", "when")),
    Field("incident_location", "req_incident_location", ("location", "place", "address", "where", "street")),
    Field("officer", "req_officer", ("officer", "badge", "cop", "member")),
    Field(
        "description",
        "req_description",
        ("description", "what happened", "story", "summary", "details"),
    ),
    Field("availability", "req_availability", ("availability", "available", "times", "schedule")),
    Field(
        "language",
        "req_language",
        ("language", "spanish", "english", "vietnamese"),
        clears=("req_interpreter",),
    ),
    Field("interpreter", "req_interpreter", ("interpreter", "translator")),
    Field(
        "accessibility",
        "req_accessibility",
        ("accessibility", "accommodation", "wheelchair", "disability"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
FIELD_BY_SLOT = {f.slot: f for f in FIELDS}

FORM_SLOTS: tuple[str, ...] = tuple(f.slot for f in FIELDS) + ("req_consent", "req_confirm")
CORRECTABLE = tuple(f for f in FIELDS if f.key != "interpreter")  # the "which part?" buttons


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


def field_from_text(
    text: str | None, entity_values: Optional[list[str]] = None, labels: Optional[Mapping[str, str]] = None
) -> Optional[Field]:
    """Which field a resident wants to change: an NLU `field` entity wins, then a label or synonym.

    `labels` maps a field's key to its label in the resident's language (the buttons send the label).
    """
    labels = {key: label.lower() for key, label in (labels or {}).items()}
    for value in entity_values or []:
        value = (value or "").strip().lower()
        if value in FIELD_BY_KEY:
            return FIELD_BY_KEY[value]
    lowered = (text or "").strip().lower()
    if not lowered:
        return None
    for field in FIELDS:  # exact label (buttons send the label)
        if lowered == labels.get(field.key):
            return field
    best: tuple[int, Optional[Field]] = (0, None)
    for field in FIELDS:
        for synonym in field.synonyms + ((labels[field.key],) if field.key in labels else ()):
            if re.search(rf"\b{re.escape(synonym)}\b", lowered) and len(synonym) > best[0]:
                best = (len(synonym), field)
    return best[1]


def slots_to_clear(field: Field) -> list[str]:
    return [field.slot, *field.clears]


def display_value(slot: str, value: Any) -> Speech:
    if value in (None, "", NONE):
        return say("value.not_given")
    if slot == "req_contact_method":
        return say(f"value.{value}") if value in CONTACT_METHODS else str(value)
    if slot == "elig_incident_date":
        try:
            return short_date(date.fromisoformat(str(value)))
        except ValueError:
            return say("value.not_sure")
    if slot == "req_interpreter":
        return say("value.yes") if value == "yes" else say("value.no")
    return str(value)


def summary_lines(values: Mapping[str, Any], description_preview: int = 140) -> list[Say]:
    """One line per answered field, for the confirmation message."""
    lines = []
    for slot in required_slots(values):
        field = FIELD_BY_SLOT.get(slot)
        if field is None:
            continue
        shown = display_value(slot, values.get(slot))
        if slot == "req_description" and isinstance(shown, str):
            shown = truncate(shown, description_preview)
        lines.append(say("request.summary_line", label=field.label, value=shown))
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


# ------------------------------------------------------------------------------------- answer rules

NO_NEEDS_WORDS = frozenset({"none", "no", "nope", "n/a", "na", "nothing", "no thanks"})
UNKNOWN_INTENTS = frozenset({"dont_know", "deny"})


def says_no_needs(text: str, intent: Optional[str]) -> bool:
    """ "none", "no", "n/a" (or a no) to the accessibility question: the resident needs nothing."""
    return intent == "deny" or text.strip().lower() in NO_NEEDS_WORDS


def doesnt_know_officer(intent: Optional[str]) -> bool:
    """ "I don't know" or "no" to the name-or-badge question: fine, it is optional."""
    return intent in UNKNOWN_INTENTS


@dataclass(frozen=True)
class ConfirmStep:
    """What the resident's reply to the summary asks for.

    action: "send" (every answer confirmed) | "change" (ask `field` again) | "which" (ask which part).
    retry: True when they were already asked which part and we still couldn't tell.
    """

    action: str
    field: Optional[Field] = None
    retry: bool = False


def confirm_step(answer: Optional[str], intent: Optional[str], field: Optional[Field], correcting: bool) -> ConfirmStep:
    """The decision at the summary, from the yes/no reading of the reply, its intent and a named field.

    A named field with a wish to change (or no clear yes) changes that field; a plain yes sends; anything
    else asks which part to change — never sends without a yes.
    """
    wants_change = correcting or intent in ("correct_field", "deny") or answer is None
    if field and wants_change:
        return ConfirmStep("change", field)
    if not correcting and answer == "yes" and intent != "correct_field":
        return ConfirmStep("send")
    return ConfirmStep("which", retry=correcting)


def sms_number_choice(answer: Optional[str]) -> Optional[str]:
    """Reply to "can we use the number you're texting from?": "use" | "declined" | None (not a yes or no)."""
    if answer == "yes":
        return "use"
    if answer in ("no", "unknown"):
        return "declined"
    return None

"""The status look-up form's rules: what counts as a reference and a contact, and how many look-ups a
conversation may make.

Why: a reference code may be overheard or guessed, and the status of a police complaint is private, so the
conversation itself limits how many requests it checks; the database limits failures per reference
(bot.requests.lookup). The wording lives in the catalogue.
"""

from __future__ import annotations

from typing import Optional

from bot.conversation.catalogue import Say, say
from bot.conversation.references import find_reference, normalize_reference
from bot.conversation.validation import Checked

MAX_LOOKUPS_PER_CONVERSATION = 3
MAX_CONTACT_CHARS = 254


def check_reference(value: Optional[str], text: str) -> Checked:
    """The reference code from the slot value or anywhere in the message ("status of mr-7k3q9p please").

    The NLU entity can be a fragment of the code ("MR", "-", "7K3Q9P" are separate tokens); the text is the
    authority.
    """
    reference = normalize_reference(str(value or "")) or find_reference(text)
    if not reference:
        return Checked(None, say("status.invalid_reference"))
    return Checked(reference)


def check_contact(value: Optional[str]) -> Checked:
    text = str(value or "").strip()
    if not text or len(text) > MAX_CONTACT_CHARS:
        return Checked(None, say("status.contact_retry"))
    return Checked(text)


def too_many_lookups(attempts: int) -> bool:
    """`attempts` counts this one too."""
    return attempts > MAX_LOOKUPS_PER_CONVERSATION


def status_answer(found: bool, reference: Optional[str], status: Optional[str]) -> Say:
    if found:
        return say("status.found", reference=reference, status=say(f"status.{status}"))
    return say("status.not_found")

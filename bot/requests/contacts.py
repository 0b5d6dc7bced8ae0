"""Contact details as look-up keys: the normalised form of a phone number or e-mail and its blind index.

Why: a resident checking a status and a request stored last month must reach the same key from however the
number was typed ("816-555-0123", "(816) 555 0123", "+1 816 555 0123"). The value is normalised with the
form's own rule (bot.conversation.validation), then turned into a keyed HMAC (bot.db.crypto.blind_index),
so the database can match it without holding it readably.
"""

from __future__ import annotations

import hmac
from typing import Optional

from bot.conversation.validation import normalize_email, normalize_phone
from bot.db import crypto
from bot.settings import Settings


def phone_key(text: Optional[str]) -> Optional[str]:
    """E.164 (the form's rule), or None."""
    return normalize_phone(text).value if text else None


def email_key(text: Optional[str]) -> Optional[str]:
    """The address as the form accepts it, lower-cased for matching, or None."""
    value = normalize_email(text).value if text else None
    return value.strip().lower() if value else None


def phone_index(text: Optional[str], settings: Settings) -> Optional[str]:
    """Blind index of a stored phone number (falls back to the trimmed text if it no longer parses)."""
    return crypto.blind_index(phone_key(text) or (text or "").strip() or None, settings)


def email_index(text: Optional[str], settings: Settings) -> Optional[str]:
    return crypto.blind_index(email_key(text) or (text or "").strip().lower() or None, settings)


def contact_indexes(contact: str, settings: Settings) -> tuple[Optional[str], Optional[str]]:
    """(phone_index, email_index) for whatever the resident typed; at most one is set."""
    contact = (contact or "").strip()
    if "@" in contact:
        return None, crypto.blind_index(email_key(contact), settings)
    return crypto.blind_index(phone_key(contact), settings), None


def same_index(expected: Optional[str], given: Optional[str]) -> bool:
    """Constant-time comparison of two blind indexes; a missing one never matches."""
    return bool(expected and given) and hmac.compare_digest(expected or "", given or "")

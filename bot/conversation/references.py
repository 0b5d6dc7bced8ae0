"""Reference codes residents quote back to us: `MR-` + 6 unguessable characters.

Why this alphabet: it has no 0/O, 1/I/L or U, so a code read aloud or typed on a phone survives;
30^6 ≈ 729 million codes, drawn with `secrets`, so codes are never sequential or guessable.
"""

from __future__ import annotations

import re
import secrets
from typing import Optional

PREFIX = "MR-"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6

_PATTERN = re.compile(rf"^MR([{ALPHABET}]{{{LENGTH}}})$")


def new_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_reference(text: Optional[str]) -> Optional[str]:
    """`"mr 7k3q9p"`, `"MR-7K3Q9P"`, `" mr—7k3-q9p "` → `"MR-7K3Q9P"`; anything else → None."""
    if not text:
        return None
    compact = re.sub(r"[\s\-\u2010-\u2015_.#:]", "", str(text)).upper()
    if not compact.startswith("MR"):
        compact = "MR" + compact
    match = _PATTERN.match(compact)
    if not match:
        return None
    return PREFIX + match.group(1)


def find_reference(text: Optional[str]) -> Optional[str]:
    """The first reference code mentioned anywhere in a sentence ("status of mr-7k3q9p please"), or None."""
    if not text:
        return None
    for match in re.finditer(r"\bMR[\s\-\u2010-\u2015]*(?:[0-9A-Z][\s\-]?){5}[0-9A-Z](?![0-9A-Z])", str(text).upper()):
        ref = normalize_reference(match.group(0))
        if ref:
            return ref
    return None

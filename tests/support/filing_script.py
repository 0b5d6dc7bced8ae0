"""How a resident answers each question of a mediation request, keyed by a fragment of the question.

Why a table and not a fixed list of turns: the questions asked depend on earlier answers (contact method,
language) and their order may change with the conversation design (docs/conversation.md). The full-flow
tests answer whatever was asked last and stop at the reference code, so adapting them to a changed
conversation means editing this table only. Used by tests/channels/test_sms_e2e.py and
tests/browser/test_widget.py.
"""

from __future__ import annotations

import re
from typing import Optional

# Reference codes: MR- + 6 characters of 23456789ABCDEFGHJKMNPQRSTVWXYZ.
REFERENCE = re.compile(r"\bMR-[2-9A-HJKMNP-TV-Z]{6}\b")

START = "I want to request mediation"
MAX_TURNS = 45

EMAIL = "jordan.widget@example.org"
TYPED_PHONE = "816-555-0134"
DESCRIPTION = (
    "I was stopped on my way home and the officer spoke to me disrespectfully. "
    "I would like to talk with him about how it made me feel."
)

# (fragment of the question, answer) — the answer is a button title where the question has buttons,
# else what the resident types. A dict answer differs by channel ("web" / "sms").
ANSWERS: list[tuple[str, object]] = [
    # the eligibility check that comes first
    ("Police Department (KCPD) employee", "Yes"),
    ("Who was involved in the incident", "It was me"),
    ("filed a complaint about this", "Yes"),
    ("When did it happen?", "last Friday"),
    ("physically hurt", "No"),
    ("committed a crime", "No"),
    ("open court case", "No"),
    ("How old are you", "17 or older"),
    ("in good faith", "Yes"),
    ("start a mediation request now", "Yes, start a request"),
    # the request form
    ("What is your full name", "Jordan Widget"),
    ("How would you like OCC staff to contact you", {"web": "Email", "sms": "Text message"}),
    ("the number you're texting from", "Yes, use this number"),
    ("What phone number should OCC staff use", TYPED_PHONE),
    ("What email address should OCC staff use", EMAIL),
    ("complaint number", "I don't have one"),
    ("Where did it happen", "Troost Ave and 31st St"),
    ("name or badge number", "I don't know"),
    ("what happened and what would you like to talk about", DESCRIPTION),
    ("When are you usually available", "Weekday evenings"),
    ("Which language would you like to use", "English"),
    ("like an interpreter", "No"),
    ("accessibility accommodations", "No, none"),
    ("Do you agree?", "Yes, I agree"),
    ("Is everything correct?", "Yes, send it"),
]


def answer_for(reply: str, channel: str) -> Optional[str]:
    """The answer to the LAST question in `reply` (a turn may hold several messages), or None."""
    best, best_at = None, -1
    folded = reply.casefold()
    for fragment, answer in ANSWERS:
        at = folded.rfind(fragment.casefold())
        if at > best_at:
            best, best_at = answer, at
    if isinstance(best, dict):
        return best[channel]
    return best

"""Danger detection: the backstop that makes sure a resident in danger is told to call 911.

Why: the NLU model has an `emergency` intent, but a model can be wrong, and a resident in the middle of a
form may describe danger as an answer. Safety beats everything, so this keyword check runs on every message
the actions see. A false alarm costs one extra sentence; a miss could cost much more.
"""

from __future__ import annotations

import re

from bot.conversation.catalogue import Say, say

EMERGENCY_INTENT = "emergency"
EMERGENCY_CONFIDENCE = 0.5

EMERGENCY_MESSAGE = say("safety.emergency")
CRISIS_MESSAGE = say("safety.crisis")

_DANGER = [
    r"\b911\b",
    r"\bemergency\b",
    r"\bin danger\b",
    r"\b(?:being|getting) (?:attacked|beaten|followed|chased|shot|stabbed|hurt|threatened)\b",
    r"\b(?:has|have|got|pulled|pointing|waving) (?:a |his |her |their )?(?:gun|knife|weapon)\b",
    r"\b(?:someone|somebody|they|he|she)(?:'s| is) (?:breaking|broke) in",
    r"\bbreaking into\b",
    r"\b(?:i'?m|i am|he'?s|she'?s|they'?re|someone'?s|somebody'?s) (?:bleeding|dying|unconscious|not breathing)\b",
    r"\bshots? fired\b",
    r"\b(?:been|got|was just|just got) (?:stabbed|shot)\b",
    r"\b(?:choking|strangling) me\b",
    r"^\W*(?:help\W+)?(?:i|he|she|they|someone|my \w+)(?: can'?t| cannot| cant) breathe",
    r"\boverdos(?:e|ing)\b",
    r"\bneed an ambulance\b",
    r"\b(?:smashed|broke|breaking) (?:my|the) (?:window|door)\b.*\b(?:coming in|inside|in here)\b",
    r"\bhelp me(?: now| please)?!*$",
    r"\bscared for my life\b",
    r"\bafraid for my (?:life|safety)\b",
]
_CRISIS = [
    r"\bkill (?:myself|my self)\b",
    r"\bsuicid",
    r"\bend my (?:own )?life\b",
    r"\bdon'?t want to (?:live|be alive)\b",
    r"\bhurt (?:myself|my self)\b",
    r"\bwant to die\b",
]
_DANGER_RE = re.compile("|".join(_DANGER), re.IGNORECASE)
_CRISIS_RE = re.compile("|".join(_CRISIS), re.IGNORECASE)


def is_crisis(text: str | None) -> bool:
    return bool(text) and bool(_CRISIS_RE.search(text or ""))


def mentions_danger(text: str | None) -> bool:
    """True when the words suggest present danger or crisis, whatever the NLU thought."""
    return bool(text) and (bool(_DANGER_RE.search(text or "")) or is_crisis(text))


def is_emergency(text: str | None, intent: str | None = None, confidence: float = 1.0) -> bool:
    """The model said emergency with reasonable confidence, or the words themselves say so."""
    if intent == EMERGENCY_INTENT and confidence >= EMERGENCY_CONFIDENCE:
        return True
    return mentions_danger(text)


def safety_messages(text: str | None) -> list[Say]:
    """What to say first: 911, plus the crisis line when the words are about self-harm."""
    messages = [EMERGENCY_MESSAGE]
    if is_crisis(text):
        messages.append(CRISIS_MESSAGE)
    return messages

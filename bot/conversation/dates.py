"""Incident dates from what residents type: "last Friday", "3 weeks ago", "10/3", "Oct 3rd".

Why: the filing window (90 days by default) decides eligibility, and residents rarely type a calendar date.
The spaCy EntityRuler (`bot.nlp`) finds the date words inside a longer sentence ("it happened last friday
at a traffic stop"); a few relative forms are resolved here because `dateparser` gets them wrong or not at
all ("last friday", "last night", "the 5th"); everything else goes to `dateparser` with
PREFER_DATES_FROM=past, month-first order and "now" in the program's time zone.

"Today" is always the calendar day in the program's time zone (America/Chicago by default), never the
server's UTC day: at 00:30 UTC it is still the previous evening in Kansas City.
A naive `now` is taken to be UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Optional
from zoneinfo import ZoneInfo

import dateparser

from bot.conversation.catalogue import Say, say
from bot.nlp import load_pipeline
from bot.nlp.patterns import LABEL, WEEKDAY_ALIASES, WEEKDAYS

DEFAULT_TZ = "America/Chicago"

FUTURE_MESSAGE = say("date.future")
UNPARSEABLE_MESSAGE = say("date.unparseable")

_UNKNOWN_RE = re.compile(
    r"\b(i\s+)?(don'?t know|do not know|dunno|idk|not sure|unsure|no idea|no clue|not certain|"
    r"can'?t remember|cannot remember|can'?t recall|cannot recall|don'?t remember|do not remember|"
    r"don'?t recall|forgot|forget)\b"
)

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "a": 1,
    "an": 1,
    "couple": 2,
    "few": 3,
}
_UNIT_WORDS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "month": "months",
    "months": "months",
    "mo": "months",
    "mos": "months",
    "mth": "months",
    "mths": "months",
    "year": "years",
    "years": "years",
    "yr": "years",
    "yrs": "years",
}
_FIXED = {
    "yesterday": -1,
    "yday": -1,
    "yest": -1,
    "last night": -1,
    "last nite": -1,
    "last evening": -1,
    "yesterday morning": -1,
    "yesterday afternoon": -1,
    "yesterday evening": -1,
    "yesterday night": -1,
    "day before yesterday": -2,
    "the day before yesterday": -2,
    "today": 0,
    "tonight": 0,
    "tonite": 0,
    "2day": 0,
    "earlier today": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "tmr": 1,
    "2morrow": 1,
}
_SETTINGS_BASE = {
    "PREFER_DATES_FROM": "past",
    "DATE_ORDER": "MDY",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}


@dataclass(frozen=True)
class DateAnswer:
    """The outcome of reading an incident date: `status` is ok | future | unparseable | unknown."""

    value: Optional[date]
    status: str
    message: Optional[Say] = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def local_now(tz: str = DEFAULT_TZ, now: Optional[datetime] = None) -> datetime:
    """`now` (default: the current instant) as an aware datetime in `tz`; naive input counts as UTC."""
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(ZoneInfo(tz))


def today_in(tz: str = DEFAULT_TZ, now: Optional[datetime] = None) -> date:
    """The calendar date in `tz` at instant `now` (default: the current instant)."""
    return local_now(tz, now).date()


def _clean(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"\s+", " ", text)
    return text.strip(" \t\n.,!?;:()\"'")


def _weekday(span: str, today: date) -> Optional[date]:
    """last/this/past/on/next <weekday>, or a bare weekday name."""
    words = span.split()
    name = WEEKDAY_ALIASES.get(words[-1], words[-1])
    if name in ("morning", "afternoon", "evening", "night") and len(words) >= 2:
        words = words[:-1]
        name = WEEKDAY_ALIASES.get(words[-1], words[-1])
    if name not in WEEKDAYS:
        return None
    cue = " ".join(words[:-1])
    target = WEEKDAYS.index(name)
    if cue == "next":
        ahead = (target - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    back = (today.weekday() - target) % 7
    if cue == "this" and back == 0:
        return today  # "this friday", said on a Friday, is today
    return today - timedelta(days=back or 7)  # last / past / on / bare: the most recent one before today


def _the_ordinal(span: str, today: date) -> Optional[date]:
    """ "the 5th": that day of this month, or of last month if it has not come yet."""
    match = re.fullmatch(r"the (\d{1,2})(st|nd|rd|th)", span)
    if not match:
        return None
    day = int(match.group(1))
    year, month = today.year, today.month
    for _ in range(3):  # step back past months that are too short (the 31st)
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate <= today:
            return candidate
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return None


def _normalize_for_dateparser(span: str) -> str:
    words = span.replace("-", " - ").split() if re.search(r"[a-z]-[a-z]", span) else span.split()
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word == "of" and out and out[-1] in ("couple", "few"):
            continue
        if word == "a" and nxt in ("couple", "few"):
            continue
        if word in _NUMBER_WORDS and (nxt in _UNIT_WORDS or (nxt == "of" and word in ("couple", "few"))):
            out.append(str(_NUMBER_WORDS[word]))
            continue
        if word in _UNIT_WORDS and out and out[-1].isdigit():
            out.append(_UNIT_WORDS[word])
            continue
        if word == "back" and out and out[-1] in _UNIT_WORDS.values():
            out.append("ago")
            continue
        out.append(word)
    text = " ".join(out)
    text = re.sub(r"^(last|past) (week|month|year)$", r"1 \2s ago", text)
    return text


def _dateparse(text: str, base: datetime) -> Optional[date]:
    settings = dict(_SETTINGS_BASE, RELATIVE_BASE=base.replace(tzinfo=None))
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser can raise on odd input (overflow, bad day); it is never fatal here
        return None
    return parsed.date() if parsed else None


def resolve_date_phrase(span: str, now: Optional[datetime] = None, tz: str = DEFAULT_TZ) -> Optional[date]:
    """Turn one date phrase (as found by the EntityRuler) into a calendar date, or None."""
    base = local_now(tz, now)
    today = base.date()
    phrase = _clean(span)
    if not phrase:
        return None
    if phrase.startswith("on "):
        phrase = phrase[3:]
    if phrase in _FIXED:
        return today + timedelta(days=_FIXED[phrase])
    found = _weekday(phrase, today) or _the_ordinal(phrase, today)
    if found:
        return found
    return _dateparse(_normalize_for_dateparser(phrase), base)


def warm_up() -> None:
    """Load the date pipeline now (at start-up), not during the first resident's date question."""
    load_pipeline()


def find_date_in_text(text: Optional[str], now: Optional[datetime] = None, tz: str = DEFAULT_TZ) -> Optional[date]:
    """The first date mentioned in `text` (past or future), or None if there is none."""
    if not text or not text.strip():
        return None
    doc = load_pipeline()(text[:2000])
    for ent in doc.ents:
        if ent.label_ != LABEL:
            continue
        found = resolve_date_phrase(ent.text, now=now, tz=tz)
        if found:
            return found
    return None


def says_unknown(text: Optional[str]) -> bool:
    """True for "i don't know", "not sure", "can't remember", "idk" and the like."""
    if not text:
        return False
    return bool(_UNKNOWN_RE.search(_clean(text)))


def parse_incident_date(text: Optional[str], now: Optional[datetime] = None, tz: str = DEFAULT_TZ) -> DateAnswer:
    """Read the incident date from an answer; future dates and nonsense come back with a kind message."""
    try:
        found = find_date_in_text(text, now=now, tz=tz)
    except Exception:  # never let a strange message crash the conversation
        found = None
    if found is not None:
        if found > today_in(tz, now):
            return DateAnswer(None, "future", FUTURE_MESSAGE)
        return DateAnswer(found, "ok", None)
    if says_unknown(text):
        return DateAnswer(None, "unknown", None)
    return DateAnswer(None, "unparseable", UNPARSEABLE_MESSAGE)


__all__ = [
    "DateAnswer",
    "find_date_in_text",
    "parse_incident_date",
    "resolve_date_phrase",
    "says_unknown",
    "today_in",
    "local_now",
]

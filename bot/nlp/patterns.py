"""EntityRuler token patterns for the ways residents type the date of an incident.

Why: a statistical NER model is too heavy for a two-core server and does not know SMS shorthand
("last fri", "3 wks ago", "10/3"). Token patterns are cheap, predictable and testable; they only FIND
the date words. Turning them into a calendar date is `bot.conversation.dates`' job (with `dateparser`).

Every pattern is labelled ``DATE``. Future expressions ("tomorrow", "next friday") are matched too, so
the assistant can say "that date is in the future" instead of "I didn't understand".
"""

from __future__ import annotations

import re

LABEL = "DATE"

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Abbreviations are only trusted after a cue word ("last sat"), never alone ("i sat in my car").
WEEKDAY_ABBREVIATIONS = ["mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun"]
WEEKDAY_ALIASES = {
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "weds": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTH_ABBREVIATIONS = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
MONTH_WORDS = MONTHS + MONTH_ABBREVIATIONS + [m + "." for m in MONTH_ABBREVIATIONS]

UNITS = [
    "day",
    "days",
    "week",
    "weeks",
    "wk",
    "wks",
    "month",
    "months",
    "mo",
    "mos",
    "mth",
    "mths",
    "year",
    "years",
    "yr",
    "yrs",
]
NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
]
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night"]

DAY_OF_MONTH = r"^(0?[1-9]|[12][0-9]|3[01])(st|nd|rd|th)?$"
ORDINAL_DAY = r"^(0?[1-9]|[12][0-9]|3[01])(st|nd|rd|th)$"
YEAR = r"^(19|20)[0-9]{2}$"
NUMERIC_SLASH = r"^[0-9]{1,2}/[0-9]{1,2}(/([0-9]{2}|[0-9]{4}))?$"
NUMERIC_DOTTED = r"^[0-9]{1,2}\.[0-9]{1,2}\.([0-9]{2}|[0-9]{4})$"  # 10.3 alone is a decimal, not a date

_NUMBER = {"LOWER": {"REGEX": r"^[0-9]{1,3}$"}}
_NUMBER_WORD = {"LOWER": {"IN": NUMBER_WORDS}}
_UNIT = {"LOWER": {"IN": UNITS}}
_AGO = {"LOWER": {"IN": ["ago", "back"]}}
_MONTH = {"LOWER": {"IN": MONTH_WORDS}}
_OPTIONAL_DOT = {"ORTH": ".", "OP": "?"}
_DAY = {"LOWER": {"REGEX": DAY_OF_MONTH}}
_OPTIONAL_COMMA = {"ORTH": ",", "OP": "?"}
_OPTIONAL_YEAR = {"LOWER": {"REGEX": YEAR}, "OP": "?"}
_ANY_WEEKDAY = {"LOWER": {"IN": WEEKDAYS + WEEKDAY_ABBREVIATIONS}}


def _p(pattern_id: str, tokens: list[dict]) -> dict:
    return {"label": LABEL, "pattern": tokens, "id": pattern_id}


def date_patterns() -> list[dict]:
    """All DATE patterns, in a stable order (the build fingerprint depends on it)."""
    patterns = [
        # today / yesterday and parts of the day
        _p("yesterday", [{"LOWER": {"IN": ["yesterday", "yday", "yest"]}}]),
        _p("yesterday_part", [{"LOWER": "yesterday"}, {"LOWER": {"IN": PARTS_OF_DAY}}]),
        _p(
            "day_before_yesterday",
            [{"LOWER": "the", "OP": "?"}, {"LOWER": "day"}, {"LOWER": "before"}, {"LOWER": "yesterday"}],
        ),
        _p("today", [{"LOWER": {"IN": ["today", "tonight", "tonite", "2day"]}}]),
        _p("earlier_today", [{"LOWER": "earlier"}, {"LOWER": "today"}]),
        _p("last_night", [{"LOWER": "last"}, {"LOWER": {"IN": ["night", "nite", "evening"]}}]),
        _p("this_part_of_day", [{"LOWER": "this"}, {"LOWER": {"IN": ["morning", "afternoon", "evening"]}}]),
        # weekdays
        _p("weekday", [{"LOWER": {"IN": WEEKDAYS}}]),
        _p("cue_weekday", [{"LOWER": {"IN": ["last", "this", "past", "on"]}}, _ANY_WEEKDAY]),
        _p("this_past_weekday", [{"LOWER": "this"}, {"LOWER": "past"}, _ANY_WEEKDAY]),
        _p("last_weekday_part", [{"LOWER": "last"}, _ANY_WEEKDAY, {"LOWER": {"IN": PARTS_OF_DAY}}]),
        # "3 weeks ago", "two days ago", "a week ago", "a couple of weeks ago", "a few days back"
        _p("n_units_ago", [_NUMBER, _UNIT, _AGO]),
        _p("word_units_ago", [_NUMBER_WORD, _UNIT, _AGO]),
        _p("a_unit_ago", [{"LOWER": {"IN": ["a", "an", "1"]}}, _UNIT, _AGO]),
        _p(
            "couple_units_ago",
            [{"LOWER": "a", "OP": "?"}, {"LOWER": {"IN": ["couple", "few"]}}, {"LOWER": "of", "OP": "?"}, _UNIT, _AGO],
        ),
        _p("last_period", [{"LOWER": {"IN": ["last", "past"]}}, {"LOWER": {"IN": ["week", "month", "year"]}}]),
        # "oct 3rd", "october 3", "sept. 12th", "oct 3, 2026"
        _p("month_day", [_MONTH, _OPTIONAL_DOT, _DAY, _OPTIONAL_COMMA, _OPTIONAL_YEAR]),
        # "3 october", "3rd of oct", "the 3rd of october 2026"
        _p(
            "day_month",
            [
                {"LOWER": "the", "OP": "?"},
                _DAY,
                {"LOWER": "of", "OP": "?"},
                _MONTH,
                _OPTIONAL_DOT,
                _OPTIONAL_COMMA,
                _OPTIONAL_YEAR,
            ],
        ),
        # "on the 5th"
        _p("the_ordinal", [{"LOWER": "the"}, {"LOWER": {"REGEX": ORDINAL_DAY}}]),
        # numeric: 10/3, 10/3/2026, 10/03/26, 10.3.2026
        _p("numeric_slash", [{"LOWER": {"REGEX": NUMERIC_SLASH}}]),
        _p("numeric_dotted", [{"LOWER": {"REGEX": NUMERIC_DOTTED}}]),
        # 10-03-2026 and 2026-10-03 (the tokenizer splits on the hyphens)
        _p(
            "numeric_dash_mdy",
            [
                {"LOWER": {"REGEX": r"^[0-9]{1,2}$"}},
                {"ORTH": "-"},
                {"LOWER": {"REGEX": r"^[0-9]{1,2}$"}},
                {"ORTH": "-"},
                {"LOWER": {"REGEX": r"^([0-9]{2}|[0-9]{4})$"}},
            ],
        ),
        _p(
            "numeric_dash_iso",
            [
                {"LOWER": {"REGEX": YEAR}},
                {"ORTH": "-"},
                {"LOWER": {"REGEX": r"^[0-9]{1,2}$"}},
                {"ORTH": "-"},
                {"LOWER": {"REGEX": r"^[0-9]{1,2}$"}},
            ],
        ),
        # the future, so it can be recognised and refused kindly
        _p("tomorrow", [{"LOWER": {"IN": ["tomorrow", "tmrw", "tmr", "2morrow"]}}]),
        _p("next_weekday", [{"LOWER": "next"}, _ANY_WEEKDAY]),
        _p("next_period", [{"LOWER": "next"}, {"LOWER": {"IN": ["week", "month", "year"]}}]),
        _p("in_n_units", [{"LOWER": "in"}, {"LOWER": {"REGEX": r"^([0-9]{1,3}|a|an)$"}}, _UNIT]),
        _p("in_word_units", [{"LOWER": "in"}, _NUMBER_WORD, _UNIT]),
    ]
    # Compile every regex once here so a typo fails the build, not a resident's message.
    for pattern in patterns:
        for token in pattern["pattern"]:
            for spec in token.values():
                if isinstance(spec, dict) and "REGEX" in spec:
                    re.compile(spec["REGEX"])
    return patterns

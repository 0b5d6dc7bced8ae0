"""Incident dates as residents type them, resolved against a fixed "now" in Kansas City."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.conversation.dates import find_date_in_text, parse_incident_date, today_in
from tests.support.speech import text as said

EXAMPLE_HINT = "Please give the date it happened, for example 'last Friday' or '10/3'."

# Friday 27 November 2026, 10:00 in Chicago (CST, UTC-6)
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yesterday", date(2026, 11, 26)),
        ("today", date(2026, 11, 27)),
        ("last night", date(2026, 11, 26)),
        ("this morning", date(2026, 11, 27)),
        ("Last Friday", date(2026, 11, 20)),
        ("friday", date(2026, 11, 20)),
        ("this friday", date(2026, 11, 27)),
        ("last monday", date(2026, 11, 23)),
        ("on tuesday", date(2026, 11, 24)),
        ("last sat", date(2026, 11, 21)),
        ("last friday night", date(2026, 11, 20)),
        ("3 weeks ago", date(2026, 11, 6)),
        ("three weeks ago", date(2026, 11, 6)),
        ("a week ago", date(2026, 11, 20)),
        ("2 wks ago", date(2026, 11, 13)),
        ("a couple of weeks ago", date(2026, 11, 13)),
        ("a few days ago", date(2026, 11, 24)),
        ("5 days ago", date(2026, 11, 22)),
        ("twelve days ago", date(2026, 11, 15)),
        ("2 months ago", date(2026, 9, 27)),
        ("last week", date(2026, 11, 20)),
        ("last month", date(2026, 10, 27)),
        ("10/3", date(2026, 10, 3)),
        ("10/3/2026", date(2026, 10, 3)),
        ("10/03/26", date(2026, 10, 3)),
        ("10-03-2026", date(2026, 10, 3)),
        ("2026-10-03", date(2026, 10, 3)),
        ("Oct 3rd", date(2026, 10, 3)),
        ("october 3", date(2026, 10, 3)),
        ("3 october", date(2026, 10, 3)),
        ("sept 12th", date(2026, 9, 12)),
        ("Sept. 12", date(2026, 9, 12)),
        ("12/25", date(2025, 12, 25)),  # no year and not yet this year: last year
        ("the 5th", date(2026, 11, 5)),
        ("on the 30th", date(2026, 10, 30)),
        ("it happened last friday at a traffic stop", date(2026, 11, 20)),
        ("i got pulled over on 10/3 near troost", date(2026, 10, 3)),
        ("not sure, maybe 3 weeks ago", date(2026, 11, 6)),
    ],
)
def test_past_dates(text, expected):
    answer = parse_incident_date(text, now=NOW)
    assert (answer.status, answer.value, answer.message) == ("ok", expected, None)
    assert find_date_in_text(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["tomorrow", "next friday", "12/25/2026", "in 3 days", "10/3/2027", "next month"])
def test_future_dates_are_refused_with_an_example(text):
    answer = parse_incident_date(text, now=NOW)
    assert answer.status == "future"
    assert answer.value is None
    assert "future" in said(answer.message) and EXAMPLE_HINT in said(answer.message)
    assert find_date_in_text(text, now=NOW) > date(2026, 11, 27)


@pytest.mark.parametrize(
    "text",
    ["i don't know", "not sure", "can't remember", "idk", "I dont remember", "no idea", "dunno", "I’m not sure"],
)
def test_unknown(text):
    answer = parse_incident_date(text, now=NOW)
    assert (answer.value, answer.status, answer.message) == (None, "unknown", None)


@pytest.mark.parametrize(
    "text", ["purple monkey", "", "   ", None, "🙂🙂", "no", "5", "2/30", "13/45/2026", "\x00\x07"]
)
def test_unparseable_is_a_kind_re_ask(text):
    answer = parse_incident_date(text, now=NOW)
    assert (answer.value, answer.status) == (None, "unparseable")
    assert said(answer.message).endswith(EXAMPLE_HINT)
    assert find_date_in_text(text, now=NOW) is None


def test_year_rolls_back_when_the_day_has_not_come_yet():
    early_october = datetime(2026, 10, 2, 15, 0, tzinfo=timezone.utc)
    assert parse_incident_date("10/3", now=early_october).value == date(2025, 10, 3)


@pytest.mark.parametrize(
    "now, tz, expected",
    [
        (datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc), "America/Chicago", date(2026, 11, 27)),  # 21:00 CST
        (datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc), "UTC", date(2026, 11, 28)),
        (datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc), "America/Chicago", date(2026, 11, 28)),  # 00:00 CST
        (datetime(2026, 11, 28, 5, 59, tzinfo=timezone.utc), "America/Chicago", date(2026, 11, 27)),
        (datetime(2026, 7, 1, 4, 30, tzinfo=timezone.utc), "America/Chicago", date(2026, 6, 30)),  # CDT, UTC-5
        (datetime(2026, 7, 1, 5, 0, tzinfo=timezone.utc), "America/Chicago", date(2026, 7, 1)),
        (datetime(2026, 11, 28, 3, 0), "America/Chicago", date(2026, 11, 27)),  # naive = UTC
    ],
)
def test_today_in_the_program_time_zone(now, tz, expected):
    assert today_in(tz, now) == expected


def test_relative_dates_use_the_chicago_day_not_the_utc_day():
    late_evening = datetime(2026, 11, 28, 5, 30, tzinfo=timezone.utc)  # Friday 23:30 in Chicago
    assert parse_incident_date("yesterday", now=late_evening).value == date(2026, 11, 26)
    assert parse_incident_date("yesterday", now=late_evening, tz="UTC").value == date(2026, 11, 27)
    assert parse_incident_date("today", now=late_evening).value == date(2026, 11, 27)


def test_today_in_defaults_to_the_current_instant():
    assert abs((today_in("America/Chicago") - date.today()).days) <= 1

"""Parsing list filters from the query string: bad values are reported per field, never fatal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.requests.search import looks_like_reference, parse_filters


@pytest.mark.parametrize(
    "args,expected,errors",
    [
        ({}, {"status": "", "channel": "", "date_from": None}, set()),
        ({"status": "in_review"}, {"status": "in_review"}, set()),
        ({"status": "archived"}, {"status": ""}, {"status"}),
        ({"channel": "sms"}, {"channel": "sms"}, set()),
        ({"channel": "fax"}, {"channel": ""}, {"channel"}),
        ({"outcome": "likely_eligible"}, {"outcome": "likely_eligible"}, set()),
        ({"outcome": "made_up"}, {"outcome": ""}, {"outcome"}),
        ({"date_from": "2026-01-31"}, {"date_from": date(2026, 1, 31)}, set()),
        ({"date_from": "31/01/2026"}, {"date_from": None}, {"date_from"}),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, {"date_to": None}, {"date_to"}),
        ({"page": "3"}, {"page": 3}, set()),
        ({"page": "-2"}, {"page": 1}, set()),
        ({"page": "x"}, {"page": 1}, set()),
        ({"q": "  Jordan  "}, {"q": "Jordan"}, set()),
    ],
)
def test_parse_filters(args, expected, errors):
    f = parse_filters(args, outcomes=("likely_eligible", "not_eligible"))
    for key, value in expected.items():
        assert getattr(f, key) == value
    assert set(f.errors) == errors


@pytest.mark.parametrize(
    "text,expected",
    [
        ("MR-7KQ2XP", True),
        ("mr-7kq2xp", True),
        ("MR7KQ2XP", True),
        ("MR-7K", True),
        ("Jordan", False),
        ("Maria Rodriguez", False),
        ("", False),
    ],
)
def test_looks_like_reference(text, expected):
    assert looks_like_reference(text) is expected


def test_audit_detail_never_contains_the_search_text():
    f = parse_filters({"q": "Jordan Example", "status": "new"})
    assert f.audit_detail() == {"status": "new", "search": "name"}
    assert "Jordan" not in str(f.audit_detail())

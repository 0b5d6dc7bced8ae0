"""Form input checks: good input is normalised, bad input gets one kind sentence, nothing raises."""

from __future__ import annotations

import time

import pytest

from bot.conversation.catalogue import say
from bot.conversation.validation import (
    Checked,
    check_complaint_number,
    check_description,
    check_name,
    check_short_text,
    interpret_yes_no,
    normalize_email,
    normalize_phone,
    parse_contact_method,
    parse_language,
    strip_control,
)
from tests.support.speech import text as said

NASTY = [
    None,
    "",
    "   ",
    "\n\t",
    "🙂",
    "👍🏽👍🏽",
    "\x00\x01\x1b[31m",
    "\u202e\u200b",
    "a" * 50_000,
    "\ud800",
    12345,
    "a" * 20_000 + " @ " + "b" * 20_000,
]
NASTY_IDS = [
    "none",
    "empty",
    "spaces",
    "whitespace",
    "emoji",
    "emoji-skin",
    "controls",
    "bidi",
    "huge",
    "surrogate",
    "int",
    "huge-at",
]
CHECKS = [
    normalize_phone,
    normalize_email,
    check_name,
    check_description,
    lambda t: check_short_text(t, say("what.place")),
    parse_contact_method,
    parse_language,
    check_complaint_number,
]
CHECK_IDS = ["phone", "email", "name", "description", "short_text", "contact", "language", "complaint"]


@pytest.mark.parametrize("check", CHECKS, ids=CHECK_IDS)
@pytest.mark.parametrize("text", NASTY, ids=NASTY_IDS)
def test_nothing_raises_and_bad_input_gets_a_message(check, text):
    started = time.perf_counter()
    result = check(text)
    assert time.perf_counter() - started < 1.0  # no regex blow-up on long input
    assert isinstance(result, Checked)
    if result.error is None:
        # only a few checks may accept some of these: description/short text of 50k 'a' may not
        assert result.value is None or isinstance(result.value, str)
    else:
        assert result.value is None
        assert 10 < len(said(result.error)) <= 320
        assert said(result.error)[0].isupper()


@pytest.mark.parametrize("check", CHECKS[:5], ids=CHECK_IDS[:5])
@pytest.mark.parametrize("text", [None, "", "   ", "🙂", "😡😡😡"], ids=["none", "empty", "spaces", "emoji", "emojis"])
def test_blank_and_emoji_only_are_errors(check, text):
    result = check(text)
    assert result.value is None and result.error


# --- phone ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, e164",
    [
        ("816-889-6646", "+18168896646"),
        ("(816) 555-0123", "+18165550123"),
        ("8165550123", "+18165550123"),
        ("+1 816 555 0123", "+18165550123"),
        ("1-816-555-0123", "+18165550123"),
        ("my number is 816 889 6646", "+18168896646"),
        ("+44 20 7946 0958", "+442079460958"),
        ("816.555.0123\u200b", "+18165550123"),
    ],
)
def test_phone_valid(text, e164):
    assert normalize_phone(text) == Checked(e164, None)


@pytest.mark.parametrize(
    "text, says",
    [
        ("123", "too short"),
        ("555-1234", "area code"),
        ("816-889-664", "too short"),
        ("000-000-0000", "doesn't look like a working phone number"),
        ("+1 123 456 7890", "doesn't look like a working phone number"),
        ("jane@example.com", "email address"),
        ("call me maybe", "couldn't find a phone number"),
        ("1" * 80, "too long"),
    ],
)
def test_phone_invalid(text, says):
    result = normalize_phone(text)
    assert result.value is None
    assert says in said(result.error)
    assert "(816) 555-0123" in said(result.error) or "too long" in said(result.error)


# --- email ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, normalized",
    [
        ("jane@example.com", "jane@example.com"),
        ("Jane.Doe@EXAMPLE.COM", "Jane.Doe@example.com"),
        ("  jane+occ@Gmail.com  ", "jane+occ@gmail.com"),
        ("mailto:jane@example.org", "jane@example.org"),
        ("it's jane@example.org.", "jane@example.org"),
    ],
)
def test_email_valid(text, normalized):
    assert normalize_email(text) == Checked(normalized, None)


@pytest.mark.parametrize(
    "text, says",
    [
        ("jane.example.com", "missing the @ sign"),
        ("jane@example", "doesn't look like a complete email address"),
        ("jane@@example.com", "complete email address"),
        ("jane@localhost", "complete email address"),
        ("a@b.test", "complete email address"),
        ("jane@example.com or bob@example.com", "more than one email address"),
        ("x" * 300 + "@example.com", "too long"),
    ],
)
def test_email_invalid(text, says):
    result = normalize_email(text)
    assert result.value is None
    assert says in said(result.error)


# --- name ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("Maria Lopez", "Maria Lopez"),
        ("  maria   lopez  ", "maria lopez"),
        ("my name is Maria Lopez", "Maria Lopez"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("O'Brien-Smith Jr.", "O'Brien-Smith Jr"),
        ("Al", "Al"),
        ("Im Soo-jin", "Im Soo-jin"),
        ("Maria 🌸", "Maria 🌸"),
    ],
)
def test_name_valid(text, name):
    assert check_name(text) == Checked(name, None)


@pytest.mark.parametrize(
    "text, says",
    [
        ("maria@example.com", "email address"),
        ("816-555-0123", "number"),
        ("A", "short"),
        ("x" * 101, "under 100"),
        ("🙂🙂", "letters"),
        ("www.example.com", "web address"),
    ],
)
def test_name_invalid(text, says):
    result = check_name(text)
    assert result.value is None and says in said(result.error)


# --- description and short text -------------------------------------------------------------------------


def test_description_limit_message_says_limit_and_length():
    result = check_description("x" * 5000)
    assert result.value is None
    assert said(result.error) == (
        "That's 5,000 characters; please keep it under 1,000 — a short summary is enough, "
        "OCC staff will ask for details."
    )


@pytest.mark.parametrize("length, ok", [(1000, True), (1001, False), (1, True)])
def test_description_boundary(length, ok):
    assert check_description("a" * length).ok is ok


def test_description_keeps_newlines_and_emoji_but_drops_controls():
    result = check_description("He yelled at me 😡\nThen he left.\x07\u202e")
    assert result == Checked("He yelled at me 😡\nThen he left.", None)


def test_description_custom_limit():
    result = check_description("word " * 100, limit=200)
    assert "please keep it under 200" in said(result.error) and "That's 499 characters" in said(result.error)


@pytest.mark.parametrize(
    "text, label, limit, value, says",
    [
        ("Troost and 31st", "place", 300, "Troost and 31st", None),
        ("weekday evenings after 6", "availability", 300, "weekday evenings after 6", None),
        ("4521", "officer", 300, "4521", None),
        ("x" * 301, "place", 300, None, "That's 301 characters; please keep the place under 300"),
        ("🙂", "availability", 300, None, "couldn't read your availability"),
        ("", "accessibility", 300, None, "didn't get your accessibility needs"),
        ("line one\nline two", "place", 300, "line one line two", None),
    ],
)
def test_short_text(text, label, limit, value, says):
    result = check_short_text(text, say(f"what.{label}"), limit=limit)
    assert result.value == value
    if says:
        assert says in said(result.error)
    else:
        assert result.error is None


# --- choices -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("call", "call"),
        ("Call me", "call"),
        ("phone call please", "call"),
        ("by phone", "call"),
        ("text", "text"),
        ("txt me", "text"),
        ("SMS", "text"),
        ("text my phone", "text"),
        ("email", "email"),
        ("e-mail is best", "email"),
        ("Email.", "email"),
        ('/choose{"choice":"email"}', "email"),
        ("2", "text"),
    ],
)
def test_contact_method(text, value):
    assert parse_contact_method(text) == Checked(value, None)


@pytest.mark.parametrize("text", ["call or text", "whatever", "", "🙂", "voicemail"])
def test_contact_method_unclear(text):
    result = parse_contact_method(text)
    assert result.value is None and "call, text or email" in said(result.error)


@pytest.mark.parametrize(
    "text, language",
    [
        ("English", "English"),
        ("english is fine", "English"),
        ("spanish please", "Spanish"),
        ("Español", "Spanish"),
        ("en español", "Spanish"),
        ("vietnamese", "Vietnamese"),
        ("tiếng Việt", "Vietnamese"),
        ("ASL", "ASL/sign language"),
        ("sign language", "ASL/sign language"),
        ("i speak somali", "Somali"),
        ("not english, spanish", "Spanish"),
        ("Klingon", "Klingon"),
        ("i prefer tigrinya", "Tigrinya"),
        ("haitian creole", "Haitian Creole"),
    ],
)
def test_language(text, language):
    assert parse_language(text) == Checked(language, None)


@pytest.mark.parametrize(
    "text, says",
    [
        ("", "Which language"),
        ("🙂", "name of the language"),
        ("spanish and english", "one language"),
        ("i would really like it if somebody could maybe speak in a language i know well", "just the name"),
    ],
)
def test_language_unclear(text, says):
    result = parse_language(text)
    assert result.value is None and says in said(result.error)


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes", None, "yes"),
        ("Yeah", None, "yes"),
        ("yep!", None, "yes"),
        ("y", None, "yes"),
        ("sure", None, "yes"),
        ("ok", None, "yes"),
        ("yes he pushed me", None, "yes"),
        ("👍", None, "yes"),
        ("no", None, "no"),
        ("Nope", None, "no"),
        ("n", None, "no"),
        ("nah", None, "no"),
        ("no it was a sheriff", None, "no"),
        ("not really", None, "no"),
        ("i don't think so", None, "no"),
        ("not sure", None, "unknown"),
        ("idk", None, "unknown"),
        ("dunno", None, "unknown"),
        ("i don't know", None, "unknown"),
        ("no idea", None, "unknown"),
        ("maybe", None, "unknown"),
        ("banana", None, None),
        ("", None, None),
        (None, None, None),
        ("🙂", None, None),
        # the NLU intent wins over the words
        ("whatever you say", "affirm", "yes"),
        ("yes", "deny", "no"),
        ("hmm", "dont_know", "unknown"),
        ("yes", "greet", "yes"),
        ("/affirm", None, "yes"),
        ("/deny", None, "no"),
        ('/choose{"choice":"unknown"}', None, "unknown"),
    ],
)
def test_interpret_yes_no(text, intent, expected):
    assert interpret_yes_no(text, intent=intent) == expected


# --- complaint number ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, has_error",
    [
        ("2026-0142", "2026-0142", False),
        ("occ-26-114", "OCC-26-114", False),
        ("my complaint number is 2026-0142", "2026-0142", False),
        ("#2026 0142", "2026 0142", False),
        ("none", None, False),
        ("No", None, False),
        ("I don't have one", None, False),
        ("n/a", None, False),
        ("not yet", None, False),
        ("skip", None, False),
        ("I don’t have one", None, False),
        ("abc", None, True),
        ("", None, True),
        ("🙂", None, True),
        ("12" * 30, None, True),
        ("2026-0142; drop table", None, True),
    ],
)
def test_complaint_number(text, value, has_error):
    result = check_complaint_number(text)
    assert result.value == value
    assert (result.error is not None) is has_error


# --- strip_control -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hello\x00 world\x1b", "hello world"),
        ("keep 👩‍👩‍👧 family", "keep 👩‍👩‍👧 family"),  # zero-width joiners survive
        ("flag 🇺🇸 and ❤️", "flag 🇺🇸 and ❤️"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("line\r\nbreak\ttab", "line\nbreak\ttab"),
        (None, ""),
        ("bad \ud800 surrogate", "bad  surrogate"),
    ],
)
def test_strip_control(text, expected):
    assert strip_control(text) == expected

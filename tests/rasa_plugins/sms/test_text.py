"""Table-driven tests of the SMS text rules (bot.rasa_plugins.sms.text)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from bot.conversation.catalogue import catalogue
from bot.rasa_plugins.sms import text as sms_text
from bot.rasa_plugins.sms.text import Keyword, Option

YES_NO_UNSURE = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/dont_know"},
]

CAT = catalogue()


@pytest.mark.parametrize(
    "body, expected",
    [
        ("STOP", Keyword.OPT_OUT),
        ("stop", Keyword.OPT_OUT),
        ("  Stop!  ", Keyword.OPT_OUT),
        ("StopAll", Keyword.OPT_OUT),
        ("unsubscribe", Keyword.OPT_OUT),
        ("Cancel", Keyword.OPT_OUT),  # Twilio's keyword too: bare CANCEL always opts out
        ("end", Keyword.OPT_OUT),
        ("QUIT.", Keyword.OPT_OUT),
        ("START", Keyword.OPT_IN),
        ("unstop", Keyword.OPT_IN),
        ("help", Keyword.HELP),
        ("Info?", Keyword.HELP),
        ("yes", None),  # Twilio's START synonym, but an ordinary answer here
        ("cancel my request", None),  # a sentence goes to the assistant
        ("stop texting me", None),
        ("i need help", None),
        ("", None),
        (None, None),
        ("1", None),
    ],
)
def test_classify_keyword(body, expected):
    assert sms_text.classify_keyword(body) is expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+18165550123", "+18165550123"),
        (" +1 (816) 555-0123 ", "+18165550123"),
        ("8165550123", "+18165550123"),
        ("18165550123", "+18165550123"),
        ("+447700900123", "+447700900123"),
        ("", None),
        (None, None),
        ("anonymous", None),
    ],
)
def test_normalize_sender(raw, expected):
    assert sms_text.normalize_sender(raw) == expected


def test_conversation_id_is_keyed_hash_not_the_number():
    a = sms_text.conversation_id("key-one", "+18165550123")
    assert re.fullmatch(r"[0-9a-f]{32}", a)
    assert "8165550123" not in a
    assert a == sms_text.conversation_id("key-one", "+18165550123")  # stable
    assert a != sms_text.conversation_id("key-two", "+18165550123")  # keyed
    assert a != sms_text.conversation_id("key-one", "+18165550124")
    with pytest.raises(ValueError):
        sms_text.conversation_id("", "+18165550123")


@pytest.mark.parametrize(
    "body, expected",
    [
        ("jane\u00a1example.org", "jane@example.org"),
        ("  hi  ", "hi"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_inbound(body, expected):
    assert sms_text.clean_inbound(body) == expected


def test_number_options_numbers_from_start_and_skips_untitled():
    buttons = YES_NO_UNSURE + [{"title": "", "payload": "/x"}, {"title": "Maybe"}]
    assert sms_text.number_options(buttons, start=3) == (
        Option(3, "Yes", "/affirm"),
        Option(4, "No", "/deny"),
        Option(5, "Not sure", "/dont_know"),
        Option(6, "Maybe", "Maybe"),  # no payload → the title is sent
    )


@pytest.mark.parametrize(
    "titles, expected",
    [
        ([], ""),
        (["Yes"], "Reply 1 for Yes."),
        (["Yes", "No", "Not sure"], "Reply 1 for Yes, 2 for No, 3 for Not sure."),
        (
            ["Weekday mornings", "Weekday evenings, after 6", "Weekends"],
            "Reply with a number:\n1 - Weekday mornings\n2 - Weekday evenings, after 6\n3 - Weekends",
        ),
        (
            ["A", "B", "C", "D", "E"],
            "Reply with a number:\n1 - A\n2 - B\n3 - C\n4 - D\n5 - E",
        ),
    ],
)
def test_options_prompt(titles, expected):
    options = sms_text.number_options([{"title": t, "payload": t} for t in titles])
    assert sms_text.options_prompt(options, CAT) == expected


OPTIONS = sms_text.number_options(YES_NO_UNSURE)


@pytest.mark.parametrize(
    "reply, payload",
    [
        ("1", "/affirm"),
        (" 2 ", "/deny"),
        ("3.", "/dont_know"),
        ("#2", "/deny"),
        ("option 3", "/dont_know"),
        ("yes", "/affirm"),
        ("YES!", "/affirm"),
        ("not  sure", "/dont_know"),
        ("Not sure.", "/dont_know"),
        ("4", None),  # not on the list: goes to the assistant as typed
        ("0", None),
        ("yes please", None),  # not exactly an option: the assistant's NLU decides
        ("12 people", None),
        ("", None),
    ],
)
def test_match_option(reply, payload):
    picked = sms_text.match_option(reply, OPTIONS)
    assert (picked.payload if picked else None) == payload


def test_match_option_without_pending_options():
    assert sms_text.match_option("1", ()) is None


@pytest.mark.parametrize(
    "markdown, plain",
    [
        ("**Mediation is free.**", "Mediation is free."),
        ("It is __voluntary__ and *confidential*.", "It is voluntary and confidential."),
        ("Read _more_ at the site", "Read more at the site"),
        ("snake_case_word stays", "snake_case_word stays"),
        ("e-mail jane_doe@example.org", "e-mail jane_doe@example.org"),
        ("See [the OCC page](https://www.kcmo.gov/occ).", "See the OCC page (https://www.kcmo.gov/occ)."),
        ("Call [(816) 889-6646](tel:+18168896646)", "Call (816) 889-6646"),
        ("![map](https://example.org/map.png)", "https://example.org/map.png"),
        ("## Your request\n* one\n+ two\n- three", "Your request\n- one\n- two\n- three"),
        ("Use `MR-7K3Q9P`", "Use MR-7K3Q9P"),
        ("a<br>b", "ab"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("bell\x07 and\x00 nul", "bell and nul"),
        ("a\n\n\n\nb", "a\n\nb"),
    ],
)
def test_plain_text(markdown, plain):
    assert sms_text.plain_text(markdown) == plain


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("", 10, []),
        ("short", 10, ["short"]),
        ("exactly 10", 10, ["exactly 10"]),
    ],
)
def test_split_for_sms_small(text, limit, expected):
    assert sms_text.split_for_sms(text, limit) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mediation is voluntary. " * 200,  # sentences
        ("word " * 500 + "\n\n") * 3,  # paragraphs of words
        "x" * 4000,  # no boundary at all: hard cut
        "\U0001f600 smile " * 600,  # emoji count as two
    ],
)
def test_split_for_sms_keeps_every_word_and_the_limit(text):
    parts = sms_text.split_for_sms(text)
    assert len(parts) > 1
    assert all(sms_text.sms_length(p) <= sms_text.SMS_BODY_LIMIT for p in parts)
    assert [p.split(" ", 1)[0] for p in parts] == [f"({i}/{len(parts)})" for i in range(1, len(parts) + 1)]
    rejoined = "".join(p.split(" ", 1)[1] for p in parts)
    assert re.sub(r"\s", "", rejoined) == re.sub(r"\s", "", text)


def test_split_prefers_paragraph_boundaries():
    first = "First paragraph. " * 50
    second = "Second paragraph. " * 50
    parts = sms_text.split_for_sms(first.strip() + "\n\n" + second.strip(), limit=1000)
    assert parts[0].endswith("First paragraph.")
    assert parts[1].startswith("(2/2) Second paragraph.")


@pytest.mark.parametrize(
    "emoji_count, parts",
    [(800, 1), (801, 2)],  # 800 emoji = 1,600 UTF-16 units = exactly the limit
)
def test_sms_length_counts_utf16_units(emoji_count, parts):
    assert len(sms_text.split_for_sms("\U0001f600" * emoji_count)) == parts


def test_compose_reply_texts_and_buttons():
    messages = [
        {"recipient_id": "x", "text": "**Mediation** is free."},
        {"recipient_id": "x", "text": "Would you like to check if you can ask for it?", "buttons": YES_NO_UNSURE},
        {"recipient_id": "x", "custom": {"widget": "map"}},
        {"recipient_id": "x", "image": "https://example.org/a.png"},
    ]
    reply = sms_text.compose_reply(messages, CAT)
    assert reply.bodies == (
        "Mediation is free.\n\n"
        "Would you like to check if you can ask for it?\n\n"
        "Reply 1 for Yes, 2 for No, 3 for Not sure.\n\n"
        "https://example.org/a.png",
    )
    assert [o.payload for o in reply.options] == ["/affirm", "/deny", "/dont_know"]


def test_compose_reply_numbers_buttons_across_messages():
    messages = [
        {"text": "First?", "buttons": YES_NO_UNSURE[:2]},
        {"text": "Second?", "buttons": [{"title": "Later", "payload": "/later"}]},
    ]
    reply = sms_text.compose_reply(messages, CAT)
    assert "Reply 3 for Later." in reply.bodies[0]
    assert [o.number for o in reply.options] == [1, 2, 3]


def test_compose_reply_nothing_said():
    assert sms_text.compose_reply([], CAT) == sms_text.SmsReply(bodies=(), options=())


def test_compose_reply_long_text_is_split():
    reply = sms_text.compose_reply([{"text": "Mediation is voluntary. " * 150}], CAT)
    assert len(reply.bodies) == 3
    assert all(sms_text.sms_length(b) <= 1600 for b in reply.bodies)


@pytest.mark.parametrize(
    "bodies, messages",
    [
        ([], []),
        (["Hello"], ["Hello"]),
        (["a < b & c > d", "quote \" and '"], ["a < b & c > d", "quote \" and '"]),
        (
            ["</Message><Redirect>https://evil.example</Redirect>"],
            ["</Message><Redirect>https://evil.example</Redirect>"],
        ),
        (["ctrl\x01char"], ["ctrlchar"]),
    ],
)
def test_twiml_is_well_formed_and_escaped(bodies, messages):
    doc = sms_text.twiml(bodies)
    assert doc.startswith('<?xml version="1.0" encoding="UTF-8"?><Response')
    root = ElementTree.fromstring(doc.encode("utf-8"))
    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Message"] * len(messages)
    assert [child.text for child in root] == messages


@pytest.mark.parametrize(
    "text", [CAT.text("sms.help"), CAT.text("sms.opt_out"), CAT.text("sms.opt_in")], ids=["help", "opt_out", "opt_in"]
)
def test_fixed_texts_fit_one_message_and_name_the_occ(text):
    assert sms_text.sms_length(text) <= 320
    assert "(816) 889-6646" in text or "HELP" in text


def test_help_text_content():
    assert "(816) 889-6646" in CAT.text("sms.help")
    assert "STOP" in CAT.text("sms.help")
    assert "Mediation" in CAT.text("sms.help")

"""Table-driven tests of the form rules the actions only translate: the summary's decision, the optional
questions' "no", the SMS number offer, the status form's limits, interruptions and the fallback menu."""

from __future__ import annotations

import pytest

from bot.conversation import request_form as rf
from bot.conversation import status_form
from bot.conversation.catalogue import catalogue
from bot.conversation.fallback import did_you_mean
from bot.conversation.interruptions import DANGER, QUESTION, interruption
from tests.support.speech import text as said

PHONE = rf.FIELD_BY_KEY["phone"]


@pytest.mark.parametrize(
    "answer, intent, field, correcting, expected",
    [
        ("yes", "affirm", None, False, ("send", None, False)),
        ("yes", "affirm", None, True, ("which", None, True)),  # a yes to "which part?" names no part
        (None, "correct_field", PHONE, False, ("change", PHONE, False)),
        ("no", "deny", PHONE, False, ("change", PHONE, False)),  # "no, the phone is wrong"
        ("no", "deny", None, False, ("which", None, False)),
        (None, "choose", PHONE, True, ("change", PHONE, False)),  # the "Phone" button while correcting
        (None, None, None, True, ("which", None, True)),
        ("yes", "correct_field", None, False, ("which", None, False)),  # never sends without a plain yes
        ("yes", "affirm", PHONE, False, ("send", None, False)),  # "yes, the phone is right"
    ],
)
def test_confirm_step(answer, intent, field, correcting, expected):
    step = rf.confirm_step(answer, intent, field, correcting)
    assert (step.action, step.field, step.retry) == expected


@pytest.mark.parametrize(
    "text, intent, none",
    [
        ("none", None, True),
        ("N/A", None, True),
        ("no thanks", None, True),
        ("", "deny", True),
        ("wheelchair ramp", None, False),
        ("no stairs please", None, False),
    ],
)
def test_accessibility_none(text, intent, none):
    assert rf.says_no_needs(text, intent) is none


@pytest.mark.parametrize("intent, unknown", [("dont_know", True), ("deny", True), ("affirm", False), (None, False)])
def test_officer_unknown(intent, unknown):
    assert rf.doesnt_know_officer(intent) is unknown


@pytest.mark.parametrize("answer, choice", [("yes", "use"), ("no", "declined"), ("unknown", "declined"), (None, None)])
def test_sms_number_choice(answer, choice):
    assert rf.sms_number_choice(answer) == choice


@pytest.mark.parametrize(
    "value, text, reference, error",
    [
        ("MR-7K3Q9P", "", "MR-7K3Q9P", None),
        ("MR", "status of mr-7k3q9p please", "MR-7K3Q9P", None),  # the entity is a fragment; the text wins
        (None, "my code is mr 7k3 q9p", "MR-7K3Q9P", None),
        (None, "i lost it", None, "That doesn't look like a reference code"),
    ],
)
def test_status_reference(value, text, reference, error):
    checked = status_form.check_reference(value, text)
    assert checked.value == reference
    assert (said(checked.error) or "").startswith(error or "")


@pytest.mark.parametrize("value, ok", [("816-555-0123", True), ("a@b.org", True), ("", False), ("x" * 255, False)])
def test_status_contact(value, ok):
    assert status_form.check_contact(value).ok is ok


@pytest.mark.parametrize("attempts, refused", [(1, False), (3, False), (4, True)])
def test_lookups_per_conversation(attempts, refused):
    assert status_form.too_many_lookups(attempts) is refused


def test_status_answer_is_neutral_when_not_found():
    assert said(status_form.status_answer(True, "MR-7K3Q9P", "scheduled")) == (
        "Request MR-7K3Q9P: scheduled: a mediation session has been arranged."
    )
    assert said(status_form.status_answer(False, "MR-7K3Q9P", None)).startswith("I couldn't find a request")


@pytest.mark.parametrize(
    "text, intent, confidence, free_text, expected",
    [
        ("he has a gun", "emergency", 0.9, True, (DANGER, False, None)),
        ("my name is Sam, someone is breaking into my house", "greet", 0.3, True, (DANGER, True, None)),
        ("is this confidential?", "faq_confidential", 0.8, True, (QUESTION, False, "faq_confidential")),
        ("is it free", "faq_cost", 0.8, False, (QUESTION, False, "faq_cost")),
        # a description that mentions discipline is kept as the description
        ("He yelled at me and I want him disciplined for it", "faq_discipline", 0.7, True, None),
        ("is it free?", "faq_cost", 0.3, False, None),  # not confident: the form re-asks instead
        ("Maria Lopez", "greet", 0.4, True, None),
    ],
)
def test_interruptions(text, intent, confidence, free_text, expected):
    found = interruption(text, intent, confidence, free_text=free_text)
    assert (found and (found.kind, found.keeps_answer, found.topic)) == expected


@pytest.mark.parametrize(
    "ranking, titles",
    [
        (
            [{"name": "faq_cost"}, {"name": "faq_duration"}, {"name": "faq_location"}],
            ["Does it cost anything?", "How long does it take?", "Something else"],
        ),
        (
            [{"name": "nlu_fallback"}, {"name": "out_of_scope"}, {"name": "faq_cost"}],
            ["Does it cost anything?", "Something else"],
        ),  # "Something else" only once
        ([{"name": "affirm"}, {"name": "deny"}], []),  # no plain label: no menu
        ([], []),
    ],
)
def test_did_you_mean(ranking, titles):
    buttons = did_you_mean(ranking, has_label=catalogue().__contains__)
    assert [said(b["title"]) for b in buttons] == titles

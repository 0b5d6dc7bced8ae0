"""Program answers, message splitting, safety words and the request form's rules (table-driven)."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.conversation import request_form as rf
from bot.conversation.answers import AnswersError, default_answers, load_answers
from bot.conversation.catalogue import catalogue
from bot.conversation.safety import CRISIS_MESSAGE, is_emergency, mentions_danger, safety_messages
from bot.text import clean_text, looks_like_question, split_message
from tests.support import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain/conversation.yml").read_text())
FAQ_INTENTS = [i for i in DOMAIN["intents"] if i.startswith("faq_")]


# --- answers.yml ---------------------------------------------------------------------------------------
def test_every_faq_intent_has_an_answer_a_rule_and_a_label():
    answers = default_answers()
    rules = yaml.safe_load((ROOT / "data/rules/faq.yml").read_text())["rules"]
    ruled = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    for intent in FAQ_INTENTS:
        assert answers.get(intent), f"{intent} has no answer in answers.yml"
        assert intent in ruled, f"{intent} has no rule in data/rules/faq.yml"
    labelled = {key.split(".", 1)[1] for key in catalogue().entries if key.startswith("intent.")}
    assert set(DOMAIN["intents"]) - {"affirm", "deny", "dont_know", "choose"} <= labelled


def test_every_message_fits_a_phone_screen():
    for answer in default_answers().answers.values():
        assert all(len(m) <= 320 for m in answer.messages), answer.key


def test_program_page_facts_are_all_covered():
    said = " ".join(m for a in default_answers().answers.values() for m in a.messages).lower()
    for fact in [
        "voluntary",
        "all of the parties",
        "not part of the police department or the occ",
        "two professionally trained",
        "not judges",
        "don't give advice",
        "take sides",
        "confidential",
        "nothing is recorded on any device",
        "destroy those notes",
        "no evidence is needed",
        "shake hands",
        "agree to disagree",
        "punish",
        "not a legal process",
        "no appeal",
        "another chance",
        "cost effective",
        "timely",
        "discipline",
        "legal analyst",
        "(816) 889-6646",
    ]:
        assert fact in said, fact


def test_the_office_phone_number_is_the_same_everywhere():
    phone = default_answers().phone
    for path in ["bot/content/en/messages.yml", "bot/eligibility/policy.yml", "bot/content/en/answers.yml"]:
        for found in re.findall(r"\(\d{3}\) \d{3}-\d{4}", (ROOT / path).read_text()):
            assert found == phone, f"{path} has {found}, answers.yml has {phone}"


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d["answers"]["faq_cost"].update(source="rumour"), "source must be one of"),
        (lambda d: d["answers"]["faq_cost"].update(messages=["x" * 321]), "321 characters"),
        (lambda d: d["answers"]["faq_cost"].update(messages=["Mediation is free."]), "must say OCC staff will confirm"),
        (lambda d: d["answers"]["faq_cost"].update(extra=1), "unknown keys"),
        (lambda d: d["answers"]["faq_cost"].update(messages=["Call {fax}"]), "unknown placeholder"),
        (lambda d: d.update(surprise=1), "unknown top-level keys"),
    ],
)
def test_bad_edits_to_answers_are_refused_with_the_file_name(tmp_path, mutate, message):
    data = yaml.safe_load((ROOT / "bot/content/en/answers.yml").read_text())
    mutate(data)
    path = tmp_path / "answers.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(path) in str(error.value) and message in str(error.value)


# --- text ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,limit,count",
    [("short", 320, 1), ("One. Two. Three.", 10, 2), ("word " * 200, 320, 4), ("x" * 700, 320, 3), ("", 320, 0)],
)
def test_split_message_respects_the_limit(text, limit, count):
    chunks = split_message(text, limit)
    assert len(chunks) == count and all(len(c) <= limit for c in chunks)


@pytest.mark.parametrize(
    "raw,clean", [("a\x00b", "ab"), ("  hi \n there ", "hi there"), ("👍🏽 ok", "👍🏽 ok"), (None, "")]
)
def test_clean_text_keeps_emoji_and_drops_control_characters(raw, clean):
    assert clean_text(raw) == clean


# --- safety --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,danger",
    [
        ("someone is breaking into my house", True),
        ("he has a gun", True),
        ("i been stabbed", True),
        ("my husband is choking me", True),
        ("im going to end my life tonight", True),
        ("help i cant breathe", True),
        ("is it free", False),
        ("the officer pointed a gun at me last month", False),
        ("the officer said i can't breathe was not his problem", False),
        ("how do i file a complaint", False),
    ],
)
def test_danger_words(text, danger):
    assert mentions_danger(text) is danger


def test_emergency_intent_or_words_trigger_and_crisis_adds_988():
    assert is_emergency("whatever", "emergency", 0.9)
    assert not is_emergency("hello", "greet", 0.99)
    assert CRISIS_MESSAGE in safety_messages("i want to kill myself")


# --- request form --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "values,includes,excludes",
    [
        ({"req_contact_method": "call"}, ["req_phone"], ["req_email"]),
        ({"req_contact_method": "email"}, ["req_email"], ["req_phone"]),
        ({"req_language": "Spanish"}, ["req_interpreter"], []),
        ({"req_language": "English"}, [], ["req_interpreter"]),
        ({"req_consent": "no"}, ["req_consent"], ["req_confirm"]),
    ],
)
def test_request_questions_depend_on_earlier_answers(values, includes, excludes):
    slots = rf.required_slots(values)
    assert all(s in slots for s in includes) and not any(s in slots for s in excludes)


@pytest.mark.parametrize(
    "text,entities,field",
    [
        ("the phone number is wrong", [], "phone"),
        ("change my email", [], "email"),
        ("x", ["description"], "description"),
        ("Place", [], "incident_location"),
        ("my name is misspelled", [], "name"),
        ("wrong date", [], "incident_date"),
        ("yes", [], None),
    ],
)
def test_field_names_residents_use(text, entities, field):
    found = rf.field_from_text(text, entities)
    assert (found.key if found else None) == field


@pytest.mark.parametrize(
    "text,question",
    [
        ("is this confidential?", True),
        ("how much does it cost", True),
        ("Jane Doe", False),
        ("The officer shouted at me. Why did he do that? I want to talk about it. " * 3, False),  # long: an answer
        ("", False),
    ],
)
def test_what_reads_like_a_question(text, question):
    assert looks_like_question(text) is question


@pytest.mark.parametrize(
    "value,stored", [("2026-11-20", True), ("unknown", True), ("last friday", False), ("no", False), (None, False)]
)
def test_dates_the_eligibility_check_already_stored(value, stored):
    assert rf.is_stored_date(value) is stored

"""Every topic the assistant must know, asked as residents ask it, through the real REST channel."""

from __future__ import annotations

import pytest

from bot.conversation.answers import default_answers
from bot.conversation.catalogue import catalogue

pytestmark = pytest.mark.e2e

ANSWERS = default_answers()

# (what a resident types, the answer key in bot/content/answers.yml whose first message must come back)
FAQ_CASES = [
    ("what is mediation exactly", "faq_what_is_mediation"),
    ("do i have to do mediation or is it optional", "faq_voluntary"),
    ("who is allowed to ask for mediation", "faq_who_can_request"),
    ("are the mediators cops or do they work for kcpd", "faq_mediators"),
    ("will the mediator take the officers side", "faq_mediator_role"),
    ("do i need proof or witnesses", "faq_evidence"),
    ("is the session recorded", "faq_confidential"),
    ("do i have to apologize to the officer", "faq_outcome"),
    ("will the cop get fired or punished", "faq_discipline"),
    ("can i appeal the result", "faq_legal_appeal"),
    ("what happens to my complaint if we do mediation", "faq_complaint_after"),
    ("why would i pick mediation over an investigation", "faq_mediation_vs_investigation"),
    ("whats the phone number for the office", "faq_contact"),
    ("how much does mediation cost", "faq_cost"),
    ("how long does the session last", "faq_duration"),
    ("can we do it over zoom instead of in person", "faq_location"),
    ("can i bring my mom with me", "faq_support_person"),
    ("i need a spanish interpreter", "faq_language"),
    ("i use a wheelchair is the place accessible", "faq_accommodations"),
    ("what if i change my mind later", "faq_change_mind"),
    ("do i need a lawyer for this", "faq_lawyer"),
    ("what if the officer says no to mediation", "faq_officer_declines"),
    ("how do i file a complaint against an officer", "faq_file_complaint"),
    ("is there a deadline to file", "faq_deadline"),
    ("i want to talk to a real person", "human_handoff"),
]

EMERGENCY_TEXT = catalogue().text("safety.emergency")


@pytest.mark.parametrize("text,key", FAQ_CASES, ids=[k for _, k in FAQ_CASES])
def test_program_question_gets_the_program_answer(stack, text, key):
    reply = stack.conversation().say(text)
    assert ANSWERS.messages(key)[0] in reply


@pytest.mark.parametrize(
    "text,expected",
    [
        ("hello", "virtual assistant"),
        ("are you a bot", "automated assistant"),
        ("thank you", "welcome"),
        ("bye", "Take care"),
        ("can you help me pay a parking ticket", "only help with"),
        ("what can you do", "I can"),
    ],
)
def test_conversation_basics(stack, text, expected):
    assert expected in stack.conversation().say(text)


@pytest.mark.parametrize(
    "text",
    [
        "someone is breaking into my house right now",
        "the officer is following me and i'm scared for my life",
        "help he has a gun",
    ],
)
def test_danger_gets_911(stack, text):
    assert EMERGENCY_TEXT in stack.conversation().say(text)


def test_every_message_is_phone_sized(stack):
    convo = stack.conversation()
    for text, _ in FAQ_CASES:
        convo.say(text)
        assert all(len(m.get("text", "")) <= 320 for m in convo.last), text


def test_gibberish_gets_plain_language_options(stack):
    convo = stack.conversation()
    reply = convo.say("zxqv blorp fnargle")
    assert reply  # never silent
    titles = [b["title"] for b in convo.buttons()]
    assert all("_" not in t for t in titles), titles  # no intent names shown to residents


def test_huge_message_and_emoji_get_an_answer(stack):
    convo = stack.conversation()
    assert convo.say("is it free " + "really " * 700)  # ~5,000 characters
    assert convo.say("🙂🙂🙂")

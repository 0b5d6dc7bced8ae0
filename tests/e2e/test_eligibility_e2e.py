"""The eligibility check through the real Rasa + action servers: each outcome, interruptions, cancel."""

from __future__ import annotations

import pytest

from bot.conversation.answers import default_answers
from bot.conversation.catalogue import catalogue
from bot.eligibility import load_policy

pytestmark = pytest.mark.e2e
QUESTIONS = {rule.id: rule.question.split("?")[0] for rule in load_policy().rules}

EMERGENCY_TEXT = catalogue().text("safety.emergency")


def answer_all(convo, overrides=None):
    """Answer every question the check asks with buttons; returns what the bot said last."""
    answers = {
        "department_member": "Yes",
        "involvement": "It was me",
        "complaint_filed": "Yes",
        "injury": "No",
        "criminal_allegation": "No",
        "pending_case": "No",
        "age": "17 or older",
        "good_faith": "Yes",
    }
    answers.update(overrides or {})
    reply = ""
    for _ in range(12):
        asked = next((rid for rid, q in QUESTIONS.items() if q in convo_text(convo)), None)
        if asked is None:
            return convo_text(convo)
        if asked == "incident_date":
            reply = convo.say(answers.get("incident_date", "last friday"))
        else:
            reply = convo.click(answers[asked])
    return reply


def convo_text(convo):
    return "\n".join(m.get("text", "") for m in convo.last)


def test_likely_eligible_with_the_date_from_the_first_message(stack):
    convo = stack.conversation()
    first = convo.say("can i do mediation? it happened last friday at a traffic stop")
    assert QUESTIONS["department_member"] in first
    seen = [first]
    for title in ["Yes", "It was me", "Yes", "No", "No", "No", "17 or older", "Yes"]:
        seen.append(convo.click(title))
    transcript = "\n".join(seen)
    assert QUESTIONS["incident_date"] not in transcript  # never asked: it was in the first message
    assert "may be open to you" in seen[-1]
    assert "inside the 90-day window" in seen[-1] or "90-day" in seen[-1]
    assert "Yes, start a request" in [b["title"] for b in convo.buttons()]


def test_injury_needs_staff_review(stack):
    convo = stack.conversation()
    convo.say("am i eligible for mediation")
    final = answer_all(convo, {"injury": "Yes"})
    assert "closer look by OCC staff" in final
    assert "start a request" in " ".join(b["title"] for b in convo.buttons()).lower()


def test_criminal_allegation_is_not_eligible_and_stops_asking(stack):
    convo = stack.conversation()
    convo.say("check if i qualify for mediation")
    final = answer_all(convo, {"criminal_allegation": "Yes"})
    assert "probably isn't the right route" in final
    assert "(816) 889-6646" in final
    assert QUESTIONS["good_faith"] not in final
    assert not convo.buttons()  # no offer to file


def test_not_sure_and_typed_answers_are_accepted(stack):
    convo = stack.conversation()
    convo.say("can my case be mediated")
    convo.say("yes it was a kcpd officer")
    convo.say("it was me")
    convo.say("not yet but i will")
    reply = convo.say("i don't remember")
    assert QUESTIONS["injury"] in reply  # "not sure" about the date is accepted, check moves on


def test_a_question_mid_check_is_answered_and_the_check_resumes(stack):
    convo = stack.conversation()
    convo.say("am i eligible")
    convo.click("Yes")
    reply = convo.say("how much does it cost?")
    assert default_answers().messages("faq_cost")[0] in reply
    assert QUESTIONS["involvement"] in reply  # same question again


def test_emergency_mid_check_gets_911_then_the_same_question(stack):
    convo = stack.conversation()
    convo.say("am i eligible")
    reply = convo.say("someone is breaking into my house right now")
    assert EMERGENCY_TEXT in reply
    assert QUESTIONS["department_member"] in reply


@pytest.mark.parametrize("word", ["stop", "cancel this", "never mind"])
def test_stop_ends_the_check_politely(stack, word):
    convo = stack.conversation()
    convo.say("am i eligible")
    convo.click("Yes")
    reply = convo.say(word)
    assert "stopped" in reply.lower()
    reply = convo.say("is it free")  # the conversation carries on normally
    assert default_answers().messages("faq_cost")[0] in reply


def test_a_request_before_any_check_starts_with_the_check(stack):
    convo = stack.conversation()
    reply = convo.say("i want to request mediation")
    assert "quick check" in reply and QUESTIONS["department_member"] in reply

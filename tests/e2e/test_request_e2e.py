"""Filing a mediation request through the real servers, then finding it with `mediation-admin export`."""

from __future__ import annotations

import re

import pytest

from bot.conversation.answers import default_answers

pytestmark = pytest.mark.e2e
REF = re.compile(r"\bMR-[2-9A-HJKMNP-TV-Z]{6}\b")
CHECK = ["Yes", "It was me", "Yes", "No", "No", "No", "17 or older", "Yes"]


def eligible_conversation(stack):
    convo = stack.conversation(metadata={"channel": "web"})
    convo.say("can i do mediation? it happened 2 weeks ago at a traffic stop")
    for title in CHECK:
        convo.click(title)
    assert "may be open to you" in "\n".join(m.get("text", "") for m in convo.last)
    return convo


def fill_request(convo, email="jane.doe@example.org", description="The officer shouted at me at a traffic stop."):
    assert "full name" in convo.click("Yes, start a request")
    assert "contact you" in convo.say("Jane Q. Doe")
    assert "email" in convo.click("Email").lower()
    convo.say(email)
    convo.click("I don't have one")
    convo.say("Troost Ave and 31st St")
    convo.click("I don't know")
    convo.say(description)
    convo.say("weekday evenings after 5")
    convo.click("English")
    reply = convo.click("No, none")
    assert "Do you agree?" in reply
    return convo.click("Yes, I agree")


def test_a_whole_request_is_filed_and_exported(stack):
    convo = eligible_conversation(stack)
    summary = fill_request(convo)
    assert "Jane Q. Doe" in summary and "jane.doe@example.org" in summary and "Troost Ave" in summary
    done = convo.click("Yes, send it")
    reference = REF.search(done).group(0)
    row = stack.find_request(reference)
    assert row is not None
    assert row["name"] == "Jane Q. Doe"
    assert row["email"] == "jane.doe@example.org" and row["preferred_contact"] == "email"
    assert row["incident_location"] == "Troost Ave and 31st St"
    assert row["description"] == "The officer shouted at me at a traffic stop."
    assert row["eligibility_outcome"] == "likely_eligible" and row["eligibility_reasons"]
    assert row["status"] == "new" and row["channel"] == "web"
    assert row["incident_date"]  # from the first message, never asked again


def test_bad_input_is_explained_and_nothing_is_lost(stack):
    convo = eligible_conversation(stack)
    convo.click("Yes, start a request")
    convo.say("Jane Doe")
    convo.click("Email")
    assert "email" in convo.say("jane@example").lower()  # invalid: asked again, kindly
    convo.say("jane@example.org")
    convo.click("I don't have one")
    convo.say("Main St")
    convo.click("I don't know")
    too_long = convo.say("x " * 2600)
    assert "1,000" in too_long
    convo.say("Shouted at during a stop 😡")
    convo.say("mornings")
    convo.click("English")
    convo.click("No, none")
    summary = convo.click("Yes, I agree")
    assert "Jane Doe" in summary and "jane@example.org" in summary and "😡" in summary


def test_correcting_a_field_at_the_summary(stack):
    convo = eligible_conversation(stack)
    fill_request(convo)
    assert "email" in convo.say("change my email").lower()
    summary = convo.say("new.address@example.org")
    assert "new.address@example.org" in summary and "Is everything correct?" in summary
    reference = REF.search(convo.click("Yes, send it")).group(0)
    assert stack.find_request(reference)["email"] == "new.address@example.org"


def test_cancel_stores_nothing(stack):
    before = len(stack.export())
    convo = eligible_conversation(stack)
    fill_request(convo)
    assert "Nothing from your request was saved" in convo.click("Cancel request")
    assert len(stack.export()) == before


def test_declining_consent_stores_nothing(stack):
    before = len(stack.export())
    convo = eligible_conversation(stack)
    convo.click("Yes, start a request")
    for text in ["Jane Doe"]:
        convo.say(text)
    convo.click("Phone call")
    convo.say("816-555-0134")
    convo.click("I don't have one")
    convo.say("Main St")
    convo.click("I don't know")
    convo.say("Rude officer.")
    convo.say("any time")
    convo.click("English")
    convo.click("No, none")
    reply = convo.click("No")
    assert "Nothing has been saved" in reply and "(816) 889-6646" in reply
    assert len(stack.export()) == before


def test_double_submit_creates_one_request(stack):
    convo = eligible_conversation(stack)
    fill_request(convo, email="double@example.org")
    convo.click("Yes, send it")
    convo.say("/affirm")  # a double tap on "Yes, send it"
    rows = [r for r in stack.export() if r["email"] == "double@example.org"]
    assert len(rows) == 1


def test_status_lookup_through_the_chat(stack):
    convo = eligible_conversation(stack)
    fill_request(convo, email="status.check@example.org")
    reference = REF.search(convo.click("Yes, send it")).group(0)

    other = stack.conversation()
    assert "phone number or email" in other.say(f"what's the status of {reference}")
    assert "New" in other.say("status.check@example.org") or reference in other.last[0]["text"]

    stranger = stack.conversation()
    stranger.say(f"status of {reference.lower()}")
    reply = stranger.say("someone.else@example.org")
    assert "couldn't find" in reply and reference not in reply


@pytest.mark.parametrize(
    "question,key", [("is this confidential?", "faq_confidential"), ("how much does it cost?", "faq_cost")]
)
def test_a_question_mid_request_is_answered_and_the_form_resumes(stack, question, key):
    convo = eligible_conversation(stack)
    convo.click("Yes, start a request")
    convo.say("Jane Doe")
    reply = convo.say(question)
    assert default_answers().messages(key)[0] in reply
    assert "How would you like OCC staff to contact you?" in reply
    reply = convo.click("Email")
    assert "email address" in reply


def test_when_nothing_can_save_it_the_resident_keeps_their_answers_and_retries(stack, tmp_path):
    """Database unreachable AND outbox unwritable: an honest apology, the summary again, and a retry works."""
    convo = eligible_conversation(stack)
    fill_request(convo, email="retry.later@example.org")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    stack.restart_actions(
        DATABASE_URL="postgresql+psycopg2://root@127.0.0.1:9/nothing", MEDIATION_OUTBOX_DIR=str(blocker / "outbox")
    )
    try:
        reply = convo.click("Yes, send it")
        assert "couldn't save your request" in reply and not REF.search(reply)
        assert "retry.later@example.org" in reply and "Is everything correct?" in reply  # the summary, kept
    finally:
        stack.restart_actions()
    reference = REF.search(convo.click("Yes, send it")).group(0)
    assert stack.find_request(reference)["email"] == "retry.later@example.org"

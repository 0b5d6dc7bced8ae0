"""The eligibility form's validation action, run directly with real trackers (no Rasa server)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility import ASK_ACTIONS, ActionEligibilityOutcome, ValidateEligibilityForm
from bot.conversation.answers import default_answers
from bot.conversation.catalogue import catalogue
from bot.eligibility import load_policy
from bot.settings import reset_settings_cache
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.support import ROOT

FORM = "eligibility_form"
ALL_PASS = {
    "elig_department_member": "yes",
    "elig_involvement": "self",
    "elig_complaint_filed": "filed",
    "elig_incident_date": (date.today() - timedelta(days=10)).isoformat(),
    "elig_injury": "no",
    "elig_criminal_allegation": "no",
    "elig_pending_case": "no",
    "elig_age": "adult",
    "elig_good_faith": "yes",
}

EMERGENCY_TEXT = catalogue().text("safety.emergency")


async def validate(domain, slot, text, **kw):
    tracker = make_tracker(text, candidates={slot: text}, requested_slot=slot, active_loop=FORM, **kw)
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, tracker, domain)
    return slot_events(events), texts(dispatcher)


@pytest.mark.parametrize(
    "slot,text,intent,entities,expected",
    [
        ("elig_department_member", "/affirm", "affirm", [], "yes"),
        ("elig_department_member", "nope", "deny", [], "no"),
        ("elig_department_member", "not sure", "dont_know", [], "unknown"),
        (
            "elig_involvement",
            '/choose{"choice":"guardian"}',
            "choose",
            [{"entity": "choice", "value": "guardian"}],
            "guardian",
        ),
        ("elig_involvement", "it was me", None, [], "self"),
        ("elig_age", "17 or older", None, [], "adult"),
        ("elig_incident_date", "not sure", "dont_know", [], "unknown"),
    ],
)
async def test_answers_are_interpreted(domain, slot, text, intent, entities, expected):
    slots, _ = await validate(domain, slot, text, intent=intent, entities=entities)
    assert slots[slot] == expected


async def test_natural_language_date_is_stored_as_iso(domain):
    slots, _ = await validate(domain, "elig_incident_date", "3 weeks ago")
    assert date.fromisoformat(slots["elig_incident_date"]) < date.today()


@pytest.mark.parametrize("text", ["next friday", "blorp", "🙂"])
async def test_future_or_nonsense_dates_are_asked_again_with_an_example(domain, text):
    slots, said = await validate(domain, "elig_incident_date", text)
    assert slots["elig_incident_date"] is None
    assert "for example" in said.lower()


async def test_a_question_instead_of_an_answer_is_answered_and_the_question_stays_open(domain):
    slots, said = await validate(
        domain, "elig_involvement", "is this confidential?", intent="faq_confidential", confidence=0.97
    )
    assert slots["elig_involvement"] is None
    assert default_answers().messages("faq_confidential")[0] in said


async def test_danger_words_get_911_first(domain):
    _, said = await validate(domain, "elig_involvement", "it was me and he has a gun right now")
    assert EMERGENCY_TEXT in said


async def test_date_in_the_first_message_is_not_asked_again(domain):
    tracker = make_tracker("can i do mediation? it happened last friday at a traffic stop", intent="check_eligibility")
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), tracker, domain)
    found = slot_events(events).get("elig_incident_date")
    assert found and date.fromisoformat(found) < date.today()


async def test_required_slots_follow_the_policy_and_stop_after_a_not_eligible_answer(domain):
    validator = ValidateEligibilityForm()
    all_slots = [r.slot for r in load_policy().rules]
    fresh = await validator.required_slots([], CollectingDispatcher(), make_tracker("hi"), domain)
    assert fresh[0] == all_slots[0]
    done = await validator.required_slots(
        [], CollectingDispatcher(), make_tracker("x", slots={**ALL_PASS, "elig_criminal_allegation": "yes"}), domain
    )
    assert done == []


def test_every_policy_question_has_an_ask_action_and_a_domain_slot(domain):
    slots = {r.slot for r in load_policy().rules}
    assert slots == set(ASK_ACTIONS)
    assert slots <= set(domain["slots"])
    actions = {a if isinstance(a, str) else next(iter(a)) for a in domain["actions"]}
    assert {f"action_ask_{s}" for s in slots} <= actions
    assert slots == set(domain["forms"]["eligibility_form"]["required_slots"])


@pytest.mark.parametrize(
    "changes,outcome",
    [
        ({}, "likely_eligible"),
        ({"elig_injury": "yes"}, "needs_staff_review"),
        ({"elig_criminal_allegation": "yes"}, "not_eligible"),
    ],
)
async def test_outcome_action_sets_the_outcome_and_explains(domain, changes, outcome):
    dispatcher = CollectingDispatcher()
    events = await ActionEligibilityOutcome().run(
        dispatcher, make_tracker("yes", slots={**ALL_PASS, **changes}), domain
    )
    assert slot_events(events)["eligibility_outcome"] == outcome
    assert all(len(m["text"]) <= 320 for m in dispatcher.messages)
    assert "OCC" in texts(dispatcher)


async def test_editing_the_policy_file_changes_the_outcome_without_code(domain, tmp_path, monkeypatch, fresh_settings):
    answers = {
        **ALL_PASS,
        "elig_complaint_filed": "will_file",
        "elig_incident_date": (date.today() - timedelta(days=75)).isoformat(),
    }

    async def outcome():
        events = await ActionEligibilityOutcome().run(
            CollectingDispatcher(), make_tracker("yes", slots=answers), domain
        )
        return slot_events(events)["eligibility_outcome"]

    assert await outcome() == "likely_eligible"  # 75 days: inside the default 90-day window
    packaged = ROOT / "bot" / "eligibility" / "policy.yml"
    edited = tmp_path / "policy.yml"
    edited.write_text(packaged.read_text().replace("filing_window_days: 90", "filing_window_days: 60"))
    monkeypatch.setenv("MEDIATION_POLICY_FILE", str(edited))
    reset_settings_cache()
    assert await outcome() == "not_eligible"  # the same answers, a 60-day window

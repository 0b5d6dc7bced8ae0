"""The request form's validators, the summary/correction loop, submitting and status lookup — run directly
against a real database (SQLite and PostgreSQL through the shared `migrated_db` fixture)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.request_form import ActionAskReqConfirm, ActionAskReqPhone, ValidateMediationRequestForm
from actions.status import ActionLookupStatus, ValidateStatusForm
from actions.submit import ActionSubmitRequest
from bot.conversation import request_form as rf
from bot.requests import export_rows
from tests.actions.conftest import make_tracker, slot_events, texts

FORM = "mediation_request_form"
FILLED = {
    "req_name": "Jane Doe",
    "req_contact_method": "email",
    "req_email": "jane@example.org",
    "req_complaint_number": rf.NONE,
    "elig_incident_date": "2026-11-20",
    "req_incident_location": "Main St and 5th",
    "req_officer": rf.NONE,
    "req_description": "The officer shouted at me during a traffic stop.",
    "req_availability": "weekday evenings",
    "req_language": "English",
    "req_accessibility": rf.NONE,
    "req_consent": "yes",
    "req_confirm": "yes",
    "eligibility_outcome": "likely_eligible",
    "eligibility_reasons": [{"rule": "incident_date", "result": "pass", "reason": "It happened 7 days ago."}],
}


async def validate(domain, slot, text, slots=None, **kw):
    tracker = make_tracker(text, candidates={slot: text}, requested_slot=slot, active_loop=FORM, slots=slots, **kw)
    dispatcher = CollectingDispatcher()
    events = await ValidateMediationRequestForm().run(dispatcher, tracker, domain)
    return slot_events(events), texts(dispatcher)


@pytest.mark.parametrize(
    "slot,text,expected",
    [
        ("req_phone", "(816) 555-0134", "+18165550134"),
        ("req_email", "Jane@Example.org", "Jane@example.org"),
        ("req_name", "  Jane   Doe ", "Jane Doe"),
        ("req_contact_method", "text me", "text"),
        ("req_language", "spanish", "Spanish"),
        ("req_complaint_number", "none", rf.NONE),
    ],
)
async def test_valid_answers_are_normalized(domain, slot, text, expected):
    method = "email" if slot == "req_email" else "call"
    slots, _ = await validate(domain, slot, text, slots={"req_contact_method": method})
    assert slots[slot] == expected


@pytest.mark.parametrize(
    "slot,text,hint",
    [
        ("req_email", "jane@example", "email"),
        ("req_phone", "12345", "area code"),
        ("req_description", "x" * 5000, "1,000"),
        ("req_name", "🙂🙂", "name"),
        ("req_incident_location", "", "place"),
    ],
)
async def test_bad_answers_get_a_kind_specific_answer_and_nothing_is_lost(domain, slot, text, hint):
    kept = {"req_name": "Jane Doe", "req_contact_method": "email" if slot == "req_email" else "call"}
    slots, said = await validate(domain, slot, text, slots=kept)
    assert slots[slot] is None
    assert hint in said.lower()
    assert all(slots.get(k, v) == v for k, v in kept.items() if k != slot)


async def test_button_choice_is_used(domain):
    slots, _ = await validate(
        domain,
        "req_contact_method",
        '/choose{"choice":"email"}',
        intent="choose",
        entities=[{"entity": "choice", "value": "email"}],
    )
    assert slots["req_contact_method"] == "email"


async def test_sms_number_is_offered_and_confirmed(domain):
    meta = {"channel": "sms", "sms_from": "+18165550199"}
    dispatcher = CollectingDispatcher()
    await ActionAskReqPhone().run(dispatcher, make_tracker("text", metadata=meta), domain)
    assert "ending in 0199" in texts(dispatcher)
    slots, _ = await validate(
        domain, "req_phone", "/affirm", intent="affirm", metadata=meta, slots={"req_contact_method": "text"}
    )
    assert slots["req_phone"] == "+18165550199"


async def test_summary_lists_every_answer(domain):
    dispatcher = CollectingDispatcher()
    await ActionAskReqConfirm().run(dispatcher, make_tracker("yes", slots={**FILLED, "req_confirm": None}), domain)
    said = texts(dispatcher)
    for value in ("Jane Doe", "jane@example.org", "Main St and 5th", "weekday evenings"):
        assert value in said
    assert {b["title"] for m in dispatcher.messages for b in m.get("buttons") or []} >= {
        "Yes, send it",
        "Cancel request",
    }


@pytest.mark.parametrize(
    "text,intent,entities,cleared",
    [
        ("the phone number is wrong", "correct_field", [{"entity": "field", "value": "phone"}], ["req_phone"]),
        ("change my email", "correct_field", [{"entity": "field", "value": "email"}], ["req_email"]),
        ("no, the date is wrong", "deny", [], ["elig_incident_date"]),
        ("contact method", None, [], ["req_contact_method", "req_phone", "req_email"]),
    ],
)
async def test_naming_a_field_at_the_summary_asks_it_again(domain, text, intent, entities, cleared):
    slots, said = await validate(
        domain, "req_confirm", text, intent=intent, entities=entities, slots={**FILLED, "req_confirm": None}
    )
    for slot in cleared:
        assert slots[slot] is None
    assert slots["req_confirm"] is None
    assert "change" in said.lower()


async def test_no_at_the_summary_asks_which_part(domain):
    slots, _ = await validate(domain, "req_confirm", "/deny", intent="deny", slots={**FILLED, "req_confirm": None})
    assert slots["req_correcting"] is True and slots["req_confirm"] is None


def test_declining_consent_ends_the_questions():
    assert rf.required_slots({**FILLED, "req_consent": "no"})[-1] == "req_consent"


async def test_submit_stores_once_and_gives_a_reference(domain, migrated_db):
    tracker = make_tracker("yes", intent="affirm", slots=FILLED, metadata={"channel": "web"})
    first, second = CollectingDispatcher(), CollectingDispatcher()
    events = await ActionSubmitRequest().run(first, tracker, domain)
    await ActionSubmitRequest().run(second, tracker, domain)  # a retried webhook / double tap
    reference = slot_events(events)["request_reference"]
    assert reference in texts(first) and reference in texts(second)
    rows = export_rows()
    assert [r["reference"] for r in rows] == [reference]
    assert rows[0]["email"] == "jane@example.org" and rows[0]["channel"] == "web"
    assert rows[0]["eligibility_outcome"] == "likely_eligible"
    assert all(v is None for k, v in slot_events(events).items() if k.startswith("req_"))


async def test_without_consent_nothing_is_stored(domain, migrated_db):
    dispatcher = CollectingDispatcher()
    await ActionSubmitRequest().run(dispatcher, make_tracker("no", slots={**FILLED, "req_consent": "no"}), domain)
    assert export_rows() == []
    assert "Nothing has been saved" in texts(dispatcher)


async def test_status_lookup_needs_the_contact_on_file(domain, migrated_db):
    events = await ActionSubmitRequest().run(CollectingDispatcher(), make_tracker("yes", slots=FILLED), domain)
    reference = slot_events(events)["request_reference"]

    async def lookup(contact):
        dispatcher = CollectingDispatcher()
        await ActionLookupStatus().run(
            dispatcher, make_tracker(contact, slots={"status_reference": reference, "status_contact": contact}), domain
        )
        return texts(dispatcher)

    right, wrong = await lookup("JANE@example.org"), await lookup("someone@example.org")
    assert reference in right
    assert reference not in wrong and "couldn't find" in wrong
    dispatcher = CollectingDispatcher()
    await ActionLookupStatus().run(
        dispatcher,
        make_tracker("x", slots={"status_reference": "MR-2222ZZ", "status_contact": "jane@example.org"}),
        domain,
    )
    assert texts(dispatcher) == wrong  # unknown code and wrong contact read the same


@pytest.mark.parametrize("entity", ["MR", "7K3Q9P", None])
async def test_reference_is_read_from_the_text_when_the_entity_is_a_fragment(domain, entity):
    tracker = make_tracker(
        "what's the status of mr-7k3q9p?",
        candidates={"status_reference": entity or "x"},
        requested_slot="status_reference",
        active_loop="status_form",
    )
    events = await ValidateStatusForm().run(CollectingDispatcher(), tracker, domain)
    assert slot_events(events)["status_reference"] == "MR-7K3Q9P"


def test_the_action_package_registers_with_the_action_server():
    """What `python -m rasa_sdk --actions actions` does at start-up: every concrete action has a name."""
    executor = ActionExecutor()
    executor.register_package("actions")
    assert {"validate_mediation_request_form", "validate_eligibility_form", "validate_status_form"} <= set(
        executor.actions
    )

"""The mediation request form: validation of each answer, the SMS-number offer, the summary and corrections.

Rules (which fields, summary, corrections) live in bot/request_form.py; input checks in bot/validation.py.
"""

from __future__ import annotations

from typing import Any, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker

from actions.common import (
    answer_value,
    entity_values,
    handle_interruption,
    latest_intent,
    latest_text,
    message_metadata,
    say,
)
from bot.conversation import request_form as rf
from bot.conversation import validation as v
from bot.eligibility import current_policy, interpret_answer
from bot.text import pack_lines

SMS_FROM = "sms_from"


def _yes_no(tracker: Tracker, value: Any) -> str | None:
    intent, _ = latest_intent(tracker)
    return v.interpret_yes_no(str(value or ""), intent)


def _sms_number(tracker: Tracker) -> str | None:
    number = message_metadata(tracker).get(SMS_FROM)
    if not number:
        return None
    return v.normalize_phone(str(number)).value


class ValidateMediationRequestForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_mediation_request_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return rf.required_slots(tracker.slots)

    # --- free text --------------------------------------------------------------------------------------
    def _free_text(self, slot, check, dispatcher, tracker, value):
        if handle_interruption(dispatcher, tracker, free_text=True):
            return {slot: None}
        checked = check(answer_value(tracker, value))
        if checked.error:
            say(dispatcher, [checked.error])
            return {slot: None}
        return {slot: checked.value if checked.value not in (None, "") else rf.NONE}

    async def validate_req_name(self, value, dispatcher, tracker, domain):
        return self._free_text("req_name", v.check_name, dispatcher, tracker, value)

    async def validate_req_incident_location(self, value, dispatcher, tracker, domain):
        return self._free_text(
            "req_incident_location", lambda t: v.check_short_text(t, "the place"), dispatcher, tracker, value
        )

    async def validate_req_description(self, value, dispatcher, tracker, domain):
        return self._free_text("req_description", v.check_description, dispatcher, tracker, value)

    async def validate_req_availability(self, value, dispatcher, tracker, domain):
        return self._free_text(
            "req_availability", lambda t: v.check_short_text(t, "your availability"), dispatcher, tracker, value
        )

    async def validate_req_complaint_number(self, value, dispatcher, tracker, domain):
        return self._free_text("req_complaint_number", v.check_complaint_number, dispatcher, tracker, value)

    async def validate_req_officer(self, value, dispatcher, tracker, domain):
        intent, _ = latest_intent(tracker)
        if intent in ("dont_know", "deny"):
            return {"req_officer": rf.NONE}
        return self._free_text(
            "req_officer", lambda t: v.check_short_text(t, "the name or badge"), dispatcher, tracker, value
        )

    async def validate_req_accessibility(self, value, dispatcher, tracker, domain):
        intent, _ = latest_intent(tracker)
        text = answer_value(tracker, value).strip().lower()
        if intent == "deny" or text in {"none", "no", "nope", "n/a", "na", "nothing", "no thanks"}:
            return {"req_accessibility": rf.NONE}
        return self._free_text(
            "req_accessibility", lambda t: v.check_short_text(t, "your accessibility needs"), dispatcher, tracker, value
        )

    # --- contact ----------------------------------------------------------------------------------------
    async def validate_req_contact_method(self, value, dispatcher, tracker, domain):
        return self._free_text("req_contact_method", v.parse_contact_method, dispatcher, tracker, value)

    async def validate_req_phone(self, value, dispatcher, tracker, domain):
        sms_number = _sms_number(tracker)
        if sms_number and not tracker.get_slot("sms_number_declined"):
            answer = _yes_no(tracker, value)
            if answer == "yes":
                return {"req_phone": sms_number}
            if answer in ("no", "unknown"):
                return {"req_phone": None, "sms_number_declined": True}
        return self._free_text("req_phone", v.normalize_phone, dispatcher, tracker, value)

    async def validate_req_email(self, value, dispatcher, tracker, domain):
        return self._free_text("req_email", v.normalize_email, dispatcher, tracker, value)

    async def validate_elig_incident_date(self, value, dispatcher, tracker, domain):
        if tracker.get_slot("requested_slot") != "elig_incident_date" and rf.is_stored_date(value):
            return {"elig_incident_date": value}  # already answered in the eligibility check
        if handle_interruption(dispatcher, tracker, free_text=True):
            return {"elig_incident_date": None}
        rule = next(r for r in current_policy().rules if r.slot == "elig_incident_date")
        intent, _ = latest_intent(tracker)
        checked = interpret_answer(
            rule, str(value or ""), intent=intent, entities=tracker.latest_message.get("entities") or []
        )
        if checked.value is None:
            if checked.error:
                say(dispatcher, [checked.error])
            return {"elig_incident_date": None}
        return {"elig_incident_date": checked.value}

    # --- language ---------------------------------------------------------------------------------------
    async def validate_req_language(self, value, dispatcher, tracker, domain):
        return self._free_text("req_language", v.parse_language, dispatcher, tracker, value)

    async def validate_req_interpreter(self, value, dispatcher, tracker, domain):
        if handle_interruption(dispatcher, tracker, free_text=False):
            return {"req_interpreter": None}
        answer = _yes_no(tracker, value)
        if answer is None:
            say(dispatcher, ["Please answer yes or no: would you like an interpreter?"])
            return {"req_interpreter": None}
        return {"req_interpreter": "yes" if answer == "yes" else "no"}

    # --- consent and confirmation -----------------------------------------------------------------------
    async def validate_req_consent(self, value, dispatcher, tracker, domain):
        if handle_interruption(dispatcher, tracker, free_text=False):
            return {"req_consent": None}
        answer = _yes_no(tracker, value)
        if answer == "yes":
            return {"req_consent": "yes"}
        if answer == "no":
            return {"req_consent": "no"}
        say(dispatcher, ["I can only send your request with your agreement. Please answer yes or no."])
        return {"req_consent": None}

    async def validate_req_confirm(self, value, dispatcher, tracker, domain):
        if handle_interruption(dispatcher, tracker, free_text=False):
            return {"req_confirm": None}
        intent, _ = latest_intent(tracker)
        answer = _yes_no(tracker, value)
        field = rf.field_from_text(latest_text(tracker), entity_values(tracker, "field"))
        correcting = bool(tracker.get_slot("req_correcting"))
        wants_change = correcting or intent in ("correct_field", "deny") or answer is None
        if field and wants_change:
            say(dispatcher, [f"OK, let's change: {field.label.lower()}."])
            events = {slot: None for slot in rf.slots_to_clear(field)}
            events.update({"req_confirm": None, "req_correcting": False})
            return events
        if not correcting and answer == "yes" and intent != "correct_field":
            return {"req_confirm": rf.CONFIRM_YES, "req_correcting": False}
        if correcting:
            say(dispatcher, ["Sorry, I didn't catch which part. Please pick one below."])
        return {"req_confirm": None, "req_correcting": True}


class ActionAskReqPhone(Action):
    """Over SMS, offer the number the resident is texting from (shown only by its last digits)."""

    def name(self) -> Text:
        return "action_ask_req_phone"

    async def run(self, dispatcher, tracker, domain):
        number = _sms_number(tracker)
        if number and not tracker.get_slot("sms_number_declined"):
            dispatcher.utter_message(
                text=f"Can OCC staff reach you at the number you're texting from (ending in {number[-4:]})?",
                buttons=[
                    {"title": "Yes, use this number", "payload": "/affirm"},
                    {"title": "Use a different number", "payload": "/deny"},
                ],
            )
        else:
            dispatcher.utter_message(text="What phone number should OCC staff use? For example 816-555-0134.")
        return []


class ActionAskReqConfirm(Action):
    """The summary of everything before anything is sent, or 'which part?' while correcting."""

    def name(self) -> Text:
        return "action_ask_req_confirm"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("req_correcting"):
            buttons = [{"title": label, "payload": label} for label in rf.CORRECTABLE_LABELS]
            dispatcher.utter_message(text="Which part would you like to change?", buttons=buttons)
            return []
        for message in pack_lines(["Here is your request:", *rf.summary_lines(tracker.slots)]):
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(
            text='Is everything correct? You can also name a part to change it, like "the phone number".',
            buttons=[
                {"title": "Yes, send it", "payload": "/affirm"},
                {"title": "Change something", "payload": "/deny"},
                {"title": "Cancel request", "payload": "/stop"},
            ],
        )
        return []

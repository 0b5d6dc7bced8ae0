"""The mediation request form: each answer checked, the SMS-number offer, the summary and corrections.

Rules (which fields, summary, corrections) live in bot/conversation/request_form.py; input checks in
bot/conversation/validation.py. This module only translates between them and Rasa.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_value,
    catalogue_for,
    entity_values,
    latest_intent,
    latest_text,
    message_metadata,
    policy,
    speak,
    speak_key,
)
from actions.forms import FormValidation
from bot.conversation import request_form as rf
from bot.conversation import validation as v
from bot.conversation.catalogue import say
from bot.eligibility import interpret_answer
from bot.text import pack_lines

SMS_FROM = "sms_from"
YES_NO_SLOTS = frozenset({"req_interpreter", "req_consent", "req_confirm"})


def _yes_no(tracker: Tracker, value: Any) -> Optional[str]:
    intent, _ = latest_intent(tracker)
    return v.interpret_yes_no(str(value or ""), intent)


def _sms_number(tracker: Tracker) -> Optional[str]:
    number = message_metadata(tracker).get(SMS_FROM)
    if not number:
        return None
    return v.normalize_phone(str(number)).value


class ValidateMediationRequestForm(FormValidation):
    def name(self) -> Text:
        return "validate_mediation_request_form"

    def is_free_text(self, slot: str, tracker: Tracker) -> bool:
        return slot not in YES_NO_SLOTS

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return rf.required_slots(tracker.slots)

    def _typed(self, slot, check, dispatcher, tracker, value) -> Dict[Text, Any]:
        """An answer in the resident's words, checked by `check`; an accepted blank becomes rf.NONE."""
        return self.checked(slot, check(answer_value(tracker, value)), dispatcher, tracker, empty=rf.NONE)

    # --- free text --------------------------------------------------------------------------------------
    async def validate_req_name(self, value, dispatcher, tracker, domain):
        return self._typed("req_name", v.check_name, dispatcher, tracker, value)

    async def validate_req_incident_location(self, value, dispatcher, tracker, domain):
        check = partial(v.check_short_text, what=say("what.place"))
        return self._typed("req_incident_location", check, dispatcher, tracker, value)

    async def validate_req_description(self, value, dispatcher, tracker, domain):
        return self._typed("req_description", v.check_description, dispatcher, tracker, value)

    async def validate_req_availability(self, value, dispatcher, tracker, domain):
        check = partial(v.check_short_text, what=say("what.availability"))
        return self._typed("req_availability", check, dispatcher, tracker, value)

    async def validate_req_complaint_number(self, value, dispatcher, tracker, domain):
        return self._typed("req_complaint_number", v.check_complaint_number, dispatcher, tracker, value)

    async def validate_req_officer(self, value, dispatcher, tracker, domain):
        intent, _ = latest_intent(tracker)
        if rf.doesnt_know_officer(intent):
            return {"req_officer": rf.NONE}
        check = partial(v.check_short_text, what=say("what.officer"))
        return self._typed("req_officer", check, dispatcher, tracker, value)

    async def validate_req_accessibility(self, value, dispatcher, tracker, domain):
        intent, _ = latest_intent(tracker)
        if rf.says_no_needs(answer_value(tracker, value), intent):
            return {"req_accessibility": rf.NONE}
        check = partial(v.check_short_text, what=say("what.accessibility"))
        return self._typed("req_accessibility", check, dispatcher, tracker, value)

    # --- contact ----------------------------------------------------------------------------------------
    async def validate_req_contact_method(self, value, dispatcher, tracker, domain):
        return self._typed("req_contact_method", v.parse_contact_method, dispatcher, tracker, value)

    async def validate_req_phone(self, value, dispatcher, tracker, domain):
        sms_number = _sms_number(tracker)
        if sms_number and not tracker.get_slot("sms_number_declined"):
            choice = rf.sms_number_choice(_yes_no(tracker, value))
            if choice == "use":
                return {"req_phone": sms_number}
            if choice == "declined":
                return {"req_phone": None, "sms_number_declined": True}
        return self._typed("req_phone", v.normalize_phone, dispatcher, tracker, value)

    async def validate_req_email(self, value, dispatcher, tracker, domain):
        return self._typed("req_email", v.normalize_email, dispatcher, tracker, value)

    async def validate_elig_incident_date(self, value, dispatcher, tracker, domain):
        if tracker.get_slot("requested_slot") != "elig_incident_date" and rf.is_stored_date(value):
            return {"elig_incident_date": value}  # already answered in the eligibility check
        rule = policy().rule("incident_date")
        intent, _ = latest_intent(tracker)
        checked = interpret_answer(
            rule, str(value or ""), intent=intent, entities=tracker.latest_message.get("entities") or []
        )
        if checked.value is None:
            if checked.error:
                self.tell(dispatcher, tracker, checked.error)
            return {"elig_incident_date": None}
        return {"elig_incident_date": checked.value}

    # --- language ---------------------------------------------------------------------------------------
    async def validate_req_language(self, value, dispatcher, tracker, domain):
        return self._typed("req_language", v.parse_language, dispatcher, tracker, value)

    async def validate_req_interpreter(self, value, dispatcher, tracker, domain):
        answer = _yes_no(tracker, value)
        if answer is None:
            self.tell(dispatcher, tracker, say("request.interpreter_retry"))
            return {"req_interpreter": None}
        return {"req_interpreter": "yes" if answer == "yes" else "no"}

    # --- consent and confirmation -----------------------------------------------------------------------
    async def validate_req_consent(self, value, dispatcher, tracker, domain):
        answer = _yes_no(tracker, value)
        if answer in ("yes", "no"):
            return {"req_consent": answer}
        self.tell(dispatcher, tracker, say("request.consent_retry"))
        return {"req_consent": None}

    async def validate_req_confirm(self, value, dispatcher, tracker, domain):
        intent, _ = latest_intent(tracker)
        labels = {f.key: catalogue_for(tracker).render(f.label) for f in rf.FIELDS}
        field = rf.field_from_text(latest_text(tracker), entity_values(tracker, "field"), labels)
        step = rf.confirm_step(_yes_no(tracker, value), intent, field, bool(tracker.get_slot("req_correcting")))
        if step.action == "change" and step.field is not None:
            self.tell(dispatcher, tracker, say("request.change_field", field=step.field.label))
            events: Dict[Text, Any] = {slot: None for slot in rf.slots_to_clear(step.field)}
            events.update({"req_confirm": None, "req_correcting": False})
            return events
        if step.action == "send":
            return {"req_confirm": rf.CONFIRM_YES, "req_correcting": False}
        if step.retry:
            self.tell(dispatcher, tracker, say("request.which_part_retry"))
        return {"req_confirm": None, "req_correcting": True}


class ActionAskReqPhone(Action):
    """Over SMS, offer the number the resident is texting from (shown only by its last digits)."""

    def name(self) -> Text:
        return "action_ask_req_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain):
        number = _sms_number(tracker)
        if number and not tracker.get_slot("sms_number_declined"):
            speak_key(dispatcher, tracker, "ask.req_phone_sms", last_digits=number[-4:])
        else:
            speak_key(dispatcher, tracker, "ask.req_phone")
        return []


class ActionAskReqConfirm(Action):
    """The summary of everything before anything is sent, or 'which part?' while correcting."""

    def name(self) -> Text:
        return "action_ask_req_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain):
        cat = catalogue_for(tracker)
        if tracker.get_slot("req_correcting"):
            labels = [cat.render(field.label) for field in rf.CORRECTABLE]
            buttons = [{"title": label, "payload": label} for label in labels]
            speak(dispatcher, tracker, [say("request.which_part")], buttons=buttons)
            return []
        lines = [cat.text("request.summary_heading"), *(cat.render(line) for line in rf.summary_lines(tracker.slots))]
        for message in pack_lines(lines):
            dispatcher.utter_message(text=message)
        speak_key(dispatcher, tracker, "request.confirm")
        return []

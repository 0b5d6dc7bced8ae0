"""Status look-up: a reference plus the phone or email on file; a mismatch gets the same neutral answer."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.common import latest_text, speak
from actions.forms import FormValidation
from bot.conversation import status_form
from bot.conversation.catalogue import say
from bot.requests import lookup_status


class ValidateStatusForm(FormValidation):
    def name(self) -> Text:
        return "validate_status_form"

    def is_free_text(self, slot, tracker) -> bool:
        return slot == "status_contact"

    async def validate_status_reference(self, value, dispatcher, tracker, domain):
        checked = status_form.check_reference(value, latest_text(tracker))
        return self.checked("status_reference", checked, dispatcher, tracker)

    async def validate_status_contact(self, value, dispatcher, tracker, domain):
        return self.checked("status_contact", status_form.check_contact(value), dispatcher, tracker)


class ActionLookupStatus(Action):
    def name(self) -> Text:
        return "action_lookup_status"

    async def run(self, dispatcher, tracker, domain):
        attempts = int(tracker.get_slot("status_attempts") or 0) + 1
        reset = [
            SlotSet("status_reference", None),
            SlotSet("status_contact", None),
            SlotSet("status_attempts", attempts),
        ]
        if status_form.too_many_lookups(attempts):
            speak(dispatcher, tracker, [say("status.too_many")])
            return reset
        try:
            result = lookup_status(tracker.get_slot("status_reference") or "", tracker.get_slot("status_contact") or "")
        except Exception:  # noqa: BLE001 - the resident must get an answer whatever failed
            speak(dispatcher, tracker, [say("status.unavailable")])
            return reset
        speak(dispatcher, tracker, [status_form.status_answer(result.found, result.reference, result.status)])
        return reset

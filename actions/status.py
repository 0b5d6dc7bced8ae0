"""Status lookup: a reference plus the phone or email on file; a mismatch gets the same neutral answer."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Action, FormValidationAction
from rasa_sdk.events import SlotSet

from actions.common import handle_interruption, latest_text, say
from bot.conversation.answers import default_answers
from bot.requests import lookup_status
from bot.requests.references import find_reference, normalize_reference

MAX_ATTEMPTS_PER_CONVERSATION = 3
RESIDENT_STATUS_LABELS = {
    "received": "received; it is saved and will reach OCC staff shortly",
    "new": "received and waiting for review by OCC staff",
    "in_review": "being reviewed by OCC staff",
    "contacted": "in progress: OCC staff have reached out to you",
    "scheduled": "scheduled: a mediation session has been arranged",
    "mediated": "completed: the mediation took place",
    "not_mediated": "closed without a mediation session",
    "withdrawn": "withdrawn",
    "closed": "closed",
}


class ValidateStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_status_form"

    async def validate_status_reference(self, value, dispatcher, tracker, domain):
        if tracker.get_slot("requested_slot") == "status_reference" and handle_interruption(
            dispatcher, tracker, free_text=False
        ):
            return {"status_reference": None}
        # The NLU entity can be a fragment of the code ("MR", "-", "7K3Q9P" are separate tokens); the text is
        # the authority.
        reference = normalize_reference(str(value or "")) or find_reference(latest_text(tracker))
        if not reference:
            say(
                dispatcher,
                [
                    "That doesn't look like a reference code. "
                    "It looks like MR-7K3Q9P (MR, a dash and 6 letters or numbers)."
                ],
            )
            return {"status_reference": None}
        return {"status_reference": reference}

    async def validate_status_contact(self, value, dispatcher, tracker, domain):
        if handle_interruption(dispatcher, tracker, free_text=True):
            return {"status_contact": None}
        text = str(value or "").strip()
        if not text or len(text) > 254:
            say(dispatcher, ["Please give the phone number or email address you used in your request."])
            return {"status_contact": None}
        return {"status_contact": text}


class ActionLookupStatus(Action):
    def name(self) -> Text:
        return "action_lookup_status"

    async def run(self, dispatcher, tracker, domain):
        phone = default_answers().phone
        attempts = int(tracker.get_slot("status_attempts") or 0) + 1
        reset = [
            SlotSet("status_reference", None),
            SlotSet("status_contact", None),
            SlotSet("status_attempts", attempts),
        ]
        if attempts > MAX_ATTEMPTS_PER_CONVERSATION:
            say(
                dispatcher,
                [f"For your privacy I can't check more requests in this conversation. Please call OCC at {phone}."],
            )
            return reset
        try:
            result = lookup_status(tracker.get_slot("status_reference") or "", tracker.get_slot("status_contact") or "")
        except Exception:  # noqa: BLE001
            say(
                dispatcher, [f"Sorry, I can't check statuses right now. Please try again later or call OCC at {phone}."]
            )
            return reset
        if result.found:
            say(
                dispatcher,
                [f"Request {result.reference}: {RESIDENT_STATUS_LABELS.get(result.status or '', result.status)}."],
            )
        else:
            say(
                dispatcher,
                [
                    "I couldn't find a request matching that reference and contact detail. Please check both and try "
                    f"again, or call OCC at {phone}."
                ],
            )
        return reset

"""Submitting the request: only with consent and confirmation; honest about database trouble."""

from __future__ import annotations

import logging
from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import FollowupAction, SlotSet

from actions.common import message_metadata, speak
from bot.conversation import request_form as rf
from bot.conversation.catalogue import say
from bot.requests import draft_from_form, submit_request

log = logging.getLogger(__name__)


def _channel(tracker) -> str:
    channel = message_metadata(tracker).get("channel") or tracker.get_latest_input_channel() or "rest"
    return str(channel)[:20]


def _reset_events():
    return [SlotSet(slot, None) for slot in rf.FORM_SLOTS] + [
        SlotSet("req_correcting", None),
        SlotSet("sms_number_declined", None),
    ]


class ActionSubmitRequest(Action):
    def name(self) -> Text:
        return "action_submit_request"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("req_consent") != "yes" or tracker.get_slot("req_confirm") != rf.CONFIRM_YES:
            speak(dispatcher, tracker, [say("submit.not_sent")])
            return _reset_events()

        draft = draft_from_form(tracker.slots)
        try:
            result = submit_request(draft, sender_key=tracker.sender_id, channel=_channel(tracker))
        except Exception as exc:  # noqa: BLE001 - the resident must get an answer whatever failed
            # Only the error's type: database errors can carry the submitted values in their message.
            log.error("Submitting a mediation request failed: %s", type(exc).__name__)
            speak(dispatcher, tracker, [say("submit.failed")])
            # Reopen the form with every answer kept: it asks only the confirmation again (the summary).
            return [SlotSet("req_confirm", None), FollowupAction("mediation_request_form")]

        how = say(f"how.{draft.preferred_contact}")
        if result.stored:
            said = [say("submit.stored", reference=result.reference), say("submit.stored_next", how=how)]
        else:
            said = [say("submit.spooled", reference=result.reference), say("submit.spooled_next", how=how)]
        speak(dispatcher, tracker, said)
        return _reset_events() + [SlotSet("request_reference", result.reference)]


class ActionNotEligibleRequest(Action):
    """A request after a check that said mediation is not possible: explain kindly, offer the alternatives."""

    def name(self) -> Text:
        return "action_not_eligible_request"

    async def run(self, dispatcher, tracker, domain):
        speak(dispatcher, tracker, [say("submit.not_eligible")])
        return []

"""Submitting the request: only with consent and confirmation; honest about database trouble."""

from __future__ import annotations

import logging
from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import FollowupAction, SlotSet

from actions.common import message_metadata, say
from bot.conversation import request_form as rf
from bot.conversation.answers import default_answers
from bot.requests import draft_from_form, submit_request

log = logging.getLogger(__name__)
CONTACT_WORDS = {"call": "by phone", "text": "by text message", "email": "by email"}


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
        phone = default_answers().phone
        if tracker.get_slot("req_consent") != "yes" or tracker.get_slot("req_confirm") != rf.CONFIRM_YES:
            say(
                dispatcher,
                [
                    "Understood. Nothing has been saved. If you'd like to ask for mediation without using this chat, "
                    f"call the Office of Community Complaints at {phone}."
                ],
            )
            return _reset_events()

        draft = draft_from_form(tracker.slots)
        try:
            result = submit_request(draft, sender_key=tracker.sender_id, channel=_channel(tracker))
        except Exception as exc:  # noqa: BLE001 - the resident must get an answer whatever failed
            # Only the error's type: database errors can carry the submitted values in their message.
            log.error("Submitting a mediation request failed: %s", type(exc).__name__)
            say(
                dispatcher,
                [
                    "Sorry, something went wrong and I couldn't save your request. Your answers are still here: "
                    'check the summary and press "Yes, send it" to try again in a moment, or call the Office of '
                    f"Community Complaints at {phone}."
                ],
            )
            # Reopen the form with every answer kept: it asks only the confirmation again (the summary).
            return [SlotSet("req_confirm", None), FollowupAction("mediation_request_form")]

        how = CONTACT_WORDS.get(draft.preferred_contact, "")
        if result.stored:
            say(
                dispatcher,
                [
                    f"Thank you. Your request has been sent to the Office of Community Complaints. "
                    f"Your reference is {result.reference}.",
                    f"OCC staff will contact you {how} to talk about next steps. "
                    "Keep your reference to check the status "
                    "here any time.",
                ],
            )
        else:
            say(
                dispatcher,
                [
                    f"Thank you. Our system is having trouble right now, but your request is saved safely and will be "
                    f"delivered automatically. Your reference is {result.reference}, and it stays valid.",
                    f"OCC staff will contact you {how} once it arrives. If it's urgent, call {phone}.",
                ],
            )
        return _reset_events() + [SlotSet("request_reference", result.reference)]


class ActionNotEligibleRequest(Action):
    """A request after a check that said mediation is not possible: explain kindly, offer the alternatives."""

    def name(self) -> Text:
        return "action_not_eligible_request"

    async def run(self, dispatcher, tracker, domain):
        phone = default_answers().phone
        say(
            dispatcher,
            [
                "From your answers, mediation doesn't look possible for this incident, but the Office of Community "
                "Complaints makes the final decision. You can still file a complaint for investigation, or call "
                f"OCC at {phone} to talk it through."
            ],
        )
        return []

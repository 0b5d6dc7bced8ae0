"""Program answers, safety, hand-off, fallback and stopping: the actions that aren't part of a form."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import catalogue_for, latest_intent, latest_text, policy, speak, speak_answer
from bot.conversation import request_form as rf
from bot.conversation.catalogue import say
from bot.conversation.fallback import did_you_mean
from bot.conversation.safety import safety_messages


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent, _ = latest_intent(tracker)
        if not speak_answer(dispatcher, tracker, intent):
            speak(dispatcher, tracker, [say("utter_ask_rephrase")])
        return []


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(self, dispatcher, tracker, domain):
        speak_answer(dispatcher, tracker, "human_handoff")
        return []


class ActionEmergency(Action):
    """911 first, whatever else is going on; a form that was running simply asks its question again."""

    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher, tracker, domain):
        speak(dispatcher, tracker, safety_messages(latest_text(tracker)))
        return []


class ActionDefaultAskAffirmation(Action):
    """First stage of the two-stage fallback: 'Did you mean …?' in plain words, not intent names."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher, tracker, domain):
        cat = catalogue_for(tracker)
        buttons = did_you_mean(tracker.latest_message.get("intent_ranking") or [], has_label=cat.__contains__)
        if not buttons:
            speak(dispatcher, tracker, [say("utter_ask_rephrase")])
            return []
        speak(dispatcher, tracker, [say("fallback.did_you_mean")], buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    """Last stage: say plainly what the assistant can do and who to call. Never loses the conversation."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher, tracker, domain):
        speak(dispatcher, tracker, [say("fallback.final")])
        return [UserUtteranceReverted()]


class ActionCancelForm(Action):
    """'stop' / 'cancel' / 'never mind' inside any form: end it, forget its answers, store nothing."""

    def name(self) -> Text:
        return "action_cancel_form"

    async def run(self, dispatcher, tracker, domain):
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        if form == "mediation_request_form":
            message, slots = say("stopped.request"), list(rf.FORM_SLOTS) + ["req_correcting"]
        elif form == "status_form":
            message, slots = say("stopped.status"), ["status_reference", "status_contact"]
        else:
            message, slots = say("stopped.check"), [rule.slot for rule in policy().rules]
        speak(dispatcher, tracker, [message, say("utter_stopped")])
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(s, None) for s in slots]

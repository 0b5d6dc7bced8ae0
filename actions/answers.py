"""Program answers, safety, hand-off and fallback: the actions that speak from bot/content/answers.yml."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answer_for_intent, latest_intent, latest_text, say
from bot.conversation.answers import default_answers
from bot.conversation.intent_labels import label_for
from bot.conversation.safety import safety_messages


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent, _ = latest_intent(tracker)
        if not answer_for_intent(dispatcher, intent):
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(self, dispatcher, tracker, domain):
        answer_for_intent(dispatcher, "human_handoff")
        return []


class ActionEmergency(Action):
    """911 first, whatever else is going on; a form that was running simply asks its question again."""

    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, safety_messages(latest_text(tracker)))
        return []


class ActionDefaultAskAffirmation(Action):
    """First stage of the two-stage fallback: 'Did you mean …?' in plain words, not intent names."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher, tracker, domain):
        ranking = [
            r for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") not in {"nlu_fallback", None}
        ]
        buttons = []
        for candidate in ranking[:2]:
            label = label_for(candidate["name"])
            if label:
                buttons.append({"title": label, "payload": f"/{candidate['name']}"})
        buttons.append({"title": "Something else", "payload": "/out_of_scope"})
        if len(buttons) == 1:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(text="Sorry, I'm not sure I understood. Did you mean one of these?", buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    """Last stage: say plainly what the assistant can do and who to call. Never loses the conversation."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher, tracker, domain):
        phone = default_answers().phone
        say(
            dispatcher,
            [
                "Sorry, I still didn't get that. I can explain mediation, check whether it may be open to you, "
                f"or help you request it. You can also call the Office of Community Complaints at {phone}."
            ],
        )
        return [UserUtteranceReverted()]


class ActionCancelForm(Action):
    """'stop' / 'cancel' / 'never mind' inside any form: end it, forget its answers, store nothing."""

    def name(self) -> Text:
        return "action_cancel_form"

    async def run(self, dispatcher, tracker, domain):
        from bot.conversation.request_form import FORM_SLOTS

        form = tracker.active_loop.get("name") if tracker.active_loop else None
        if form == "mediation_request_form":
            dispatcher.utter_message(text="OK, I've stopped. Nothing from your request was saved.")
            slots = list(FORM_SLOTS) + ["req_correcting"]
        elif form == "status_form":
            dispatcher.utter_message(text="OK, I've stopped looking that up.")
            slots = ["status_reference", "status_contact"]
        else:
            dispatcher.utter_message(text="OK, I've stopped the check. Nothing was saved.")
            from bot.eligibility import current_policy

            slots = [rule.slot for rule in current_policy().rules]
        dispatcher.utter_message(response="utter_stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(s, None) for s in slots]

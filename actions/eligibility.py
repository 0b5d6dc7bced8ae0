"""The eligibility check: asks the policy's questions (only those still unknown) and explains the outcome.

The questions, what answers mean and the explanations all come from bot/eligibility/policy.yml.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.common import catalogue_for, latest_intent, latest_text, policy, speak
from actions.forms import FormValidation
from bot.conversation.catalogue import catalogue
from bot.eligibility import (
    Policy,
    buttons_for,
    evaluate,
    extract_answers,
    format_outcome,
    interpret_answer,
    questions_to_ask,
)

DATE_SLOT = "elig_incident_date"


def answers_from(tracker: Tracker, pol: Policy) -> dict[str, Optional[str]]:
    return {rule.slot: tracker.get_slot(rule.slot) for rule in pol.rules}


class ValidateEligibilityForm(FormValidation):
    def name(self) -> Text:
        return "validate_eligibility_form"

    def is_free_text(self, slot: str, tracker: Tracker) -> bool:
        rule = policy().rule_for_slot(slot)
        return rule is None or rule.kind != "yes_no"  # yes/no questions are protected by the domain's not_intent

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        """The policy's unanswered questions, plus any answer given this turn (so it gets validated).

        rasa_sdk only validates slots listed here; an answer that was just given is no longer "unanswered",
        so without the second part it would be stored raw, never interpreted.
        """
        pol = policy()
        pending = set(tracker.slots_to_validate())
        still_needed = {rule.slot for rule in questions_to_ask(pol, answers_from(tracker, pol))}
        return [rule.slot for rule in pol.rules if rule.slot in pending or rule.slot in still_needed]

    async def extract_elig_incident_date(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """'It happened last Friday at a traffic stop' fills the date without asking."""
        if tracker.get_slot(DATE_SLOT) or tracker.get_slot("requested_slot") == DATE_SLOT:
            return {}
        found = extract_answers(policy(), latest_text(tracker)).get(DATE_SLOT)
        return {DATE_SLOT: found} if found else {}

    def __getattr__(self, item: str):
        # validate_elig_<id> for every rule in the policy, generated so new rules need no code.
        if item.startswith("validate_elig_"):
            slot = item[len("validate_") :]

            async def _validate(value, dispatcher, tracker, domain):
                return self._validate_policy_slot(slot, value, dispatcher, tracker)

            return _validate
        raise AttributeError(item)

    def _validate_policy_slot(self, slot, value, dispatcher, tracker) -> Dict[Text, Any]:
        rule = policy().rule_for_slot(slot)
        if rule is None:
            return {slot: value}
        requested = tracker.get_slot("requested_slot") == slot
        intent, _ = latest_intent(tracker)
        checked = interpret_answer(
            rule,
            str(value) if value is not None else latest_text(tracker),
            intent=intent if requested else None,
            entities=tracker.latest_message.get("entities") or [] if requested else [],
        )
        if checked.value is None:
            if checked.error:
                self.tell(dispatcher, tracker, checked.error)
            return {slot: None}
        return {slot: checked.value}


def _make_ask_action(rule_slot: str):
    class _Ask(Action):
        def name(self) -> Text:
            return f"action_ask_{rule_slot}"

        async def run(self, dispatcher, tracker, domain):
            rule = next(r for r in policy().rules if r.slot == rule_slot)
            speak(dispatcher, tracker, [rule.question], buttons=buttons_for(rule))
            return []

    _Ask.__name__ = f"ActionAsk_{rule_slot}"
    return _Ask


# One "ask" action per policy question. Rasa needs their names in the domain; a test checks they match.
ASK_ACTIONS = {rule.slot: _make_ask_action(rule.slot) for rule in policy().rules}


class ActionEligibilityOutcome(Action):
    def name(self) -> Text:
        return "action_eligibility_outcome"

    async def run(self, dispatcher, tracker, domain):
        pol = policy()
        outcome = evaluate(pol, answers_from(tracker, pol))
        speak(dispatcher, tracker, format_outcome(outcome, catalogue_for(tracker)))
        # Stored with the request for staff, who read English.
        reasons = outcome.as_records(catalogue())
        return [SlotSet("eligibility_outcome", outcome.result), SlotSet("eligibility_reasons", reasons)]

"""The eligibility check: asks the policy's questions (only those still unknown) and explains the outcome.

The questions, what answers mean and the explanations all come from bot/eligibility/policy.yml.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet

from actions.common import handle_interruption, latest_intent, latest_text, say
from bot.eligibility import (
    buttons_for,
    current_policy,
    evaluate,
    extract_answers,
    format_outcome,
    interpret_answer,
    questions_to_ask,
)

DATE_SLOT = "elig_incident_date"


def policy():
    # Re-read whenever the file changes: staff edits apply without restarting the action server, and a
    # broken edit fails this action loudly instead of silently using an old copy.
    return current_policy()


def answers_from(tracker: Tracker, pol) -> dict[str, Optional[str]]:
    return {rule.slot: tracker.get_slot(rule.slot) for rule in pol.rules}


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_eligibility_form"

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
        pol = policy()
        rule = next((r for r in pol.rules if r.slot == slot), None)
        if rule is None:
            return {slot: value}
        requested = tracker.get_slot("requested_slot") == slot
        # Yes/no questions are protected by the domain's not_intent list; other answers are free text.
        if requested and handle_interruption(dispatcher, tracker, free_text=rule.kind != "yes_no"):
            return {slot: None}
        intent, _ = latest_intent(tracker)
        checked = interpret_answer(
            rule,
            str(value) if value is not None else latest_text(tracker),
            intent=intent if requested else None,
            entities=tracker.latest_message.get("entities") or [] if requested else [],
        )
        if checked.value is None:
            if checked.error:
                say(dispatcher, [checked.error])
            return {slot: None}
        return {slot: checked.value}


def _make_ask_action(rule_slot: str):
    class _Ask(Action):
        def name(self) -> Text:
            return f"action_ask_{rule_slot}"

        async def run(self, dispatcher, tracker, domain):
            pol = policy()
            rule = next(r for r in pol.rules if r.slot == rule_slot)
            say(dispatcher, [rule.question], buttons=buttons_for(rule))
            return []

    _Ask.__name__ = f"ActionAsk_{rule_slot}"
    return _Ask


# One "ask" action per policy question. Rasa needs their names in domain.yml; a test checks they match.
ASK_ACTIONS = {rule.slot: _make_ask_action(rule.slot) for rule in current_policy().rules}


class ActionEligibilityOutcome(Action):
    def name(self) -> Text:
        return "action_eligibility_outcome"

    async def run(self, dispatcher, tracker, domain):
        pol = policy()
        outcome = evaluate(pol, answers_from(tracker, pol))
        say(dispatcher, format_outcome(outcome))
        reasons = [{"rule": r.rule_id, "result": r.result, "reason": r.text} for r in outcome.reasons]
        return [SlotSet("eligibility_outcome", outcome.result), SlotSet("eligibility_reasons", reasons)]

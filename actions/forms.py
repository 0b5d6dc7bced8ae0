"""The one base class of every form's validation action.

Why: at any form question a resident may be in danger or may ask something instead of answering. That is
decided once, here (bot.conversation.interruptions), before any `validate_<slot>` runs, so the validate
methods only ever see answers — and no form can forget the safety check.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text, speak, speak_answer
from bot.conversation.catalogue import Speech
from bot.conversation.interruptions import DANGER, interruption
from bot.conversation.safety import safety_messages
from bot.conversation.validation import Checked


class FormValidation(FormValidationAction, ABC):
    """Answers interruptions at the requested question, then validates slots as rasa_sdk does.

    Abstract (rasa_sdk registers every concrete Action subclass it finds): each form names itself.
    """

    @abstractmethod
    def name(self) -> Text:
        """The form's validation action, `validate_<form>`."""

    def is_free_text(self, slot: str, tracker: Tracker) -> bool:
        """True for questions answered in the resident's own words (a name, a place, a description)."""
        return True

    def interrupted(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> bool:
        """Answer danger or a question asked at `slot`'s prompt; True when the answer must not be kept."""
        intent, confidence = latest_intent(tracker)
        text = latest_text(tracker)
        found = interruption(text, intent, confidence, free_text=self.is_free_text(slot, tracker))
        if found is None:
            return False
        if found.kind == DANGER:
            speak(dispatcher, tracker, safety_messages(text))
        else:
            speak_answer(dispatcher, tracker, found.topic)
        return not found.keeps_answer

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        slots: Dict[Text, Any] = {k: v for k, v in tracker.slots_to_validate().items() if k in wanted}
        for name, value in list(slots.items()):
            if name == requested and self.interrupted(dispatcher, tracker, name):
                slots[name] = None
                tracker.slots[name] = None
                continue
            method = getattr(self, f"validate_{name}", None)
            if method is None:
                continue
            output = await method(value, dispatcher, tracker, domain)
            slots.update(output)
            tracker.slots.update(output)
        return [SlotSet(name, value) for name, value in slots.items()]

    def checked(
        self, slot: str, checked: Checked, dispatcher: CollectingDispatcher, tracker: Tracker, empty: Any = None
    ) -> Dict[Text, Any]:
        """A validation result as slot values: the value, or the error said and the slot left empty.

        `empty` is stored when the check accepts an answer that has no value (an optional field left blank).
        """
        if checked.error is not None:
            self.tell(dispatcher, tracker, checked.error)
            return {slot: None}
        return {slot: checked.value if checked.value not in (None, "") else empty}

    @staticmethod
    def tell(dispatcher: CollectingDispatcher, tracker: Tracker, item: Speech) -> None:
        speak(dispatcher, tracker, [item])

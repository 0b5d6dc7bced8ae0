"""Helpers every action uses to read the tracker and speak, so actions stay short and alike."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.answers import default_answers
from bot.conversation.safety import is_emergency, safety_messages
from bot.text import clean_text, looks_like_question, split_message

FAQ_PREFIX = "faq_"
QUESTION_CONFIDENCE = 0.5  # calibrated probabilities over ~40 intents: 0.5 is a clear winner


def latest_text(tracker: Tracker) -> str:
    return clean_text(tracker.latest_message.get("text"))


def latest_intent(tracker: Tracker) -> tuple[Optional[str], float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity]


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.latest_message.get("metadata") or {})


def say(dispatcher: CollectingDispatcher, messages: Iterable[str], buttons: Optional[list] = None) -> None:
    """Send messages (each split to phone-friendly length); buttons go with the last one."""
    chunks = [chunk for message in messages for chunk in split_message(message)]
    for i, chunk in enumerate(chunks):
        if buttons and i == len(chunks) - 1:
            dispatcher.utter_message(text=chunk, buttons=buttons)
        else:
            dispatcher.utter_message(text=chunk)


def answer_for_intent(dispatcher: CollectingDispatcher, intent: Optional[str]) -> bool:
    """Say the program answer for an FAQ intent; False when there is none."""
    messages = default_answers().messages(intent or "")
    if not messages:
        return False
    say(dispatcher, messages)
    return True


def handle_interruption(dispatcher: CollectingDispatcher, tracker: Tracker, *, free_text: bool) -> bool:
    """Inside a form: answer danger or a clear question instead of storing the text as an answer.

    Returns True when the message was an interruption (the slot must stay empty so the form asks again).
    Danger always interrupts. For free-text questions (name, description...) a message only counts as a
    question when the model is confident AND it reads like a question, so a description that happens to
    mention discipline is still kept as the description.
    """
    text = latest_text(tracker)
    intent, confidence = latest_intent(tracker)
    if is_emergency(text, intent, confidence):
        say(dispatcher, safety_messages(text))
        # The model's emergency intent means the message is about danger, not an answer: keep the slot empty.
        # A keyword match alone still gets the 911 message, but the answer is kept (nothing is lost).
        return intent == "emergency"
    if intent and intent.startswith(FAQ_PREFIX) and confidence >= QUESTION_CONFIDENCE:
        if not free_text or looks_like_question(text):
            answer_for_intent(dispatcher, intent)
            return True
    return False


def answer_value(tracker: Tracker, value: Any) -> str:
    """What the resident answered: a button's `choice` entity when they pressed one, else their text."""
    choices = entity_values(tracker, "choice")
    if choices and str(value or "").startswith("/"):
        return choices[0]
    return str(value or "")

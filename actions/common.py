"""Helpers every action uses to read the tracker and to speak from the catalogue.

Why: actions only translate. Reading the message, the intent and the conversation's language, and turning
catalogue speech into Rasa messages, is the same everywhere, so it is written once here.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.catalogue import DEFAULT_LANGUAGE, Catalogue, Speech, catalogue
from bot.eligibility import Policy, current_policy
from bot.settings import get_settings
from bot.text import clean_text, split_message

LANGUAGE_SLOT = "language"


def latest_text(tracker: Tracker) -> str:
    return clean_text(tracker.latest_message.get("text"))


def latest_intent(tracker: Tracker) -> tuple[Optional[str], float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity]


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.latest_message.get("metadata") or {})


def policy() -> Policy:
    """The eligibility policy in force: settings.policy_file (an edited copy) or the packaged one.

    Re-read whenever the file changes, so staff edits apply without restarting the action server, and a
    broken edit fails loudly instead of silently using an old copy.
    """
    return current_policy(get_settings().policy_file)


def catalogue_for(tracker: Tracker) -> Catalogue:
    """The catalogue of the conversation's language."""
    return catalogue(tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE)


def render_buttons(cat: Catalogue, buttons: Optional[Iterable[dict]]) -> list[dict]:
    return [{"title": cat.render(b["title"]), "payload": b["payload"]} for b in buttons or []]


def speak(
    dispatcher: CollectingDispatcher, tracker: Tracker, items: Iterable[Speech], buttons: Optional[list] = None
) -> None:
    """Say each item (split to phone-friendly length); buttons go with the last message."""
    cat = catalogue_for(tracker)
    chunks = [chunk for item in items for chunk in split_message(cat.render(item))]
    for i, chunk in enumerate(chunks):
        if buttons and i == len(chunks) - 1:
            dispatcher.utter_message(text=chunk, buttons=render_buttons(cat, buttons))
        else:
            dispatcher.utter_message(text=chunk)


def speak_key(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **fields: Any) -> None:
    """Say catalogue message `key` with its own buttons."""
    cat = catalogue_for(tracker)
    buttons = cat.buttons(key, **fields)
    dispatcher.utter_message(text=cat.text(key, **fields), buttons=buttons or None)


def speak_answer(dispatcher: CollectingDispatcher, tracker: Tracker, topic: Optional[str]) -> bool:
    """Say the program answer for a topic (an FAQ intent); False when there is none."""
    messages = catalogue_for(tracker).answer(topic or "")
    if not messages:
        return False
    speak(dispatcher, tracker, messages)
    return True


def answer_value(tracker: Tracker, value: Any) -> str:
    """What the resident answered: a button's `choice` entity when they pressed one, else their text."""
    choices = entity_values(tracker, "choice")
    if choices and str(value or "").startswith("/"):
        return choices[0]
    return str(value or "")

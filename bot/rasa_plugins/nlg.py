"""Rasa's responses (`utter_*`) spoken from our catalogue, in the conversation's language.

Why: rules and forms name responses like `utter_greet`; Rasa would normally look up their text in the
domain. Keeping the text in the catalogue instead means one place per language for everything the assistant
says (bot/content/<lang>/messages.yml), reviewed by people who don't read Rasa's files. The domain lists the
`utter_*` names under `actions:`; this generator turns each into the catalogue entry of the same name.

endpoints.yml:

    nlg:
      type: bot.rasa_plugins.nlg.CatalogueNaturalLanguageGenerator
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation.catalogue import DEFAULT_LANGUAGE, CatalogueError, catalogue

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"


class CatalogueNaturalLanguageGenerator(NaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Any = None, **kwargs: Any) -> None:
        self.domain = domain

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        language = tracker.get_slot(LANGUAGE_SLOT) if LANGUAGE_SLOT in tracker.slots else None
        cat = catalogue(language or DEFAULT_LANGUAGE)
        if utter_action not in cat:
            logger.error("No catalogue message for %s", utter_action)
            return None
        try:
            text = cat.text(utter_action, **kwargs)
            buttons = cat.buttons(utter_action, **kwargs)
        except CatalogueError as exc:
            logger.error("Catalogue message %s cannot be filled (%s)", utter_action, type(exc).__name__)
            return None
        message: Dict[Text, Any] = {"text": text}
        if buttons:
            message["buttons"] = buttons
        return message

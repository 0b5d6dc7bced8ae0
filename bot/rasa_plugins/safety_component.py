"""A Rasa NLU component that turns any message describing present danger into the `emergency` intent.

Why: "safety beats everything". The classifier learns `emergency` from examples, but a resident in danger may
use words it has never seen. Placing this after the classifiers (and the fallback) in config.yml means every
rule and form downstream — including a form that is half filled in — treats the message as an emergency and
answers with 911 first. The words it looks for live in bot/conversation/safety.py, the one place for them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.conversation.safety import EMERGENCY_INTENT, mentions_danger


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyIntentOverride(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyIntentOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not mentions_danger(text):
                continue  # button payloads and ordinary messages are left alone
            message.set(INTENT, {"name": EMERGENCY_INTENT, "confidence": 1.0}, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY_INTENT]
            message.set(
                INTENT_RANKING_KEY, [{"name": EMERGENCY_INTENT, "confidence": 1.0}, *ranking], add_to_output=True
            )
        return messages

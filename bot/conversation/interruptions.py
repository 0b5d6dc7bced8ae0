"""What to do with a message that arrives at a form's question but isn't an answer to it.

Why a rule of its own: a resident in the middle of a form may be in danger, or may ask something ("is this
confidential?") at the name prompt. Storing that as their name would be wrong and answering the question
only to then reject it as a name would be confusing. Every form asks this one function first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.conversation.safety import EMERGENCY_INTENT, is_emergency
from bot.text import looks_like_question

FAQ_PREFIX = "faq_"
QUESTION_CONFIDENCE = 0.5  # calibrated probabilities over ~40 intents: 0.5 is a clear winner

DANGER = "danger"
QUESTION = "question"


@dataclass(frozen=True)
class Interruption:
    kind: str  # DANGER: say the 911 message first | QUESTION: answer the program question `topic`
    keeps_answer: bool  # True: the message is still the answer to the question (validate it as usual)
    topic: Optional[str] = None


def interruption(text: str, intent: Optional[str], confidence: float, *, free_text: bool) -> Optional[Interruption]:
    """How a message at a form question interrupts the form, or None when it is simply the answer.

    Danger always interrupts: with the model's emergency intent the message is about danger, not an answer
    (the slot stays empty and the question is asked again); a danger word alone still gets the 911 message,
    but the answer is kept (nothing is lost). A program question interrupts when the model is confident; at
    a free-text question (a name, a description) it must also read like a question, so a description that
    happens to mention discipline is still kept as the description.
    """
    if is_emergency(text, intent, confidence):
        return Interruption(DANGER, keeps_answer=intent != EMERGENCY_INTENT)
    if intent and intent.startswith(FAQ_PREFIX) and confidence >= QUESTION_CONFIDENCE:
        if not free_text or looks_like_question(text):
            return Interruption(QUESTION, keeps_answer=False, topic=intent)
    return None

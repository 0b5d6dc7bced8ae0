"""Reading a resident's reply as an answer to one eligibility question, and the buttons to offer.

Why apart from the engine: the engine decides what answers mean for eligibility; this module decides what a
message means as an answer ("yup I did" → yes, "my son" → guardian, "two weeks ago" → a date). They change
for different reasons — new phrasings residents use vs. new OCC rules — and are tested separately.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping, Optional

from bot.conversation.catalogue import OneOf, Say, say
from bot.conversation.dates import find_date_in_text, parse_incident_date, today_in
from bot.conversation.validation import interpret_yes_no, payload_choice, strip_control
from bot.eligibility.policy import UNKNOWN, Policy, Rule

CHOOSE_INTENT = "choose"
CHOICE_ENTITY = "choice"


@dataclass(frozen=True)
class Interpreted:
    """What a resident's reply means for one rule: a slot value, or a kind message to re-ask with."""

    value: Optional[str]
    error: Optional[Say] = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None


def buttons_for(rule: Rule) -> list[dict[str, Any]]:
    """Buttons for a rule: title = label, payload = /choose{"choice":"<value>"} (date rules: "Not sure").

    A title is speech (the actions render it in the conversation's language)."""
    if rule.kind == "date":
        return (
            [{"title": say("eligibility.not_sure_button"), "payload": _payload(UNKNOWN)}]
            if rule.accepts_unknown
            else []
        )
    return [{"title": o.label, "payload": _payload(o.value)} for o in _ordered_options(rule)]


def _ordered_options(rule: Rule) -> list:
    """Button order: yes, no, not sure for yes_no rules (whatever the file order); file order otherwise."""
    if rule.kind != "yes_no":
        return list(rule.options)
    rank = {"yes": 0, "no": 1, UNKNOWN: 2}
    return sorted(rule.options, key=lambda o: rank.get(o.value, 3))


def _payload(value: str) -> str:
    return f"/{CHOOSE_INTENT}" + json.dumps({CHOICE_ENTITY: value}, separators=(",", ":"))


def _entity_choice(entities: Optional[Iterable[Mapping[str, Any]]]) -> Optional[str]:
    for entity in entities or ():
        try:
            if entity.get("entity") == CHOICE_ENTITY and entity.get("value") is not None:
                return str(entity["value"]).strip().lower()
        except AttributeError:
            continue
    return None


def _norm(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^\w'+/ -]+", " ", text)
    return " ".join(text.split())


def _retry_message(rule: Rule) -> Say:
    if rule.kind == "yes_no":
        return say("eligibility.retry_yes_no_unsure" if rule.accepts_unknown else "eligibility.retry_yes_no")
    return say("eligibility.retry_choice", choices=OneOf(tuple(f'"{o.label}"' for o in rule.options)))


def _interpret_choice(rule: Rule, text: str, intent: Optional[str]) -> Optional[str]:
    norm = _norm(text)
    if not norm and intent is None:
        return None
    for option in rule.options:  # exact value or label
        if norm in (option.value, option.value.replace("_", " "), _norm(option.label)):
            return option.value
    if norm.isdigit() and 1 <= int(norm) <= len(rule.options) and not any(o.numbers for o in rule.options):
        return rule.options[int(norm) - 1].value  # "2" typed for the second button (SMS)
    numbers = [int(n) for n in re.findall(r"(?<![\d/.-])\d{1,3}(?![\d/.-])", norm)]
    by_number = {o.value for o in rule.options if o.numbers and any(o.numbers[0] <= n <= o.numbers[1] for n in numbers)}
    scores: dict[str, int] = {}
    for option in rule.options:
        score = sum(len(k) for k in option.keywords if re.search(rf"(?<![\w']){re.escape(k)}(?![\w'])", norm))
        if score:
            scores[option.value] = score
    candidates: set[str] = set()
    if by_number:
        both = {v for v in by_number if v in scores}
        candidates = both or by_number
        if len(candidates) > 1 and both:
            best = max(scores[v] for v in both)
            candidates = {v for v in both if scores[v] == best}
    elif scores:
        best = max(scores.values())
        candidates = {v for v, s in scores.items() if s == best}
    if len(candidates) == 1:
        return candidates.pop()
    if candidates:
        return None  # ambiguous: ask again rather than guess
    if intent:
        for option in rule.options:
            if intent in option.intents:
                return option.value
        if intent == "dont_know" and rule.accepts_unknown:
            return UNKNOWN
    return None


def interpret_answer(
    rule: Rule,
    text: Optional[str],
    intent: Optional[str] = None,
    entities: Optional[Iterable[Mapping[str, Any]]] = None,
    now: Optional[datetime] = None,
) -> Interpreted:
    """Turn a reply into the slot value for `rule`, or a kind re-ask message. Never raises on user input."""
    text = strip_control(text or "")[:2000]
    chosen = _entity_choice(entities) or payload_choice(text)
    if chosen is not None:
        if chosen in rule.outcomes and (rule.kind != "date" or chosen == UNKNOWN):
            return Interpreted(chosen)
        if rule.kind == "yes_no" and chosen in ("not_sure", "dont_know"):
            chosen = UNKNOWN
            if rule.accepts_unknown:
                return Interpreted(UNKNOWN)

    if rule.kind == "yes_no":
        value = interpret_yes_no(text, intent=intent)
        if value is None and _norm(text).isdigit() and 1 <= int(_norm(text)) <= len(rule.options):
            value = _ordered_options(rule)[int(_norm(text)) - 1].value  # "2" typed for the second button (SMS)
        if value is not None and value in rule.outcomes:
            return Interpreted(value)
        return Interpreted(None, _retry_message(rule))

    if rule.kind == "choice":
        value = _interpret_choice(rule, text, intent)
        if value is not None:
            return Interpreted(value)
        return Interpreted(None, _retry_message(rule))

    # date
    answer = parse_incident_date(text, now=now, tz=rule.timezone)
    if answer.status == "ok" and answer.value is not None:
        return Interpreted(answer.value.isoformat())
    if answer.status == "future":
        return Interpreted(None, answer.message)
    if (answer.status == "unknown" or intent == "dont_know") and rule.accepts_unknown:
        return Interpreted(UNKNOWN)
    return Interpreted(None, answer.message or say("date.unparseable"))


def extract_answers(policy: Policy, text: Optional[str], now: Optional[datetime] = None) -> dict[str, str]:
    """Answers that can be read from a free message before asking: a past date mentioned anywhere fills the
    date rules ("it happened last friday at a traffic stop" → {"elig_incident_date": "2026-11-20"}).
    Returns {slot: value}; yes/no and choice answers are never guessed from an opening message."""
    if not text:
        return {}
    try:
        found = find_date_in_text(text, now=now, tz=policy.timezone)
    except Exception:
        return {}
    if found is None or found > today_in(policy.timezone, now):
        return {}
    return {rule.slot: found.isoformat() for rule in policy.rules if rule.kind == "date"}

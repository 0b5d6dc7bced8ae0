"""The eligibility engine: answers in, an explained outcome out. Pure functions, no Rasa, no I/O.

Why: the pre-check must give the same answer in the chat, over SMS and in tests, and staff must be able to
change the rules (`policy.yml`) without code. The Rasa form only asks `questions_to_ask(...)`, stores what
`interpret_answer(...)` returns in the rule's slot, and shows `format_outcome(evaluate(...))`.

Answers are a dict keyed by rule id OR slot name (`elig_<id>`), so `tracker.slots` can be passed as is.
Values: "yes" / "no" / "unknown" for yes_no rules, an option value for choice rules, an ISO date
("2026-10-03") or "unknown" for date rules; None or "" means not answered yet.

Decisions:
* Once any answer makes the outcome `not_eligible`, `questions_to_ask` returns [] — asking more would waste
  the resident's time and could not change the outcome (rules can only depend on EARLIER answers).
  `needs_staff_review` answers do not stop the check: staff need the other answers.
* An answer the policy does not know (a stale slot, a policy edited mid-conversation) never crashes:
  it counts as `needs_staff_review` with a plain reason.
* Today is the calendar day in the policy's time zone. Day 0 is the incident day; day `filing_window_days`
  (90) is still inside the window, the next day is outside.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Optional

from bot.eligibility.policy import UNKNOWN, Policy, Rule, RuleOutcome
from bot.text import pack_lines

LIKELY = "likely_eligible"
REVIEW = "needs_staff_review"
NOT_ELIGIBLE = "not_eligible"
PASS = "pass"
MAX_MESSAGE = 320
CHOOSE_INTENT = "choose"
CHOICE_ENTITY = "choice"

_SEVERITY = {PASS: 0, REVIEW: 1, NOT_ELIGIBLE: 2}


@dataclass(frozen=True)
class Interpreted:
    """What a resident's reply means for one rule: a slot value, or a kind message to re-ask with."""

    value: Optional[str]
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None


@dataclass(frozen=True)
class Reason:
    rule_id: str
    result: str
    text: str
    next_step: Optional[str] = None


@dataclass(frozen=True)
class Outcome:
    result: str  # likely_eligible | needs_staff_review | not_eligible
    reasons: list[Reason]
    headline: str
    next_steps: list[str] = field(default_factory=list)

    def as_records(self) -> list[dict]:
        """For the database (`eligibility_reasons`): rule, result and reason text, no personal data."""
        return [{"rule": r.rule_id, "result": r.result, "reason": r.text} for r in self.reasons]


# ------------------------------------------------------------------------------------------ answers


def _answer(rule: Rule, answers: Mapping[str, Any]) -> Optional[str]:
    value = answers.get(rule.slot)
    if value is None or value == "":
        value = answers.get(rule.id)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _matches(condition: Mapping[str, tuple[str, ...]], policy: Policy, answers: Mapping[str, Any]) -> bool:
    for rule_id, values in condition.items():
        try:
            other = policy.rule(rule_id)
        except KeyError:
            return False
        if _answer(other, answers) not in values:
            return False
    return True


def is_applicable(policy: Policy, rule: Rule, answers: Mapping[str, Any]) -> bool:
    """False when the rule's `ask_when` does not match the earlier answers (or they are not known yet)."""
    return _matches(rule.ask_when, policy, answers)


def _date_value(rule: Rule, value: str, policy: Policy, today: date) -> tuple[str, dict]:
    """Map a stored ISO date (or "unknown") to in_window / out_of_window / unknown plus text fields."""
    fields: dict[str, Any] = {"window": policy.filing_window_days}
    if value == UNKNOWN:
        return UNKNOWN, fields
    try:
        when = date.fromisoformat(value[:10])
    except ValueError:
        return "", fields
    days = (today - when).days
    if days < 0:
        return "", fields  # a future date should never be stored; treat it as unusable
    fields.update(days=days, ago=_ago(days), date=f"{when:%B} {when.day}, {when.year}")
    return ("in_window" if days <= policy.filing_window_days else "out_of_window"), fields


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def _rule_outcome(
    policy: Policy, rule: Rule, value: str, answers: Mapping[str, Any], today: date
) -> tuple[Optional[RuleOutcome], dict]:
    fields: dict[str, Any] = {"window": policy.filing_window_days}
    key = value
    if rule.kind == "date":
        key, fields = _date_value(rule, value, policy, today)
    outcome = None
    for override in rule.overrides:
        if key in override.outcomes and _matches(override.when, policy, answers):
            outcome = override.outcomes[key]
            break
    if outcome is None:
        outcome = rule.outcomes.get(key)
    return outcome, fields


def _reason(policy: Policy, rule: Rule, value: str, answers: Mapping[str, Any], today: date) -> Reason:
    outcome, fields = _rule_outcome(policy, rule, value, answers, today)
    if outcome is None:
        return Reason(rule.id, REVIEW, f"I couldn't use your answer about {rule.topic}, so OCC staff will check it.")
    return Reason(
        rule.id,
        outcome.result,
        outcome.reason.format(**fields),
        outcome.next_step.format(**fields) if outcome.next_step else None,
    )


def _today(policy: Policy, today: Optional[date], now: Optional[datetime]) -> date:
    if today is not None:
        return today
    from bot.conversation.dates import today_in

    return today_in(policy.timezone, now)


# ----------------------------------------------------------------------------------------- public


def questions_to_ask(
    policy: Policy, answers: Mapping[str, Any], today: Optional[date] = None, now: Optional[datetime] = None
) -> list[Rule]:
    """Rules still to ask, in policy order: applicable and unanswered. [] once the answer is not_eligible."""
    answers = answers or {}
    day = _today(policy, today, now)
    remaining = []
    for rule in policy.rules:
        if not is_applicable(policy, rule, answers):
            continue
        value = _answer(rule, answers)
        if value is None:
            remaining.append(rule)
        elif _reason(policy, rule, value, answers, day).result == NOT_ELIGIBLE and _settled(policy, rule, answers):
            return []
    return remaining


def _settled(policy: Policy, rule: Rule, answers: Mapping[str, Any]) -> bool:
    """True when every answer an override of `rule` depends on is known, so its result can't change.
    (A date prefilled from the first message may be old, yet fine if a complaint was already filed.)"""
    for override in rule.overrides:
        for rule_id in override.when:
            try:
                other = policy.rule(rule_id)
            except KeyError:
                continue
            if is_applicable(policy, other, answers) and _answer(other, answers) is None:
                return False
    return True


def next_question(
    policy: Policy, answers: Mapping[str, Any], today: Optional[date] = None, now: Optional[datetime] = None
) -> Optional[Rule]:
    remaining = questions_to_ask(policy, answers, today=today, now=now)
    return remaining[0] if remaining else None


def evaluate(
    policy: Policy, answers: Mapping[str, Any], today: Optional[date] = None, now: Optional[datetime] = None
) -> Outcome:
    """The overall outcome with a reason per answered rule (policy order) and the next steps."""
    answers = answers or {}
    day = _today(policy, today, now)
    reasons: list[Reason] = []
    unanswered: list[Rule] = []
    for rule in policy.rules:
        if not is_applicable(policy, rule, answers):
            continue
        value = _answer(rule, answers)
        if value is None:
            unanswered.append(rule)
            continue
        reasons.append(_reason(policy, rule, value, answers, day))
    if any(r.result == NOT_ELIGIBLE for r in reasons):
        result = NOT_ELIGIBLE
    else:
        for rule in unanswered:  # a check cut short cannot honestly say "likely eligible"
            reasons.append(Reason(rule.id, REVIEW, f"I didn't get an answer about {rule.topic}; OCC staff will ask."))
        result = REVIEW if any(r.result == REVIEW for r in reasons) else LIKELY
    texts = policy.outcome_texts[result]
    steps: list[str] = []
    for reason in sorted(reasons, key=lambda r: -_SEVERITY.get(r.result, 1)):
        if reason.next_step and reason.next_step not in steps:
            steps.append(reason.next_step)
    fields = {"window": policy.filing_window_days}
    steps.append(texts.next_step.format(**fields))
    return Outcome(result=result, reasons=reasons, headline=texts.headline.format(**fields), next_steps=steps)


def format_outcome(outcome: Outcome, limit: int = MAX_MESSAGE) -> list[str]:
    """Chat/SMS messages (each ≤ `limit` characters): headline, the reasons, then what to do next.

    likely_eligible lists every reason (they are all reassuring, incl. the date check); the other outcomes
    list only the answers that need attention, most serious first.
    """
    if outcome.result == LIKELY:
        shown = list(outcome.reasons)
    else:
        shown = sorted((r for r in outcome.reasons if r.result != PASS), key=lambda r: -_SEVERITY.get(r.result, 1))
    messages = pack_lines([outcome.headline], limit)
    if shown:
        messages += pack_lines(["Why:"] + [f"• {r.text}" for r in shown], limit)
    if outcome.next_steps:
        head = "What you can do next:" if len(outcome.next_steps) > 1 else None
        items = [f"• {s}" for s in outcome.next_steps] if head else list(outcome.next_steps)
        messages += pack_lines(([head] if head else []) + items, limit)
    return messages


# --------------------------------------------------------------------------------- interpreting


def buttons_for(rule: Rule) -> list[dict]:
    """Rasa buttons for a rule: title = label, payload = /choose{"choice":"<value>"} (date rules: "Not sure")."""
    if rule.kind == "date":
        return [{"title": "Not sure", "payload": _payload(UNKNOWN)}] if rule.accepts_unknown else []
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


def _choices_hint(rule: Rule) -> str:
    labels = [f'"{o.label}"' for o in rule.options]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
    return f"Please choose {listed}."


def _retry_message(rule: Rule) -> str:
    if rule.kind == "yes_no":
        if rule.accepts_unknown:
            return "Sorry, I didn't catch that. Please answer yes, no or not sure."
        return "Sorry, I didn't catch that. Please answer yes or no."
    return "Sorry, I'm not sure which one you mean. " + _choices_hint(rule)


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
    from bot.conversation.validation import interpret_yes_no, payload_choice, strip_control

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
    from bot.conversation.dates import parse_incident_date

    answer = parse_incident_date(text, now=now, tz=rule.timezone)
    if answer.status == "ok" and answer.value is not None:
        return Interpreted(answer.value.isoformat())
    if answer.status == "future":
        return Interpreted(None, answer.message)
    if (answer.status == "unknown" or intent == "dont_know") and rule.accepts_unknown:
        return Interpreted(UNKNOWN)
    from bot.conversation.dates import UNPARSEABLE_MESSAGE

    return Interpreted(None, answer.message or UNPARSEABLE_MESSAGE)


def extract_answers(policy: Policy, text: Optional[str], now: Optional[datetime] = None) -> dict[str, str]:
    """Answers that can be read from a free message before asking: a past date mentioned anywhere fills the
    date rules ("it happened last friday at a traffic stop" → {"elig_incident_date": "2026-11-20"}).
    Returns {slot: value}; yes/no and choice answers are never guessed from an opening message."""
    from bot.conversation.dates import find_date_in_text, today_in

    if not text:
        return {}
    try:
        found = find_date_in_text(text, now=now, tz=policy.timezone)
    except Exception:
        return {}
    if found is None or found > today_in(policy.timezone, now):
        return {}
    return {rule.slot: found.isoformat() for rule in policy.rules if rule.kind == "date"}


__all__ = [
    "Interpreted",
    "Reason",
    "Outcome",
    "LIKELY",
    "REVIEW",
    "NOT_ELIGIBLE",
    "PASS",
    "questions_to_ask",
    "next_question",
    "is_applicable",
    "interpret_answer",
    "evaluate",
    "format_outcome",
    "buttons_for",
    "extract_answers",
]

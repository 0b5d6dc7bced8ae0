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

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping, Optional

from bot.conversation.catalogue import Catalogue, Speech, Template, long_date, say
from bot.conversation.dates import today_in
from bot.eligibility.policy import UNKNOWN, Policy, Rule, RuleOutcome
from bot.text import pack_lines

LIKELY = "likely_eligible"
REVIEW = "needs_staff_review"
NOT_ELIGIBLE = "not_eligible"
PASS = "pass"
MAX_MESSAGE = 320

_SEVERITY = {PASS: 0, REVIEW: 1, NOT_ELIGIBLE: 2}


@dataclass(frozen=True)
class Reason:
    rule_id: str
    result: str
    text: Speech
    next_step: Optional[Speech] = None


@dataclass(frozen=True)
class Outcome:
    result: str  # likely_eligible | needs_staff_review | not_eligible
    reasons: list[Reason]
    headline: Speech
    next_steps: list[Speech] = field(default_factory=list)

    def as_records(self, cat: Catalogue) -> list[dict]:
        """For the database (`eligibility_reasons`): rule, result and reason text (rendered by `cat`)."""
        return [{"rule": r.rule_id, "result": r.result, "reason": cat.render(r.text)} for r in self.reasons]


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
    fields.update(days=days, ago=_ago(days), date=long_date(when))
    return ("in_window" if days <= policy.filing_window_days else "out_of_window"), fields


def _ago(days: int) -> Speech:
    if days == 0:
        return say("date.today")
    if days == 1:
        return say("date.yesterday")
    return say("date.days_ago", days=days)


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
        return Reason(rule.id, REVIEW, say("eligibility.unusable_answer", topic=rule.topic))
    return Reason(
        rule.id,
        outcome.result,
        Template(outcome.reason, fields),
        Template(outcome.next_step, fields) if outcome.next_step else None,
    )


def _today(policy: Policy, today: Optional[date], now: Optional[datetime]) -> date:
    if today is not None:
        return today
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
            reasons.append(Reason(rule.id, REVIEW, say("eligibility.unanswered", topic=rule.topic)))
        result = REVIEW if any(r.result == REVIEW for r in reasons) else LIKELY
    texts = policy.outcome_texts[result]
    steps: list[Speech] = []
    for reason in sorted(reasons, key=lambda r: -_SEVERITY.get(r.result, 1)):
        if reason.next_step and reason.next_step not in steps:
            steps.append(reason.next_step)
    fields = {"window": policy.filing_window_days}
    steps.append(Template(texts.next_step, fields))
    return Outcome(result=result, reasons=reasons, headline=Template(texts.headline, fields), next_steps=steps)


def format_outcome(outcome: Outcome, cat: Catalogue, limit: int = MAX_MESSAGE) -> list[str]:
    """Chat/SMS messages (each ≤ `limit` characters): headline, the reasons, then what to do next.

    likely_eligible lists every reason (they are all reassuring, incl. the date check); the other outcomes
    list only the answers that need attention, most serious first.
    """
    if outcome.result == LIKELY:
        shown = list(outcome.reasons)
    else:
        shown = sorted((r for r in outcome.reasons if r.result != PASS), key=lambda r: -_SEVERITY.get(r.result, 1))
    messages = pack_lines([cat.render(outcome.headline)], limit)
    if shown:
        messages += pack_lines([cat.text("eligibility.why")] + [f"• {cat.render(r.text)}" for r in shown], limit)
    steps = [cat.render(s) for s in outcome.next_steps]
    if len(steps) > 1:
        messages += pack_lines([cat.text("eligibility.next_steps")] + [f"• {s}" for s in steps], limit)
    elif steps:
        messages += pack_lines(steps, limit)
    return messages

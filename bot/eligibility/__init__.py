"""Eligibility pre-check for mediation: a staff-editable policy (`policy.yml`) and a pure engine.

Why a package: the policy file, its loader/validator and the engine change for different reasons (OCC
practice, file format, conversation needs) but are always used together, so callers import from here.
"""

from bot.eligibility.engine import (
    LIKELY,
    NOT_ELIGIBLE,
    PASS,
    REVIEW,
    Outcome,
    Reason,
    evaluate,
    format_outcome,
    is_applicable,
    next_question,
    questions_to_ask,
)
from bot.eligibility.interpret import Interpreted, buttons_for, extract_answers, interpret_answer
from bot.eligibility.policy import (
    PACKAGED_POLICY,
    Option,
    OutcomeText,
    Policy,
    PolicyError,
    Rule,
    RuleOutcome,
    current_policy,
    load_policy,
)

__all__ = [
    "LIKELY",
    "NOT_ELIGIBLE",
    "PASS",
    "REVIEW",
    "Interpreted",
    "Outcome",
    "Reason",
    "buttons_for",
    "evaluate",
    "extract_answers",
    "format_outcome",
    "interpret_answer",
    "is_applicable",
    "next_question",
    "questions_to_ask",
    "PACKAGED_POLICY",
    "Option",
    "OutcomeText",
    "Policy",
    "PolicyError",
    "Rule",
    "RuleOutcome",
    "current_policy",
    "load_policy",
]

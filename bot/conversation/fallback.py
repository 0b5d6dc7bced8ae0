"""The "Did you mean …?" menu of the two-stage fallback.

Why a rule: the menu must offer what the resident most likely meant, in plain words (never an intent name),
and never the same option twice — "Something else" is always the last choice.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from bot.conversation.catalogue import say

MAX_GUESSES = 2
SOMETHING_ELSE = "out_of_scope"


def did_you_mean(ranking: Iterable[Mapping[str, Any]], has_label: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Buttons for the top guesses that have a plain label, then "Something else"; [] when there is no guess."""
    buttons: list[dict[str, Any]] = []
    for candidate in ranking:
        name = candidate.get("name")
        if not name or name in ("nlu_fallback", SOMETHING_ELSE) or not has_label(f"intent.{name}"):
            continue
        if any(b["payload"] == f"/{name}" for b in buttons):
            continue
        buttons.append({"title": say(f"intent.{name}"), "payload": f"/{name}"})
        if len(buttons) == MAX_GUESSES:
            break
    if not buttons:
        return []
    return buttons + [{"title": say("fallback.something_else"), "payload": f"/{SOMETHING_ELSE}"}]

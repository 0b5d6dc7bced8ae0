"""The cached validator must accept and refuse exactly what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_plugins import speedups

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]},
]
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
]


@pytest.mark.parametrize("result", GOOD + BAD)
def test_same_verdict_as_rasa(result):
    def verdict(check):
        try:
            check(result)
            return "ok"
        except ValidationError:
            return "refused"

    speedups.apply()
    ours = verdict(lambda r: RemoteAction._validate_action_result(None, r))
    theirs = verdict(lambda r: validate(r, RemoteAction.action_response_format_spec()))
    assert ours == theirs
    assert ours == ("ok" if result in GOOD else "refused")

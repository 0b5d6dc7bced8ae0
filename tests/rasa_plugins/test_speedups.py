"""The cached validator must accept and refuse exactly what Rasa's own check does."""

from __future__ import annotations

import importlib
import os

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_plugins import server, speedups

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


@pytest.fixture
def unpatched():
    speedups.remove()
    yield
    speedups.remove()


def test_applied_only_to_the_rasa_version_it_was_written_for(unpatched, caplog):
    assert speedups.apply(version="3.7.0") is False
    assert not speedups.is_applied()
    assert "NOT applied" in caplog.text
    assert speedups.apply(version=speedups.SUPPORTED_RASA) is True
    assert speedups.is_applied()


def test_the_server_entry_point_switches_telemetry_off_and_applies_it(unpatched, monkeypatch):
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")
    assert server.prepare() is True
    assert os.environ["RASA_TELEMETRY_ENABLED"] == "false"
    assert speedups.is_applied()


def test_no_plug_in_applies_it_as_a_side_effect_of_being_imported(unpatched):
    """Whatever tracker store or channel is configured, only the entry point applies the patch."""
    for module in ("tracker_store", "nlg", "safety_component", "intent_classifier"):
        importlib.reload(importlib.import_module(f"bot.rasa_plugins.{module}"))
    assert not speedups.is_applied()

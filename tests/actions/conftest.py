"""Helpers to run Rasa SDK actions directly, with a real Tracker, CollectingDispatcher and our domain.

Why: the issue asks that form validation is tested in pytest (test stories replay forms without running
validators). These build the tracker state Rasa would send the action server for one user turn.
"""

from __future__ import annotations

import functools
from typing import Any, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.support import ROOT


@functools.lru_cache(maxsize=1)
def _domain() -> dict:
    return Domain.load(str(ROOT / "domain")).as_dict()


@pytest.fixture(scope="session")
def domain() -> dict:
    return _domain()


def make_tracker(
    text: str = "",
    *,
    intent: Optional[str] = None,
    confidence: float = 0.95,
    entities: Optional[list] = None,
    slots: Optional[dict] = None,
    candidates: Optional[dict] = None,
    requested_slot: Optional[str] = None,
    active_loop: Optional[str] = None,
    metadata: Optional[dict] = None,
    sender_id: str = "test-sender",
) -> Tracker:
    """A tracker after one user message; `candidates` are slot values extracted this turn (to validate)."""
    domain_slots = {name: None for name in _domain()["slots"]}
    values = dict(domain_slots)
    values.update(slots or {})
    values.update(candidates or {})
    values["requested_slot"] = requested_slot
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "intent_ranking": [{"name": intent, "confidence": confidence}] if intent else [],
        "entities": entities or [],
        "metadata": metadata or {},
    }
    events: list[dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}},
        *({"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()),
    ]
    return Tracker(
        sender_id,
        values,
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def slot_events(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}

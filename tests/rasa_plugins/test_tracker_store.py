"""Conversations are forgotten once idle: the in-memory store must not keep transcripts forever."""

from __future__ import annotations

import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_plugins.tracker_store import ExpiringInMemoryTrackerStore


async def test_idle_conversations_are_forgotten():
    store = ExpiringInMemoryTrackerStore(Domain.empty(), ttl_minutes=0.01)  # 0.6 s
    tracker = DialogueStateTracker.from_events("resident-1", [UserUttered("hello")])
    await store.save(tracker)
    assert await store.retrieve("resident-1") is not None
    time.sleep(0.8)
    assert await store.retrieve("resident-1") is None
    assert list(await store.keys()) == []


async def test_active_conversations_are_kept():
    store = ExpiringInMemoryTrackerStore(Domain.empty(), ttl_minutes=60)
    await store.save(DialogueStateTracker.from_events("resident-2", [UserUttered("hi")]))
    assert (await store.retrieve("resident-2")).sender_id == "resident-2"

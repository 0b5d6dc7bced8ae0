"""A conversation store that keeps conversations only in memory, and only while they are in use.

Why: mediation is confidential and "nothing is recorded on any device". Rasa's InMemoryTrackerStore never
forgets a conversation and its SQL store never deletes one. This store forgets a conversation once it has
been idle for `ttl_minutes` (MEDIATION_TRACKER_TTL_MINUTES, default 60), so transcripts are neither written
to disk nor kept longer than the conversation needs. With several Rasa replicas use Redis with `record_exp`
instead (see endpoints.yml).
"""

from __future__ import annotations

import time
from typing import Any, Dict, Iterable, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import get_settings


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(self, domain, event_broker=None, ttl_minutes: Optional[float] = None, **kwargs: Dict[Text, Any]):
        kwargs.pop("host", None)
        super().__init__(domain, event_broker, **kwargs)
        if ttl_minutes is None:
            ttl_minutes = get_settings().tracker_ttl_minutes
        self.ttl_seconds = float(ttl_minutes) * 60
        self._last_used: Dict[Text, float] = {}

    def _forget_idle(self) -> None:
        cutoff = time.monotonic() - self.ttl_seconds
        for sender_id in [s for s, used in self._last_used.items() if used < cutoff]:
            self.store.pop(sender_id, None)
            self._last_used.pop(sender_id, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._forget_idle()
        await super().save(tracker)
        self._last_used[tracker.sender_id] = time.monotonic()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._forget_idle()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._forget_idle()
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[Text]:
        self._forget_idle()
        return list(self.store.keys())

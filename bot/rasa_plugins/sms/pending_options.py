"""The numbered options each texter was last offered, so that replying "2" means option 2.

Why: SMS has no buttons; the assistant's buttons are sent as "Reply 1 for Yes, 2 for No" and the
NEXT inbound text must be mapped back to the button payload. That needs a little state between
two webhook calls. It is small, short-lived and safe to lose (the resident can type the words), so
it lives in memory: bounded in size, expiring, keyed by the hashed sender, never the number.

A deployment with several Rasa workers or replicas behind a load balancer would keep this in Redis
(SETEX on the hashed sender) instead, because consecutive texts may reach different processes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

from bot.rasa_plugins.sms.text import Option, match_option

DEFAULT_TTL_SECONDS = 30 * 60
DEFAULT_MAX_ENTRIES = 10_000


class PendingOptions:
    """A bounded, expiring map: hashed sender → the options offered in the last reply."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._items: "OrderedDict[str, tuple[float, tuple[Option, ...]]]" = OrderedDict()
        self._lock = threading.Lock()

    def put(self, sender: str, options: tuple[Option, ...]) -> None:
        """Remember `options` for `sender`; an empty tuple forgets what was offered before."""
        with self._lock:
            self._items.pop(sender, None)
            if not options:
                return
            self._items[sender] = (self._clock() + self._ttl, tuple(options))
            while len(self._items) > self._max:
                self._items.popitem(last=False)  # oldest first

    def get(self, sender: str) -> tuple[Option, ...]:
        with self._lock:
            entry = self._items.get(sender)
            if entry is None:
                return ()
            expires, options = entry
            if self._clock() >= expires:
                del self._items[sender]
                return ()
            return options

    def forget(self, sender: str) -> None:
        self.put(sender, ())

    def __len__(self) -> int:
        return len(self._items)

    def pick(self, sender: str, reply: str) -> Optional[Option]:
        """The option `reply` selects among those pending for `sender`, if any."""
        return match_option(reply, self.get(sender))

"""Test helper: catalogue speech as the English text a resident would read."""

from __future__ import annotations

from typing import Any, Optional

from bot.conversation.catalogue import catalogue


def text(item: Any) -> Optional[str]:
    """`item` (a Say, a Template, alternatives or text) rendered in English; None stays None."""
    return None if item is None else catalogue().render(item)

"""Plain-language labels for intents, used by the "Did you mean …?" fallback buttons.

Why: residents should never see an intent name like `faq_legal_appeal`; the wording lives in
bot/content/intent_labels.yml next to the answers so it is reviewed with them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

import yaml

PATH = Path(__file__).resolve().parent.parent / "content" / "en" / "intent_labels.yml"


@functools.lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise ValueError(f"{PATH}: expected a mapping of intent name to a non-empty label")
    return {str(k): v.strip() for k, v in data.items()}


def label_for(intent: str) -> Optional[str]:
    return labels().get(intent)

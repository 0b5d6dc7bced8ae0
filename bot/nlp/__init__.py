"""The local spaCy pipeline, loaded once per process.

Why: loading a pipeline costs tens of milliseconds and parsing a date happens on many turns; callers get
one shared instance. If the pipeline folder is missing or stale (patterns changed), it is (re)built on the
spot, so a fresh checkout or a test run never fails just because `make` did not run the build step.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path
from typing import Optional

from bot.nlp import build_spacy

log = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict[str, object] = {}
_DEFAULT = "<default>"


def load_pipeline(path: Optional[Path | str] = None):
    """Return the `en_mediation` spaCy Language, building it first if needed (cached per path)."""
    with _lock:
        # The default location is resolved once per process: tests that point MEDIATION_VAR_DIR at a
        # temporary folder must not trigger a rebuild of an identical pipeline on every test.
        key = str(Path(path).resolve()) if path else _DEFAULT
        nlp = _cache.get(key)
        if nlp is not None:
            return nlp
        target = Path(path) if path else build_spacy.default_outdir()
        import spacy  # noqa: PLC0415 - spaCy pulls in thinc; only processes that parse dates pay for it

        try:
            folder = build_spacy.build(target)
        except OSError as exc:  # read-only checkout: build into a private temporary folder instead
            folder = Path(tempfile.mkdtemp(prefix="en_mediation-")) / build_spacy.PIPELINE_NAME
            log.warning("Could not build the spaCy pipeline at %s (%s); using %s", target, exc, folder)
            build_spacy.build(folder)
        nlp = spacy.load(folder)
        _cache[key] = nlp
        return nlp


def clear_cache() -> None:
    """Forget loaded pipelines (tests)."""
    with _lock:
        _cache.clear()


__all__ = ["load_pipeline", "clear_cache"]

"""One measured fix to Rasa 3.6 itself, applied explicitly at start-up by `bot.rasa_plugins.server`.

Why: Rasa checks every action-server reply against a JSON schema with `jsonschema.validate()`, which first
re-validates the (constant) schema itself and builds a new validator on every call. Under 20 concurrent
conversations py-spy showed this at about half of the Rasa server's busy CPU time (docs/performance.md). The
fix validates every reply exactly as before, against the same schema, with one validator built once.

It replaces a private method, so it is applied only to the Rasa version it was written against
(`SUPPORTED_RASA`); on any other version it is left off with a warning, to be re-checked on upgrade.
"""

from __future__ import annotations

import functools
import logging

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

log = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6.21"
_original = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, at start-up, instead of on every action call
    return cls(schema)


def _validate_action_result(self, result):
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def is_applied() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result


def apply(version: str = rasa.__version__) -> bool:
    """Apply the fix if `version` is the supported Rasa; returns whether it is now active (logged either way)."""
    if version != SUPPORTED_RASA:
        log.warning(
            "Rasa %s is not %s: the action-reply validation speed-up is NOT applied (check it on upgrade).",
            version,
            SUPPORTED_RASA,
        )
        return False
    if not is_applied():
        RemoteAction._validate_action_result = _validate_action_result
    log.info("Rasa %s: action-reply validation speed-up applied (one cached JSON-schema validator).", version)
    return True


def remove() -> None:
    """Restore Rasa's own method (tests)."""
    RemoteAction._validate_action_result = _original

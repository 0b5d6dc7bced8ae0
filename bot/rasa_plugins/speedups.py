"""One measured fix to Rasa 3.6 itself, applied when the Rasa server loads our tracker store.

Why: Rasa checks every action-server reply against a JSON schema with `jsonschema.validate()`, which first
re-validates the (constant) schema itself and builds a new validator on every call. Under 20 concurrent
conversations py-spy showed this at about half of the Rasa server's busy CPU time (docs/performance.md). The
fix validates every reply exactly as before, against the same schema, with one validator built once.
"""

from __future__ import annotations

import functools

_applied = False


@functools.lru_cache(maxsize=1)
def _validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, at start-up, instead of on every action call
    return cls(schema)


def _validate_action_result(self, result):
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def apply() -> None:
    global _applied
    if _applied:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    _applied = True

"""Every patch of Rasa internals, in one place, applied only to the Rasa version it was written for.

Each patch keeps Rasa's result and removes a repeated cost measured on the answer path
(benchmarks/RESULTS.md); the replaced function stays reachable as `__wrapped__`, and
tests/test_rasa_runtime.py checks on real inputs that both still give the same result.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)

#: The Rasa release the patches were written for and tested against; any other release runs unpatched.
RASA_VERSION = "3.6.21"


def apply_patches() -> bool:
    """Apply every patch (once) if Rasa is RASA_VERSION; otherwise warn and leave Rasa as it is."""
    import rasa

    if rasa.__version__ != RASA_VERSION:
        logger.warning("Rasa %s is not %s, the version bot/rasa_runtime/patches.py was written for: running unpatched "
                       "(answers are slower)", rasa.__version__, RASA_VERSION)
        return False
    validate_action_responses_with_one_validator()
    cache_event_type_lookup()
    return True


def validate_action_responses_with_one_validator() -> None:
    """Make Rasa validate action-server responses with a validator built once.

    Rasa calls jsonschema.validate() for every action response, which re-checks the large events schema
    against the JSON-Schema meta-schema each time: about 15 ms of a 30 ms answer (cProfile). A valid
    response is accepted after the same schema check without that; an invalid one goes through Rasa's
    own code, so it fails with Rasa's own error.
    """
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    if hasattr(original, "__wrapped__"):
        return
    schema = RemoteAction.action_response_format_spec()
    validator = validators.validator_for(schema)(schema)

    @functools.wraps(original)
    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return bool(validator.is_valid(result)) or bool(original(self, result))

    RemoteAction._validate_action_result = validate


def cache_event_type_lookup() -> None:
    """Cache Rasa's event-type lookup, which walks every Event subclass for each event it deserialises.

    The tracker store deserialises a conversation's events on every message; profiling the load test
    showed this lookup as the largest single cost of reading a tracker.
    """
    from rasa.shared.core.events import Event

    lookup: Any = Event.resolve_by_type  # a staticmethod: (type_name, default) -> Event subclass
    if not hasattr(lookup, "__wrapped__"):
        cached: Any = staticmethod(functools.lru_cache(maxsize=None)(lookup))
        Event.resolve_by_type = cached

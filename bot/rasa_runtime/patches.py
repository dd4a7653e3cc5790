"""Every patch of Rasa internals, in one place, applied only to the Rasa version it was written for.

Each patch keeps Rasa's result and removes a repeated cost measured on the answer path
(benchmarks/RESULTS.md); the replaced function stays reachable as `__wrapped__`, and
tests/test_rasa_runtime.py checks on real inputs that both still give the same result.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import weakref
from collections import OrderedDict
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
    remember_matching_rules()
    run_graphs_without_a_scheduler()
    keep_endpoint_connections()
    return True


def validate_action_responses_with_one_validator() -> None:
    """Make Rasa validate action-server responses with validators built once, each event against its own type.

    Rasa calls jsonschema.validate() for every action response, which re-checks the large events schema
    against the JSON-Schema meta-schema each time (about 15 ms of a 30 ms answer, cProfile), and then tries each
    event against all 23 event types of its `oneOf`. The types differ in the constant `event` name, so an event
    matches exactly one type when it matches the type it names: checking only that one accepts the same
    responses. A response this does not accept goes through Rasa's own code, so it fails with Rasa's own error.
    """
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    if hasattr(original, "__wrapped__"):
        return
    schema = RemoteAction.action_response_format_spec()
    event_schema = schema["properties"]["events"]["items"]
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_type = {kind.get("properties", {}).get("event", {}).get("const"): kind for kind in event_schema["oneOf"]}
    if None in by_type or len(by_type) != len(event_schema["oneOf"]):  # not told apart by a constant name
        return

    def validator(part: dict[str, Any]) -> Any:
        return validators.validator_for(schema)(part)

    envelope = validator({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})
    events = {name: validator({**common, "allOf": [kind]}) for name, kind in by_type.items()}

    def valid(result: dict[str, Any]) -> bool:
        if not envelope.is_valid(result):
            return False
        for event in result.get("events") or ():
            name = event.get("event") if isinstance(event, dict) else None
            kind = events.get(name) if isinstance(name, str) else None
            if kind is None or not kind.is_valid(event):
                return False
        return True

    @functools.wraps(original)
    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return valid(result) or bool(original(self, result))

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


#: How many conversation endings the rule matching remembers per rule table.
RULE_MATCHES_KEPT = 4096


def remember_matching_rules() -> None:
    """Remember which rules match the end of a conversation instead of checking every rule on each prediction.

    RulePolicy tests each of its rules against the conversation's states, turn by turn back from the latest, on
    every prediction (its largest cost, cProfile). A rule of n turns is decided by the last n states alone (Rasa
    accepts it once the turn index reaches its length), so the matching rules depend only on the last states, as
    many as the longest rule has turns: those, as JSON, are the key of the remembered result.
    """
    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._get_possible_keys
    if hasattr(original, "__wrapped__"):
        return

    @functools.wraps(original)
    def possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]) -> set[str]:
        remembered: dict[int, tuple[int, OrderedDict[str, set[str]]]] = self.__dict__.setdefault("_matches", {})
        if id(lookup) not in remembered:
            longest = max((len(self._rule_key_to_state(key)) for key in lookup), default=0)
            remembered[id(lookup)] = (longest, OrderedDict())
        longest, matches = remembered[id(lookup)]
        key = json.dumps(states[-longest:] if longest else [], sort_keys=True)
        if key in matches:
            matches.move_to_end(key)
        else:
            matches[key] = original(self, lookup, states)
            if len(matches) > RULE_MATCHES_KEPT:
                matches.popitem(last=False)
        return set(matches[key])

    RulePolicy._get_possible_keys = possible_keys


def run_graphs_without_a_scheduler() -> None:
    """Run Rasa's prediction graphs with Dask's plain reference executor instead of its local scheduler.

    Rasa runs a small graph (a few nodes, one after the other) for every message parse and every action
    prediction through dask.local.get_sync, whose scheduling machinery cost more than the graph nodes of the
    message parse (cProfile). dask.core.get executes the same tasks in dependency order in this thread and
    returns the same results; exceptions come through unchanged.
    """
    import dask.core
    from rasa.engine.runner.dask import DaskGraphRunner

    original = DaskGraphRunner.run
    if hasattr(original, "__wrapped__"):
        return
    from rasa.engine.exceptions import GraphRunError

    @functools.wraps(original)
    def run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
        self._add_inputs_to_graph(inputs, graph)
        try:
            return dict(dask.core.get(graph, run_targets))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    DaskGraphRunner.run = run


#: Seconds an idle connection to an endpoint is kept for the next request: below the 5 s after which the action
#: server (Sanic's KEEP_ALIVE_TIMEOUT) closes it, so no request goes out on a connection the server is closing.
IDLE_CONNECTION_SECONDS = 2.0
#: The sessions kept open in each event loop (aiohttp sessions belong to the loop they were made in), one for each
#: set of headers and authentication the endpoints use; closed when the assistant stops.
_kept: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def keep_endpoint_connections() -> None:
    """Call the action server over connections kept open, instead of a new aiohttp session for every request.

    Rasa's EndpointConfig.request makes a ClientSession, and so a new TCP connection, for each action it runs and
    closes it afterwards: connecting, accepting and closing took the answer process about 1 ms and the action
    server about 0.6 ms of CPU a message. Endpoints now share one session per event loop and set of headers and
    authentication (a session holds no URL), made with Rasa's settings and timeout; the request and the handling
    of its response stay Rasa's own.
    """
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    original = EndpointConfig.session
    if hasattr(original, "__wrapped__"):
        return

    @functools.wraps(original)
    def session(self: EndpointConfig) -> Any:
        sessions = _kept.setdefault(asyncio.get_running_loop(), {})
        settings = (tuple(sorted(self.headers.items())), tuple(sorted(self.basic_auth.items())))
        kept = sessions.get(settings)
        if kept is None or kept.closed:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            kept = sessions[settings] = aiohttp.ClientSession(
                headers=self.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
            )
        return contextlib.nullcontext(kept)  # `async with` enters the session and leaves it open

    EndpointConfig.session = session


async def close_endpoint_connections() -> None:
    """Close the sessions kept open in the running event loop (when the assistant stops)."""
    for kept in _kept.pop(asyncio.get_running_loop(), {}).values():
        await kept.close()

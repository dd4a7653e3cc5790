"""Rasa's runtime: the patches still give Rasa's own results, the bounded tracker store, the action-server process."""

from __future__ import annotations

import inspect
import logging
import os
import uuid
from typing import Any

import httpx
import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot.assistant import Assistant
from bot.rasa_runtime.action_server import ActionServer
from bot.rasa_runtime.patches import RASA_VERSION, apply_patches
from bot.rasa_runtime.tracker_store import MAX_TRACKER_EVENTS
from tests.conftest import tracker_dict


def unpatched(owner: type, name: str) -> Any:
    """The function Rasa itself defines for owner.name, whether or not a patch replaced it."""
    attribute = owner.__dict__[name]
    function = attribute.__func__ if isinstance(attribute, staticmethod) else attribute
    return getattr(function, "__wrapped__", function)


def validation_error(validate: Any, action: RemoteAction, response: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        validate(action, response)
    return error.value.message


def test_patches_are_written_for_the_installed_rasa() -> None:
    # Fails on a Rasa upgrade: check each patch against the new release, then move RASA_VERSION.
    assert rasa.__version__ == RASA_VERSION


def test_another_rasa_version_runs_unpatched(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", unpatched(RemoteAction, "_validate_action_result"))
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(unpatched(Event, "resolve_by_type")))
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.WARNING):
        assert not apply_patches()
    assert not hasattr(RemoteAction._validate_action_result, "__wrapped__")
    assert not hasattr(Event.resolve_by_type, "__wrapped__")
    assert "Rasa 3.7.0" in caplog.text


async def test_response_validator_patch_gives_rasa_verdicts(assistant: Assistant) -> None:
    assert apply_patches()
    patched, original = RemoteAction._validate_action_result, unpatched(RemoteAction, "_validate_action_result")
    assert list(inspect.signature(original).parameters) == ["self", "result"]
    assert list(inspect.signature(RemoteAction.action_response_format_spec).parameters) == []
    call = {"next_action": "action_answer_faq", "sender_id": "patch", "tracker": tracker_dict("paspor_biaya"), "domain": {}}
    async with httpx.AsyncClient() as client:
        response = (await client.post(assistant.actions.webhook, json=call, timeout=10)).json()
    action = RemoteAction("action_answer_faq", None)
    assert response["responses"]
    assert patched(action, response) is original(action, response) is True
    slot = response["events"][0]
    for broken in ({"events": "not a list"}, {**response, "events": [{**slot, "timestamp": "kemarin"}]},
                   {**response, "events": [{**slot, "event": "no_such_event"}]}, {**response, "responses": [5]}):
        assert validation_error(patched, action, broken) == validation_error(original, action, broken)


def test_event_lookup_patch_gives_rasa_classes() -> None:
    assert apply_patches()
    cached, original = Event.resolve_by_type, unpatched(Event, "resolve_by_type")
    assert list(inspect.signature(original).parameters) == ["type_name", "default"]
    names = {cls.type_name for cls in all_subclasses(Event) if isinstance(getattr(cls, "type_name", None), str)}
    assert "user" in names
    for name in names:
        assert cached(name) is original(name)
    assert cached("no_such_event", Event) is original("no_such_event", Event) is Event
    for lookup in (cached, original):
        with pytest.raises(ValueError, match="no_such_event"):
            lookup("no_such_event")


async def test_conversations_keep_only_their_last_events(assistant: Assistant) -> None:
    sender = f"bound-{uuid.uuid4().hex}"
    for _ in range(20):
        await assistant.handle("halo", sender)
    tracker = await assistant._agent.tracker_store.retrieve(sender)
    assert len(tracker.events) == MAX_TRACKER_EVENTS
    assert tracker.latest_message.text == "halo"


def test_action_server_leads_its_own_process_group(assistant: Assistant) -> None:
    process = assistant.actions.process
    assert process
    assert os.getpgid(process.pid) == os.getsid(process.pid) == process.pid != os.getpgid(0)


@pytest.mark.slow
async def test_stopping_the_action_server_ends_its_process() -> None:
    server = ActionServer()
    await server.start()
    process = server.process
    assert process
    await server.stop()
    assert process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)


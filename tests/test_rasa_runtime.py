"""Rasa's runtime: the patches still give Rasa's own results, the bounded tracker store, the action-server process."""

from __future__ import annotations

import inspect
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import rasa
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import UserMessage
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import event
from sqlite_utils import Database

from bot.assistant import Assistant
from bot.rasa_runtime.action_server import ActionServer, free_port
from bot.rasa_runtime.patches import RASA_VERSION, apply_patches, close_endpoint_connections
from bot.rasa_runtime.tracker_store import MAX_TRACKER_EVENTS, ConversationStore
from bot.storage import forget_old_conversation_state
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
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", unpatched(RulePolicy, "_get_possible_keys"))
    monkeypatch.setattr(DaskGraphRunner, "run", unpatched(DaskGraphRunner, "run"))
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.WARNING):
        assert not apply_patches()
    for patched in (RemoteAction._validate_action_result, Event.resolve_by_type, RulePolicy._get_possible_keys,
                    DaskGraphRunner.run):
        assert not hasattr(patched, "__wrapped__")
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
                   {**response, "events": [{**slot, "event": "no_such_event"}]}, {**response, "responses": [5]},
                   {**response, "events": [{**slot, "value": None, "name": 5}]}, {**response, "events": [slot, 5]},
                   {**response, "events": [{"name": "x"}]}, {**response, "events": [{**slot, "event": ["slot"]}]}):
        assert validation_error(patched, action, broken) == validation_error(original, action, broken)
    for valid in ({"events": [{"event": "followup", "name": "action_listen"}], "responses": []}, {"events": []},
                  {**response, "events": [{**slot, "value": {"nested": [1, None]}}, {"event": "reset_slots"}]}):
        assert patched(action, valid) is original(action, valid) is True


def graph_runner(assistant: Assistant) -> DaskGraphRunner:
    runner: DaskGraphRunner = assistant._agent.processor.graph_runner
    return runner


def rule_policy(assistant: Assistant) -> RulePolicy:
    nodes = graph_runner(assistant)._instantiated_nodes.values()
    return next(node._component for node in nodes if isinstance(node._component, RulePolicy))


async def test_rule_matching_patch_gives_rasa_matches(assistant: Assistant) -> None:
    assert apply_patches()
    policy, domain = rule_policy(assistant), assistant._agent.domain
    remembered, original = RulePolicy._get_possible_keys, unpatched(RulePolicy, "_get_possible_keys")
    assert list(inspect.signature(original).parameters) == ["self", "lookup", "states"]
    sender = f"rules-{uuid.uuid4().hex}"
    for text in ("halo", "qwzx vbnm", "zzkx qqq", "berapa biaya paspor", "/petugas", "terima kasih", "asdf", "visa"):
        await assistant.handle(text, sender)
    tracker = await assistant._agent.tracker_store.retrieve(sender)
    checked = 0
    for prior, _ in tracker.generate_all_prior_trackers():
        for use_text in (False, True):
            states = policy._prediction_states(prior, domain, use_text, rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                for _ in range(2):  # computed, then remembered
                    assert remembered(policy, lookup, states) == original(policy, lookup, states)
                checked += 1
    assert checked > 50


async def test_graph_runner_patch_gives_rasa_results(assistant: Assistant) -> None:
    assert apply_patches()
    runner, agent = graph_runner(assistant), assistant._agent
    plain, original = DaskGraphRunner.run, unpatched(DaskGraphRunner, "run")
    metadata = agent.processor.model_metadata
    tracker = await agent.tracker_store.get_or_create_tracker(f"graph-{uuid.uuid4().hex}")
    message = {PLACEHOLDER_MESSAGE: [UserMessage("berapa biaya paspor", sender_id=tracker.sender_id)],
               PLACEHOLDER_TRACKER: tracker}
    parsed = [run(runner, message, [metadata.nlu_target])[metadata.nlu_target][0].data for run in (plain, original)]
    assert parsed[0]["intent"] == parsed[1]["intent"]
    assert parsed[0]["intent_ranking"] == parsed[1]["intent_ranking"]
    predicted = [run(runner, {PLACEHOLDER_TRACKER: tracker}, [metadata.core_target])[metadata.core_target]
                 for run in (plain, original)]
    assert predicted[0].probabilities == predicted[1].probabilities
    assert predicted[0].policy_name == predicted[1].policy_name
    for run in (plain, original):
        with pytest.raises(GraphRunError, match="clashes"):
            run(runner, {"x": metadata.nlu_target}, [metadata.nlu_target])


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


async def test_endpoint_session_patch_keeps_rasa_settings_and_one_connection() -> None:
    assert apply_patches()
    peers: list[Any] = []

    async def echo(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        return web.json_response({"auth": request.headers.get("Authorization"), "header": request.headers.get("X-Tanya")})

    app = web.Application()
    app.router.add_post("/webhook", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Tanya": "1"},
                              basic_auth={"username": "u", "password": "p"})
    try:
        async with unpatched(EndpointConfig, "session")(endpoint) as rasa_session, endpoint.session() as kept:
            for name in ("headers", "auth", "timeout"):
                assert getattr(kept, name) == getattr(rasa_session, name)
        answers = [await endpoint.request(json={}) for _ in range(3)]
        assert answers[0] == {"auth": "Basic dTpw", "header": "1"} == answers[1] == answers[2]
        assert len(set(peers)) == 1
        await close_endpoint_connections()
        assert kept.closed
    finally:
        await runner.cleanup()


def stored_events(assistant: Assistant, sender: str) -> list[str]:
    assert assistant.conversations
    return [row["data"] for row in Database(assistant.conversations)["events"].rows_where("sender_id = ?", [sender])]


async def test_conversations_keep_only_their_last_events(assistant: Assistant) -> None:
    sender = f"bound-{uuid.uuid4().hex}"
    for _ in range(20):
        await assistant.handle("halo", sender)
    tracker = await assistant._agent.tracker_store.retrieve(sender)
    assert len(tracker.events) == MAX_TRACKER_EVENTS
    assert tracker.latest_message.text == "halo"
    assert len(stored_events(assistant, sender)) == MAX_TRACKER_EVENTS


async def test_a_new_conversation_is_read_from_the_database_once(assistant: Assistant) -> None:
    sender = f"new-{uuid.uuid4().hex}"
    store = assistant._agent.tracker_store
    engine = getattr(store, "_tracker_store", store).engine
    statements: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        await assistant.handle("halo", sender)
        await assistant.handle("brp biaya paspor", sender)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    tracker = await store.retrieve(sender)
    assert len(stored_events(assistant, sender)) == len(tracker.events)


async def test_stored_conversations_are_masked(assistant: Assistant) -> None:
    sender = f"mask-{uuid.uuid4().hex}"
    await assistant.handle("NIK saya 3171234567890123 mau bikin paspor", sender)
    stored = "".join(stored_events(assistant, sender))
    assert "[NIK/KK]" in stored
    assert "3171234567890123" not in stored


async def test_a_store_started_again_reads_the_conversation_from_the_database(assistant: Assistant) -> None:
    sender = f"again-{uuid.uuid4().hex}"
    await assistant.handle("qwzx vbnm", sender)
    assert assistant.conversations
    fresh = ConversationStore(assistant._agent.domain, db=str(assistant.conversations))
    tracker = await fresh.retrieve(sender)
    assert tracker is not None
    assert tracker.get_slot("failures") == 1


async def test_forgetting_deletes_the_stored_conversation(assistant: Assistant) -> None:
    sender = f"forget-{uuid.uuid4().hex}"
    await assistant.handle("halo", sender)
    await assistant.forget(sender)
    assert stored_events(assistant, sender) == []
    assert await assistant._agent.tracker_store.retrieve(sender) is None


def test_old_conversation_state_goes_with_the_retention_period(tmp_path: Path) -> None:
    db = Database(tmp_path / "tanya-rasa.db")
    db["events"].insert_all([{"sender_id": "a", "timestamp": time.time() - 200 * 86400, "data": "{}"},
                             {"sender_id": "a", "timestamp": time.time(), "data": "{}"}])
    assert forget_old_conversation_state(db, 180) == 1
    assert db["events"].count == 1


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


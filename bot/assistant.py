"""The one seam to Rasa: start the action server, load the model once, handle(text, sender) -> Reply.

The console chat, `ask --jsonl` and the Telegram front end all answer through Assistant.handle,
so what outside evaluations measure is the product's real path.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from actions.faq import visible_text
from bot import texts
from bot.normalize import Normalizer
from bot.paths import ROOT

logger = logging.getLogger(__name__)

#: Telegram's own limit on a message; longer input is cut before the model reads it.
MAX_INPUT_CHARS = 4096
ACTION_SERVER_START_TIMEOUT = 60.0
#: Longest wait for one answer before apologising (Rasa's own action timeout is 5 minutes).
ANSWER_TIMEOUT = 5.0
#: Events kept per conversation (about a dozen turns, enough for the rules and both slots, which every
#: action sets): Rasa's in-memory store would otherwise keep every conversation's whole history forever.
MAX_TRACKER_EVENTS = 50
LOCALHOST = "127.0.0.1"


@dataclass(frozen=True)
class Reply:
    """What the assistant answers to one message, with the outcome the front ends act on."""

    text: str
    outcome: str
    intent: str | None = None
    confidence: float = 0.0
    faq_id: str | None = None
    suggestions: tuple[str, ...] = ()
    buttons: tuple[tuple[str, str], ...] = ()
    language: str = "id"
    #: The likeliest intents with their confidence (for staff reviewing unanswered questions).
    guesses: tuple[tuple[str, float], ...] = ()
    #: True when a part was down or slow and the reply is an apology.
    degraded: bool = False

    @property
    def plain_text(self) -> str:
        """The reply as plain text (markup removed), as a console shows it."""
        return visible_text(self.text)

    def contract(self, message: str) -> dict[str, Any]:
        """The `ask --jsonl` record for this reply (keys fixed: outside evaluations rely on them)."""
        return {
            "text": message,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "outcome": self.outcome,
            "faq_id": self.faq_id if self.outcome == "answer" else None,
            "suggestions": list(self.suggestions) if self.outcome == "clarify" else [],
            "reply": self.plain_text,
        }


def reply_from_messages(messages: list[dict[str, Any]]) -> Reply:
    """Merge the bot messages Rasa collected for one turn into a Reply."""
    payload: dict[str, Any] = {}
    parts: list[str] = []
    buttons: list[tuple[str, str]] = []
    for message in messages:
        if message.get("custom"):
            payload = message["custom"]
        if message.get("text"):
            parts.append(message["text"])
        buttons += [(b["title"], b["payload"]) for b in message.get("buttons") or []]
    if not payload:
        return unavailable()
    return Reply(
        text="\n\n".join(parts),
        outcome=payload["outcome"],
        intent=payload.get("intent"),
        confidence=float(payload.get("confidence") or 0.0),
        faq_id=payload.get("faq_id"),
        suggestions=tuple(payload.get("suggestions") or ()),
        buttons=tuple(buttons),
        language=payload.get("language") or "id",
        guesses=tuple((g[0], float(g[1])) for g in payload.get("guesses") or ()),
    )


def unavailable(language: str = "id") -> Reply:
    """The apology when the model or the action server cannot answer right now."""
    return Reply(texts.text(language, "unavailable"), "fallback", language=language, degraded=True)


def clean_input(message: str) -> str:
    """Cut a message to Telegram's length and drop characters that cannot be read."""
    message = "".join(ch for ch in message[:MAX_INPUT_CHARS] if ch.isprintable() or ch in "\n\t")
    return message.strip()


class Assistant:
    """The trained Rasa model plus its action server, started and stopped together."""

    def __init__(self, model_path: Path, normalizer: Normalizer | None = None, faq_dir: Path | None = None) -> None:
        self.model_path = model_path
        self.normalize = normalizer or Normalizer.load()
        self.faq_dir = faq_dir
        self._server: subprocess.Popen[bytes] | None = None
        self._agent: Any = None
        self._restarting: asyncio.Task[None] | None = None
        self.action_url = ""
        self.port = 0

    async def start(self) -> None:
        """Start the action server on localhost and load the model (in parallel)."""
        self.port = port = free_port()
        self.action_url = f"http://{LOCALHOST}:{port}"
        if not self.model_path.is_file():
            raise FileNotFoundError(f"model {self.model_path} not found; run `python -m bot train`")
        self._server = start_action_server(port, self.faq_dir)
        self._agent = await load_agent(self.model_path, f"{self.action_url}/webhook")
        await asyncio.to_thread(wait_until_healthy, self.action_url, self._server)

    async def swap_model(self, model_path: Path) -> None:
        """Load another model and switch to it; the old one answers until the new one is ready."""
        agent = await load_agent(model_path, f"{self.action_url}/webhook")
        self._agent, self.model_path = agent, model_path

    async def stop(self) -> None:
        """Stop the action server."""
        if self._server and self._server.poll() is None:
            self._server.terminate()
            try:
                await asyncio.to_thread(self._server.wait, 10)
            except subprocess.TimeoutExpired:
                self._server.kill()
        self._server = None

    async def __aenter__(self) -> Assistant:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def handle(self, message: str, sender_id: str, language: str | None = None) -> Reply:
        """Answer one message from one user; each sender has its own conversation state."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        cleaned = clean_input(message)
        if not any(ch.isalnum() for ch in cleaned):
            key = "empty" if not cleaned else "no_words"
            return Reply(texts.text(language or "id", key), "fallback", language=language or "id")
        if self._server is not None and self._server.poll() is not None:
            self._restart_action_server()
            return unavailable(language or "id")
        output = CollectingOutputChannel()
        metadata = {"language": language} if language else {}
        try:
            await asyncio.wait_for(
                self._agent.handle_message(UserMessage(self.normalize(cleaned), output, sender_id, metadata=metadata)),
                timeout=ANSWER_TIMEOUT,
            )
        except Exception:  # the model or the action server failed or was too slow: apologise, never crash
            logger.exception("no answer for sender %s", sender_id)
            return unavailable(language or "id")
        return reply_from_messages(output.messages)

    def _restart_action_server(self) -> None:
        """Start the action server again in the background (once at a time) after it died."""
        if self._restarting and not self._restarting.done():
            return

        async def restart() -> None:
            logger.warning("action server exited; restarting it")
            self._server = start_action_server(self.port, self.faq_dir)
            await asyncio.to_thread(wait_until_healthy, self.action_url, self._server)

        self._restarting = asyncio.create_task(restart())


def free_port() -> int:
    """A TCP port on localhost that is free right now."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def start_action_server(port: int, faq_dir: Path | None = None) -> subprocess.Popen[bytes]:
    """Run the rasa_sdk action server for the actions package, bound to localhost only."""
    env = dict(os.environ, SANIC_HOST=LOCALHOST, PYTHONPATH=str(ROOT))
    if faq_dir is not None:
        env["TANYA_FAQ_DIR"] = str(faq_dir)
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port), "--quiet"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sys.stderr, stderr=sys.stderr)


def wait_until_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    """Block until the action server answers /health, or raise if it died or never came up."""
    deadline = time.monotonic() + ACTION_SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"action server exited with code {server.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"action server did not start within {ACTION_SERVER_START_TIMEOUT:.0f} s")


def validate_action_results_with_cached_validator() -> None:
    """Make Rasa validate action-server responses with a validator built once.

    Rasa 3.6 calls jsonschema.validate() for every action response, which re-checks the large
    events schema against the JSON-Schema meta-schema each time: about 15 ms of a 30 ms answer
    (measured with cProfile, benchmarks/RESULTS.md). The response is still validated against the
    same schema; only the repeated meta-schema check is skipped.
    """
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, "_validator", None) is not None:
        return
    schema = RemoteAction.action_response_format_spec()
    RemoteAction._validator = validators.validator_for(schema)(schema)

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            RemoteAction._validator.validate(result)
        except ValidationError as exc:
            exc.message += ". Failed to validate Action server response from API."
            raise
        return True

    RemoteAction._validate_action_result = validate


def resolve_event_types_once() -> None:
    """Cache Rasa's event-type lookup, which walks every Event subclass for each event it deserialises.

    The in-memory tracker store deserialises a conversation's events on every message; profiling the load
    test showed this lookup as the largest single cost of reading a tracker (benchmarks/RESULTS.md).
    """
    from rasa.shared.core.events import Event

    lookup: Any = Event.resolve_by_type  # a staticmethod: (type_name, default) -> Event subclass
    if not hasattr(lookup, "cache_info"):
        cached: Any = staticmethod(functools.lru_cache(maxsize=None)(lookup))
        Event.resolve_by_type = cached


async def load_agent(model_path: Path, action_webhook: str) -> Any:
    """Load the trained model from local disk with the action endpoint (imports Rasa)."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import load_agent as rasa_load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    validate_action_results_with_cached_validator()
    resolve_event_types_once()
    endpoints = AvailableEndpoints(action=EndpointConfig(url=action_webhook))
    with contextlib.redirect_stdout(sys.stderr):
        agent = await rasa_load_agent(model_path=str(model_path), endpoints=endpoints)
    store = bounded_tracker_store(agent.domain)
    agent.tracker_store = agent.processor.tracker_store = store
    return agent


def bounded_tracker_store(domain: Any) -> Any:
    """Rasa's in-memory tracker store, keeping only the last MAX_TRACKER_EVENTS events per conversation."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    class BoundedTrackerStore(InMemoryTrackerStore):
        async def get_or_create_tracker(
            self, sender_id: str, max_event_history: int | None = None, append_action_listen: bool = True
        ) -> Any:
            return await super().get_or_create_tracker(sender_id, MAX_TRACKER_EVENTS, append_action_listen)

    return BoundedTrackerStore(domain)

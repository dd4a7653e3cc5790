"""The one seam to Rasa: load the model with its action server, handle(text, sender) -> Reply.

The console chat, `ask --jsonl` and the Telegram front end all answer through Assistant.handle,
so what outside evaluations measure is the product's real path. How Rasa runs (patches, tracker
store, action-server process) lives in bot/rasa_runtime/.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

from actions.dialogue import Outcome
from actions.faq import visible_text
from bot import texts
from bot.normalize import Normalizer
from bot.rasa_runtime.action_server import ActionServer
from bot.rasa_runtime.agent import ENDPOINTS_PATH, load_agent
from bot.rasa_runtime.patches import close_endpoint_connections

logger = logging.getLogger(__name__)

#: Telegram's own limit on a message; longer input is cut before the model reads it.
MAX_INPUT_CHARS = 4096
#: Longest wait for one answer before apologising (Rasa's own action timeout is 5 minutes).
ANSWER_TIMEOUT = 5.0
#: Before answering, the action server is asked whether it is alive if it was last asked this many seconds ago.
HEALTH_CHECK_INTERVAL = 30.0
#: Slashes (and spaces among them) at the start of typed text, which Rasa would read as "/intent" syntax.
LEADING_SLASHES = re.compile(r"^[\s/]+")


@dataclass(frozen=True)
class Reply:
    """What the assistant answers to one message, with the outcome the front ends act on."""

    text: str
    outcome: Outcome
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
            "outcome": self.outcome.value,
            "faq_id": self.faq_id if self.outcome is Outcome.ANSWER else None,
            "suggestions": list(self.suggestions) if self.outcome is Outcome.CLARIFY else [],
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
        outcome=Outcome(payload["outcome"]),
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
    return Reply(texts.text(language, "unavailable"), Outcome.FALLBACK, language=language, degraded=True)


def clean_input(message: str) -> str:
    """Cut a message to Telegram's length, unify look-alike characters (NFKC) and drop unreadable ones."""
    message = unicodedata.normalize("NFKC", message[:MAX_INPUT_CHARS])
    return "".join(ch for ch in message if ch.isprintable() or ch in "\n\t").strip()


def as_words(message: str) -> str:
    """Typed text as words only: never Rasa's "/intent" syntax, which would let anyone pick an intent ("/restart")."""
    return LEADING_SLASHES.sub("", message)


async def warmed_up(agent: Any) -> Any:
    """The agent after one untimed answer: a model's first prediction builds its graph (3-6 s on a busy 2-core
    machine), which would otherwise exceed the answer timeout and give the first resident an apology."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    await agent.handle_message(UserMessage("halo", CollectingOutputChannel(), "warm-up"))
    return agent


class Answering(Protocol):
    """What the front ends need of the assistant, in this process (Assistant) or in workers (bot.workers)."""

    model_path: Path

    async def handle(self, message: str, sender_id: str, language: str | None = None, intent: str | None = None) -> Reply:
        """Answer one message from one user."""

    async def swap_model(self, model_path: Path) -> None:
        """Answer with another model from now on."""

    async def forget(self, sender_id: str) -> None:
        """Delete one user's conversation state."""


RunningT = TypeVar("RunningT", bound="Running")


class Running:
    """Something started on entering `async with` and stopped on leaving it."""

    async def start(self) -> None:
        """Start; raise if that cannot be done."""
        raise NotImplementedError

    async def stop(self) -> None:
        """Stop and release what start took."""
        raise NotImplementedError

    async def __aenter__(self: RunningT) -> RunningT:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


class Assistant(Running):
    """The trained Rasa model plus its action server, started and stopped together."""

    def __init__(self, model_path: Path, normalizer: Normalizer | None = None, faq_dir: Path | None = None,
                 conversations: Path | None = None, endpoints: Path = ENDPOINTS_PATH) -> None:
        """conversations: the SQLite file that keeps conversation state across restarts (None: in memory);
        endpoints: Rasa's endpoint file (tracker store and lock store)."""
        self.model_path = model_path
        self.normalize = normalizer or Normalizer.load()
        self.actions = ActionServer(faq_dir)
        self.conversations = conversations
        self.endpoints = endpoints
        self._agent: Any = None

    async def start(self) -> None:
        """Start the action server and load the model (in parallel)."""
        if not self.model_path.is_file():
            raise FileNotFoundError(f"model {self.model_path} not found; run `python -m bot train`")
        self.actions.launch()
        try:
            agent = await self._load(self.model_path)
            await self.actions.wait_until_healthy()
            self._agent = await warmed_up(agent)
        except BaseException:
            await self.actions.stop()
            raise

    async def swap_model(self, model_path: Path) -> None:
        """Load another model and switch to it; the old one answers until the new one is ready."""
        agent = await warmed_up(await self._load(model_path))
        self._agent, self.model_path = agent, model_path

    async def _load(self, model_path: Path) -> Any:
        return await load_agent(model_path, self.actions.webhook, self.conversations, self.endpoints)

    async def forget(self, sender_id: str) -> None:
        """Delete one user's conversation state (a resident who asked to be forgotten)."""
        store = self._agent.tracker_store
        store = getattr(store, "_tracker_store", store)  # Rasa wraps the configured store in a FailSafeTrackerStore
        if hasattr(store, "forget"):
            store.forget(sender_id)
        else:  # Rasa's in-memory store
            store.store.pop(sender_id, None)

    async def stop(self) -> None:
        """Close the connections to the action server and stop it."""
        await close_endpoint_connections()
        await self.actions.stop()

    async def handle(self, message: str, sender_id: str, language: str | None = None, intent: str | None = None) -> Reply:
        """Answer one message from one user; each sender has its own conversation state.

        A button of the bot's own passes the intent it stands for, which Rasa gets as "/intent", and its title as
        the message (read as words if the model no longer knows that intent). Typed text is always read as words.
        """
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        language_or_default = language or "id"
        if intent is not None and intent in self._agent.domain.intents:
            text = f"/{intent}"
        else:
            if intent is not None:
                logger.info("button intent %r unknown to the model; reading its title as words", intent)
            cleaned = clean_input(message)
            if not any(ch.isalnum() for ch in cleaned):
                key = "empty" if not cleaned else "no_words"
                return Reply(texts.text(language_or_default, key), Outcome.FALLBACK, language=language_or_default)
            text = self.normalize(as_words(cleaned))
        if self.actions.restart_if_dead() or await self.actions.restart_if_hung(stale_after=HEALTH_CHECK_INTERVAL):
            return unavailable(language_or_default)
        output = CollectingOutputChannel()
        metadata = {"language": language} if language else {}
        try:
            await asyncio.wait_for(
                self._agent.handle_message(UserMessage(text, output, sender_id, metadata=metadata)), timeout=ANSWER_TIMEOUT
            )
        except Exception:  # the model or the action server failed or was too slow: apologise, never crash
            logger.exception("no answer for sender %s", sender_id)
            await self.actions.restart_if_hung()  # a frozen action server would make every later answer wait too
            return unavailable(language_or_default)
        return reply_from_messages(output.messages)

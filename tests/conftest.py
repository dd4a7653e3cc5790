"""Shared fixtures: the real FAQ, a real trained model (once per session) and the real assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from actions.faq import Faq, load_faq
from bot.assistant import Assistant
from bot.logs import configure_logging
from bot.training import ensure_model

configure_logging("WARNING")


@pytest.fixture(scope="session")
def faq() -> Faq:
    return load_faq()


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current data: trained once, reused while its inputs' hash is unchanged."""
    path, _ = ensure_model()
    return path


@pytest_asyncio.fixture(scope="session")
async def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Assistant]:
    """The assistant as the bot runs it, conversations in Rasa's SQL tracker store on SQLite."""
    conversations = tmp_path_factory.mktemp("assistant") / "tanya-rasa.db"
    async with Assistant(model_path, conversations=conversations) as running:
        yield running


def tracker_dict(
    intent: str | None,
    confidence: float = 0.9,
    text: str = "pertanyaan",
    ranking: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A tracker state as Rasa sends it to the action server, for Tracker.from_dict."""
    ranking = ranking if ranking is not None else [{"name": intent, "confidence": confidence}]
    return {
        "sender_id": "test-user",
        "slots": {"language": None, "failures": None, **(slots or {})},
        "latest_message": {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
            "entities": [],
            "metadata": metadata or {},
        },
        "events": [],
        "paused": False,
        "latest_action_name": "action_listen",
    }

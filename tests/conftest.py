"""Shared fixtures: the real FAQ, a real trained model (once per session), the real assistant, and the desk's
database on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg2
import pytest
import pytest_asyncio

from actions.faq import Faq, load_faq
from bot import storage
from bot.assistant import Assistant
from bot.logs import configure_logging
from bot.training import ensure_model
from tests import services

configure_logging("WARNING")


@pytest.fixture(scope="session")
def faq() -> Faq:
    return load_faq()


def started(servers: Callable[[], AbstractContextManager[dict[str, str]]]) -> Iterator[dict[str, str]]:
    """Servers of tests.services (installed from Debian's packages when missing) while in use, or a skip."""
    reason = services.unavailable()
    if reason:
        pytest.skip(reason)
    with servers() as settings:
        yield settings


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, str]]:
    """A PostgreSQL server for the whole session."""
    yield from started(services.postgres)


@pytest.fixture(params=["sqlite", "postgresql"])
def desk_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a new desk database is: a SQLite file, or a PostgreSQL URL whose tables go in a schema of their own."""
    if request.param == "sqlite":
        return tmp_path / "desk.db"
    server = request.getfixturevalue("postgres_server")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(services.database_url(server))
    try:
        with admin, admin.cursor() as cursor:  # one transaction, committed
            cursor.execute(f"CREATE SCHEMA {schema}")
    finally:
        admin.close()
    return services.database_url(server, schema)


@pytest.fixture
def desk_db(desk_location: str | Path) -> Iterator[storage.Database]:
    """The desk database there, with the current schema (usable from a Store's thread)."""
    database = storage.open_database(desk_location)
    yield database
    database.close()


def count(db: storage.Database, table: str) -> int:
    """The rows of a desk table."""
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


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


def command_args(command: ModuleType, *argv: str) -> argparse.Namespace:
    """The arguments of one `python -m bot` command, parsed by its own parser from a command line."""
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)

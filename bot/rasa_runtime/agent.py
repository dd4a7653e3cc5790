"""Load the trained model as a Rasa agent, with the endpoints of endpoints.yml and the patches applied."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from bot.paths import ROOT
from bot.rasa_runtime.patches import apply_patches

ENDPOINTS_PATH = ROOT / "endpoints.yml"
#: Tracker store types of an endpoint file that keep conversations in an SQL database.
SQL_TRACKER_STORES = ("sql", "bot.rasa_runtime.tracker_store.ConversationStore")


async def load_agent(model_path: Path, action_webhook: str, conversations: Path | None = None,
                     endpoints_path: Path = ENDPOINTS_PATH) -> Any:
    """Load the model from local disk, calling the action server at action_webhook (imports Rasa).

    conversations: the SQLite file of the SQL tracker store when the endpoint file names no database;
    None keeps conversations in memory for the life of the process (one-off evaluations such as `ask`).
    """
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # Rasa 3.6's tracker store uses SQLAlchemy 1.4 APIs
    from rasa.core.agent import load_agent as rasa_load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    apply_patches()
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_path))
    endpoints.action = EndpointConfig(url=action_webhook)
    store = endpoints.tracker_store
    if (store is not None and store.type in SQL_TRACKER_STORES and store.kwargs.get("dialect", "sqlite") == "sqlite"
            and not store.kwargs.get("db")):
        if conversations is None:
            endpoints.tracker_store = None
        else:
            conversations.parent.mkdir(parents=True, exist_ok=True)
            store.kwargs["db"] = str(conversations)
    with contextlib.redirect_stdout(sys.stderr):
        return await rasa_load_agent(model_path=str(model_path), endpoints=endpoints)

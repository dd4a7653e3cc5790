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


async def load_agent(model_path: Path, action_webhook: str) -> Any:
    """Load the model from local disk, calling the action server at action_webhook (imports Rasa)."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import load_agent as rasa_load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    apply_patches()
    endpoints = AvailableEndpoints.read_endpoints(str(ENDPOINTS_PATH))
    endpoints.action = EndpointConfig(url=action_webhook)
    with contextlib.redirect_stdout(sys.stderr):
        return await rasa_load_agent(model_path=str(model_path), endpoints=endpoints)

"""Updates kept from their arrival until they are handled, so that a crash in between loses none of them."""

from __future__ import annotations

import json
from typing import Any

from bot import storage
from bot.desk.core import Desk
from bot.privacy import mask


def masked(value: Any) -> Any:
    """A channel's update with every text in it masked (names, messages, captions), ids and flags untouched."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


async def received(desk: Desk, update_id: int, update: dict[str, Any]) -> bool:
    """Keep an update, masked, before the channel confirms it: a crash before it is handled replays it. False when
    another bot sharing the desk is handling this very update (the channel delivered it twice)."""
    return await desk.store(storage.receive_update, update_id, json.dumps(masked(update), ensure_ascii=False))


async def unfinished(desk: Desk) -> list[dict[str, Any]]:
    """The updates a crash cut off before they were handled, oldest first."""
    return [json.loads(raw) for raw in await desk.store(storage.unfinished_updates)]

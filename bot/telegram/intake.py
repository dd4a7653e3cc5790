"""The application's update queue keeps every update before Telegram is told it arrived.

Polling confirms updates with the next getUpdates call, a webhook with its HTTP answer; both come after the
update is put into this queue. So an update is stored (masked) first, handled, then dropped from the inbox
(bot.storage.conversations.mark_update_done); one a crash cut off is replayed at the next start. When storing
fails (a database locked past its busy timeout), the update is not confirmed: Telegram delivers it again.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.desk import inbox
from bot.desk.core import Desk


class InboxQueue(asyncio.Queue[object]):
    """An update queue that stores each update before queueing it."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    async def put(self, item: object) -> None:
        """Store an update, then queue it (unless another bot sharing the desk is handling it already)."""
        if isinstance(item, Update) and not await inbox.received(self.desk, item.update_id, item.to_dict()):
            return
        await super().put(item)

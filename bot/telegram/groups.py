"""Group chats get their messages in the background: Telegram takes 20 a minute per group, and no update should
wait out the staff group's pace (a resident's answer, the next message of the same chat, a staff reply).

Each group has a queue and one worker, so a group's messages keep their order. What a queue holds is also
stored in the outbox as pending: messages still queued when the bot stops are sent at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class GroupQueues:
    """One background sender per group chat."""

    def __init__(self) -> None:
        self._queues: dict[int, asyncio.Queue[Job]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}

    def put(self, chat_id: int, job: Job) -> None:
        """Run `job` after every job queued earlier for the same group."""
        if chat_id not in self._queues:
            self._queues[chat_id] = asyncio.Queue()
            self._workers[chat_id] = asyncio.create_task(self._work(self._queues[chat_id]), name=f"group {chat_id}")
        self._queues[chat_id].put_nowait(job)

    @staticmethod
    async def _work(queue: asyncio.Queue[Job]) -> None:
        """Send a group's messages one after the other, forever."""
        while True:
            job = await queue.get()
            try:
                await job()
            except Exception:  # one message failing must not stop the group's later messages
                logger.exception("a message to a group was not sent")
            finally:
                queue.task_done()

    async def drain(self, timeout: float) -> bool:
        """Wait until every queued message is out, at most `timeout` seconds; whether they all are."""
        try:
            await asyncio.wait_for(asyncio.gather(*(queue.join() for queue in self._queues.values())), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    async def stop(self, grace: float) -> None:
        """Let the queues empty for up to `grace` seconds, then stop (what is left is sent at the next start)."""
        await self.drain(grace)
        for worker in self._workers.values():
            worker.cancel()
        for worker in self._workers.values():
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._queues.clear()
        self._workers.clear()
